"""Countries as printed ("UK", "United Kingdom", "GBR", "Україна", "méxico") -> ISO 3166-1 alpha-2.

The one country normaliser of the project: tender parsers, page objects and enrichment all call
``country_code``. pycountry knows the ISO codes and English names; the table below adds what
sources print that ISO does not say (the UK's nations and nicknames, local names of the markets
we crawl, the codes the EU uses for Greece and Kosovo).
"""

from __future__ import annotations

from functools import lru_cache
from typing import Any

import pycountry

from enrich.normalise.text import strip_accents

# Codes that are not ISO 3166-1 alpha-2 but are printed as if they were.
_CODE_ALIASES = {"UK": "GB", "EL": "GR", "XK": "XK"}

# Names, lower case with accents stripped, that pycountry's lookup does not know.
_NAMES = {
    "uk": "GB", "u.k.": "GB", "great britain": "GB", "britain": "GB", "england": "GB",
    "scotland": "GB", "wales": "GB", "northern ireland": "GB",
    "united kingdom of great britain and northern ireland": "GB",
    "україна": "UA", "украина": "UA", "ukraine": "UA",
    "mexico": "MX", "paraguay": "PY", "colombia": "CO",
    "turkey": "TR", "russia": "RU", "holland": "NL", "the netherlands": "NL",
    "deutschland": "DE", "osterreich": "AT", "espana": "ES", "italia": "IT", "polska": "PL",
    "ivory coast": "CI", "kosovo": "XK", "macedonia": "MK", "u.s.": "US", "u.s.a.": "US",
}


@lru_cache(maxsize=4096)
def _code(text: str) -> str | None:
    upper = text.upper()
    if len(upper) == 2 and upper.isalpha():
        if upper in _CODE_ALIASES:
            return _CODE_ALIASES[upper]
        return upper if pycountry.countries.get(alpha_2=upper) else None
    if len(upper) == 3 and upper.isalpha():
        found = pycountry.countries.get(alpha_3=upper)
        if found is not None:
            return found.alpha_2
    lowered = text.lower()
    for key in (lowered, strip_accents(lowered)):
        if key in _NAMES:
            return _NAMES[key]
    try:
        return pycountry.countries.lookup(text).alpha_2
    except LookupError:
        return None


def country_code(value: Any) -> str | None:
    """A country name, alpha-2 or alpha-3 code as printed -> ISO 3166-1 alpha-2, else None."""
    if not isinstance(value, str):
        return None
    text = " ".join(value.split()).strip(" ,;")
    return _code(text) if text else None
