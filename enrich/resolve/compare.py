"""Compare candidate pairs with every declared comparison: one int8 level each (-1 = missing)."""

from __future__ import annotations

from collections.abc import Sequence

import numpy as np

from enrich.resolve.comparisons import MISSING, Comparison
from enrich.resolve.features import Features

__all__ = ["MISSING", "compare_pairs", "evidence_mask"]


def evidence_mask(comparisons: Sequence[Comparison], levels: dict[str, np.ndarray],
                  n: int) -> np.ndarray:
    """Pairs with an agreement beyond the name (phone, web, address, registry id)."""
    out = np.zeros(n, bool)
    for comp in comparisons:
        if comp.evidence is not None and comp.name in levels:
            out |= comp.agrees(levels[comp.name])
    return out


def compare_pairs(
    feats: Features, comparisons: Sequence[Comparison], i: np.ndarray, j: np.ndarray
) -> tuple[dict[str, np.ndarray], dict[str, np.ndarray]]:
    """Levels per comparison, and the similarity of the comparisons that have one (for
    explanations). Comparisons that use the evidence of others run after them."""
    levels: dict[str, np.ndarray] = {}
    scores: dict[str, np.ndarray] = {}
    ordered = [c for c in comparisons if not c.uses_evidence]
    ordered += [c for c in comparisons if c.uses_evidence]
    for comp in ordered:
        evidence = evidence_mask(comparisons, levels, len(i)) if comp.uses_evidence else None
        got = comp.compare(feats, i, j, evidence)
        levels[comp.name] = got.levels
        if got.score is not None:
            scores[comp.name] = got.score
    return {c.name: levels[c.name] for c in comparisons}, scores
