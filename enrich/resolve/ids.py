"""Stable company ids across runs.

- A new company's id is derived from its founding record (oldest ``first_seen_at``, then smallest
  ``record_id``): ``"c" + sha1(record_id)[:12]`` — the same data always gives the same ids.
- A previous company is *claimed* by the new cluster holding its oldest current member.
- A cluster that claims several previous companies (a merge) keeps the id of the oldest of them
  (the one whose oldest member is oldest); the others redirect to it.
- A cluster that claims none (new, or split off) gets a founder id, never one used before.
"""

from __future__ import annotations

import hashlib

import numpy as np
import pyarrow as pa
import pyarrow.compute as pc


def founder_id(record_id: str, used: set[str]) -> str:
    cid = "c" + hashlib.sha1(record_id.encode("utf-8")).hexdigest()[:12]
    k = 1
    while cid in used:
        cid = "c" + hashlib.sha1(f"{record_id}#{k}".encode()).hexdigest()[:12]
        k += 1
    return cid


def age_rank(record_ids: pa.Array, first_seen: np.ndarray) -> np.ndarray:
    """0 for the oldest record; ties broken by record_id."""
    rid_order = np.asarray(pc.sort_indices(record_ids), np.int64)
    # by first_seen, ties in record_id order: a stable sort of the record_id order (often one
    # run: every record seen at once) instead of a lexsort
    order = rid_order[np.argsort(first_seen[rid_order], kind="stable")]
    rank = np.empty(len(record_ids), np.int64)
    rank[order] = np.arange(len(record_ids))
    return rank


def assign_ids(
    record_ids: pa.Array,
    labels: np.ndarray,
    first_seen: np.ndarray,
    previous: dict[str, str] | None = None,
    used: set[str] | None = None,
) -> tuple[pa.Array, list[tuple[str, str]]]:
    """Company id per record and the (old_id, new_id) redirects this run creates."""
    n = len(record_ids)
    if previous:
        rank = age_rank(record_ids, first_seen)
    else:
        # only the order inside each cluster chooses a founder: a record alone in its cluster
        # is its founder, so the sort of record ids skips those records
        rank = np.zeros(n, np.int64)
        multi = np.flatnonzero(np.bincount(labels, minlength=n)[labels] > 1) if n else rank
        if len(multi):
            rank[multi] = age_rank(pc.take(record_ids, pa.array(multi)), first_seen[multi])
    rid_list = record_ids.to_pylist() if previous else None
    used = set(used or ())
    previous = previous or {}
    # oldest member of each cluster = its founder
    order = np.argsort(labels.astype(np.int64) * max(n, 1) + rank, kind="stable")
    sl = labels[order]
    first = np.r_[True, sl[1:] != sl[:-1]] if n else np.zeros(0, bool)
    founders = order[first]
    cluster_of_founder = sl[first]
    chosen: dict[int, str] = {}
    redirects: list[tuple[str, str]] = []
    if previous:
        used |= set(previous.values())
        anchor: dict[str, int] = {}  # previous company -> its oldest current member
        for idx in np.flatnonzero([r in previous for r in rid_list]):
            cid = previous[rid_list[idx]]
            if cid not in anchor or rank[idx] < rank[anchor[cid]]:
                anchor[cid] = int(idx)
        claims: dict[int, list[tuple[int, str]]] = {}
        for cid, idx in anchor.items():
            claims.setdefault(int(labels[idx]), []).append((int(rank[idx]), cid))
        for lab, cl in claims.items():
            cl.sort()
            chosen[lab] = cl[0][1]
            redirects.extend((cid, cl[0][1]) for _, cid in cl[1:])
    # founder ids for every cluster without a claimed id
    founder_rids = pc.take(record_ids, pa.array(founders)).to_pylist()
    sha1 = hashlib.sha1
    ids_of_cluster = [
        "c" + sha1(rid.encode()).hexdigest()[:12] for rid in founder_rids
    ]
    if chosen:
        for k, lab in enumerate(cluster_of_founder.tolist()):
            if lab in chosen:
                ids_of_cluster[k] = chosen[lab]
    if used:  # the rare founder id already taken (by an old or redirected company)
        blocked = used | set(chosen.values())
        for k, (lab, rid) in enumerate(zip(cluster_of_founder.tolist(), founder_rids,
                                           strict=True)):
            if lab not in chosen and ids_of_cluster[k] in blocked:
                ids_of_cluster[k] = founder_id(rid, blocked)
                blocked.add(ids_of_cluster[k])
    # map every record to its cluster's id: clusters are runs of ``order``
    run = np.cumsum(first) - 1
    per_record = np.empty(n, np.int64)
    per_record[order] = run
    return pc.take(pa.array(ids_of_cluster, pa.string()), pa.array(per_record)), redirects
