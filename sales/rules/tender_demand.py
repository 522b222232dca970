"""Tender demand: the company buys, in public tenders, what the profile's CPV codes name."""

from __future__ import annotations

from sales.profile import IcpProfile
from sales.rules import CompanyRow, Reason, fit_rule

DEMAND_POINTS = 0.3
SHOWN = 3  # codes named in the sentence


@fit_rule(code="tender_demand", order=50, reads=("cpv", "next_deadline"))
def tender_demand(row: CompanyRow, profile: IcpProfile) -> Reason | None:
    """Points when a tender of theirs names a CPV code under one of the profile's prefixes;
    the sentence gives the next open tender's deadline when there is one."""
    prefixes = tuple(profile.cpv_prefixes)
    if not prefixes:
        return None
    matching = sorted({c for c in (row.get("cpv") or []) if c.startswith(prefixes)})
    if not matching:
        return None
    deadline = row.get("next_deadline")
    when = f", open tender until {deadline:%Y-%m-%d}" if deadline else ""
    return Reason("tender_demand", f"buys CPV {', '.join(matching[:SHOWN])}{when}", DEMAND_POINTS)
