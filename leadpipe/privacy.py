"""The data-protection tools as plain functions the CLI and the flows call: the suppression
list, erasure, the facts for a notice and the retention purge.

Each opens the warehouse as the one writer (or read-only, for reading), and whatever changes
who may be exported also rewrites the score stage's snapshot, so an export read from the
snapshot while a writer runs obeys the change too.
"""

from __future__ import annotations

import contextlib
from collections.abc import Iterator
from typing import Any

import duckdb

from leadpipe.config import Config
from warehouse.db import connect


@contextlib.contextmanager
def _writer(config: Config) -> Iterator[duckdb.DuckDBPyConnection]:
    con = connect(config.warehouse_path)
    try:
        yield con
    finally:
        con.close()


def _rewrite_snapshot(con: duckdb.DuckDBPyConnection, config: Config) -> None:
    from sales.export.view import write_snapshot

    if config.snapshot_path.exists():
        write_snapshot(con, config.snapshot_path)


def suppress_add(config: Config, value: str, reason: str | None, kind: str | None = None) -> Any:
    """Suppress a company (id or domain) or a person (e-mail or phone); return the entry."""
    from sales.privacy.suppression import add_entry

    with _writer(config) as con:
        entry = add_entry(con, config.data_dir, value, reason, kind)
        _rewrite_snapshot(con, config)
        return entry


def suppress_remove(config: Config, value: str, kind: str | None = None) -> Any:
    """Remove an entry (by its value or its id); None when there was none."""
    from sales.privacy.suppression import refresh, remove_entry

    with _writer(config) as con:
        entry = remove_entry(con, config.data_dir, value, kind)
        if entry is not None:
            refresh(con, config.data_dir)
            _rewrite_snapshot(con, config)
        return entry


def suppress_list(config: Config) -> list[Any]:
    from sales.privacy.suppression import list_entries

    con = connect(config.warehouse_path, read_only=True)
    try:
        return list_entries(con, config.data_dir)
    finally:
        con.close()


def forget(config: Config, value: str) -> Any:
    """Erase the person (an e-mail or a phone) from the warehouse, the landing files and the
    HTTP cache, suppress them, and rewrite the snapshot; return what was found and removed."""
    from sales.privacy.erasure import forget as erase

    with _writer(config) as con:
        result = erase(con, config.data_dir, config.landing_dir, config.data_dir / "httpcache",
                       value)
        _rewrite_snapshot(con, config)
        return result
