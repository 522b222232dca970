"""Size: the headcount against the profile's band (``employees_min`` to ``employees_max``).

A stated headcount is exact: the website's, else the one a directory's or catalogue's company
description states ("a team of 18 people"). Without one, the size is a band: a source's size
band gives a lower bound, and the accounts category a firm files at the company register gives
an upper one (a micro-entity has at most 10 employees, a small company at most 50). A band
inside the target fits; a band wholly outside it does not; a band that straddles the target's
edge "may be" in it. Unknown is not bad: an unknown headcount gets the profile's
``size_unknown`` points (none by default), so it never sinks a company that fits otherwise.
"""

from __future__ import annotations

from enrich.registry_facts import accounts_size_band
from sales.profile import IcpProfile, RulePoints
from sales.rules import CompanyRow, Reason, fit_rule


def _target(lo: int | None, hi: int | None) -> str:
    return f"{lo or 0} to {hi}" if hi is not None else f"at least {lo}"


def _stated(row: CompanyRow) -> tuple[int, str | None] | None:
    if row.get("website_employees") is not None:
        return int(row["website_employees"]), row.get("website")
    if row.get("description_employees") is not None:
        return int(row["description_employees"]), row.get("listing_url")
    return None


@fit_rule(code="size", order=30, reads=("website_employees", "description_employees",
                                        "employees", "accounts_category", "website",
                                        "listing_url", "registry_url"))
def size(row: CompanyRow, profile: IcpProfile) -> Reason | None:
    """In the band, outside it, possibly in it (a band across its edge), or unknown."""
    lo, hi = profile.employees_min, profile.employees_max
    if lo is None and hi is None:
        return None
    points = profile.points
    stated = _stated(row)
    if stated is not None:
        employees, url = stated
        if (lo is None or employees >= lo) and (hi is None or employees <= hi):
            return Reason("size_in_range", f"{employees} employees, in the target size",
                          points.size_in_range, url=url)
        return Reason("size_outside", f"{employees} employees, outside the target of "
                      f"{_target(lo, hi)}", points.size_outside, url=url)
    listed = row.get("employees")  # the lower bound of a source's size band
    accounts = accounts_size_band(row.get("accounts_category"))
    if listed is None and accounts is None:
        return Reason("size_unknown", "size unknown", points.size_unknown)
    if accounts is None:
        return _lower_bound_only(int(listed), lo, hi, points, row.get("listing_url"))
    floor, at_most, kind = accounts
    at_least = max(floor, int(listed)) if listed is not None else floor
    band = (f"at least {at_least} and at most {at_most} employees" if at_least
            else f"at most {at_most} employees")
    said = f"files {kind} at the register ({band})"
    url = row.get("registry_url")
    if (lo is not None and at_most < lo) or (hi is not None and at_least > hi):
        return Reason("size_outside", f"{said}, outside the target of {_target(lo, hi)}",
                      points.size_outside, url=url)
    if (lo is None or at_least >= lo) and (hi is None or at_most <= hi):
        return Reason("size_in_range", f"{said}, in the target size", points.size_in_range,
                      url=url)
    return Reason("size_maybe", f"{said}: may be under the target of {_target(lo, hi)}",
                  points.size_maybe, url=url)


def _lower_bound_only(at_least: int, lo: int | None, hi: int | None, points: RulePoints,
                      url: str | None
                      ) -> Reason:
    if hi is not None and at_least > hi:
        return Reason("size_outside", f"at least {at_least} employees, outside the target of "
                      f"{_target(lo, hi)}", points.size_outside, url=url)
    if lo is None or at_least >= lo:
        return Reason("size_in_range", f"at least {at_least} employees, in the target size",
                      points.size_in_range, url=url)
    return Reason("size_maybe", f"at least {at_least} employees: may be in the target size",
                  points.size_maybe, url=url)
