"""Candidate pairs from several blocking keys, each capped adaptively so no key explodes.

A block small enough (``window`` + 1 records or fewer) is paired all-to-all. A bigger block
means its key value is common ("smith", "bau", a switchboard number): sharing it is weak
evidence, so its members are sorted by name and each meets only its next few neighbours, fewer
the bigger the block (``adaptive_windows``: the window shrinks with the square root of the
block size). And a key whose pairs would still exceed its budget (``max_pairs_per_record``
times the records) has its blocks cut further, biggest first, down to one neighbour, and if
need be to none: its pairs grow in step with the records, however dense the key gets as a file
grows. This is the cost control Splink leaves to the user (it warns about big blocks) and
dedupe learns from labels: here it follows from the block sizes alone, on any distribution.
"""

from __future__ import annotations

import numpy as np

from enrich.resolve.features import Features
from enrich.resolve.settings import BlockingKey

# a key's budget is never below this many pairs: on a small file comparing is cheap, and a
# per-record budget there would cut the very blocks that hold its few duplicates
MIN_BUDGET = 1000


def block_pair_count(sizes: np.ndarray, windows: np.ndarray) -> np.ndarray:
    """Pairs a block of each size yields with each window (sorted neighbourhood; all pairs
    when the window spans the block)."""
    s = sizes.astype(np.int64)
    w = np.minimum(windows.astype(np.int64), np.maximum(s - 1, 0))
    return w * s - w * (w + 1) // 2


def adaptive_windows(sizes: np.ndarray, window: int, budget: int | None = None) -> np.ndarray:
    """The neighbour window of each block: ``window`` (all pairs) up to ``window`` + 1
    members; beyond, ``window * sqrt((window + 1) / size)``, at least 1, so a block of s
    records yields about ``window * sqrt((window + 1) * s)`` pairs, not ``window * s``.

    If the key's pairs still exceed ``budget``, blocks drop to one neighbour (a chain in name
    order), biggest first, small ones too: where a key grows dense (more firms to a postcode
    and trade word as the file grows) its small blocks are chance meetings as well. If even
    the chains exceed it, the biggest blocks yield nothing (window 0): a value shared by that
    many records is no evidence, and their records still meet through the other keys. So a
    key's pairs stay within ``budget`` (pairs per record times records) at any size."""
    sizes = sizes.astype(np.int64)
    big = sizes > window + 1
    w = np.full(len(sizes), window, np.int64)
    if big.any():
        w[big] = np.maximum(1, np.round(window * np.sqrt((window + 1) / sizes[big]))).astype(
            np.int64)
    if budget is None:
        return w
    for floor, cuttable in ((1, sizes > 2), (0, sizes > 1)):
        total = int(block_pair_count(sizes, w).sum())
        if total <= budget or not cuttable.any():
            break
        order = np.flatnonzero(cuttable)[_biggest_first(sizes[cuttable])]
        saving = block_pair_count(sizes[order], w[order]) - block_pair_count(
            sizes[order], np.full(len(order), floor, np.int64))
        cut = np.searchsorted(np.cumsum(saving), total - budget) + 1
        w[order[:cut]] = np.minimum(w[order[:cut]], floor)
    return w


def _biggest_first(sizes: np.ndarray) -> np.ndarray:
    """Positions of ``sizes`` from the biggest down, equal sizes in position order (a stable
    sort). Block sizes are small numbers: as 16-bit keys NumPy sorts them by radix, in
    linear time, where a comparison sort of millions of blocks per key grows faster."""
    top = int(sizes.max(initial=0))
    if top < 2**16:
        return np.argsort((top - sizes).astype(np.uint16), kind="stable")
    return np.argsort(-sizes, kind="stable")


def _windowed(sval: np.ndarray, srec: np.ndarray, window: int, budget: int | None,
              distinct_rec: bool = False) -> tuple[np.ndarray, np.ndarray]:
    """Pairs of sorted records within their block's adaptive window (``sval``: the key of
    each sorted position, equal keys adjacent)."""
    m = len(sval)
    if m < 2:
        return np.zeros(0, np.int64), np.zeros(0, np.int64)
    starts = np.flatnonzero(np.r_[True, sval[1:] != sval[:-1]])
    sizes = np.diff(np.r_[starts, m])
    wins = adaptive_windows(sizes, window, budget)
    pos_win = np.repeat(wins, sizes)  # the window of the block each position is in
    left, right = [], []
    # positions whose block still reaches ``d`` ahead: a position whose neighbour at d is in
    # another block never pairs further, so each step looks at fewer positions (most blocks
    # hold one or two records) instead of the whole key again
    pos = np.flatnonzero(pos_win[:-1] >= 1)
    for d in range(1, window + 1):
        pos = pos[pos + d < m]
        pos = pos[(pos_win[pos] >= d) & (sval[pos + d] == sval[pos])]
        hit = pos[srec[pos + d] != srec[pos]] if distinct_rec else pos
        if len(hit) == 0:
            break
        left.append(srec[hit])
        right.append(srec[hit + d])
    if not left:
        return np.zeros(0, np.int64), np.zeros(0, np.int64)
    return np.concatenate(left).astype(np.int64), np.concatenate(right).astype(np.int64)


def key_pairs(key: np.ndarray, order: np.ndarray, window: int,
              budget: int | None = None) -> tuple[np.ndarray, np.ndarray]:
    """All pairs inside blocks of up to ``window`` + 1 records; in bigger blocks each record
    meets only its next neighbours in ``order`` (sorted neighbourhood), within the block's
    adaptive window (:func:`adaptive_windows`), so the pair count stays below linear in the
    block size and within the key's ``budget``."""
    idx = np.flatnonzero(key >= 0)
    if len(idx) < 2:
        return np.zeros(0, np.int64), np.zeros(0, np.int64)
    k = key[idx].astype(np.int64)
    top = int(k.max()) + 1
    rank = order[idx]
    if top * len(key) < 2**62 and bool(np.all(rank[1:] >= rank[:-1])):
        # records already numbered in ``order`` (as ``resolve`` numbers them): the order by
        # (key, rank, position) is the order by (key, position), and those keys are all
        # different, so the fastest sort gives it; a stable sort costs 2.6 times as much on
        # ten million keys (``bench.scaling_baseline``)
        o = np.argsort(k * len(key) + idx)
    elif top * (span := int(order.max(initial=0)) + 1) < 2**62:  # one int64 sort, no lexsort
        o = np.argsort(k * span + rank, kind="stable")
    else:
        o = np.lexsort((idx, rank, k))
    sidx = idx[o]
    return _windowed(key[sidx], sidx, window, budget)


def exploded_pairs(
    offsets: np.ndarray, values: np.ndarray, order: np.ndarray, window: int,
    budget: int | None = None,
) -> tuple[np.ndarray, np.ndarray]:
    """Like :func:`key_pairs` for a many-valued key (CSR: values of record k at
    offsets[k]:offsets[k+1]), e.g. all registry ids of each record."""
    if len(values) < 2:
        return np.zeros(0, np.int64), np.zeros(0, np.int64)
    rec = np.repeat(np.arange(len(offsets) - 1, dtype=np.int64), np.diff(offsets))
    o = np.lexsort((rec, order[rec], values))
    return _windowed(values[o], rec[o], window, budget, distinct_rec=True)


def candidate_pairs(
    feats: Features, keys: tuple[BlockingKey, ...], train: tuple[str, ...] = ()
) -> tuple[np.ndarray, np.ndarray, dict[str, np.ndarray | int]]:
    """Distinct pairs (i < j) over all keys; for each key in ``train`` the positions of its
    pairs (EM training sessions), for the others their count."""
    order = feats.codes("name_sorted").astype(np.int64)
    stats: dict[str, np.ndarray | int] = {}
    n = feats.n
    for bk in keys:  # key codes first (they fill a shared cache), pairs on two threads
        if bk.parts != ("identifier",):
            feats.combined_codes(bk.parts)

    def pairs_of(bk: BlockingKey) -> np.ndarray:
        budget = (None if bk.max_pairs_per_record is None
                  else max(int(bk.max_pairs_per_record * n), MIN_BUDGET))
        if bk.parts == ("identifier",):  # every id of a record, not just one
            a, b = exploded_pairs(feats.ident_offsets, feats.ident_codes, order, bk.window,
                                  budget)
        else:
            a, b = key_pairs(feats.combined_codes(bk.parts), order, bk.window, budget)
        lo, hi = np.minimum(a, b), np.maximum(a, b)
        return lo * n + hi

    from concurrent.futures import ThreadPoolExecutor

    with ThreadPoolExecutor(max_workers=2) as pool:
        codes = list(pool.map(pairs_of, keys))
    allc = np.sort(np.concatenate(codes)) if codes else np.zeros(0, np.int64)
    if len(allc):
        allc = allc[np.r_[True, allc[1:] != allc[:-1]]]
    for bk, c in zip(keys, codes, strict=True):
        # a session is a set of pairs: its positions ascending (a search of sorted needles)
        stats[bk.name] = np.searchsorted(allc, np.sort(c)) if bk.name in train else len(c)
    return allc // n, allc % n, stats
