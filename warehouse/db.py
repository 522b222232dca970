"""Open the warehouse, applying schema migrations: the embedded DuckDB file, or a DuckLake.

The embedded file lets one process write, or several read, never both; a blocked open fails
at once. Writers therefore wait (bounded) for the file; readers that cannot open it fall back
to the latest Parquet snapshot (see ``warehouse.snapshot``). A DuckLake (``warehouse.lake``)
takes many writers at once: it is opened at once, and its conflicting commits are retried.
"""

from __future__ import annotations

import contextlib
import re
import time
from collections.abc import Iterator
from importlib import resources
from pathlib import Path
from typing import Any

import duckdb

from warehouse.lake import Lake, attach, no_warehouse, retrying, without_keys

MIGRATIONS_PACKAGE = "warehouse.migrations"
_MIGRATION_NAME = re.compile(r"^(\d{4})_[a-z0-9_]+\.sql$")


# How long a writer waits for another writer to finish before giving up with WarehouseBusy.
WRITER_WAIT_SECONDS = 30.0


class WarehouseBusy(RuntimeError):
    """Another process holds the warehouse for writing."""


@contextlib.contextmanager
def transaction(con: duckdb.DuckDBPyConnection, **staged: Any) -> Iterator[None]:
    """One transaction, all or nothing; ``staged`` Arrow tables are registered under their
    keyword names for its duration (so the SQL inside can read them) and unregistered after."""
    for name, table in staged.items():
        con.register(name, table)
    con.execute("BEGIN TRANSACTION")
    try:
        yield
        con.execute("COMMIT")
    except BaseException:
        with contextlib.suppress(duckdb.TransactionException):
            con.execute("ROLLBACK")  # a COMMIT that failed has already rolled back
        raise
    finally:
        for name in staged:
            con.unregister(name)


def migrations() -> list[tuple[int, str, str]]:
    """(version, file name, SQL) of every migration, in order."""
    found = []
    for entry in resources.files(MIGRATIONS_PACKAGE).iterdir():
        match = _MIGRATION_NAME.match(entry.name)
        if match:
            found.append((int(match.group(1)), entry.name, entry.read_text(encoding="utf-8")))
    versions = [v for v, _, _ in found]
    if len(versions) != len(set(versions)):
        raise RuntimeError(f"two migrations share a number: {sorted(versions)}")
    return sorted(found)


def migrate(con: duckdb.DuckDBPyConnection, *, keys: bool = True) -> list[str]:
    """Apply the migrations not yet applied, each in its own transaction; return their names.

    ``keys=False`` applies them without PRIMARY KEY / UNIQUE constraints (DuckLake has none)."""
    shape = (lambda sql: sql) if keys else without_keys
    con.execute(shape(
        "CREATE TABLE IF NOT EXISTS schema_migrations ("
        "version INTEGER PRIMARY KEY, name VARCHAR NOT NULL, applied_at TIMESTAMP NOT NULL)"
    ))
    done = {row[0] for row in con.execute("SELECT version FROM schema_migrations").fetchall()}
    applied = []
    for version, name, sql in migrations():
        if version in done:
            continue
        with transaction(con):
            if con.execute("SELECT 1 FROM schema_migrations WHERE version = ?",
                           [version]).fetchall():
                continue  # another writer applied it meanwhile
            con.execute(shape(sql))
            con.execute("INSERT INTO schema_migrations VALUES (?, ?, now())", [version, name])
        applied.append(name)
    return applied


def _is_lock_error(exc: Exception) -> bool:
    text = str(exc).lower()
    return "lock" in text and ("could not set" in text or "conflicting" in text)


def _connect_lake(lake: Lake, read_only: bool) -> duckdb.DuckDBPyConnection:
    """An in-memory DuckDB with the lake attached as its default catalog: migrated for a
    writer (made on first write); for a reader attached read-only, ``NoLake`` (a
    ``FileNotFoundError``) when there is none yet, as for a missing file."""
    con = duckdb.connect()
    try:
        attach(con, lake, read_only=read_only)
        if not read_only:
            retrying(lambda: migrate(con, keys=False))
    except BaseException:
        con.close()
        raise
    return con


def connect(
    path: str | Path | Lake, *, read_only: bool = False, wait_seconds: float | None = None
) -> duckdb.DuckDBPyConnection:
    """Open the warehouse. Writers of the embedded file wait up to ``wait_seconds`` (default
    ``WRITER_WAIT_SECONDS``) for another writer to finish; a lake is opened at once."""
    if isinstance(path, Lake):
        return _connect_lake(path, read_only)
    path = Path(path)
    if wait_seconds is None:
        wait_seconds = WRITER_WAIT_SECONDS
    if read_only:
        if not path.exists():
            raise FileNotFoundError(no_warehouse(path))
        try:
            return duckdb.connect(str(path), read_only=True)
        except duckdb.IOException as exc:
            if _is_lock_error(exc):
                raise WarehouseBusy(f"{path} is being written by another process") from exc
            raise
    path.parent.mkdir(parents=True, exist_ok=True)
    deadline = time.monotonic() + wait_seconds
    delay = 0.1
    while True:
        try:
            con = duckdb.connect(str(path))
            break
        except duckdb.IOException as exc:
            if not _is_lock_error(exc) or time.monotonic() >= deadline:
                if _is_lock_error(exc):
                    raise WarehouseBusy(
                        f"{path} is held by another writer (waited {wait_seconds:.0f}s)"
                    ) from exc
                raise
            time.sleep(delay)
            delay = min(delay * 2, 2.0)
    migrate(con)
    return con


@contextlib.contextmanager
def connected(
    path: str | Path | Lake, *, read_only: bool = False, wait_seconds: float | None = None
) -> Iterator[duckdb.DuckDBPyConnection]:
    """:func:`connect` as a with-block: the connection is closed however the block ends, so a
    writer holds the one-writer lock no longer than the block."""
    con = connect(path, read_only=read_only, wait_seconds=wait_seconds)
    try:
        yield con
    finally:
        con.close()
