"""Export scored companies as a CSV that imports cleanly into a CRM.

One row per company, UTF-8, a header row, RFC 4180 quoting, lists joined with "; ".
The export reads a consistent view: the warehouse read-only, or (when a writer holds it) the
Parquet snapshot the score stage leaves behind, so an export never fails because of a load.
"""

from __future__ import annotations

import os
from collections.abc import Sequence
from pathlib import Path

import duckdb

COLUMNS = [
    "company_id",
    "name",
    "stage",
    "fit",
    "solvency",
    "reasons",
    "website",
    "country",
    "city",
    "industry",
    "employees",
    "phone",
    "email",
    "best_contact_name",
    "best_contact_role",
    "best_contact_email",
    "best_contact_phone",
    "sources",
    "source_urls",
    "profile",
    "scored_at",
]

CONTACT_ROLE_RANK = (
    r"(?i)(purchas|procure|buyer|einkauf|operations|plant|production|logistics|managing director|"
    r"ceo|owner|founder|director|head|manager|sales)"
)

VIEW_SQL = f"""
WITH ranked_contacts AS (
    SELECT l.company_id, p.name, p.role, p.email, p.phone,
           row_number() OVER (
               PARTITION BY l.company_id
               ORDER BY (p.email IS NOT NULL) DESC,
                        regexp_matches(coalesce(p.role, ''), '{CONTACT_ROLE_RANK}') DESC,
                        (p.phone IS NOT NULL) DESC, p.last_seen_at DESC, p.contact_id
           ) AS rn
    FROM contacts p JOIN company_links l USING (record_id)
)
SELECT c.company_id, c.name, s.stage, round(s.fit, 2) AS fit, round(s.solvency, 2) AS solvency,
       array_to_string(s.reasons, '; ') AS reasons, c.website, c.country, c.city,
       e.industry, coalesce(e.website_employees, c.employees) AS employees,
       c.phone, coalesce(c.email, e.website_emails[1]) AS email,
       rc.name AS best_contact_name, rc.role AS best_contact_role,
       rc.email AS best_contact_email, rc.phone AS best_contact_phone,
       array_to_string(c.sources, '; ') AS sources,
       array_to_string(c.source_urls, ' ') AS source_urls,
       s.profile, strftime(s.scored_at, '%Y-%m-%dT%H:%M:%SZ') AS scored_at
FROM scores s
JOIN companies c USING (company_id)
LEFT JOIN enrichment e USING (company_id)
LEFT JOIN ranked_contacts rc ON rc.company_id = c.company_id AND rc.rn = 1
"""


def _order() -> str:
    return "ORDER BY (stage = 'prospect') DESC, fit * solvency DESC, name, company_id"


def _stage_filter(profile: str, stages: Sequence[str]) -> tuple[str, list[str]]:
    marks = ", ".join("?" for _ in stages)
    return f"WHERE profile = ? AND stage IN ({marks})", [profile, *stages]


def _copy(con: duckdb.DuckDBPyConnection, select: str, params: list[str], path: Path) -> int:
    path.parent.mkdir(parents=True, exist_ok=True)
    tmp = path.with_name(path.name + ".tmp")
    table = con.sql(f"SELECT {', '.join(COLUMNS)} FROM ({select})", params=params).to_arrow_table()
    con.register("export_rows", table)
    try:
        con.execute(f"COPY export_rows TO '{tmp.as_posix()}' (HEADER, DELIMITER ',', QUOTE '\"')")
    finally:
        con.unregister("export_rows")
    os.replace(tmp, path)
    return table.num_rows


def export_csv(
    con: duckdb.DuckDBPyConnection,
    path: Path,
    *,
    profile: str,
    stages: Sequence[str] = ("prospect",),
) -> int:
    """Write the CSV from the warehouse; return the number of rows."""
    where, params = _stage_filter(profile, stages)
    return _copy(con, f"SELECT * FROM ({VIEW_SQL}) {where} {_order()}", params, Path(path))


def write_snapshot(con: duckdb.DuckDBPyConnection, path: Path) -> Path:
    """Leave a Parquet snapshot of every scored company for readers while a writer runs."""
    path = Path(path)
    path.parent.mkdir(parents=True, exist_ok=True)
    tmp = path.with_name(path.name + ".tmp")
    con.execute(f"COPY ({VIEW_SQL}) TO '{tmp.as_posix()}' (FORMAT parquet)")
    os.replace(tmp, path)
    return path


def export_csv_from_snapshot(
    snapshot: Path, path: Path, *, profile: str, stages: Sequence[str] = ("prospect",)
) -> int:
    con = duckdb.connect()
    try:
        where, params = _stage_filter(profile, stages)
        select = f"SELECT * FROM read_parquet('{Path(snapshot).as_posix()}') {where} {_order()}"
        return _copy(con, select, params, Path(path))
    finally:
        con.close()
