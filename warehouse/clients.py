"""Imported clients: companies already buying, which scoring never offers to sales as new."""

from __future__ import annotations

from collections.abc import Iterable

import duckdb

ClientRow = tuple[str, str, str | None, str | None]  # (client_key, name, domain, country)


def upsert_clients(con: duckdb.DuckDBPyConnection, rows: Iterable[ClientRow]) -> int:
    """Insert or update clients by their key; re-importing the same file changes nothing."""
    rows = list(rows)
    if rows:
        con.executemany(
            "INSERT INTO clients VALUES (?, ?, ?, ?, now()) ON CONFLICT (client_key) DO UPDATE "
            "SET name = excluded.name, country = excluded.country",
            rows,
        )
    return len(rows)
