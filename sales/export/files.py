"""Writing export files: whole or not at all (a reader never sees half a file).

Every export file goes through ``write_csv``: each text cell passes the formula guard
(``sales.export.cells``), quoting is RFC 4180 (embedded quotes doubled, fields holding commas,
quotes or newlines quoted), and the Excel-friendly style adds a UTF-8 byte-order mark (without
it Excel reads umlauts as two Latin-1 characters) and keeps phones and ids as text.
"""

from __future__ import annotations

import os
import shutil
from collections.abc import Collection
from dataclasses import dataclass
from pathlib import Path

import duckdb
import pyarrow as pa

from sales.export.cells import safe_cell_sql

UTF8_BOM = b"\xef\xbb\xbf"


def temporary_beside(path: Path, suffix: str = ".tmp") -> Path:
    """The name to write ``path`` under before renaming it into place, this process's own:
    two processes writing the same file at once (two pipeline runs of one project, which the
    many-writer warehouse lets write side by side) never write into one temporary file."""
    return path.with_name(f"{path.name}.{os.getpid()}{suffix}")


@dataclass(frozen=True)
class FileStyle:
    """How a file is written, whatever its format: plain UTF-8, or Excel-friendly."""

    excel: bool = False


def write_csv(
    table: pa.Table,
    path: Path,
    style: FileStyle = FileStyle(),
    *,
    text_columns: Collection[str] = (),
) -> int:
    """``table`` as a UTF-8 CSV with a header row, every text cell formula-safe; its row count.

    ``text_columns`` (phones, ids) stay text in a spreadsheet even when they look like numbers
    (with ``style.excel``). Written to a temporary name beside ``path`` (whose folder exists)
    and renamed into place.
    """
    path = Path(path)
    tmp = temporary_beside(path)
    selects = []
    for field in table.schema:
        if pa.types.is_string(field.type) or pa.types.is_large_string(field.type):
            keep = style.excel and field.name in text_columns
            selects.append(safe_cell_sql(field.name, keep_as_text=keep))
        else:
            selects.append('"' + field.name.replace('"', '""') + '"')
    con = duckdb.connect()
    try:
        con.register("export_rows", table)
        # The path is a parameter, never part of the SQL text (an apostrophe is just a letter).
        con.execute(
            f"COPY (SELECT {', '.join(selects)} FROM export_rows) TO ? "
            "(HEADER, DELIMITER ',', QUOTE '\"', ESCAPE '\"')", [str(tmp)]
        )
    finally:
        con.close()
    if style.excel:
        with_bom = temporary_beside(path, ".bom.tmp")
        with tmp.open("rb") as src, with_bom.open("wb") as dst:
            dst.write(UTF8_BOM)
            shutil.copyfileobj(src, dst, 1 << 20)
        tmp.unlink()
        tmp = with_bom
    os.replace(tmp, path)
    return table.num_rows

