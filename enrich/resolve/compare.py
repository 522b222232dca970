"""Compare candidate pairs field by field: one int8 level per comparison (-1 = missing)."""

from __future__ import annotations

import numpy as np
from rapidfuzz import fuzz, process
from rapidfuzz.distance import JaroWinkler

from enrich.resolve.features import Features
from enrich.resolve.settings import Comparison

MISSING = -1


def _exact(feats: Features, column: str, i: np.ndarray, j: np.ndarray) -> np.ndarray:
    c = feats.codes(column)
    a, b = c[i], c[j]
    out = np.where(a == b, 0, 1).astype(np.int8)
    out[(a < 0) | (b < 0)] = MISSING
    return out


def name_similarity(
    a: np.ndarray, b: np.ndarray, floor: float = 0.85
) -> tuple[np.ndarray, np.ndarray]:
    """(similarity, subset) for name pairs; similarity in 0..1, subset: one name's words are
    all in the other.

    similarity = max(token-sort ratio, min(Jaro-Winkler, partial ratio)): token-sort forgives
    word order and typos; Jaro-Winkler forgives abbreviation ("arts deli") but alone it rewards
    a long shared prefix ("ritz carlton cafe" vs "ritz carlton dining room"), so it only counts
    as far as one name is also (nearly) contained in the other. The costlier scorers only run
    where they can still lift a pair over ``floor``, the lowest similarity level.
    """
    kw = {"workers": -1, "dtype": np.float32}
    if len(a) == 0:
        return np.zeros(0, np.float32), np.zeros(0, bool)
    sim = process.cpdist(a, b, scorer=fuzz.token_sort_ratio, **kw) / 100.0
    look = np.flatnonzero(sim < 0.999)
    if len(look):
        jw = process.cpdist(a[look], b[look], scorer=JaroWinkler.normalized_similarity,
                            score_cutoff=floor, **kw)
        lift = jw > sim[look]
        if lift.any():
            idx = look[lift]
            part = process.cpdist(a[idx], b[idx], scorer=fuzz.partial_ratio,
                                  score_cutoff=floor * 100, **kw) / 100.0
            sim[idx] = np.maximum(sim[idx], np.minimum(jw[lift], part))
    subset = np.zeros(len(a), bool)
    low = np.flatnonzero(sim < floor)
    if len(low):
        tset = process.cpdist(a[low], b[low], scorer=fuzz.token_set_ratio, score_cutoff=100,
                              **kw)
        subset[low] = tset >= 100
    return sim, subset


def _is_abbreviation(short: str, long: str) -> bool:
    """'hdgs' of 'holdings', 'itnl' of 'international': same first letter, letters in order."""
    if len(short) < 2 or short[0] != long[0]:
        return False
    pos = 0
    for ch in short[1:]:
        pos = long.find(ch, pos + 1)
        if pos < 0:
            return False
    return True


def _word_matches(word: str, others: set[str]) -> bool:
    """A typo, prefix or abbreviation of one of ``others``."""
    for o in others:
        if o.startswith(word) or word.startswith(o):
            return True
        if fuzz.ratio(word, o) >= 70:
            return True
        short, long_ = (word, o) if len(word) < len(o) else (o, word)
        if _is_abbreviation(short, long_):
            return True
    return False


def distinct_words(a: np.ndarray, b: np.ndarray) -> np.ndarray:
    """True where both names keep a word of their own that matches nothing in the other name
    (not a typo, not an abbreviation/prefix): same brand, different business."""
    out = np.zeros(len(a), bool)
    for k, (x, y) in enumerate(zip(a.tolist(), b.tolist(), strict=True)):
        ta, tb = set(x.split()), set(y.split())
        la, lb = ta - tb, tb - ta
        if not la or not lb:
            continue
        short, long_ = (la, lb) if len(la) <= len(lb) else (lb, la)
        out[k] = not all(_word_matches(w, long_) for w in short)
    return out


def _name(feats: Features, comp: Comparison, i: np.ndarray, j: np.ndarray,
          evidence: np.ndarray | None = None):
    c = feats.codes("name_clean")
    ca, cb = c[i], c[j]
    missing = (ca < 0) | (cb < 0)
    exact = (ca == cb) & ~missing
    todo = np.flatnonzero(~exact & ~missing)
    names = feats.objects("name_clean")
    sim = np.where(exact, 1.0, 0.0).astype(np.float32)
    subset = np.zeros(len(i), bool)
    floor = min(lv.threshold for lv in comp.levels
                if lv.threshold is not None and lv.label != "subset")
    s, t = name_similarity(names[i[todo]], names[j[todo]], floor)
    sim[todo], subset[todo] = s, t
    levels = np.full(len(i), len(comp.levels) - 1, np.int8)
    # fuzzy levels from the weakest up, so the strongest that applies wins
    fuzzy = [(k, lv) for k, lv in enumerate(comp.levels) if lv.threshold is not None]
    for k, lv in reversed(fuzzy):
        hit = subset if lv.label == "subset" else sim >= lv.threshold
        levels[hit] = k
    # "Acme Trading" vs "Acme Automation": each name has a word the other lacks -> different.
    # Only where it can matter: pairs with some agreement beyond the name.
    fuzzy_levels = [k for k, lv in enumerate(comp.levels) if lv.threshold is not None]
    check = (levels > 0) & (levels <= max(fuzzy_levels, default=0)) & ~subset
    if evidence is not None:
        check &= evidence
    check = np.flatnonzero(check)
    if len(check):
        clash = distinct_words(names[i[check]], names[j[check]])
        labels = [lv.label for lv in comp.levels]
        other = labels.index("other words") if "other words" in labels else len(labels) - 1
        levels[check[clash]] = other
    # "Unit 1 Trading" vs "Unit 2 Trading": different numbers in the names are different firms
    nums = feats.codes("name_numbers")
    na, nb = nums[i], nums[j]
    levels[(na >= 0) & (nb >= 0) & (na != nb)] = len(comp.levels) - 1
    levels[exact] = 0
    levels[missing] = MISSING
    return levels, sim


def _street(feats: Features, comp: Comparison, i: np.ndarray, j: np.ndarray) -> np.ndarray:
    """same key / same number and similar street words / same number / different."""
    key = feats.codes("street_key")
    num = feats.codes("house_number")
    a, b = key[i], key[j]
    out = np.full(len(i), len(comp.levels) - 1, np.int8)
    same_num = (num[i] == num[j]) & (num[i] >= 0)
    out[same_num] = 2
    todo = np.flatnonzero(same_num & (a != b))
    words = feats.objects("street_words")
    wa, wb = words[i[todo]], words[j[todo]]
    ok = np.array([x is not None and y is not None for x, y in zip(wa, wb, strict=True)], bool)
    if ok.any():
        score = process.cpdist(wa[ok], wb[ok], scorer=fuzz.token_set_ratio, workers=-1,
                               dtype=np.float32) / 100.0
        threshold = comp.levels[1].threshold or 0.9
        out[todo[ok][score >= threshold]] = 1
    out[a == b] = 0
    out[(a < 0) | (b < 0)] = MISSING
    return out


def _csr_rows(offsets: np.ndarray, rows: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
    """(owner position, value index) of the CSR values of ``rows``."""
    lengths = offsets[rows + 1] - offsets[rows]
    owner = np.repeat(np.arange(len(rows), dtype=np.int64), lengths)
    start = np.repeat(offsets[rows] - np.r_[0, np.cumsum(lengths)[:-1]], lengths)
    return owner, start + np.arange(len(owner), dtype=np.int64)


def _identifiers(feats: Features, i: np.ndarray, j: np.ndarray) -> np.ndarray:
    """0: an id in common; 1: ids of a common scheme, none equal; missing otherwise."""
    out = np.full(len(i), MISSING, np.int8)
    off = feats.ident_offsets
    has = np.diff(off) > 0
    both = np.flatnonzero(has[i] & has[j])
    if len(both) == 0:
        return out
    m = len(both)

    def overlap(values: np.ndarray) -> np.ndarray:
        oa, va = _csr_rows(off, i[both])
        ob, vb = _csr_rows(off, j[both])
        span = int(values.max()) + 1
        ka = np.unique(oa * span + values[va])
        kb = np.unique(ob * span + values[vb])
        common = np.intersect1d(ka, kb, assume_unique=True)
        return np.bincount(common // span, minlength=m) > 0

    shared = overlap(feats.ident_codes)
    same_scheme = overlap(feats.ident_schemes)
    out[both[same_scheme]] = 1
    out[both[shared]] = 0
    return out


def compare_pairs(
    feats: Features, comparisons: tuple[Comparison, ...], i: np.ndarray, j: np.ndarray
) -> tuple[dict[str, np.ndarray], np.ndarray]:
    """Levels per comparison, and the name similarity (for explanations)."""
    levels: dict[str, np.ndarray] = {}
    sim = np.zeros(len(i), np.float32)
    name_comps = [c for c in comparisons if c.method == "name"]
    for comp in [c for c in comparisons if c.method != "name"] + name_comps:
        if comp.method == "name":
            evidence = np.zeros(len(i), bool)
            for other in comparisons:
                if other.strong:
                    evidence |= levels[other.field] == 0
                    if other.method == "street":
                        evidence |= levels[other.field] == 1
            levels[comp.field], sim = _name(feats, comp, i, j, evidence)
        elif comp.method == "street":
            levels[comp.field] = _street(feats, comp, i, j)
        elif comp.method == "identifiers":
            levels[comp.field] = _identifiers(feats, i, j)
        elif comp.method in ("exact", "city"):
            levels[comp.field] = _exact(feats, comp.field, i, j)
        else:
            raise ValueError(f"unknown comparison method {comp.method!r} for {comp.field}")
    return {c.field: levels[c.field] for c in comparisons}, sim
