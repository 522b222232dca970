"""The resolution model as declared data: blocking keys, comparisons and their levels, thresholds.

Everything a reviewer needs to understand why two records were (not) linked is in this file:
which keys put records side by side, which fields are compared and how, the prior m/u of every
level (EM re-estimates m and the share of matches; u is measured on random pairs), and the rules
that stop a link no matter the weight.
"""

from __future__ import annotations

from dataclasses import dataclass, field


@dataclass(frozen=True)
class Level:
    """One outcome of a comparison, strongest agreement first, disagreement last (a missing value
    on either side has no level). ``m``/``u``: prior P(level | same / different company)."""

    label: str
    m: float
    u: float = 1.0  # prior P(level | different companies); the data outweigh it on big inputs
    threshold: float | None = None  # similarity cut-off for fuzzy levels


@dataclass(frozen=True)
class Comparison:
    """``field`` compared with ``method`` (exact, name, street, city); ``tf``: weight an exact
    agreement by how rare the shared value is (a common name or a switchboard is weak evidence)."""

    field: str
    method: str
    levels: tuple[Level, ...]
    tf: bool = False
    # agreement here is evidence beyond the name; fields of one group count once together
    # (street and postcode are one address, website and e-mail one web presence)
    evidence: str | None = None

    @property
    def strong(self) -> bool:
        return self.evidence is not None

    @property
    def labels(self) -> list[str]:
        return [lv.label for lv in self.levels]


@dataclass(frozen=True)
class BlockingKey:
    """Records sharing every part of the key become candidate pairs. Blocks bigger than
    ``window`` + 1 (hubs) are not paired all-to-all: members are sorted by name and each is
    paired with its next ``window`` neighbours only, so a block never explodes."""

    parts: tuple[str, ...]
    window: int = 10

    @property
    def name(self) -> str:
        return "+".join(self.parts)


DEFAULT_COMPARISONS: tuple[Comparison, ...] = (
    Comparison(
        "name",
        "name",
        (
            Level("exact", 0.55, 1e-5),
            Level("very similar", 0.25, 1e-5, 0.94),
            Level("similar", 0.12, 1e-4, 0.85),
            Level("subset", 0.05, 5e-4, 1.0),
            Level("other words", 0.02, 1e-4),
            Level("different", 0.03, 1.0),
        ),
        tf=True,
    ),
    Comparison("phone", "exact", (Level("same", 0.85, 1e-5), Level("different", 0.15)),
               tf=True, evidence="phone"),
    Comparison("domain", "exact", (Level("same", 0.9, 1e-5), Level("different", 0.1)),
               tf=True, evidence="web"),
    Comparison("identifier", "identifiers",
               (Level("same", 0.97, 1e-6), Level("different", 0.03)), evidence="registry"),
    Comparison("email", "exact", (Level("same", 0.7, 1e-6), Level("different", 0.3)),
               evidence="web"),
    Comparison(
        "street",
        "street",
        (
            Level("same", 0.7, 1e-5),
            Level("same number, similar street", 0.12, 1e-4, 0.9),
            Level("same number", 0.08, 5e-3),
            Level("different", 0.10),
        ),
        evidence="address",
    ),
    Comparison("postcode", "exact", (Level("same", 0.85, 1e-3), Level("different", 0.15)),
               evidence="address"),
    Comparison("city", "city", (Level("same", 0.8, 0.05), Level("different", 0.2))),
    Comparison("legal_form", "exact", (Level("same", 0.8, 0.4), Level("different", 0.2))),
)

DEFAULT_BLOCKING: tuple[BlockingKey, ...] = (
    BlockingKey(("phone",)),
    BlockingKey(("domain",)),
    BlockingKey(("identifier",)),
    BlockingKey(("email",)),
    BlockingKey(("name_sorted", "country")),
    BlockingKey(("name_rare1", "country"), window=5),
    BlockingKey(("postcode", "house_number"), window=8),
    BlockingKey(("street_key",), window=8),
    BlockingKey(("house_number", "name_rare1"), window=8),
    BlockingKey(("postcode", "name_prefix"), window=8),
    BlockingKey(("postcode", "sorted_prefix"), window=8),
)


@dataclass(frozen=True)
class ResolveSettings:
    """Defaults are meant for any set of organisation records; nothing is fitted to one file.

    ``link_weight``: posterior log2-odds a pair (and a merge of clusters, on average) needs to be
    linked; ``review_weight``: pairs between the two are written to the review band.
    """

    comparisons: tuple[Comparison, ...] = DEFAULT_COMPARISONS
    blocking: tuple[BlockingKey, ...] = DEFAULT_BLOCKING
    link_weight: float = 4.0
    review_weight: float = 0.0
    # the name must reach this level index or better unless a registry id agrees ...
    name_min_level: int = 3
    # ... or, for a similar name with other words ("Acme Svbs" / "Acme Services"), this many
    # independent agreements beyond the name (phone, web, address, registry)
    other_words_evidence: int = 3
    # an agreement counts as evidence beyond the name only when worth this many bits
    min_evidence_weight: float = 5.0
    # a street agreement at this level index or better counts as evidence beyond the name
    street_strong_level: int = 1
    em_iterations: int = 30
    # blocking keys whose pairs train m (each without the comparisons of its own fields)
    training_keys: tuple[str, ...] = (
        "phone", "domain", "name_sorted+country", "postcode+house_number", "street_key",
    )
    min_session_pairs: int = 20
    em_prior_strength: float = 20.0  # pseudo-pairs pulling m and lambda towards the priors
    prior_match_share: float = 0.1  # prior share of matches among candidate pairs
    u_prior_pairs: float = 10_000.0  # pseudo-pairs pulling u towards the declared priors
    u_sample_pairs: int = 100_000
    # groups of linked records up to this size are compared all-to-all before clustering
    complete_up_to: int = 50
    unscored_weight: float = -5.0  # clustering: two members of a bigger group never compared
    contradiction_weight: float = -20.0  # clustering: at most this for a contradicted pair
    seed: int = 42
    source_trust: dict[str, float] = field(default_factory=dict)

    def comparison(self, name: str) -> Comparison:
        for comp in self.comparisons:
            if comp.field == name:
                return comp
        raise KeyError(name)
