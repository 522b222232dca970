"""Country: a company in a country the profile does not target is out, whatever else fits."""

from __future__ import annotations

from sales.profile import IcpProfile
from sales.rules import CompanyRow, Reason, fit_rule


@fit_rule(code="country", order=40, reads=("country",))
def country(row: CompanyRow, profile: IcpProfile) -> Reason | None:
    """A knock-out outside the profile's countries; no profile countries means every country.
    A company of unknown country is not knocked out."""
    targeted = [c.upper() for c in profile.countries]
    found = row.get("country")
    if targeted and found and found not in targeted:
        return Reason("country_not_targeted", f"based in {found}, a country outside the profile",
                      0.0, knock_out=True)
    return None
