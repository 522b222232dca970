"""Export filters, declared as data: one ``Filter`` per column a salesperson can narrow by.

Adding a filter is one line in ``FILTERS`` (the CLI option, the flow parameter and the SQL all
follow). A filter whose column the scored view does not have yet (tier, band, timing and owner
arrive with the scoring of tiers and owners) is an error when asked for, and harmless otherwise.
"""

from __future__ import annotations

from collections.abc import Collection, Mapping, Sequence
from dataclasses import dataclass
from typing import Any


@dataclass(frozen=True)
class Filter:
    """Keep rows whose ``column`` equals one of the values given (case-insensitive)."""

    name: str
    column: str
    help: str


FILTERS: tuple[Filter, ...] = (
    Filter("industry", "industry", "industry, e.g. manufacturing (repeatable)"),
    Filter("country", "country", "country code, e.g. GB (repeatable)"),
    Filter("tier", "tier", "fit tier (repeatable)"),
    Filter("band", "solvency_band", "solvency band, e.g. 1 (repeatable)"),
    Filter("timing", "timing", "buying timing (repeatable)"),
    Filter("owner", "owner", "account owner (repeatable)"),
)
FILTERS_BY_NAME = {f.name: f for f in FILTERS}


class UnknownFilter(ValueError):
    """A filter that is not declared, or whose column the scored companies do not have yet."""


def filter_sql(
    chosen: Mapping[str, Sequence[str]], available: Collection[str]
) -> tuple[list[str], list[Any]]:
    """SQL conditions (joined with AND by the caller) and their parameters for ``chosen``."""
    conditions: list[str] = []
    params: list[Any] = []
    for name, values in sorted(chosen.items()):
        if not values:
            continue
        declared = FILTERS_BY_NAME.get(name)
        if declared is None:
            raise UnknownFilter(
                f"unknown filter {name!r}; known filters: {', '.join(FILTERS_BY_NAME)}"
            )
        if declared.column not in available:
            raise UnknownFilter(
                f"cannot filter by {name}: the scored companies have no {declared.column} yet"
            )
        marks = ", ".join("lower(?)" for _ in values)
        conditions.append(f"lower(CAST({declared.column} AS VARCHAR)) IN ({marks})")
        params.extend(values)
    return conditions, params


def describe(chosen: Mapping[str, Sequence[str]]) -> dict[str, list[str]]:
    """The non-empty filters, sorted, as plain lists (what the export log records)."""
    return {name: sorted(values) for name, values in sorted(chosen.items()) if values}
