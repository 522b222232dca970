"""Small read queries the CLI shows (status, the run summary, names of records).

The CLI never writes SQL itself: what it reports is asked here, so that a table or column
rename has one place to follow it.
"""

from __future__ import annotations

from typing import Any

import duckdb

STATUS_TABLES = (
    "source_records",
    "companies",
    "contacts",
    "tenders",
    "awards",
    "scores",
    "review_pairs",
    "clients",
)


def table_sizes(
    con: duckdb.DuckDBPyConnection, tables: tuple[str, ...] = STATUS_TABLES
) -> dict[str, int]:
    """Row counts of the named warehouse tables, in the order given."""
    unknown = set(tables) - set(STATUS_TABLES)
    if unknown:
        raise ValueError(f"not a warehouse table: {sorted(unknown)[0]}")
    return {t: int(con.execute(f"SELECT count(*) FROM {t}").fetchall()[0][0]) for t in tables}


def recent_runs(con: duckdb.DuckDBPyConnection, limit: int = 12) -> list[dict[str, Any]]:
    """The latest stage and crawl runs, newest first."""
    cursor = con.execute(
        "SELECT run_id, stage, source, status, items, finished_at, message FROM runs "
        "ORDER BY started_at DESC NULLS LAST LIMIT ?",
        [limit],
    )
    names = [d[0] for d in cursor.description]
    return [dict(zip(names, row, strict=True)) for row in cursor.fetchall()]


def high_water_mark_rows(con: duckdb.DuckDBPyConnection) -> list[tuple[str, str, Any]]:
    """(source, mark, updated_at) for every incrementally crawled source."""
    return con.execute(
        "SELECT source, mark, updated_at FROM high_water_marks ORDER BY source"
    ).fetchall()


def funnel_counts(con: duckdb.DuckDBPyConnection) -> dict[str, int]:
    """How many scored companies are at each funnel stage (suspect, prospect, client)."""
    rows = con.execute("SELECT stage, count(*) FROM scores GROUP BY stage ORDER BY stage")
    return {stage: int(n) for stage, n in rows.fetchall()}


def record_names(con: duckdb.DuckDBPyConnection) -> dict[str, str]:
    """The name each source record carries, by record id."""
    return dict(con.execute("SELECT record_id, name FROM source_records").fetchall())
