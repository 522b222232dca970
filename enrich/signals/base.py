"""What a website signal provider declares: its columns and how it reads them from a site."""

from __future__ import annotations

from collections.abc import Callable, Mapping
from dataclasses import dataclass
from typing import Any

import duckdb
import pyarrow as pa

from enrich.website import SiteSignals


@dataclass(frozen=True)
class Column:
    """One ``enrichment`` column: its name and Arrow type (the DuckDB type follows from it)."""

    name: str
    type: pa.DataType

    @property
    def duckdb_type(self) -> str:
        """The DuckDB type this Arrow type is stored as (what the migration must declare)."""
        empty = pa.table({self.name: pa.array([], type=self.type)})
        return str(duckdb.from_arrow(empty).types[0])


@dataclass(frozen=True)
class Provider:
    """A signal (or family of signals) read from a fetched site.

    ``read`` gets the parsed site (also an unreachable or empty one) and returns one value per
    declared column.
    """

    columns: tuple[Column, ...]
    read: Callable[[SiteSignals], Mapping[str, Any]]

    def values(self, site: SiteSignals) -> dict[str, Any]:
        values = dict(self.read(site))
        declared = [c.name for c in self.columns]
        if sorted(values) != sorted(declared):
            raise ValueError(f"provider for {declared} returned {sorted(values)}")
        return values
