"""The data-protection tools as plain functions the CLI and the flows call: the suppression
list, erasure, the facts for a notice and the retention purge.

Each opens the warehouse as the one writer (or read-only, for reading), and whatever changes
who may be exported also rewrites the score stage's snapshot, so an export read from the
snapshot while a writer runs obeys the change too.
"""

from __future__ import annotations

import contextlib
from collections.abc import Iterator
from dataclasses import dataclass
from datetime import UTC, datetime
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


def contact_notice(config: Config, value: str) -> tuple[list[Any], bool]:
    """The contacts held for a person (an e-mail or a phone) and whether they are suppressed."""
    from sales.privacy.notice import held_contacts, is_suppressed

    con = connect(config.warehouse_path, read_only=True)
    try:
        return held_contacts(con, value), is_suppressed(con, config.data_dir, value)
    finally:
        con.close()


@dataclass(frozen=True)
class Purge:
    months: int | None
    cutoff: datetime | None
    contacts: int


def purge(config: Config, *, now: datetime | None = None) -> Purge:
    """Purge contacts not seen for ``[privacy] retention_months``; logged in ``runs``."""
    from leadpipe.runner import recorded_run
    from sales.privacy.retention import cutoff, purge_contacts

    months = config.privacy.retention_months
    if months is None:
        return Purge(None, None, 0)
    now = now or datetime.now(UTC).replace(tzinfo=None)
    with _writer(config) as con:
        with recorded_run(con, "purge") as run:
            count = purge_contacts(con, months, now)
            run["items"] = count
            run["message"] = (f"purged {count} contact(s) not seen since "
                              f"{cutoff(now, months):%Y-%m-%d} (retention {months} months)")
        if count:
            _rewrite_snapshot(con, config)
    return Purge(months, cutoff(now, months), count)
