"""Writing export files: whole or not at all (a reader never sees half a file)."""

from __future__ import annotations

import os
from pathlib import Path

import duckdb
import pyarrow as pa


def write_csv(table: pa.Table, path: Path) -> int:
    """``table`` as UTF-8 CSV with a header row and RFC 4180 quoting; return its row count.

    Written to a temporary name beside ``path`` (whose folder exists) and renamed into place.
    """
    path = Path(path)
    tmp = path.with_name(path.name + ".tmp")
    target = "'" + tmp.as_posix().replace("'", "''") + "'"
    con = duckdb.connect()
    try:
        con.register("export_rows", table)
        con.execute(f"COPY export_rows TO {target} (HEADER, DELIMITER ',', QUOTE '\"')")
    finally:
        con.close()
    os.replace(tmp, path)
    return table.num_rows
