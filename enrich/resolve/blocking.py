"""Candidate pairs from several blocking keys, with hub blocks capped by a sorted window."""

from __future__ import annotations

import numpy as np

from enrich.resolve.features import Features
from enrich.resolve.settings import BlockingKey


def key_pairs(key: np.ndarray, order: np.ndarray, window: int) -> tuple[np.ndarray, np.ndarray]:
    """All pairs inside blocks of up to ``window`` + 1 records; in bigger blocks (hubs) each
    record meets only its ``window`` next neighbours in ``order`` (sorted-neighbourhood), so the
    pair count stays linear in the block size."""
    idx = np.flatnonzero(key >= 0)
    if len(idx) < 2:
        return np.zeros(0, np.int64), np.zeros(0, np.int64)
    k = key[idx].astype(np.int64)
    span = int(order.max(initial=0)) + 1
    if (int(k.max()) + 1) * span < 2**62:  # one stable int64 sort instead of a lexsort
        o = np.argsort(k * span + order[idx], kind="stable")
    else:
        o = np.lexsort((idx, order[idx], k))
    sidx = idx[o]
    skey = key[sidx]
    left, right = [], []
    for d in range(1, window + 1):
        same = skey[d:] == skey[:-d]
        if not same.any():
            break
        left.append(sidx[:-d][same])
        right.append(sidx[d:][same])
    if not left:
        return np.zeros(0, np.int64), np.zeros(0, np.int64)
    return np.concatenate(left).astype(np.int64), np.concatenate(right).astype(np.int64)


def exploded_pairs(
    offsets: np.ndarray, values: np.ndarray, order: np.ndarray, window: int
) -> tuple[np.ndarray, np.ndarray]:
    """Like :func:`key_pairs` for a many-valued key (CSR: values of record k at
    offsets[k]:offsets[k+1]), e.g. all registry ids of each record."""
    if len(values) < 2:
        return np.zeros(0, np.int64), np.zeros(0, np.int64)
    rec = np.repeat(np.arange(len(offsets) - 1, dtype=np.int64), np.diff(offsets))
    o = np.lexsort((rec, order[rec], values))
    srec, sval = rec[o], values[o]
    left, right = [], []
    for d in range(1, window + 1):
        same = (sval[d:] == sval[:-d]) & (srec[d:] != srec[:-d])
        if not (sval[d:] == sval[:-d]).any():
            break
        left.append(srec[:-d][same])
        right.append(srec[d:][same])
    if not left:
        return np.zeros(0, np.int64), np.zeros(0, np.int64)
    return np.concatenate(left), np.concatenate(right)


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
        if bk.parts == ("identifier",):  # every id of a record, not just one
            a, b = exploded_pairs(feats.ident_offsets, feats.ident_codes, order, bk.window)
        else:
            a, b = key_pairs(feats.combined_codes(bk.parts), order, bk.window)
        lo, hi = np.minimum(a, b), np.maximum(a, b)
        return lo * n + hi

    from concurrent.futures import ThreadPoolExecutor

    with ThreadPoolExecutor(max_workers=2) as pool:
        codes = list(pool.map(pairs_of, keys))
    allc = np.sort(np.concatenate(codes)) if codes else np.zeros(0, np.int64)
    if len(allc):
        allc = allc[np.r_[True, allc[1:] != allc[:-1]]]
    for bk, c in zip(keys, codes, strict=True):
        stats[bk.name] = np.searchsorted(allc, c) if bk.name in train else len(c)
    return allc // n, allc % n, stats
