"""How distinctive two names are: the gate for linking on the name alone."""

from __future__ import annotations

import numpy as np

from enrich.resolve.comparisons.base import Compared, Comparison, Level
from enrich.resolve.features import Features


class NameRarity(Comparison):
    """Two levels: both names carry at least ``min_bits`` of distinctive words (see
    ``enrich.resolve.features.name_distinctiveness``: generic business words carry none), or
    not. Unscored: it adds nothing to a pair's weight (the name comparison already weighs the
    name, term-frequency adjusted); it only decides whether a pair may link on the name alone.
    "Brightpath Recruitment" is distinctive, "Global Services" is not."""

    scored = False
    vouches_name_only = True

    def __init__(self, name: str = "name_rarity", *, min_bits: float = 9.0) -> None:
        self.name = name
        self.levels = (
            # an explanation names it only when the name alone made the link
            Level("distinctive", 0.9, 0.5, threshold=min_bits),
            Level("common words", 0.1, 0.5),
        )
        self.min_bits = min_bits

    def compare(self, feats: Features, i: np.ndarray, j: np.ndarray,
                evidence: np.ndarray | None = None) -> Compared:
        bits = feats.name_bits
        if len(bits) != feats.n:
            bits = np.zeros(feats.n, np.float32)
        score = np.minimum(bits[i], bits[j])
        out = np.where(score >= self.min_bits, 0, 1).astype(np.int8)
        return Compared(out, score)

