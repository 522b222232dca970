"""Street address: same street key / same house number and similar street words / same number."""

from __future__ import annotations

import numpy as np
from rapidfuzz import fuzz, process

from enrich.resolve.comparisons.base import Compared, Comparison, Level
from enrich.resolve.features import Features


class StreetMatch(Comparison):
    """Four levels, strongest first: the normalised street keys are equal; the house numbers
    are equal and the street words similar (token-set ratio >= ``similar``); only the house
    numbers are equal; different. The first two count as agreement beyond the name. A
    different street (or house number) is a different address: it voids a shared postcode
    (eight firms to a postcode is common; a building is not)."""

    agree_levels = 2
    vetoes_name_only = True
    decides_group = True

    def __init__(self, name: str = "street", *, similar: float = 0.9,
                 evidence: str | None = "address") -> None:
        self.name = name
        self.levels = (
            Level("same", 0.7, 1e-5, says="same street"),
            Level("same number, similar street", 0.12, 1e-4, threshold=similar,
                  says="street same number, similar street"),
            Level("same number", 0.08, 5e-3, says="street same number"),
            Level("different", 0.10, says="street differs"),
        )
        self.evidence = evidence
        self.blocked_by = ("house_number", "street_key")

    def compare(self, feats: Features, i: np.ndarray, j: np.ndarray,
                evidence: np.ndarray | None = None) -> Compared:
        key = feats.codes("street_key")
        num = feats.codes("house_number")
        a, b = key[i], key[j]
        out = np.full(len(i), self.last, np.int8)
        same_num = (num[i] == num[j]) & (num[i] >= 0)
        out[same_num] = 2
        todo = np.flatnonzero(same_num & (a != b))
        words = feats.objects("street_words")
        wa, wb = words[i[todo]], words[j[todo]]
        ok = np.array([x is not None and y is not None for x, y in zip(wa, wb, strict=True)],
                      bool)
        if ok.any():
            score = process.cpdist(wa[ok], wb[ok], scorer=fuzz.token_set_ratio, workers=-1,
                                   dtype=np.float32) / 100.0
            out[todo[ok][score >= self.levels[1].threshold]] = 1
        out[a == b] = 0
        out[(a < 0) | (b < 0)] = -1
        return Compared(out)
