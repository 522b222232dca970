"""Plain equality of one normalised feature: same / differs (phone, domain, postcode, city...)."""

from __future__ import annotations

import numpy as np

from enrich.resolve.comparisons.base import Compared, Comparison, Level
from enrich.resolve.features import Features


class ExactMatch(Comparison):
    """Two levels: the normalised values are equal, or they differ.

    ``m``: prior P(same value | same company); ``u``: prior P(same value | different
    companies); ``noun``: how explanations name the field ("same legal form"); ``scored`` and
    ``vetoes_name_only`` as on :class:`Comparison`."""

    def __init__(
        self,
        name: str,
        *,
        m: float,
        u: float,
        column: str | None = None,
        noun: str | None = None,
        tf: bool = False,
        evidence: str | None = None,
        blocked_by: tuple[str, ...] | None = None,
        scored: bool = True,
        vetoes_name_only: bool = False,
    ) -> None:
        self.name = name
        self.column = column or name
        noun = noun or name.replace("_", " ")
        self.levels = (
            Level("same", m, u, says=f"same {noun}"),
            Level("different", round(1.0 - m, 6), says=f"{noun} differs"),
        )
        self.tf = tf
        self.value_column = self.column
        self.evidence = evidence
        self.blocked_by = (self.column,) if blocked_by is None else blocked_by
        self.scored = scored
        self.vetoes_name_only = vetoes_name_only

    def compare(self, feats: Features, i: np.ndarray, j: np.ndarray,
                evidence: np.ndarray | None = None) -> Compared:
        c = feats.codes(self.column)
        a, b = c[i], c[j]
        out = np.where(a == b, 0, 1).astype(np.int8)
        out[(a < 0) | (b < 0)] = -1
        return Compared(out)
