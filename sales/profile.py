"""What scoring reads from an ideal customer profile (ICP), as a read-only protocol.

The typed config's ``leadpipe.config.Profile`` satisfies it, so the sales room needs no import of
the app config: scoring takes the validated model itself and never a loose dict.
"""

from __future__ import annotations

from collections.abc import Sequence
from typing import Protocol


class IcpProfile(Protocol):
    """An ICP profile as the rules see it; every attribute is read, never written."""

    @property
    def name(self) -> str: ...

    @property
    def industries(self) -> Sequence[str]: ...

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
