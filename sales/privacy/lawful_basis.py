"""The lawful basis a profile's processing rests on, as the export names it.

The score stage records the configured basis (``[profiles.<name>] lawful_basis``, else
``[privacy] lawful_basis``) beside the profile's scores, so an export, read from the warehouse
or from the snapshot, says the basis the rows were scored under.
"""

from __future__ import annotations

from datetime import UTC, datetime

import duckdb

from warehouse.upsert import merge_row


def record_lawful_basis(con: duckdb.DuckDBPyConnection, profile: str, basis: str) -> None:
    con.execute(
        merge_row("profile_lawful_basis", ["profile", "lawful_basis", "updated_at"], ["profile"]),
        [profile, basis, datetime.now(UTC).replace(tzinfo=None)],
    )


def lawful_basis_of(con: duckdb.DuckDBPyConnection, profile: str) -> str | None:
    row = con.execute("SELECT lawful_basis FROM profile_lawful_basis WHERE profile = ?",
                      [profile]).fetchone()
    return row[0] if row else None
