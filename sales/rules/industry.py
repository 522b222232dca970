"""Industry: the enrichment's industry is one the profile sells to (the strongest sign of need)."""

from __future__ import annotations

from sales.profile import IcpProfile
from sales.rules import CompanyRow, Reason, fit_rule

INDUSTRY_POINTS = 0.6


@fit_rule(code="industry", order=10, reads=("industry", "industry_reason"))
def industry(row: CompanyRow, profile: IcpProfile) -> Reason | None:
    """Points for a targeted industry; a note (no points) for one outside the profile."""
    found = row.get("industry")
    if found and found in set(profile.industries):
        return Reason("industry_match", f"industry {found} ({row.get('industry_reason')})",
                      INDUSTRY_POINTS)
    if found:
        return Reason("industry_outside", f"industry {found} is outside the profile", 0.0)
    return None
