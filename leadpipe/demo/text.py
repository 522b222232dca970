"""Small text helpers shared by the generator and the renderers (ASCII folding, slugs)."""

from __future__ import annotations

import re
import unicodedata
from functools import lru_cache

_GERMAN = str.maketrans({"ä": "ae", "ö": "oe", "ü": "ue", "Ä": "Ae", "Ö": "Oe", "Ü": "Ue",
                         "ß": "ss"})
_NON_SLUG = re.compile(r"[^a-z0-9]+")


@lru_cache(maxsize=65536)
def ascii_fold(text: str, german: bool = False) -> str:
    """Fold to ASCII the way people type names into domains and mailboxes (Müller → mueller)."""
    if german:
        text = text.translate(_GERMAN)
    if text.isascii():
        return text
    decomposed = unicodedata.normalize("NFKD", text)
    return "".join(ch for ch in decomposed if not unicodedata.combining(ch)).encode(
        "ascii", "ignore"
    ).decode()


def slugify(text: str, german: bool = False) -> str:
    """Lower-case ASCII words joined by hyphens."""
    return _NON_SLUG.sub("-", ascii_fold(text, german).lower()).strip("-")
