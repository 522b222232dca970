"""SQL pieces the scoring stage is written in, and a way to run them on one company.

Scoring is set-based: every rule, the tier, timing, stage and reasons are DuckDB expressions
evaluated over all companies at once (``sales.score``). The same expressions answer for a
single company (a dict of its columns), so a rule or a tier has one definition whether a test
asks about one row or the stage scores a million: ``evaluate_one`` types the row by the columns
the scoring query selects, puts it in a one-row relation and runs the expression on it.

``leadpipe_place(country, postcode, city)`` is the one Python function scoring calls from SQL:
it locates each distinct place of a batch once (``sales.geo.locate``), never row by row.
"""

from __future__ import annotations

import math
import threading
from collections.abc import Mapping, Sequence
from datetime import datetime
from functools import lru_cache
from typing import Any

import duckdb
import pyarrow as pa
import pyarrow.compute as pc

from sales.company_rows import company_rows_sql
from sales.geo import locate

PLACE_FUNCTION = "leadpipe_place"
PLACE_TYPE = pa.struct([("latitude", pa.float64()), ("longitude", pa.float64())])
_LOCK = threading.Lock()


def text(value: str | None) -> str:
    """A SQL string literal (NULL for None)."""
    if value is None:
        return "NULL::VARCHAR"
    return "'" + value.replace("'", "''") + "'"


def number(value: float | int | None) -> str:
    """A SQL DOUBLE literal, exact to the Python float (NULL for None)."""
    if value is None:
        return "NULL::DOUBLE"
    value = float(value)
    if not math.isfinite(value):
        raise ValueError(f"not a finite number: {value!r}")
    return f"{value!r}::DOUBLE"


def texts(values: Sequence[str]) -> str:
    """A SQL list of string literals."""
    return "[" + ", ".join(text(v) for v in values) + "]::VARCHAR[]"


def timestamp(value: datetime) -> str:
    return f"TIMESTAMP '{value.isoformat(sep=' ')}'"


def let(value: str, name: str, body: str) -> str:
    """``body`` with ``name`` bound to ``value``, which is computed once per row."""
    return f"list_transform([{value}], lambda {name}: {body})[1]"


def starts_with_any(column: str, prefixes: Sequence[str]) -> str:
    """``column`` starts with one of ``prefixes`` (false when there are none)."""
    if not prefixes:
        return "false"
    return "(" + " OR ".join(f"starts_with({column}, {text(p)})" for p in prefixes) + ")"


def _places(country: pa.Array, postcode: pa.Array, city: pa.Array) -> pa.Array:
    """Latitude and longitude of each row's place, looked up once per distinct place."""
    parts = [pc.fill_null(pc.cast(a, pa.string()), "\x00") for a in (country, postcode, city)]
    keys = pc.binary_join_element_wise(*parts, "\x1f")
    distinct = pc.unique(keys)
    found = []
    for key in distinct.to_pylist():
        c, p, t = (None if v == "\x00" else v for v in key.split("\x1f"))
        place = locate(c, p, t)
        found.append(None if place is None else
                     {"latitude": place.latitude, "longitude": place.longitude})
    return pc.take(pa.array(found, type=PLACE_TYPE), pc.index_in(keys, distinct))


def register_functions(con: duckdb.DuckDBPyConnection) -> None:
    """Make ``leadpipe_place`` callable on ``con`` (once per connection)."""
    try:
        con.create_function(
            PLACE_FUNCTION, _places, ["VARCHAR", "VARCHAR", "VARCHAR"],
            duckdb.struct_type({"latitude": "DOUBLE", "longitude": "DOUBLE"}),
            type="arrow", null_handling="special", side_effects=False)
    except duckdb.NotImplementedException:
        pass  # already registered on this connection
    except duckdb.CatalogException:
        pass


@lru_cache(maxsize=1)
def _scratch() -> duckdb.DuckDBPyConnection:
    """An in-memory warehouse (schema only) that answers the one-row questions."""
    from warehouse.db import migrate

    con = duckdb.connect()
    migrate(con)
    register_functions(con)
    return con


@lru_cache(maxsize=1)
def company_column_types() -> dict[str, str]:
    """Each column the scoring query selects and its DuckDB type."""
    con = _scratch()
    with _LOCK:
        rel = con.sql(company_rows_sql(con).replace("?", "NULL::TIMESTAMP"))
        return dict(zip(rel.columns, (str(t) for t in rel.types), strict=True))


def one_row_sql(row: Mapping[str, Any], extra: Mapping[str, str] | None = None
                ) -> tuple[str, list[Any]]:
    """A one-row relation holding every scoring column (NULL where ``row`` has none)."""
    types = {**company_column_types(), **(extra or {})}
    columns, params = [], []
    for name, kind in types.items():
        columns.append(f"?::{kind} AS {name}")
        params.append(row.get(name))
    return "(SELECT " + ", ".join(columns) + ")", params


def evaluate_one(expressions: Sequence[str], row: Mapping[str, Any],
                 extra: Mapping[str, str] | None = None) -> tuple[Any, ...]:
    """The value of each SQL expression for the one company in ``row``."""
    source, params = one_row_sql(row, extra)
    con = _scratch()
    with _LOCK:
        return con.execute(f"SELECT {', '.join(expressions)} FROM {source} AS company",
                           params).fetchone()


def check_binds(query: str) -> None:
    """Bind ``query`` (no rows are read); raises DuckDB's binder error when it does not."""
    con = _scratch()
    with _LOCK:
        con.execute(f"SELECT * FROM ({query}) LIMIT 0")


def fetch_one(query: str, params: Sequence[Any]) -> tuple[Any, ...]:
    """The first row of ``query`` on the schema-only warehouse."""
    con = _scratch()
    with _LOCK:
        return con.execute(query, list(params)).fetchone()
