"""The scored-company view every export format reads, and the snapshot that stands in for it.

One row per scored company and profile: the score, the golden record, enrichment and the best
contact. An export reads a consistent view: the warehouse read-only, or (when a writer holds it)
the Parquet snapshot the score stage leaves behind, so an export never fails because of a load.
"""

from __future__ import annotations

import contextlib
import os
from collections.abc import Iterator, Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import duckdb
import pyarrow as pa

from warehouse.db import WarehouseBusy, connect

CONTACT_ROLE_RANK = (
    r"(?i)(purchas|procure|buyer|einkauf|operations|plant|production|logistics|managing director|"
    r"ceo|owner|founder|director|head|manager|sales)"
)

SCORED_COMPANIES_SQL = f"""
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
       s.profile, strftime(s.scored_at, '%Y-%m-%dT%H:%M:%SZ') AS scored_at,
       s.tier, s.solvency_band, s.timing, s.priority, s.priority_rank,
       d.distance_km, d.distance, o.manager_name AS owner, o.manager_email AS owner_email
FROM scores s
JOIN companies c USING (company_id)
LEFT JOIN enrichment e USING (company_id)
LEFT JOIN score_distances d ON d.company_id = s.company_id AND d.profile = s.profile
LEFT JOIN owners o ON o.company_id = s.company_id AND o.profile = s.profile
LEFT JOIN ranked_contacts rc ON rc.company_id = c.company_id AND rc.rn = 1
"""

# Best first: prospects, then by priority (tier, band, timing), then fit × solvency; name and
# id make the order total.
ORDER_SQL = ("ORDER BY (stage = 'prospect') DESC, priority_rank NULLS LAST, fit * solvency DESC, "
             "name, company_id")


@dataclass(frozen=True)
class Selection:
    """Which scored companies an export takes: one profile, some funnel stages."""

    profile: str
    stages: tuple[str, ...] = ("prospect",)

    def where(self) -> tuple[str, list[Any]]:
        marks = ", ".join("?" for _ in self.stages)
        return f"WHERE profile = ? AND stage IN ({marks})", [self.profile, *self.stages]


@dataclass(frozen=True)
class ScoredRows:
    """Where an export reads scored companies: the warehouse's view or the Parquet snapshot."""

    con: duckdb.DuckDBPyConnection
    source_sql: str
    from_snapshot: bool

    def fetch(self, columns: Sequence[str], selection: Selection) -> pa.Table:
        """The selected rows, best first, with ``columns`` in that order."""
        where, params = selection.where()
        sql = f"SELECT {', '.join(columns)} FROM ({self.source_sql}) {where} {ORDER_SQL}"
        return self.con.sql(sql, params=params).to_arrow_table()


def _quoted(path: Path) -> str:
    return "'" + Path(path).as_posix().replace("'", "''") + "'"


@contextlib.contextmanager
def open_scored_rows(warehouse: Path, snapshot: Path) -> Iterator[ScoredRows]:
    """The warehouse read-only; when a writer holds it, the latest snapshot instead.

    Raises ``FileNotFoundError`` without a warehouse, ``WarehouseBusy`` when it is held and no
    snapshot exists yet.
    """
    try:
        con = connect(warehouse, read_only=True)
        rows = ScoredRows(con, SCORED_COMPANIES_SQL, from_snapshot=False)
    except WarehouseBusy:
        if not Path(snapshot).exists():
            raise
        con = duckdb.connect()
        rows = ScoredRows(con, f"SELECT * FROM read_parquet({_quoted(snapshot)})", True)
    try:
        yield rows
    finally:
        con.close()


def write_snapshot(con: duckdb.DuckDBPyConnection, path: Path) -> Path:
    """Leave a Parquet snapshot of every scored company for readers while a writer runs."""
    path = Path(path)
    path.parent.mkdir(parents=True, exist_ok=True)
    tmp = path.with_name(path.name + ".tmp")
    con.execute(f"COPY ({SCORED_COMPANIES_SQL}) TO {_quoted(tmp)} (FORMAT parquet)")
    os.replace(tmp, path)
    return path
