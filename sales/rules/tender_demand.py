"""Tender demand: the company buys, in public tenders, what the profile's CPV codes name."""

from __future__ import annotations

from sales import sqlrow
from sales.profile import IcpProfile
from sales.rules import fit_rule, reason_sql

SHOWN = 3  # codes named in the sentence


def matching_cpv_sql(column: str, profile: IcpProfile) -> str:
    """The distinct codes of ``column`` under the profile's CPV prefixes, sorted."""
    return (f"list_sort(list_distinct(list_filter(coalesce({column}, []::VARCHAR[]), "
            f"lambda c: {sqlrow.starts_with_any('c', profile.cpv_prefixes)})))")


@fit_rule(code="tender_demand", order=50, reads=("cpv", "tender_url"), sql=True)
def tender_demand(profile: IcpProfile) -> str:
    """Points when a tender of theirs names a CPV code under one of the profile's prefixes
    (whether one is open now is timing's business, ``sales.qualify``)."""
    if not profile.cpv_prefixes:
        return "NULL"
    reason = reason_sql(
        "tender_demand",
        f"'buys in public tenders what we sell (CPV ' || "
        f"array_to_string(codes[1:{SHOWN}], ', ') || ')'",
        profile.points.tender_demand, url="tender_url")
    return sqlrow.let(matching_cpv_sql("cpv", profile), "codes",
                      f"CASE WHEN len(codes) > 0 THEN {reason} END")
