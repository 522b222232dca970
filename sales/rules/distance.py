"""Distance: how far the company is from the profile's home base (``sales.geo``, offline).

Beyond ``max_distance_km`` the fit tier drops one step (and the profile's
``points.distance_beyond`` apply); inside it the distance is a note. A company that
cannot be located says so and costs nothing: unknown is not the same as far.
"""

from __future__ import annotations

from sales import sqlrow
from sales.distances import distance_sql
from sales.profile import IcpProfile
from sales.rules import fit_rule, reason_sql


@fit_rule(code="distance", order=60, reads=("country", "postcode", "city"), sql=True)
def distance(profile: IcpProfile) -> str:
    """Points off beyond the maximum distance; a note inside it or when the place is unknown.
    No home base in the profile means distance is not judged."""
    found = distance_sql(profile)
    if found is None:
        return "NULL"
    limit = profile.max_distance_km
    beyond = reason_sql("distance_beyond", f"d.text || {sqlrow.text(f', beyond {limit:g} km')}",
                        profile.points.distance_beyond, drops_tier=True) if limit is not None \
        else "NULL"
    over = f"d.km > {sqlrow.number(limit)}" if limit is not None else "false"
    return sqlrow.let(found, "d", (
        f"CASE WHEN d.km IS NULL THEN {reason_sql('location_unknown', 'd.text', 0.0)} "
        f"WHEN {over} THEN {beyond} "
        f"ELSE {reason_sql('distance_within', 'd.text', 0.0)} END"))
