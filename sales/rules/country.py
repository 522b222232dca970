"""Country: a company in a country the profile does not target is out, whatever else fits."""

from __future__ import annotations

from sales import sqlrow
from sales.profile import IcpProfile
from sales.rules import fit_rule, reason_sql


@fit_rule(code="country", order=40, reads=("country",), sql=True)
def country(profile: IcpProfile) -> str:
    """A knock-out outside the profile's countries; no profile countries means every country.
    A company of unknown country is not knocked out."""
    targeted = [c.upper() for c in profile.countries]
    if not targeted:
        return "NULL"
    knock_out = reason_sql("country_not_targeted",
                           "'based in ' || country || ', a country outside the profile'", 0.0,
                           knock_out=True)
    return (f"CASE WHEN coalesce(country, '') <> '' AND NOT list_contains("
            f"{sqlrow.texts(targeted)}, country) THEN {knock_out} END")
