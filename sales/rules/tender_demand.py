"""Tender demand: the company buys, in public tenders, what the profile's CPV codes name."""

from __future__ import annotations

from enrich.industry.schemes import cpv_title
from sales import sqlrow
from sales.profile import IcpProfile
from sales.rules import fit_rule, reason_sql

SHOWN = 3  # kinds of purchase named in the sentence


def _bought_sql(profile: IcpProfile) -> str:
    """The titles of the profile's CPV prefixes that ``codes`` fall under, in whole words."""
    named = []
    for prefix in profile.cpv_prefixes:
        title = cpv_title(prefix)
        if title:
            title = title.split(":")[0]  # "IT services: consulting, ..." → "IT services"
            words = title[:1].lower() + title[1:] if title[1:2].islower() else title
            named.append(f"CASE WHEN list_bool_or(list_transform(codes, lambda c: "
                         f"{sqlrow.starts_with_any('c', [prefix])})) "
                         f"THEN {sqlrow.text(words)} END")
    return f"list_filter([{', '.join(named)}]::VARCHAR[], lambda t: t IS NOT NULL)"


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
        "'buys in public tenders what we sell: ' || CASE WHEN len(bought) = 0 THEN "
        "'the kinds of goods and services we offer' WHEN len(bought) = 1 THEN bought[1] "
        "ELSE array_to_string(bought[1:len(bought) - 1], ', ') || ' and ' || "
        "bought[len(bought)] END",
        profile.points.tender_demand, url="tender_url")
    return sqlrow.let(matching_cpv_sql("cpv", profile), "codes",
                      f"CASE WHEN len(codes) > 0 THEN "
                      f"{sqlrow.let(f'{_bought_sql(profile)}[1:{SHOWN}]', 'bought', reason)} END")
