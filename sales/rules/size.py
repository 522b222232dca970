"""Size: the headcount against the profile's band (``employees_min`` to ``employees_max``).

A website's stated headcount is exact; a source's size band gives a lower bound only, so a band
below the target may still fit. Unknown is not bad: an unknown headcount gets the profile's
``size_unknown`` points (none by default), so it never sinks a company that fits otherwise.
"""

from __future__ import annotations

from sales.profile import IcpProfile
from sales.rules import CompanyRow, Reason, fit_rule


@fit_rule(code="size", order=30, reads=("website_employees", "employees", "website",
                                        "listing_url"))
def size(row: CompanyRow, profile: IcpProfile) -> Reason | None:
    """In the band, outside it, possibly in it (a lower bound below it), or unknown."""
    lo, hi = profile.employees_min, profile.employees_max
    if lo is None and hi is None:
        return None
    points = profile.points
    stated, at_least = row.get("website_employees"), row.get("employees")
    if stated is None and at_least is None:
        return Reason("size_unknown", "size unknown", points.size_unknown)
    employees = stated if stated is not None else at_least
    url = row.get("website") if stated is not None else row.get("listing_url")
    label = f"{employees} employees" if stated is not None else f"at least {employees} employees"
    too_big = hi is not None and employees > hi
    too_small = lo is not None and employees < lo
    if not too_big and not too_small:
        return Reason("size_in_range", f"{label}, in the target size", points.size_in_range,
                      url=url)
    if too_big or stated is not None:
        band = f"{lo or 0} to {hi}" if hi is not None else f"at least {lo}"
        return Reason("size_outside", f"{label}, outside the target of {band}",
                      points.size_outside, url=url)
    return Reason("size_maybe", f"{label}: may be in the target size", points.size_maybe,
                  url=url)
