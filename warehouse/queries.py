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


REVIEW_FIELDS = ("name", "source", "street", "postcode", "city", "country", "phone", "website",
                 "email", "identifiers")


def review_band(con: duckdb.DuckDBPyConnection) -> list[dict[str, Any]]:
    """The uncertain pairs of the last resolution (``review_pairs``), highest weight first,
    each with both records' fields (``left`` and ``right``: ``REVIEW_FIELDS`` plus the id)."""
    cols = ", ".join(f"{side}.{f} AS {side}_{f}" for side in ("l", "r") for f in REVIEW_FIELDS)
    rows = con.execute(
        f"SELECT p.record_id_l, p.record_id_r, p.match_weight, p.explanation, {cols} "
        "FROM review_pairs p "
        "LEFT JOIN source_records l ON l.record_id = p.record_id_l "
        "LEFT JOIN source_records r ON r.record_id = p.record_id_r "
        "ORDER BY p.match_weight DESC NULLS LAST, p.record_id_l, p.record_id_r"
    ).fetchall()
    k = len(REVIEW_FIELDS)
    return [{"left": {"record_id": row[0], **dict(zip(REVIEW_FIELDS, row[4:4 + k], strict=True))},
             "right": {"record_id": row[1], **dict(zip(REVIEW_FIELDS, row[4 + k:], strict=True))},
             "match_weight": row[2], "explanation": row[3] or ""} for row in rows]
