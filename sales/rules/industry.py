"""Industry: the company's industry is one the profile sells to (the strongest sign of need).

A profile names industries as today's labels ("manufacturing") and/or NACE Rev. 2 codes or
prefixes ("C", "28", "28.1"), each with an optional weight (``industry_weights``, default 1)
that scales the profile's industry points. Labels match the enrichment's ``industry``; codes
match its NACE code (``industry_nace``) by the NACE hierarchy.
"""

from __future__ import annotations

import re
from functools import lru_cache

from enrich.industry.nace import activities, under
from sales import sqlrow
from sales.profile import IcpProfile
from sales.rules import fit_rule, reason_sql

# the sector label in whole words ("public_sector" → "public sector"); never the NACE code
_SECTOR_WORDS = "replace(nullif(industry, ''), '_', ' ')"
_NACE_TARGET = re.compile(r"^(?:[A-U]|\d{2}(?:\.?\d{1,2})?)$", re.I)


def is_nace_target(entry: str) -> bool:
    """``C``, ``28``, ``28.1``, ``28.11`` are NACE targets; ``manufacturing`` is a label."""
    return bool(_NACE_TARGET.match(entry.strip()))


def _weight(profile: IcpProfile, entry: str) -> float:
    return float(profile.industry_weights.get(entry, 1.0))


@lru_cache(maxsize=256)
def nace_codes_under(entry: str) -> tuple[str, ...]:
    """Every NACE Rev. 2 code that is ``entry`` or falls under it."""
    return tuple(sorted(code for code in activities() if under(code, entry)))


def _hit_sql(entry: str) -> str:
    if is_nace_target(entry):
        return f"list_contains({sqlrow.texts(nace_codes_under(entry))}, industry_nace)"
    return f"lower(industry) = {sqlrow.text(entry.lower())}"


@fit_rule(code="industry", order=10, reads=("industry", "industry_reason", "industry_nace",
                                            "listing_url"), sql=True)
def industry(profile: IcpProfile) -> str:
    """Points (times the entry's weight) for a targeted industry, the best-weighted entry
    winning; a note against the company for an industry outside the profile."""
    label = ("coalesce(nullif(industry_reason, ''), "
             f"'works in ' || {_SECTOR_WORDS}, 'works in an industry the profile targets')")
    best_first = sorted(profile.industries, key=lambda e: -_weight(profile, e))
    matches = " ".join(
        f"WHEN coalesce({_hit_sql(e)}, false) THEN "
        f"{reason_sql('industry_match', label, round(profile.points.industry * _weight(profile, e), 3), url='listing_url')}"  # noqa: E501
        for e in best_first)
    outside = reason_sql(
        "industry_outside",
        f"'its industry' || coalesce(' (' || {_SECTOR_WORDS} || ')', '') || "
        "' is not one the profile targets'",
        0.0, url="listing_url", against=True)
    return (f"CASE {matches} WHEN coalesce(industry, '') <> '' OR coalesce(industry_nace, '') <> ''"
            f" THEN {outside} END")
