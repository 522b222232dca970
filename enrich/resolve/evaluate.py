"""Score a clustering against true clusters: pairwise, B-cubed and exact-cluster P/R/F1.

Counts come from the contingency table of (predicted, true) cluster labels, so a million records
score in a second. Records missing from the truth are their own true cluster.
"""

from __future__ import annotations

from dataclasses import asdict, dataclass

import numpy as np


@dataclass(frozen=True)
class Scores:
    records: int
    predicted_clusters: int
    true_clusters: int
    pair_precision: float
    pair_recall: float
    pair_f1: float
    bcubed_precision: float
    bcubed_recall: float
    bcubed_f1: float
    cluster_precision: float  # predicted clusters that are exactly a true cluster
    cluster_recall: float  # true clusters recovered exactly
    cluster_f1: float
    true_pairs: int
    predicted_pairs: int
    correct_pairs: int

    def as_dict(self) -> dict:
        return asdict(self)


def _f1(p: float, r: float) -> float:
    return 2 * p * r / (p + r) if p + r else 0.0


def _codes(labels) -> np.ndarray:
    _, inv = np.unique(np.asarray(labels, dtype=object).astype(str), return_inverse=True)
    return inv.astype(np.int64)


def score_clusters(predicted, truth) -> Scores:
    """``predicted`` and ``truth``: cluster labels, aligned record by record."""
    p = _codes(predicted)
    t = _codes(truth)
    n = len(p)
    if n == 0:
        return Scores(0, 0, 0, *([0.0] * 9), 0, 0, 0)
    cell = p * (t.max() + 1) + t
    cells, cell_n = np.unique(cell, return_counts=True)
    p_size = np.bincount(p)
    t_size = np.bincount(t)
    correct = int((cell_n * (cell_n - 1) // 2).sum())
    pred_pairs = int((p_size * (p_size - 1) // 2).sum())
    true_pairs = int((t_size * (t_size - 1) // 2).sum())
    pp = correct / pred_pairs if pred_pairs else 1.0
    pr = correct / true_pairs if true_pairs else 1.0
    # B-cubed: per record, the share of its predicted cluster that is truly with it, and back
    per = cell_n[np.searchsorted(cells, cell)].astype(float)
    bp = float(np.mean(per / p_size[p]))
    br = float(np.mean(per / t_size[t]))
    # exact clusters: a cell that is its whole predicted and its whole true cluster
    cp, ct = cells // (t.max() + 1), cells % (t.max() + 1)
    exact = int(((cell_n == p_size[cp]) & (cell_n == t_size[ct])).sum())
    n_pred, n_true = int((p_size > 0).sum()), int((t_size > 0).sum())
    cprec, crec = exact / n_pred, exact / n_true
    return Scores(
        records=n, predicted_clusters=n_pred, true_clusters=n_true,
        pair_precision=pp, pair_recall=pr, pair_f1=_f1(pp, pr),
        bcubed_precision=bp, bcubed_recall=br, bcubed_f1=_f1(bp, br),
        cluster_precision=cprec, cluster_recall=crec, cluster_f1=_f1(cprec, crec),
        true_pairs=true_pairs, predicted_pairs=pred_pairs, correct_pairs=correct,
    )


def clusters_from_pairs(ids: list[str], pairs: list[tuple[str, str]]) -> list[str]:
    """True cluster label per id from a list of matching pairs (union-find)."""
    parent = {i: i for i in ids}

    def find(x: str) -> str:
        while parent[x] != x:
            parent[x] = parent[parent[x]]
            x = parent[x]
        return x

    for a, b in pairs:
        if a in parent and b in parent:
            ra, rb = find(a), find(b)
            if ra != rb:
                parent[max(ra, rb)] = min(ra, rb)
    return [find(i) for i in ids]
