"""High-water marks of incremental crawls, one per source (a date-time or an opaque cursor)."""

from __future__ import annotations

from datetime import UTC, datetime

import duckdb

from warehouse.upsert import merge_row


def get_high_water_mark(con: duckdb.DuckDBPyConnection, source: str) -> str | None:
    """The mark the last crawl of ``source`` reached."""
    rows = con.execute("SELECT mark FROM high_water_marks WHERE source = ?", [source]).fetchall()
    return rows[0][0] if rows and rows[0][0] else None


def all_high_water_marks(con: duckdb.DuckDBPyConnection) -> dict[str, str]:
    return dict(con.execute("SELECT source, mark FROM high_water_marks").fetchall())


def set_high_water_mark(con: duckdb.DuckDBPyConnection, source: str, mark: str) -> None:
    """Remember where ``source`` got to; an empty mark changes nothing."""
    if not mark:
        return
    con.execute(
        merge_row("high_water_marks", ["source", "mark", "updated_at"], ["source"]),
        [source, mark, datetime.now(UTC).replace(tzinfo=None)],
    )
