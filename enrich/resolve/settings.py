"""The resolution model as declared data: blocking keys, comparisons, thresholds.

Which keys put records side by side, which comparisons are made (each a class in
``enrich/resolve/comparisons/`` with its ordered levels, their prior m/u and the evidence a link
at each level needs; EM re-estimates m and the share of matches, u is measured on random pairs)
and the thresholds. What a run fitted under these settings is stored per run in
``resolution_models``, with ``ResolveSettings.version``.
"""

from __future__ import annotations

import hashlib
import json
from dataclasses import dataclass, field, fields

from enrich.resolve.comparisons import (
    Comparison,
    ExactMatch,
    IdentifierMatch,
    NameComparison,
    NameRarity,
    StreetMatch,
)


@dataclass(frozen=True)
class BlockingKey:
    """Records sharing every part of the key become candidate pairs. Blocks bigger than
    ``window`` + 1 (a common value) are not paired all-to-all: members are sorted by name and
    each is paired with its next few neighbours only, fewer the bigger the block, and the key
    yields at most ``max_pairs_per_record`` pairs per input record (``blocking.py``), so no
    key explodes on common words, whatever the distribution of names."""

    parts: tuple[str, ...]
    window: int = 10
    max_pairs_per_record: float | None = 0.5

    @property
    def name(self) -> str:
        return "+".join(self.parts)


# The comparisons every run makes, in explanation order. A new comparison is one class in
# ``enrich/resolve/comparisons/`` and one line here.
# ``vetoes_name_only``: a different value keeps two records from linking on the name alone.
DEFAULT_COMPARISONS: tuple[Comparison, ...] = (
    NameComparison("name"),
    ExactMatch("phone", m=0.85, u=1e-5, tf=True, evidence="phone", vetoes_name_only=True),
    ExactMatch("domain", m=0.9, u=1e-5, tf=True, evidence="web", blocked_by=("domain", "email"),
               vetoes_name_only=True),
    IdentifierMatch("identifier", m=0.97, u=1e-6, evidence="registry"),
    ExactMatch("email", m=0.7, u=1e-6, evidence="web", blocked_by=("email", "domain")),
    StreetMatch("street", similar=0.9, evidence="address"),
    ExactMatch("postcode", m=0.85, u=1e-3, evidence="address", vetoes_name_only=True),
    ExactMatch("city", m=0.8, u=0.05, vetoes_name_only=True),
    ExactMatch("legal_form", m=0.8, u=0.4),
    ExactMatch("country", m=0.97, u=0.2, scored=False, vetoes_name_only=True),
    NameRarity("name_rarity", min_bits=9.0),
)

DEFAULT_BLOCKING: tuple[BlockingKey, ...] = (
    BlockingKey(("phone",)),
    BlockingKey(("domain",)),
    BlockingKey(("identifier",)),
    BlockingKey(("email",)),
    # "country_key": the country, or "none" (records without a country still meet by name)
    BlockingKey(("name_sorted", "country_key")),
    BlockingKey(("name_rare1", "country_key"), window=5),
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
    # an agreement counts as evidence beyond the name only when worth this many bits (how
    # many agreements a pair needs at each level is declared on the levels themselves)
    min_evidence_weight: float = 5.0
    em_iterations: int = 30
    # blocking keys whose pairs train m (each without the comparisons of its own fields)
    training_keys: tuple[str, ...] = (
        "phone", "domain", "name_sorted+country_key", "postcode+house_number", "street_key",
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
    # a link on the name alone weighs at most this much above ``link_weight``: it is never
    # certain, and it is always written to the review band
    name_only_margin: float = 2.0
    seed: int = 42
    source_trust: dict[str, float] = field(default_factory=dict)

    def comparison(self, name: str) -> Comparison:
        for comp in self.comparisons:
            if comp.name == name:
                return comp
        raise KeyError(name)

    def describe(self) -> dict:
        """The whole declaration as plain data: comparisons, blocking keys, thresholds."""
        out = {f.name: (list(v) if isinstance(v := getattr(self, f.name), tuple) else v)
               for f in fields(self) if f.name not in ("comparisons", "blocking")}
        out["comparisons"] = [c.describe() for c in self.comparisons]
        out["blocking"] = [{"key": bk.name, "window": bk.window,
                            "max_pairs_per_record": bk.max_pairs_per_record}
                           for bk in self.blocking]
        return out

    @property
    def version(self) -> str:
        """A short fingerprint of the declaration: two runs with the same version used the same
        comparisons, levels, priors, blocking keys and thresholds."""
        text = json.dumps(self.describe(), sort_keys=True, default=str)
        return hashlib.sha256(text.encode()).hexdigest()[:12]
