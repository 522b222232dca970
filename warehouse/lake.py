"""The many-writer warehouse: DuckLake, its catalog in PostgreSQL, its data in Parquet files.

The embedded DuckDB file takes one writer at a time. DuckLake keeps the catalog in a database
that many processes write at once (PostgreSQL) and the table data as Parquet files under a
shared folder or object-store URL, so writers on several machines commit side by side; a
commit that conflicts with another is retried whole (``retrying``).

Its extensions come from the PyPI packages ``duckdb-extension-ducklake`` and
``duckdb-extension-postgres``, which are built for one DuckDB version each (``make env-lake``
installs the matching set). The same SQL runs on both backends: the tables are the same
migrations without their keys (DuckLake has no PRIMARY KEY or UNIQUE), and upserts are
``MERGE INTO`` (``warehouse.upsert``).
"""

from __future__ import annotations

import importlib.util
import os
import re
import tempfile
import time
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path
from typing import TypeVar

import duckdb

CATALOG_NAME = "lake"

T = TypeVar("T")


class LakeUnavailable(RuntimeError):
    """The DuckLake backend cannot be used here; the message says why in one line."""


@dataclass(frozen=True)
class Lake:
    """Where a DuckLake warehouse lives: its PostgreSQL catalog (a libpq connection string,
    ``"host=db.internal port=5432 dbname=leadpipe user=leadpipe"``) and its data files (a
    folder every writer reaches, or an object-store URL)."""

    catalog: str
    data_path: str

    def __str__(self) -> str:
        return f"ducklake:postgres:{self.catalog} (data {self.data_path})"

    def exists(self) -> bool:
        """Whether the catalog database holds this lake's tables yet (a first write makes
        them, as it makes the embedded file). Asks PostgreSQL through a read-only attach, so
        asking creates nothing; a catalog it cannot reach is ``LakeUnavailable``, not "no"."""
        con = duckdb.connect()
        try:
            attach(con, self, read_only=True)
        except NoLake:
            return False
        finally:
            con.close()
        return True


class NoLake(FileNotFoundError):
    """The catalog database holds no lake (or not its tables) yet: nothing has been loaded.

    A ``FileNotFoundError``, as a missing embedded file is, so the commands that read the
    warehouse say so in the same one line."""


def extension_file(package: str, name: str) -> Path:
    """The extension ``name`` shipped by the PyPI package ``package`` for this DuckDB; a
    ``LakeUnavailable`` saying what to install when it is missing."""
    spec = importlib.util.find_spec(package)
    if spec is None or not spec.submodule_search_locations:
        raise LakeUnavailable(
            f"the ducklake backend needs the package {package}=={duckdb.__version__} "
            "(run `make env-lake` and use .venv-lake)")
    root = Path(next(iter(spec.submodule_search_locations)))
    path = root / "extensions" / f"v{duckdb.__version__}" / f"{name}.duckdb_extension"
    if not path.is_file():
        built = sorted(p.name for p in (root / "extensions").glob("v*"))
        raise LakeUnavailable(
            f"{package} has no build for DuckDB {duckdb.__version__} (it has {', '.join(built)})")
    return path


EXTENSIONS = (("duckdb_extension_postgres", "postgres"), ("duckdb_extension_ducklake", "ducklake"))


def check_extensions() -> None:
    """Raise ``LakeUnavailable`` (one line) unless both extensions are installed for this
    DuckDB; the ducklake backend needs nothing else from this environment."""
    for package, name in EXTENSIONS:
        extension_file(package, name)


def _postgres_extension() -> Path:
    """The postgres extension under the name DuckDB loads it by.

    The package ships ``postgres.duckdb_extension``, but DuckDB takes the entry point from the
    file name and the extension's is ``postgres_scanner``: a link of that name is made once
    per DuckDB version in the temporary folder.
    """
    shipped = extension_file(*EXTENSIONS[0])
    folder = Path(tempfile.gettempdir()) / f"leadpipe-duckdb-{duckdb.__version__}"
    linked = folder / "postgres_scanner.duckdb_extension"
    if linked.is_symlink() and linked.resolve() == shipped.resolve():
        return linked
    folder.mkdir(parents=True, exist_ok=True)
    staging = folder / f".postgres_scanner.{os.getpid()}"
    staging.unlink(missing_ok=True)
    staging.symlink_to(shipped)
    os.replace(staging, linked)  # atomic: writers starting together never see half a link
    return linked


def attach(con: duckdb.DuckDBPyConnection, lake: Lake, *, read_only: bool = False) -> None:
    """Load the extensions, attach the lake and make it the default catalog.

    ``read_only`` attaches an existing lake for reading and creates nothing: ``NoLake`` when
    the catalog holds none, or none with the warehouse's tables."""
    for path in (_postgres_extension(), extension_file(*EXTENSIONS[1])):
        con.execute(f"LOAD '{_quoted(str(path))}'")
    data_path = lake.data_path
    if "://" not in data_path and not read_only:
        Path(data_path).mkdir(parents=True, exist_ok=True)
    options = f"DATA_PATH '{_quoted(data_path)}'" + (", READ_ONLY" if read_only else "")
    try:
        con.execute(f"ATTACH 'ducklake:postgres:{_quoted(lake.catalog)}' AS {CATALOG_NAME} "
                    f"({options})")
    except duckdb.InvalidInputException as exc:
        # DuckLake: "Existing DuckLake at metadata catalog … does not exist - and creating a
        # new DuckLake is explicitly disabled"
        if read_only and "does not exist" in str(exc):
            raise NoLake(no_warehouse(lake)) from None
        raise _unavailable(lake, exc) from None
    except duckdb.Error as exc:
        raise _unavailable(lake, exc) from None
    con.execute(f"USE {CATALOG_NAME}")
    if read_only and not con.execute(
            "SELECT 1 FROM information_schema.tables WHERE table_catalog = ? "
            "AND table_name = 'schema_migrations'", [CATALOG_NAME]).fetchall():
        raise NoLake(no_warehouse(lake))


def no_warehouse(where: object) -> str:
    """What a reader says when the warehouse (a file or a lake) has not been made yet."""
    return f"{where}: no warehouse yet (run `leadpipe load` first)"


def _unavailable(lake: Lake, exc: duckdb.Error) -> LakeUnavailable:
    first = (str(exc).strip().splitlines() or [type(exc).__name__])[0]
    return LakeUnavailable(f"cannot attach the lake {lake}: {first}")


def _quoted(text: str) -> str:
    return text.replace("'", "''")


_COLUMN_KEY = re.compile(r"\s+(PRIMARY\s+KEY|UNIQUE)\b(?!\s*\()", re.IGNORECASE)
_TABLE_KEY = re.compile(r",\s*(PRIMARY\s+KEY|UNIQUE)\s*\([^)]*\)", re.IGNORECASE)
_COMMENT = re.compile(r"--[^\n]*")


def without_keys(sql: str) -> str:
    """A migration as DuckLake takes it: the same statements without PRIMARY KEY / UNIQUE
    (column or table constraints). Comments go first, so a key after a commented line's comma
    is found; the migrations keep no ``--`` inside string literals."""
    return _TABLE_KEY.sub("", _COLUMN_KEY.sub("", _COMMENT.sub("", sql)))


# DuckLake: "Transaction conflict - …", "Failed to commit DuckLake transaction" (another
# writer's snapshot came first and the retries DuckLake makes itself ran out).
_CONFLICT_WORDS = ("conflict", "concurrent", "failed to commit ducklake transaction")


def is_commit_conflict(exc: BaseException) -> bool:
    """A transaction that lost a race with another writer's commit (try it again)."""
    if not isinstance(exc, duckdb.Error):
        return False
    text = str(exc).lower()
    return any(word in text for word in _CONFLICT_WORDS)


def retrying(work: Callable[[], T], *, attempts: int = 8, first_delay: float = 0.05) -> T:
    """Run ``work`` (one whole transaction) again while it ends in a commit conflict."""
    delay = first_delay
    for attempt in range(attempts):
        try:
            return work()
        except duckdb.Error as exc:
            if attempt == attempts - 1 or not is_commit_conflict(exc):
                raise
        time.sleep(delay)
        delay = min(delay * 2, 1.0)
    raise AssertionError("unreachable")
