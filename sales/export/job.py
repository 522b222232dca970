"""One export from start to finish: read a consistent view, write the format's files (and the
provenance sidecar), then log it.

Reading happens on a read-only connection or the snapshot; the log row is written after that
connection is closed (``sales.export.log``), so an export never blocks, or is blocked by, a
writer.
"""

from __future__ import annotations

import json
from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from datetime import datetime
from pathlib import Path

from sales.export import ExportFormat
from sales.export.columns import GENERIC_COLUMNS
from sales.export.files import FileStyle, write_csv
from sales.export.filters import describe
from sales.export.log import (
    LogEntry,
    fingerprints_file,
    new_export_id,
    now_utc,
    previous_fingerprints,
    record,
)
from sales.export.view import Selection, open_scored_rows
from warehouse.hashing import file_sha256

# The values a provenance sidecar gives the source of: every generic column (declared in
# ``sales.export.columns``, each traced or derived), in the scored view's names.
PROVENANCE_FIELDS = GENERIC_COLUMNS


@dataclass(frozen=True)
class ExportRequest:
    """What to export and how: the selection's parts, ``changed`` (only rows new or changed
    since the last export of this profile and format), ``since``, Excel style, provenance."""

    profile: str
    stages: tuple[str, ...] = ("prospect",)
    filters: Mapping[str, Sequence[str]] | None = None
    since: datetime | None = None
    changed: bool = False
    excel: bool = False
    provenance: bool = False


@dataclass(frozen=True)
class ExportOutcome:
    files: tuple[Path, ...]
    rows: int
    from_snapshot: bool
    logged_to: str
    export_id: str


def provenance_path(output: Path) -> Path:
    return output.with_name(output.stem + "-provenance" + output.suffix)


def run_export(
    fmt: ExportFormat,
    request: ExportRequest,
    output: Path,
    *,
    warehouse: Path,
    snapshot: Path,
    exports_dir: Path,
) -> ExportOutcome:
    """Write ``fmt``'s files for ``request`` to ``output`` and log the export."""
    previous, earlier = previous_fingerprints(
        warehouse, exports_dir, profile=request.profile, format=fmt.name
    )
    filters = describe(request.filters or {})
    selection = Selection(
        profile=request.profile,
        stages=tuple(request.stages),
        filters=tuple((k, tuple(v)) for k, v in filters.items()),
        since=request.since,
        unchanged=earlier if request.changed else None,
    )
    now = now_utc()
    export_id = new_export_id(now)
    fingerprints = fingerprints_file(request.profile, fmt.name, export_id)
    style = FileStyle(excel=request.excel)
    output.parent.mkdir(parents=True, exist_ok=True)
    with open_scored_rows(warehouse, snapshot) as rows:
        written = fmt.write(rows, selection, output, style)
        files = written.files
        if request.provenance:
            sidecar = provenance_path(output)
            write_csv(rows.provenance(selection, PROVENANCE_FIELDS), sidecar, style,
                      text_columns=("company_id", "value"))
            files = (*files, sidecar)
        rows.write_fingerprints(selection, earlier, exports_dir / fingerprints)
        from_snapshot = rows.from_snapshot
    entry = LogEntry(
        export_id=export_id,
        exported_at=now,
        format=fmt.name,
        profile=request.profile,
        filter=json.dumps(
            {
                "stages": list(selection.stages),
                **filters,
                **({"since": request.since.isoformat()} if request.since else {}),
                **({"changed_since": previous.export_id if previous else None}
                   if request.changed else {}),
            },
            sort_keys=True,
        ),
        rows=written.rows,
        file=str(files[0]),
        sha256=file_sha256(files[0]),
        fingerprints=fingerprints.as_posix(),
    )
    logged_to = record(entry, warehouse, exports_dir)
    return ExportOutcome(files, written.rows, from_snapshot, logged_to, export_id)
