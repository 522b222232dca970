"""Size: the headcount against the profile's band (``employees_min`` to ``employees_max``).

A website's stated headcount is exact; a source's size band gives a lower bound only, so a band
below the target may still fit and costs nothing.
"""

from __future__ import annotations

from sales.profile import IcpProfile
from sales.rules import CompanyRow, Reason, fit_rule

SIZE_IN_RANGE_POINTS = 0.2
SIZE_OUT_OF_RANGE_POINTS = -0.4
SIZE_UNKNOWN_POINTS = -0.2


@fit_rule(code="size", order=30, reads=("website_employees", "employees"))
def size(row: CompanyRow, profile: IcpProfile) -> Reason | None:
    """In the band, outside it, possibly in it (a lower bound below it), or unknown."""
    lo, hi = profile.employees_min, profile.employees_max
    if lo is None and hi is None:
        return None
    stated, at_least = row.get("website_employees"), row.get("employees")
    if stated is None and at_least is None:
        return Reason("size_unknown", "size unknown", SIZE_UNKNOWN_POINTS)
    employees = stated if stated is not None else at_least
    label = f"{employees} employees" if stated is not None else f"{employees}+ employees"
    too_big = hi is not None and employees > hi
    too_small = lo is not None and employees < lo
    if not too_big and not too_small:
        return Reason("size_in_range", f"{label}, in the target size", SIZE_IN_RANGE_POINTS)
    if too_big or stated is not None:
        return Reason("size_outside", f"{label}, outside {lo}-{hi}", SIZE_OUT_OF_RANGE_POINTS)
    return Reason("size_maybe", f"{label}: may be in the target size", 0.0)
