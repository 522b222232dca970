"""Upserts as ``MERGE INTO``, so one statement serves every warehouse backend.

``INSERT … ON CONFLICT`` and ``INSERT OR REPLACE`` need a primary key, and the many-writer
backend (DuckLake) has none: its tables are the same migrations without their keys. ``MERGE``
matches on the key columns named here instead, and the embedded file runs it too.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence

INCOMING = "incoming"
"""The alias of the rows being merged, as ``excluded`` was for ``ON CONFLICT``."""


def match_on(table: str, keys: Sequence[str]) -> str:
    """The ``ON`` condition of a merge into ``table`` on its key columns."""
    return " AND ".join(f"{table}.{k} = {INCOMING}.{k}" for k in keys)


def merge_row(
    table: str,
    columns: Sequence[str] | Mapping[str, str],
    keys: Sequence[str],
    update: Sequence[str] | Mapping[str, str] | None = None,
) -> str:
    """MERGE of one row of parameters into ``table``, matched on ``keys``.

    ``columns`` are the row's columns, each a ``?`` parameter in order, or a mapping of column
    to SQL expression (``{"imported_at": "now()"}``; ``"?"`` for a parameter). ``update``
    says what a matching row gets: None, every non-key column (``INSERT OR REPLACE``); a list,
    those columns from the incoming row; a mapping, column to SQL expression; empty, nothing
    (``ON CONFLICT DO NOTHING``).
    """
    exprs = dict(columns) if isinstance(columns, Mapping) else {c: "?" for c in columns}
    select = ", ".join(f"{expr} AS {name}" for name, expr in exprs.items())
    if update is None:
        update = [c for c in exprs if c not in keys]
    sets = (dict(update) if isinstance(update, Mapping)
            else {c: f"{INCOMING}.{c}" for c in update})
    sql = f"MERGE INTO {table} USING (SELECT {select}) AS {INCOMING} ON ({match_on(table, keys)}) "
    if sets:
        assignments = ", ".join(f"{c} = {e}" for c, e in sets.items())
        sql += f"WHEN MATCHED THEN UPDATE SET {assignments} "
    return sql + "WHEN NOT MATCHED THEN INSERT BY NAME"


def merge_new(table: str, source_sql: str, keys: Sequence[str]) -> str:
    """Insert the rows of ``source_sql`` whose key ``table`` does not hold yet (one per key):
    what ``INSERT … ON CONFLICT DO NOTHING`` did."""
    partition = ", ".join(keys)
    return (f"MERGE INTO {table} USING (SELECT * FROM ({source_sql}) "
            f"QUALIFY row_number() OVER (PARTITION BY {partition}) = 1) AS {INCOMING} "
            f"ON ({match_on(table, keys)}) WHEN NOT MATCHED THEN INSERT BY NAME")
