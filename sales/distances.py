"""The distance column of a scoring run: one row per company and profile (``score_distances``).

The fit rule (``sales.rules.distance``) and this table read the same ``sales.geo`` answer, so
the reason a salesperson reads and the export's column never disagree.
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from typing import Any

import pyarrow as pa

from sales.geo import distance_from_home, home_place
from sales.profile import IcpProfile

DISTANCES_SCHEMA = pa.schema(
    [
        ("company_id", pa.string()),
        ("profile", pa.string()),
        ("distance_km", pa.float64()),
        ("distance", pa.string()),
    ]
)


def distance_table(rows: Iterable[Mapping[str, Any]], profile: IcpProfile) -> pa.Table:
    """Each company's distance from the profile's home base; empty without a home base."""
    if not profile.home_base:
        return DISTANCES_SCHEMA.empty_table()
    home_place(profile.home_base)  # an unknown home base fails before any row is scored
    out = []
    for row in rows:
        found = distance_from_home(row, profile.home_base)
        out.append({"company_id": row["company_id"], "profile": profile.name,
                    "distance_km": found.km, "distance": found.text})
    return pa.Table.from_pylist(out, schema=DISTANCES_SCHEMA)
