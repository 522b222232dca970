"""Industry: the company's industry is one the profile sells to (the strongest sign of need).

A profile names industries as today's labels ("manufacturing") and/or NACE Rev. 2 codes or
prefixes ("C", "28", "28.1"), each with an optional weight (``industry_weights``, default 1)
that scales the profile's industry points. Labels match the enrichment's ``industry``; codes
match its NACE code (``industry_nace``) by the NACE hierarchy.
"""

from __future__ import annotations

import re

from enrich.industry.nace import under
from sales.profile import IcpProfile
from sales.rules import CompanyRow, Reason, fit_rule

_NACE_TARGET = re.compile(r"^(?:[A-U]|\d{2}(?:\.?\d{1,2})?)$", re.I)


def is_nace_target(entry: str) -> bool:
    """``C``, ``28``, ``28.1``, ``28.11`` are NACE targets; ``manufacturing`` is a label."""
    return bool(_NACE_TARGET.match(entry.strip()))


def _weight(profile: IcpProfile, entry: str) -> float:
    return float(profile.industry_weights.get(entry, 1.0))


@fit_rule(code="industry", order=10, reads=("industry", "industry_reason", "industry_nace",
                                            "listing_url"))
def industry(row: CompanyRow, profile: IcpProfile) -> Reason | None:
    """Points (times the entry's weight) for a targeted industry, the best-weighted entry
    winning; a note against the company for an industry outside the profile."""
    found, nace = row.get("industry"), row.get("industry_nace")
    url = row.get("listing_url")
    why = row.get("industry_reason")
    label = f"industry {found}" + (f" ({why})" if why else "")
    best: float | None = None
    for entry in profile.industries:
        if is_nace_target(entry):
            hit = bool(nace) and under(nace, entry)
        else:
            hit = bool(found) and str(found).lower() == entry.lower()
        if hit and (best is None or _weight(profile, entry) > best):
            best = _weight(profile, entry)
    if best is not None:
        return Reason("industry_match", label, round(profile.points.industry * best, 3), url=url)
    if found or nace:
        return Reason("industry_outside", f"industry {found or nace} is outside the profile",
                      0.0, url=url, against=True)
    return None
