"""The export log: every export's when, format, profile, filter, row count and file hash.

An export reads a read-only connection or the snapshot, so it cannot write while it reads.
Afterwards its log row goes into the warehouse's ``export_log`` table through a short, separate
write connection when the warehouse is free, and otherwise into ``export-log.jsonl`` in the
exports folder. Reading the log reads both. The log is what ``--changed`` compares with: each
entry names a fingerprints file of every row the profile and format has received so far.
"""

from __future__ import annotations

import json
import uuid
from dataclasses import asdict, dataclass
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

import duckdb

from warehouse.db import WarehouseBusy, connect

JSONL_NAME = "export-log.jsonl"
FINGERPRINTS_DIR = "fingerprints"
COLUMNS = ("export_id", "exported_at", "format", "profile", "filter", "rows", "file", "sha256",
           "fingerprints")


@dataclass(frozen=True)
class LogEntry:
    """One export, as logged. ``filter`` is JSON text; ``fingerprints`` is relative to the
    exports folder."""

    export_id: str
    exported_at: datetime
    format: str
    profile: str
    filter: str
    rows: int
    file: str
    sha256: str
    fingerprints: str | None


def new_export_id(now: datetime) -> str:
    return f"export-{now:%Y%m%dT%H%M%S}-{uuid.uuid4().hex[:8]}"


def now_utc() -> datetime:
    return datetime.now(UTC).replace(tzinfo=None)


def record(entry: LogEntry, warehouse: Path, exports_dir: Path) -> str:
    """Log ``entry``; return where it went ("warehouse" or the JSON Lines file's name)."""
    try:
        con = connect(warehouse, wait_seconds=0)
    except WarehouseBusy:
        return _append_jsonl(entry, exports_dir)
    try:
        con.execute(
            f"INSERT INTO export_log ({', '.join(COLUMNS)}) VALUES "
            f"({', '.join('?' for _ in COLUMNS)})",
            [getattr(entry, c) for c in COLUMNS],
        )
    finally:
        con.close()
    return "warehouse"


def _append_jsonl(entry: LogEntry, exports_dir: Path) -> str:
    path = Path(exports_dir) / JSONL_NAME
    path.parent.mkdir(parents=True, exist_ok=True)
    row = asdict(entry)
    row["exported_at"] = entry.exported_at.isoformat()
    with path.open("a", encoding="utf-8") as fh:
        fh.write(json.dumps(row, sort_keys=True) + "\n")
    return JSONL_NAME


def _from_jsonl(exports_dir: Path) -> list[LogEntry]:
    path = Path(exports_dir) / JSONL_NAME
    if not path.exists():
        return []
    entries = []
    for number, line in enumerate(path.read_text(encoding="utf-8").splitlines(), 1):
        if not line.strip():
            continue
        try:
            row: dict[str, Any] = json.loads(line)
            row["exported_at"] = datetime.fromisoformat(row["exported_at"])
            entries.append(LogEntry(**{c: row.get(c) for c in COLUMNS}))
        except (ValueError, KeyError, TypeError) as exc:
            raise ValueError(f"{path}, line {number}: not an export log entry ({exc})") from exc
    return entries


def _from_warehouse(warehouse: Path) -> list[LogEntry]:
    """The table's entries; none when there is no warehouse, no table yet, or a writer holds
    it (then only the JSON Lines file is read)."""
    try:
        con = connect(warehouse, read_only=True)
    except (FileNotFoundError, WarehouseBusy):
        return []
    try:
        rows = con.execute(f"SELECT {', '.join(COLUMNS)} FROM export_log").fetchall()
    except duckdb.CatalogException:
        return []
    finally:
        con.close()
    return [LogEntry(*row) for row in rows]


def read_log(warehouse: Path, exports_dir: Path) -> list[LogEntry]:
    """Every logged export, from the table and the JSON Lines file, oldest first."""
    entries = {e.export_id: e for e in _from_warehouse(warehouse)}
    entries.update({e.export_id: e for e in _from_jsonl(exports_dir)})
    return sorted(entries.values(), key=lambda e: (e.exported_at, e.export_id))


def fingerprints_file(profile: str, format: str, export_id: str) -> Path:
    """Where an export's fingerprints go, relative to the exports folder."""
    return Path(FINGERPRINTS_DIR) / f"{profile}-{format}" / f"{export_id}.parquet"


def previous_fingerprints(
    warehouse: Path, exports_dir: Path, *, profile: str, format: str
) -> tuple[LogEntry | None, Path | None]:
    """The last export of ``profile`` in ``format`` and its fingerprints file.

    While a writer holds the warehouse its log table cannot be read; then the newest
    fingerprints file of this profile and format (export ids sort by time) stands in for it.
    """
    entry = last_export(warehouse, exports_dir, profile=profile, format=format)
    found = Path(exports_dir) / entry.fingerprints if entry and entry.fingerprints else None
    folder = Path(exports_dir) / fingerprints_file(profile, format, "x").parent
    newest = max(folder.glob("*.parquet"), default=None, key=lambda p: p.name)
    if newest is not None and (found is None or newest.name > found.name):
        found = newest
    return entry, found


def last_export(
    warehouse: Path, exports_dir: Path, *, profile: str, format: str
) -> LogEntry | None:
    """The latest export of ``profile`` in ``format``, or None."""
    matching = [e for e in read_log(warehouse, exports_dir)
                if e.profile == profile and e.format == format]
    return matching[-1] if matching else None
