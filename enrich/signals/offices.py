"""In how many countries a site says the company has offices ("offices in three countries")."""

from __future__ import annotations

import re

import pyarrow as pa

from enrich.signals.base import Column, Provider
from enrich.website import SiteSignals

OFFICES_RE = re.compile(
    r"offices? in (\d+|two|three|four|five|six|seven|eight|nine|ten)\s+countr", re.I
)
WORD_NUMBERS = {"two": 2, "three": 3, "four": 4, "five": 5, "six": 6, "seven": 7, "eight": 8,
                "nine": 9, "ten": 10}


def countries(site: SiteSignals) -> int | None:
    found = OFFICES_RE.search(site.text)
    if not found:
        return None
    word = found.group(1).lower()
    return int(word) if word.isdigit() else WORD_NUMBERS.get(word)


PROVIDER = Provider(
    columns=(Column("website_offices_countries", pa.int32()),),
    read=lambda site: {"website_offices_countries": countries(site)},
)
