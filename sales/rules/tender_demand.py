"""Tender demand: the company buys, in public tenders, what the profile's CPV codes name."""

from __future__ import annotations

from sales.profile import IcpProfile
from sales.rules import CompanyRow, Reason, fit_rule

SHOWN = 3  # codes named in the sentence


@fit_rule(code="tender_demand", order=50, reads=("cpv", "tender_url"))
def tender_demand(row: CompanyRow, profile: IcpProfile) -> Reason | None:
    """Points when a tender of theirs names a CPV code under one of the profile's prefixes
    (whether one is open now is timing's business, ``sales.qualify``)."""
    prefixes = tuple(profile.cpv_prefixes)
    if not prefixes:
        return None
    matching = sorted({c for c in (row.get("cpv") or []) if c.startswith(prefixes)})
    if not matching:
        return None
    codes = ", ".join(matching[:SHOWN])
    return Reason("tender_demand", f"buys in public tenders what we sell (CPV {codes})",
                  profile.points.tender_demand, url=row.get("tender_url"))
