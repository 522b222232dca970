"""What every comparison is: a field compared into ordered levels, each with its label and priors.

In the style of Splink's comparisons: a comparison owns its levels, strongest agreement first,
clear disagreement last (a value missing on either side has no level, ``MISSING``). The model
fits m and u per level; explanations and the stored model are read off the levels, so adding a
comparison is one class (one file in this package) plus its entry in
``enrich.resolve.settings.DEFAULT_COMPARISONS``.
"""

from __future__ import annotations

from abc import ABC, abstractmethod
from collections.abc import Sequence
from dataclasses import dataclass

import numpy as np
import pyarrow as pa
import pyarrow.compute as pc

from enrich.resolve.features import Features

MISSING = -1
SCORE = "{score}"  # in a level's phrase: replaced by the comparison's similarity (two decimals)


@dataclass(frozen=True)
class Level:
    """One outcome of a comparison.

    ``m``/``u``: prior P(level | same / different company); EM re-estimates m, u is measured
    on random pairs (the data outweigh both on big inputs). ``says``: the words an explanation
    uses for this level. ``min_evidence``: how many independent agreements beyond the name
    (phone, web, address, registry) a pair at this level needs to link; ``None``: never links.
    ``threshold``: the similarity band's lower bound, for similarity levels."""

    label: str
    m: float
    u: float = 1.0
    says: str = ""
    threshold: float | None = None
    min_evidence: int | None = 1


@dataclass
class Compared:
    """Level index per pair (int8, ``MISSING`` where a side has no value) and, for
    similarity comparisons, the similarity per pair (what explanations print)."""

    levels: np.ndarray
    score: np.ndarray | None = None


class Comparison(ABC):
    """Base of every comparison. Subclasses set the attributes and implement ``compare``.

    - ``name``: key of its levels, weights and explanation part;
    - ``tf``: weigh an exact agreement by how rare the shared value is (a common name or a
      switchboard number is weak evidence);
    - ``value_column``: the feature whose value counts give u of the top level (and the term
      frequencies); ``None`` when the top level is not plain equality;
    - ``evidence``: agreement here is evidence beyond the name; comparisons of one group count
      once together (street and postcode are one address, website and e-mail one web presence);
      ``agree_levels`` top levels count as agreement;
    - ``certain``: agreement (top level) links whatever else disagrees (a registry id);
    - ``required``: a pair missing this value never links on its own evidence (the name);
    - ``blocked_by``: blocking-key parts that make this comparison agree by construction (EM
      leaves it out of that key's training session);
    - ``uses_evidence``: ``compare`` gets a mask of pairs with agreement beyond the name, so
      it runs after the evidence comparisons;
    - ``scored``: its levels add to the pair's weight; an unscored comparison only gates a
      rule (how distinctive a name is decides whether the name alone may link, not by how much);
    - ``vetoes_name_only``: disagreement here (its last level) keeps a pair from linking on the
      name alone (another city, another phone, another country);
    - ``vouches_name_only``: a pair may link on the name alone only at this comparison's top
      level (a distinctive name);
    - ``decides_group``: disagreement here (its last level) voids every agreement of its
      evidence group (another street is another address, whatever the postcode says).
    """

    name: str
    levels: tuple[Level, ...]
    tf: bool = False
    value_column: str | None = None
    evidence: str | None = None
    agree_levels: int = 1
    certain: bool = False
    required: bool = False
    blocked_by: tuple[str, ...] = ()
    uses_evidence: bool = False
    scored: bool = True
    vetoes_name_only: bool = False
    vouches_name_only: bool = False
    decides_group: bool = False

    @abstractmethod
    def compare(
        self, feats: Features, i: np.ndarray, j: np.ndarray, evidence: np.ndarray | None = None
    ) -> Compared:
        """Each pair's level for ``(i[k], j[k])``; every comparison class says how."""

    @property
    def labels(self) -> list[str]:
        return [lv.label for lv in self.levels]

    @property
    def last(self) -> int:
        """Index of the disagreement level."""
        return len(self.levels) - 1

    def agrees(self, lv: np.ndarray) -> np.ndarray:
        """Pairs at one of the agreement levels."""
        return (lv >= 0) & (lv < self.agree_levels)

    def explain(self, lv: np.ndarray, score: np.ndarray | None) -> pa.Array:
        """This comparison's part of the explanation of each pair (null where missing)."""
        says = [level.says for level in self.levels]
        out = pc.take(pa.array([s.replace(SCORE, "") for s in says], pa.string()),
                      pa.array(np.maximum(lv, 0)))
        if score is not None and any(SCORE in s for s in says):
            text = pc.cast(pa.array(np.round(score.astype(np.float64), 2)), pa.string())
            for k, s in enumerate(says):
                if SCORE in s and (lv == k).any():
                    head, tail = s.split(SCORE, 1)
                    out = pc.if_else(pa.array(lv == k),
                                     pc.binary_join_element_wise(head, text, tail, ""), out)
        out = pc.if_else(pc.equal(out, ""), pa.scalar(None, pa.string()), out)
        return pc.if_else(pa.array(lv < 0), pa.scalar(None, pa.string()), out)

    def describe(self) -> dict:
        """The declaration as plain data (stored with every fitted model)."""
        return {
            "name": self.name, "kind": type(self).__name__, "tf": self.tf,
            "evidence": self.evidence, "certain": self.certain, "required": self.required,
            "scored": self.scored, "vetoes_name_only": self.vetoes_name_only,
            "vouches_name_only": self.vouches_name_only, "decides_group": self.decides_group,
            "levels": [
                {"label": lv.label, "says": lv.says, "prior_m": lv.m, "prior_u": lv.u,
                 "threshold": lv.threshold, "min_evidence": lv.min_evidence}
                for lv in self.levels
            ],
        }

    def __repr__(self) -> str:
        return f"{type(self).__name__}({self.name!r}, levels={self.labels})"


def first_hit(n: int, hits: Sequence[np.ndarray | None], missing: np.ndarray) -> np.ndarray:
    """Level per pair: the first level (in order) whose mask holds; ``None`` marks the
    catch-all disagreement level; ``MISSING`` where ``missing``."""
    out = np.full(n, len(hits) - 1, np.int8)
    for k in range(len(hits) - 1, -1, -1):  # weakest first, so the strongest that holds wins
        if hits[k] is not None:
            out[hits[k]] = k
    out[missing] = MISSING
    return out
