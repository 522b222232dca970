"""Registry identifiers as 'SCHEME:ID'."""

from __future__ import annotations

import re


def normalise_identifier(scheme: str, id: str | None = None) -> str:  # noqa: A002
    """('gb-coh', ' 0123 4567 ') -> 'GB-COH:01234567'; also accepts one 'SCHEME:ID' string."""
    if id is None:
        scheme, _, id = scheme.partition(":")
    scheme = re.sub(r"\s+", "", scheme).upper()
    ident = re.sub(r"[\s.\-/]+", "", id or "").upper()
    return f"{scheme}:{ident}"
