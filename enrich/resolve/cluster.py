"""Clustering that resists chaining.

1. Connected components over the links (pairs at or above the link weight), in numpy.
2. A component whose members are all linked to each other (a clique: by far the most common
   case) is accepted as it is.
3. Any other component is re-clustered by greedy average linkage over *every* scored pair
   inside it (negative evidence included; pairs never compared count as ``unscored_weight``):
   two groups merge only while their mean pair weight stays at or above the link weight. A single
   strong link between two large groups therefore cannot merge them, and a cannot-link pair
   (weight -inf) keeps its two groups apart for good.
"""

from __future__ import annotations

import heapq
import math
from collections import defaultdict

import numpy as np

from enrich.resolve.arrays import union_sorted


def components(n: int, i: np.ndarray, j: np.ndarray) -> np.ndarray:
    """Connected-component label (smallest member index) of each of ``n`` nodes.

    Only the nodes on an edge can join anything: they are renumbered densely (in index order,
    so the smallest stays the smallest) and the hooking and pointer jumping run over them
    alone, on arrays a fraction of ``n`` long."""
    parent = np.arange(n, dtype=np.int64)
    if len(i) == 0:
        return parent
    nodes = np.flatnonzero(np.bincount(np.concatenate([i, j]), minlength=n))
    local = np.full(n, -1, np.int64)
    local[nodes] = np.arange(len(nodes), dtype=np.int64)
    li, lj = local[i], local[j]
    del local
    p = np.arange(len(nodes), dtype=np.int64)
    while True:
        pi, pj = p[li], p[lj]
        diff = pi != pj
        if not diff.any():
            break
        lo = np.minimum(pi[diff], pj[diff])
        hi = np.maximum(pi[diff], pj[diff])
        np.minimum.at(p, hi, lo)
        while True:  # pointer jumping until every node points at its root
            nxt = p[p]
            if np.array_equal(nxt, p):
                break
            p = nxt
    parent[nodes] = nodes[p]
    return parent


def _average_linkage(
    members: np.ndarray, pi: np.ndarray, pj: np.ndarray, w: np.ndarray, threshold: float,
    unscored: float,
) -> list[list[int]]:
    """Greedy average-linkage over one component; returns the groups (lists of node ids)."""
    local = {int(m): k for k, m in enumerate(members)}
    size = [1] * len(members)
    alive = [True] * len(members)
    groups: list[list[int]] = [[int(m)] for m in members]
    sums: dict[int, dict[int, float]] = defaultdict(dict)
    for a, b, x in zip(pi.tolist(), pj.tolist(), w.tolist(), strict=True):
        la, lb = local[a], local[b]
        sums[la][lb] = sums[la].get(lb, 0.0) + x
        sums[lb][la] = sums[lb].get(la, 0.0) + x
    version = [0] * len(members)

    def avg(a: int, b: int, s: float) -> float:
        pairs = size[a] * size[b]
        known = counts[a].get(b, 0)
        if math.isnan(s):  # must-link and cannot-link between the same groups: keep apart
            return -math.inf
        if math.isinf(s):
            return s
        return (s + unscored * (pairs - known)) / pairs

    counts: dict[int, dict[int, int]] = defaultdict(dict)
    for a, b in zip(pi.tolist(), pj.tolist(), strict=True):
        la, lb = local[a], local[b]
        counts[la][lb] = counts[la].get(lb, 0) + 1
        counts[lb][la] = counts[lb].get(la, 0) + 1
    heap = []
    for a, nb in sums.items():
        for b, s in nb.items():
            if a < b:
                v = avg(a, b, s)
                if v >= threshold:
                    heap.append((-v, a, b, 0, 0))
    heapq.heapify(heap)
    while heap:
        negv, a, b, va, vb = heapq.heappop(heap)
        if not (alive[a] and alive[b]) or version[a] != va or version[b] != vb:
            continue
        # merge b into a
        alive[b] = False
        groups[a].extend(groups[b])
        groups[b] = []
        size[a] += size[b]
        version[a] += 1
        for c, s in sums.pop(b, {}).items():
            if c == a:
                continue
            sums[c].pop(b, None)
            cnt = counts[c].pop(b, 0)
            sums[a][c] = sums[a].get(c, 0.0) + s
            sums[c][a] = sums[a][c]
            counts[a][c] = counts[a].get(c, 0) + cnt
            counts[c][a] = counts[a][c]
        sums[a].pop(b, None)
        counts[a].pop(b, None)
        counts.pop(b, None)
        for c, s in sums[a].items():
            if alive[c]:
                v = avg(a, c, s)
                if v >= threshold:
                    heapq.heappush(heap, (-v, a, c, version[a], version[c]) if a < c
                                   else (-v, c, a, version[c], version[a]))
    return [g for g, ok in zip(groups, alive, strict=True) if ok]


def cluster(
    n: int,
    i: np.ndarray,
    j: np.ndarray,
    weight: np.ndarray,
    linkable: np.ndarray,
    threshold: float,
    unscored: float = 0.0,
) -> np.ndarray:
    """Cluster label (smallest member index) per record."""
    link = linkable & (weight >= threshold)
    comp = components(n, i[link], j[link])
    sizes = np.bincount(comp, minlength=n)
    # links inside each component vs the pairs a clique would have
    lc = np.bincount(comp[i[link]], minlength=n)
    need = sizes * (sizes - 1) // 2
    roots = np.flatnonzero((sizes > 2) & (lc < need))
    # components holding a scored pair that may not be linked (e.g. cannot-link) need a check too
    same = comp[i] == comp[j]
    blocked = same & ~link
    roots = union_sorted(roots, comp[i[blocked]])
    if len(roots) == 0:
        return comp
    label = comp.copy()
    in_root = np.zeros(n, bool)
    in_root[roots] = True
    sel = same & in_root[comp[i]]
    # a pair a rule keeps from linking directly (name alone, clearly different names) still
    # counts, but never in favour; cannot-link pairs arrive as -inf, must-link as +inf
    si, sj = i[sel], j[sel]
    sw = np.where(linkable[sel], weight[sel], np.minimum(weight[sel], unscored))
    # group the pairs and members by component
    pc_ = comp[si]
    order = np.argsort(pc_, kind="stable")
    si, sj, sw, pc_ = si[order], sj[order], sw[order], pc_[order]
    starts = np.searchsorted(pc_, roots, "left")
    ends = np.searchsorted(pc_, roots, "right")
    mem_order = np.argsort(comp, kind="stable")
    mcomp = comp[mem_order]
    mstart = np.searchsorted(mcomp, roots, "left")
    mend = np.searchsorted(mcomp, roots, "right")
    for _r, s, e, ms, me in zip(roots, starts, ends, mstart, mend, strict=True):
        members = mem_order[ms:me]
        groups = _average_linkage(members, si[s:e], sj[s:e], sw[s:e], threshold, unscored)
        for g in groups:
            label[g] = min(g)
    return label
