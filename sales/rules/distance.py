"""Distance: how far the company is from the profile's home base (``sales.geo``, offline).

Beyond ``max_distance_km`` the fit tier drops one step (and the profile's
``points.distance_beyond`` apply); inside it the distance is a note. A company that
cannot be located says so and costs nothing: unknown is not the same as far.
"""

from __future__ import annotations

from sales.geo import distance_from_home
from sales.profile import IcpProfile
from sales.rules import CompanyRow, Reason, fit_rule


@fit_rule(code="distance", order=60, reads=("country", "postcode", "city"))
def distance(row: CompanyRow, profile: IcpProfile) -> Reason | None:
    """Points off beyond the maximum distance; a note inside it or when the place is unknown.
    No home base in the profile means distance is not judged."""
    if not profile.home_base:
        return None
    found = distance_from_home(row, profile.home_base)
    if found.km is None:
        return Reason("location_unknown", found.text, 0.0)
    limit = profile.max_distance_km
    if limit is not None and found.km > limit:
        return Reason("distance_beyond", f"{found.text}, beyond {limit:g} km",
                      profile.points.distance_beyond, drops_tier=True)
    return Reason("distance_within", found.text, 0.0)
