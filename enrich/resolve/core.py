"""``resolve()``: organisation records in, one stable company id per record out.

normalise -> block (several keys, hubs capped) -> compare (declared levels) -> Fellegi–Sunter
weights (u from random pairs, m by EM, term-frequency aware) -> rules (the name alone only when
it is distinctive and nothing contradicts, capped near the threshold and always reviewed;
clearly different names never link; two contradicting fields never link) -> clustering that
resists chaining (groups of up to 50 compared all-to-all, then average linkage) -> stable ids,
an explanation per record and a review band of uncertain pairs.
"""

from __future__ import annotations

import os
import resource
import time
from concurrent.futures import ThreadPoolExecutor
from dataclasses import dataclass, field

import numpy as np
import pyarrow as pa
import pyarrow.compute as pc

from enrich.resolve.arrays import contains_sorted, setdiff_sorted, unique_sorted
from enrich.resolve.blocking import candidate_pairs
from enrich.resolve.cluster import cluster
from enrich.resolve.compare import compare_pairs
from enrich.resolve.decisions import Decisions
from enrich.resolve.explain import explain_pairs
from enrich.resolve.features import build_features
from enrich.resolve.ids import assign_ids
from enrich.resolve.model import Parameters, estimate, score_pairs
from enrich.resolve.settings import ResolveSettings

# feature columns the comparisons read as strings (similarity, word sets); every other
# column is compared and blocked on by its integer codes
_READ_AS_STRINGS = frozenset({"name_clean", "street_words"})


@dataclass
class PreviousState:
    """The last run's answer: record -> company links and the redirects issued so far."""

    links: pa.Table  # record_id, company_id
    redirects: pa.Table | None = None  # old_id, new_id

    def current_ids(self) -> dict[str, str]:
        """record_id -> its previous company id, following redirects to their end."""
        red = {}
        if self.redirects is not None and self.redirects.num_rows:
            red = dict(zip(self.redirects.column("old_id").to_pylist(),
                           self.redirects.column("new_id").to_pylist(), strict=True))
        out = {}
        for rid, cid in zip(self.links.column("record_id").to_pylist(),
                            self.links.column("company_id").to_pylist(), strict=True):
            seen = 0
            while cid in red and seen < 100:
                cid = red[cid]
                seen += 1
            out[rid] = cid
        return out

    def used_ids(self) -> set[str]:
        used = set(self.links.column("company_id").to_pylist())
        if self.redirects is not None:
            used |= set(self.redirects.column("old_id").to_pylist())
            used |= set(self.redirects.column("new_id").to_pylist())
        return used


@dataclass
class Resolution:
    links: pa.Table  # record_id, company_id, match_weight, explanation
    redirects: pa.Table  # old_id, new_id
    review: pa.Table  # record_id_l, record_id_r, match_weight, explanation
    params: Parameters | None = None
    stats: dict = field(default_factory=dict)


def _rss_mb() -> float:
    try:
        with open("/proc/self/statm") as fh:
            return int(fh.read().split()[1]) * os.sysconf("SC_PAGE_SIZE") / 2**20
    except (OSError, ValueError):
        return float("nan")


def _checkpoint(stats: dict, stage: str) -> None:
    """Hand freed Arrow memory back to the OS and note the resident size after a stage, and
    the CPU seconds it took (all threads: the ids thread overlaps the output stage)."""
    pa.default_memory_pool().release_unused()
    cpu = time.process_time()
    stats[f"cpu_{stage}"] = cpu - stats.get("_cpu_mark", cpu)
    stats["_cpu_mark"] = cpu
    stats[f"rss_mb_{stage}"] = round(_rss_mb())
    stats[f"peak_mb_{stage}"] = round(resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024)


def _evidence(
    levels: dict[str, np.ndarray], contrib: dict[str, np.ndarray], settings: ResolveSettings
) -> tuple[np.ndarray, np.ndarray]:
    """Per pair: how many independent groups beyond the name agree (phone, web, address,
    registry; each agreement worth ``min_evidence_weight`` or more), and how many disagree
    (both sides present, clearly different, nothing in the group agreeing)."""
    n = len(next(iter(levels.values()))) if levels else 0
    agree: dict[str, np.ndarray] = {}
    differ: dict[str, np.ndarray] = {}
    void: dict[str, np.ndarray] = {}
    for comp in settings.comparisons:
        if comp.evidence:
            lv = levels[comp.name]
            hit = comp.agrees(lv) & (contrib[comp.name] >= settings.min_evidence_weight)
            miss = lv == comp.last
            agree[comp.evidence] = agree.get(comp.evidence, np.zeros(n, bool)) | hit
            differ[comp.evidence] = differ.get(comp.evidence, np.zeros(n, bool)) | miss
            if comp.decides_group:
                void[comp.evidence] = void.get(comp.evidence, np.zeros(n, bool)) | miss
    for group, voided in void.items():  # another street: a shared postcode is no agreement
        agree[group] &= ~voided
    n_agree = np.zeros(n, np.int8)
    n_differ = np.zeros(n, np.int8)
    for group, hit in agree.items():
        n_agree += hit
        n_differ += differ[group] & ~hit
    return n_agree, n_differ


def _rules(
    levels: dict[str, np.ndarray], contrib: dict[str, np.ndarray], settings: ResolveSettings
) -> tuple[np.ndarray, np.ndarray]:
    """Pairs allowed to link directly: a distinctive, uncontradicted name alone
    (``_name_only``), or an independent agreement beyond the name (phone, web,
    address, registry id), not outweighed by two or more disagreements — two sites of one
    agency share a name and a website but neither phone nor address — and every comparison at
    a level that allows a link with that many agreements (a clearly different name never
    does, a similar name with other words needs three); an agreement of a ``certain``
    comparison (registry id) overrides both. An agreement only counts when it is worth
    ``min_evidence_weight``: a switchboard number shared by hundreds of records is not. Also
    returns which pairs are contradicted (the clustering keeps them apart even through a
    third record), and which pairs may link on the name alone."""
    n = len(next(iter(levels.values()))) if levels else 0
    count, against = _evidence(levels, contrib, settings)
    certain = np.zeros(n, bool)
    allowed = np.ones(n, bool)
    for comp in settings.comparisons:
        lv = levels[comp.name]
        if comp.certain:
            certain |= lv == 0
        if comp.required:
            allowed &= lv >= 0
        needs = [lv_.min_evidence for lv_ in comp.levels]
        if any(x is None or x > 1 for x in needs):  # count > 0 is required anyway
            table = np.array([127 if x is None else x for x in needs] + [0], np.int16)
            allowed &= count >= table[lv]  # lv -1 (missing) reads the trailing 0
    contradicted = (against >= 2) & (against >= count) & ~certain
    linkable = (count > 0) & ((~contradicted & allowed) | certain)
    alone = _name_only(levels, count, against, settings)
    return linkable | alone, contradicted, alone


def _name_only(
    levels: dict[str, np.ndarray], count: np.ndarray, against: np.ndarray,
    settings: ResolveSettings,
) -> np.ndarray:
    """Pairs that may link on the name alone: nothing beyond the name agrees or disagrees
    (no evidence group differs), every required comparison (the name) is at a level that
    allows it (``min_evidence`` 0: exact or very similar), every ``vouches_name_only``
    comparison is at its top level (a distinctive name: "Global Services" never links alone)
    and no ``vetoes_name_only`` comparison disagrees (another city, phone, country, address)."""
    n = len(count)
    alone = (count == 0) & (against == 0)
    required = False
    for comp in settings.comparisons:
        lv = levels[comp.name]
        if comp.required:
            required = True
            ok = np.array([lv_.min_evidence == 0 for lv_ in comp.levels] + [False])
            alone &= ok[lv]  # lv -1 (missing) reads the trailing False
        if comp.vouches_name_only:
            alone &= lv == 0
        if comp.vetoes_name_only:
            alone &= lv != comp.last
    return alone if required else np.zeros(n, bool)


def _missing_pairs(
    n: int, i: np.ndarray, j: np.ndarray, link: np.ndarray, max_size: int
) -> tuple[np.ndarray, np.ndarray]:
    """Pairs inside linked groups (of up to ``max_size`` records) that blocking never compared.

    Scoring them before clustering gives the chaining check real evidence (different phones,
    different domains) instead of a guess."""
    from enrich.resolve.cluster import components

    comp = components(n, i[link], j[link])
    sizes = np.bincount(comp, minlength=n)
    lc = np.bincount(comp[i[link]], minlength=n)
    roots = np.flatnonzero((sizes > 2) & (sizes <= max_size) & (lc < sizes * (sizes - 1) // 2))
    if len(roots) == 0:
        z = np.zeros(0, np.int64)
        return z, z
    is_root = np.zeros(n, bool)  # a mask, not a search of every record among the roots
    is_root[roots] = True
    member = np.flatnonzero(is_root[comp])
    member = member[np.argsort(comp[member], kind="stable")]
    cm = comp[member]
    xi, xj = [], []
    for d in range(1, max_size):
        same = cm[d:] == cm[:-d]
        if not same.any():
            break
        xi.append(member[:-d][same])
        xj.append(member[d:][same])
    a = np.concatenate(xi)
    b = np.concatenate(xj)
    lo, hi = np.minimum(a, b), np.maximum(a, b)
    code = setdiff_sorted(lo * n + hi, i * n + j)
    return code // n, code % n


def _decision_pairs(rids: pa.Array, pairs: tuple[tuple[str, str], ...]):
    if not pairs:
        z = np.zeros(0, np.int64)
        return z, z
    left = pc.index_in(pa.array([p[0] for p in pairs], pa.string()), rids)
    right = pc.index_in(pa.array([p[1] for p in pairs], pa.string()), rids)
    ok = pc.and_(pc.is_valid(left), pc.is_valid(right))
    a = np.asarray(pc.filter(left, ok).cast(pa.int64()))
    b = np.asarray(pc.filter(right, ok).cast(pa.int64()))
    keep = a != b
    return np.minimum(a, b)[keep], np.maximum(a, b)[keep]


def _first_seen(records: pa.Table) -> np.ndarray:
    big = np.iinfo(np.int64).max
    if "first_seen_at" not in records.column_names:
        return np.full(records.num_rows, big, np.int64)
    col = records.column("first_seen_at").combine_chunks()
    if pa.types.is_string(col.type):
        col = pc.strptime(col, format="%Y-%m-%dT%H:%M:%S", unit="us", error_is_null=True)
    col = col.cast(pa.timestamp("us")).cast(pa.int64())
    return np.asarray(pc.fill_null(col, big), np.int64)


def resolve(
    records: pa.Table,
    *,
    previous: PreviousState | None = None,
    decisions: Decisions | None = None,
    settings: ResolveSettings | None = None,
) -> Resolution:
    """Resolve organisation records into companies (see the module docstring)."""
    settings = settings or ResolveSettings()
    decisions = decisions or Decisions()
    stats: dict = {"records": records.num_rows}
    t0 = time.perf_counter()
    stats["_cpu_mark"] = time.process_time()
    if "record_id" not in records.column_names or "name" not in records.column_names:
        raise ValueError("records need at least the columns record_id and name")
    rids = records.column("record_id").combine_chunks().cast(pa.string())
    n = records.num_rows
    if rids.null_count or pc.count_distinct(rids).as_py() != n:
        raise ValueError("record_id must be set and unique for every record")
    feats = build_features(records)
    # records in name order from here on (see ``Features.renumber``); the outputs are put
    # back in input order at the end. Columns compared by their codes alone get them first:
    # permuting a few integers is far cheaper than permuting ten million strings
    for name in list(feats.cols):
        if name not in _READ_AS_STRINGS:
            feats.codes(name)
    perm = np.argsort(feats.codes("name_sorted"), kind="stable")
    feats.renumber(perm)
    rids = pc.take(rids, pa.array(perm))
    stats["t_features"] = time.perf_counter() - t0
    _checkpoint(stats, "features")

    t = time.perf_counter()
    i, j, sessions = candidate_pairs(feats, settings.blocking, settings.training_keys)
    stats["pairs_by_key"] = {k: v if isinstance(v, int) else len(v)
                             for k, v in sessions.items()}
    sessions = {k: v for k, v in sessions.items() if not isinstance(v, int)}
    mi, mj = _decision_pairs(rids, decisions.must_link)
    ci, cj = _decision_pairs(rids, decisions.cannot_link)
    if len(mi) or len(ci):
        old = i * n + j
        code = unique_sorted(np.concatenate([old, mi * n + mj, ci * n + cj]))
        sessions = {k: np.searchsorted(code, old[v]) for k, v in sessions.items()}
        i, j = code // n, code % n
    stats["pairs"] = len(i)
    stats["t_blocking"] = time.perf_counter() - t
    _checkpoint(stats, "blocking")

    t = time.perf_counter()
    levels, scores = compare_pairs(feats, settings.comparisons, i, j)
    stats["t_compare"] = time.perf_counter() - t
    _checkpoint(stats, "compare")

    t = time.perf_counter()
    params = estimate(feats, levels, settings, sessions)
    weight, contrib = score_pairs(params, settings, feats, levels, i)
    linkable, contradicted, alone = _rules(levels, contrib, settings)
    weight = _cap_name_only(weight, alone, settings)
    evidence, _ = _evidence(levels, contrib, settings)
    del contrib
    if len(mi) or len(ci):
        code = i * n + j
        must = contains_sorted(unique_sorted(mi * n + mj), code)
        cannot = contains_sorted(unique_sorted(ci * n + cj), code)
        alone[must | cannot] = False
        weight[must] = np.inf
        linkable[must] = True
        contradicted[must] = False
        weight[cannot] = -np.inf
        linkable[cannot] = False
    stats["t_model"] = time.perf_counter() - t
    _checkpoint(stats, "model")

    t = time.perf_counter()
    extra = _missing_pairs(n, i, j, weight >= settings.link_weight, settings.complete_up_to)
    stats["completion_pairs"] = len(extra[0])
    if len(extra[0]):
        xi, xj = extra
        xlevels, xscores = compare_pairs(feats, settings.comparisons, xi, xj)
        xweight, xcontrib = score_pairs(params, settings, feats, xlevels, xi)
        xlink, xcontra, xalone = _rules(xlevels, xcontrib, settings)
        xweight = _cap_name_only(xweight, xalone, settings)
        contradicted = np.concatenate([contradicted, xcontra])
        alone = np.concatenate([alone, xalone])
        evidence = np.concatenate([evidence, _evidence(xlevels, xcontrib, settings)[0]])
        i, j = np.concatenate([i, xi]), np.concatenate([j, xj])
        levels = {k: np.concatenate([levels[k], xlevels[k]]) for k in levels}
        scores = {k: np.concatenate([scores[k], xscores[k]]) for k in scores}
        weight = np.concatenate([weight, xweight])
        linkable = np.concatenate([linkable, xlink])
    feats.release()
    del sessions, extra
    pa.default_memory_pool().release_unused()
    # a contradicted pair (phone and address both differ) weighs heavily against any merge
    cweight = np.where(contradicted, np.minimum(weight, settings.contradiction_weight), weight)
    labels = cluster(n, i, j, cweight, linkable, settings.link_weight, settings.unscored_weight)
    del cweight
    stats["t_cluster"] = time.perf_counter() - t
    _checkpoint(stats, "cluster")

    t = time.perf_counter()
    prev_ids = previous.current_ids() if previous is not None else None
    used = previous.used_ids() if previous is not None else None
    first_seen = _first_seen(records)[perm]

    def ids_job():
        t_ids = time.perf_counter()
        out = assign_ids(rids, labels, first_seen, prev_ids, used)
        stats["t_ids"] = time.perf_counter() - t_ids
        return out

    # ids (hashing, mostly Python) on a second thread while the explanations are built
    with ThreadPoolExecutor(max_workers=1) as pool:
        ids_future = pool.submit(ids_job)
        match_weight, explanation = _link_explanations(rids, labels, i, j, weight, levels,
                                                       scores, settings, alone)
        same = labels[i] == labels[j]
        # uncertain: not linked, yet a name not clearly different or two agreeing fields
        # beyond the name (same building and same phone under another name: a rename?)
        required = [c for c in settings.comparisons if c.required]
        near = np.full(len(i), bool(required))
        for comp in required:
            near &= (levels[comp.name] >= 0) & (levels[comp.name] < comp.last)
        plausible = (near & (evidence > 0)) | (evidence >= 2)
        # every pair the name alone links (or nearly links) is written for review too
        rev = np.flatnonzero(((~same & plausible) | alone) & (weight >= settings.review_weight)
                             & np.isfinite(weight))
        review = pa.table({
            "record_id_l": pc.take(rids, pa.array(i[rev])),
            "record_id_r": pc.take(rids, pa.array(j[rev])),
            "match_weight": pa.array(weight[rev], pa.float64()),
            "explanation": explain_pairs(settings.comparisons, levels, scores, weight, rev,
                                         alone),
        })
        company, redirects = ids_future.result()
    links = pa.table({"record_id": rids, "company_id": company, "match_weight": match_weight,
                      "explanation": explanation})
    inverse = np.empty(n, np.int64)
    inverse[perm] = np.arange(n, dtype=np.int64)
    links = links.take(pa.array(inverse))  # back in input order
    red = pa.table({
        "old_id": pa.array([r[0] for r in redirects], pa.string()),
        "new_id": pa.array([r[1] for r in redirects], pa.string()),
    })
    stats["t_output"] = time.perf_counter() - t
    _checkpoint(stats, "output")
    stats["companies"] = int(np.count_nonzero(labels == np.arange(n)))
    stats["t_total"] = time.perf_counter() - t0
    del stats["_cpu_mark"]
    return Resolution(links=links, redirects=red, review=review, params=params, stats=stats)


def _cap_name_only(weight: np.ndarray, alone: np.ndarray,
                   settings: ResolveSettings) -> np.ndarray:
    """A pair linked on the name alone is never certain: its weight stays near the threshold
    (at most ``name_only_margin`` above it), so one such pair cannot outweigh a contradiction
    in clustering, and the pair lands in the review band."""
    if alone.any():
        weight = weight.copy()
        weight[alone] = np.minimum(weight[alone], settings.link_weight + settings.name_only_margin)
    return weight


def _link_explanations(rids, labels, i, j, weight, levels, scores, settings, alone):
    """(match weight, explanation) per record: its strongest pair inside its company."""
    n = len(labels)
    same = np.flatnonzero(labels[i] == labels[j])
    best_w = np.full(n, -np.inf)
    best_pair = np.full(n, -1, np.int64)
    best_other = np.full(n, -1, np.int64)
    if len(same):
        w = weight[same]
        w = np.where(np.isnan(w), -np.inf, w)
        for a, b in ((i[same], j[same]), (j[same], i[same])):
            # each record's heaviest pair (the first of equals), in linear time: no sort
            top = np.full(n, -np.inf)
            np.maximum.at(top, a, w)
            hit = np.flatnonzero(w == top[a])
            first = np.full(n, len(w), np.int64)
            np.minimum.at(first, a[hit], hit)
            rec = np.flatnonzero(first < len(w))
            pos = same[first[rec]]
            other = b[first[rec]]
            wv = weight[pos]
            better = wv > best_w[rec]
            best_w[rec[better]] = wv[better]
            best_pair[rec[better]] = pos[better]
            best_other[rec[better]] = other[better]
    has = best_pair >= 0
    expl = pa.nulls(n, pa.string())
    if has.any():
        sel = best_pair[has]
        txt = explain_pairs(settings.comparisons, levels, scores, weight, sel, alone)
        other = pc.take(rids, pa.array(best_other[has]))
        txt = pc.binary_join_element_wise(txt, " (with ", other, ")", "")
        expl = pc.replace_with_mask(expl, pa.array(has), txt)
    expl = pc.fill_null(expl, "single record: no match at or above the link weight")
    mw = np.where(has & np.isfinite(best_w), best_w, np.nan)
    return pa.array(mw, pa.float64(), mask=~(has & np.isfinite(best_w))), expl
