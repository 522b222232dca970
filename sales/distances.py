"""How far each company is from the profile's home base, as SQL over the company columns.

The fit rule (``sales.rules.distance``) and the ``score_distances`` table (the export's
``distance`` column) read the same expression, so the reason a salesperson reads and the
column never disagree. Places come from ``sales.geo`` through ``leadpipe_place`` (once per
distinct place); the great-circle distance is computed in DuckDB.
"""

from __future__ import annotations

from sales import sqlrow
from sales.geo import EARTH_RADIUS_KM, UNKNOWN_TEXT, home_place
from sales.profile import IcpProfile


def distance_sql(profile: IcpProfile) -> str | None:
    """A ``STRUCT(km DOUBLE, text VARCHAR)`` per company (``km`` NULL and "location unknown"
    when it cannot be located); None without a home base. An unknown home base fails here,
    before any row is scored."""
    if not profile.home_base:
        return None
    home = home_place(profile.home_base)
    place = f"{sqlrow.PLACE_FUNCTION}(country, postcode, city)"
    lat1 = f"radians({sqlrow.number(home.latitude)})"
    lat2 = "radians(p.latitude)"
    dlon = f"radians(p.longitude - {sqlrow.number(home.longitude)})"
    h = (f"pow(sin(({lat2} - {lat1}) / 2), 2) + "
         f"cos({lat1}) * cos({lat2}) * pow(sin(({dlon}) / 2), 2)")
    km = f"round_even(2 * {sqlrow.number(EARTH_RADIUS_KM)} * asin(sqrt({h})), 0)"
    found = (f"struct_pack(km := {km}, text := CAST({km} AS BIGINT) || "
             f"{sqlrow.text(' km from ' + home.label)})")
    unknown = f"struct_pack(km := NULL::DOUBLE, text := {sqlrow.text(UNKNOWN_TEXT)})"
    return sqlrow.let(place, "p", f"CASE WHEN p IS NULL THEN {unknown} ELSE {found} END")
