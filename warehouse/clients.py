"""Imported clients: companies already buying, which scoring never offers to sales as new."""

from __future__ import annotations

from collections.abc import Iterable

import duckdb

from warehouse.upsert import merge_row

ClientRow = tuple[str, str, str | None, str | None]  # (client_key, name, domain, country)


def upsert_clients(con: duckdb.DuckDBPyConnection, rows: Iterable[ClientRow]) -> int:
    """Insert or update clients by their key; re-importing the same file changes nothing."""
    rows = list(rows)
    if rows:
        con.executemany(
            merge_row("clients", {"client_key": "?", "name": "?", "domain": "?", "country": "?",
                                  "imported_at": "now()"}, ["client_key"], ["name", "country"]),
            rows,
        )
    return len(rows)
