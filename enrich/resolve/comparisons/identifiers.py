"""Registry ids (company number, VAT, LEI... as 'SCHEME:ID'): an id in common links for certain."""

from __future__ import annotations

import numpy as np

from enrich.resolve.arrays import intersect_sorted
from enrich.resolve.comparisons.base import MISSING, Compared, Comparison, Level
from enrich.resolve.features import Features


def _csr_rows(offsets: np.ndarray, rows: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
    """(owner position, value index) of the CSR values of ``rows``."""
    lengths = offsets[rows + 1] - offsets[rows]
    owner = np.repeat(np.arange(len(rows), dtype=np.int64), lengths)
    start = np.repeat(offsets[rows] - np.r_[0, np.cumsum(lengths)[:-1]], lengths)
    return owner, start + np.arange(len(owner), dtype=np.int64)


class IdentifierMatch(Comparison):
    """Level 0: the records share an id; level 1: they carry ids of a common scheme and none is
    equal (strong negative evidence); missing otherwise (no ids, or no scheme in common).
    Every id of a record counts, not only the first."""

    certain = True
    vetoes_name_only = True

    def __init__(self, name: str = "identifier", *, m: float = 0.97, u: float = 1e-6,
                 evidence: str | None = "registry") -> None:
        self.name = name
        self.levels = (
            Level("same", m, u, says="same identifier"),
            Level("different", round(1.0 - m, 6), says="identifier differs"),
        )
        self.value_column = "identifier"  # the smallest id of each record
        self.evidence = evidence
        self.blocked_by = ("identifier",)

    def compare(self, feats: Features, i: np.ndarray, j: np.ndarray,
                evidence: np.ndarray | None = None) -> Compared:
        out = np.full(len(i), MISSING, np.int8)
        off = feats.ident_offsets
        has = np.diff(off) > 0
        both = np.flatnonzero(has[i] & has[j])
        if len(both) == 0:
            return Compared(out)
        m = len(both)

        def overlap(values: np.ndarray) -> np.ndarray:
            oa, va = _csr_rows(off, i[both])
            ob, vb = _csr_rows(off, j[both])
            span = int(values.max()) + 1
            common = intersect_sorted(oa * span + values[va], ob * span + values[vb])
            return np.bincount(common // span, minlength=m) > 0

        shared = overlap(feats.ident_codes)
        same_scheme = overlap(feats.ident_schemes)
        out[both[same_scheme]] = 1
        out[both[shared]] = 0
        return Compared(out)
