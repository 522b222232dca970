"""What scoring reads from an ideal customer profile (ICP), as a read-only protocol.

The typed config's ``leadpipe.config.Profile`` satisfies it, so the sales room needs no import of
the app config: scoring takes the validated model itself and never a loose dict. Every point a
rule gives and every cut-off lives in the profile (``[profile_defaults]`` fills what a profile
leaves out), never in code.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from typing import Protocol


class RulePoints(Protocol):
    """What each fit rule adds to fit (``sales/rules/``)."""

    @property
    def industry(self) -> float: ...
    @property
    def keyword(self) -> float: ...
    @property
    def keywords_max(self) -> float: ...
    @property
    def size_in_range(self) -> float: ...
    @property
    def size_outside(self) -> float: ...
    @property
    def size_maybe(self) -> float: ...
    @property
    def size_unknown(self) -> float: ...
    @property
    def tender_demand(self) -> float: ...


class TierCutoffs(Protocol):
    """The lowest fit of tiers A, B and C (below C: D)."""

    @property
    def A(self) -> float: ...  # noqa: N802 - the tier's own name
    @property
    def B(self) -> float: ...  # noqa: N802
    @property
    def C(self) -> float: ...  # noqa: N802


class Timing(Protocol):
    @property
    def contract_ending_months(self) -> int: ...
    @property
    def warm_days(self) -> int: ...


class IcpProfile(Protocol):
    """An ICP profile as the rules see it; every attribute is read, never written."""

    @property
    def name(self) -> str: ...

    @property
    def industries(self) -> Sequence[str]: ...

    @property
    def industry_weights(self) -> Mapping[str, float]: ...

    @property
    def cpv_prefixes(self) -> Sequence[str]: ...

    @property
    def countries(self) -> Sequence[str]: ...

    @property
    def employees_min(self) -> int | None: ...

    @property
    def employees_max(self) -> int | None: ...

    @property
    def keywords(self) -> Sequence[str]: ...

    @property
    def home_base(self) -> str | None: ...

    @property
    def max_distance_km(self) -> float | None: ...

    @property
    def points(self) -> RulePoints: ...

    @property
    def tiers(self) -> TierCutoffs: ...

    @property
    def prospect_tiers(self) -> Sequence[str]: ...

    @property
    def solvency_min_band(self) -> str: ...

    @property
    def insufficient_data_is_prospect(self) -> bool: ...

    @property
    def timing(self) -> Timing: ...

    @property
    def version(self) -> str: ...
