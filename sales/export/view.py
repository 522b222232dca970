"""The scored-company view every export format reads, and the snapshot that stands in for it.

One row per scored company and profile: the score, the golden record, enrichment and the best
contact. An export reads a consistent view: the warehouse read-only, or (when a writer holds it)
the Parquet snapshot the score stage leaves behind, so an export never fails because of a load.
"""

from __future__ import annotations

import contextlib
import os
from collections.abc import Collection, Iterable, Iterator, Sequence
from dataclasses import dataclass
from datetime import datetime
from pathlib import Path
from typing import Any

import duckdb
import pyarrow as pa

from sales.export.columns import BY_NAME, golden_fields, traced_by
from sales.export.files import temporary_beside
from sales.export.filters import filter_sql
from sales.export.identifier_words import registration_words_sql
from sales.privacy.view import LEADERS, export_view_sql, leadership_text_sql
from warehouse.db import WarehouseBusy, connect, migrations

CONTACT_ROLE_RANK = (
    r"(?i)(purchas|procure|buyer|einkauf|operations|plant|production|logistics|managing director|"
    r"ceo|owner|founder|director|head|manager|sales)"
)

# The one definition of a company's best contact: an e-mail first, then a buying or deciding
# role, then a phone, then the most recently seen. The view and the provenance query share it.
BEST_CONTACT_RANK = f"""row_number() OVER (
               PARTITION BY l.company_id
               ORDER BY (p.email IS NOT NULL) DESC,
                        regexp_matches(coalesce(p.role, ''), '{CONTACT_ROLE_RANK}') DESC,
                        (p.phone IS NOT NULL) DESC, p.last_seen_at DESC, p.contact_id
           )"""

# What the company's own website says (enrich/signals/site_profile.py), in plain words; the
# golden record's street and description where the site says nothing.
WEBSITE_PROFILE_SQL = f"""
       coalesce(e.website_address, CASE WHEN c.street IS NOT NULL THEN
                concat_ws(', ', c.street, nullif(trim(concat_ws(' ', c.postcode, c.city)), ''))
                END) AS address,
       coalesce(e.website_description, left(c.description, 300)) AS description,
       nullif(array_to_string(e.website_social, ' '), '') AS social,
       {leadership_text_sql("e.website_leadership")} AS leadership,
       e.website_leadership AS {LEADERS},
       rw.registration_ids,
       e.website_language AS language, e.website_legal_name AS legal_name,
       coalesce(e.website_founded, CAST(c.founded AS VARCHAR)) AS founded"""
# What the company's own website says, each value traced to the page it was read on.
WEBSITE_COLUMNS = traced_by("site")

SCORED_COMPANIES_SQL = f"""
WITH ranked_contacts AS (
    SELECT l.company_id, p.name, p.role, p.email, p.phone,
           {BEST_CONTACT_RANK} AS rn
    FROM contacts p JOIN company_links l USING (record_id)
)
SELECT c.company_id, c.name, c.domain, s.stage, round(s.fit, 2) AS fit,
       round(s.solvency, 2) AS solvency,
       array_to_string(s.reasons, '; ') AS reasons, c.website, c.country, c.city,
       e.industry, coalesce(e.website_employees, c.employees) AS employees,
       c.phone, coalesce(c.email, e.website_emails[1]) AS email,
       rc.name AS best_contact_name, rc.role AS best_contact_role,
       rc.email AS best_contact_email, rc.phone AS best_contact_phone,
       array_to_string(c.sources, '; ') AS sources,
       array_to_string(c.source_urls, ' ') AS source_urls,
       s.profile, strftime(s.scored_at, '%Y-%m-%dT%H:%M:%SZ') AS scored_at,
       s.tier, s.solvency_band, s.timing, s.priority, s.priority_rank,
       d.distance_km, d.distance, o.manager_name AS owner, o.manager_email AS owner_email,
       c.updated_at AS record_updated_at,{WEBSITE_PROFILE_SQL}
FROM scores s
JOIN companies c USING (company_id)
LEFT JOIN enrichment e USING (company_id)
LEFT JOIN score_distances d ON d.company_id = s.company_id AND d.profile = s.profile
LEFT JOIN owners o ON o.company_id = s.company_id AND o.profile = s.profile
LEFT JOIN ranked_contacts rc ON rc.company_id = c.company_id AND rc.rn = 1
LEFT JOIN ({registration_words_sql("enrichment", "company_id", "website_identifiers")}) rw
  ON rw.company_id = c.company_id
"""

# Best first: prospects, then by priority (tier, band, timing), then fit × solvency; name and
# id make the order total.
ORDER_SQL = ("ORDER BY (stage = 'prospect') DESC, priority_rank NULLS LAST, fit * solvency DESC, "
             "name, company_id")

# Columns that say when a row was scored or touched, not what it says: left out of the
# fingerprint, so a re-run that changes nothing exports nothing with ``--changed``.
NOT_FINGERPRINTED = frozenset({"scored_at", "record_updated_at"})


def _values(names: Sequence[str]) -> str:
    """``('a'), ('b')``: a VALUES list of column names (declared names, never user text)."""
    return ", ".join(f"('{n}')" for n in names)


def _literal(text: str) -> str:
    return "'" + text.replace("'", "''") + "'"


# Where each exported value came from, one row per (company, field, trace): golden-record
# fields from the source record ``field_sources`` names, website values from the enrichment
# fetch, the website profile from the page each value was read on, the best contact from its
# contact row (which columns each traces, and in which order: ``sales.export.columns``). Kept
# beside the scored view (and its snapshot) so a provenance sidecar can be written from either.
PROVENANCE_SQL = f"""
WITH golden AS (
    SELECT c.company_id, f.field, json_extract_string(c.field_sources, f.golden) AS record_id
    FROM companies c
    CROSS JOIN (VALUES {", ".join(f"('{c}', '{g}')" for c, g in golden_fields())})
      AS f(field, golden)
),
best AS (
    SELECT l.company_id, p.source, p.url, p.last_seen_at,
           {BEST_CONTACT_RANK} AS rn
    FROM contacts p JOIN company_links l USING (record_id)
)
SELECT g.company_id, g.field, 'golden' AS trace, r.source, r.url AS source_url,
       r.last_seen_at AS fetched_at
FROM golden g JOIN source_records r ON r.record_id = g.record_id
UNION ALL
SELECT e.company_id, f.field, 'website' AS trace, 'website' AS source, e.website AS source_url,
       e.website_fetched_at AS fetched_at
FROM enrichment e JOIN companies c USING (company_id)
CROSS JOIN (VALUES {_values(traced_by('website'))}) AS f(field)
WHERE e.website_fetched_at IS NOT NULL
  AND ((f.field = 'email' AND c.email IS NULL AND len(e.website_emails) > 0)
       OR (f.field = 'employees' AND e.website_employees IS NOT NULL))
UNION ALL
-- the website profile: the page each value was read on, and when (enrichment.website_facts)
SELECT company_id, field, 'site' AS trace, 'website' AS source,
       min_by(url, fetched_at) AS source_url, min(fetched_at) AS fetched_at
FROM (SELECT company_id,
             CASE fact.field WHEN 'identifier' THEN 'registration_ids' ELSE fact.field END
               AS field, fact.url AS url, fact.fetched_at AS fetched_at
      FROM (SELECT company_id, unnest(website_facts) AS fact FROM enrichment))
WHERE field IN ({', '.join(f"'{n}'" for n in WEBSITE_COLUMNS)})
GROUP BY company_id, field
UNION ALL
SELECT b.company_id, f.field, 'contact' AS trace, b.source, b.url AS source_url,
       b.last_seen_at AS fetched_at
FROM best b CROSS JOIN (VALUES {_values(traced_by('contact'))}) AS f(field)
WHERE b.rn = 1
"""


@dataclass(frozen=True)
class Selection:
    """Which scored companies an export takes: one profile, some funnel stages, the declared
    filters (``sales.export.filters``), and optionally only rows new or changed.

    ``since``: companies whose record is new or changed since then. ``unchanged``: a Parquet file
    of (company_id, fingerprint) already exported; rows found there unchanged are left out.
    """

    profile: str
    stages: tuple[str, ...] = ("prospect",)
    filters: tuple[tuple[str, tuple[str, ...]], ...] = ()
    since: datetime | None = None
    unchanged: Path | None = None

    def where(self, available: Collection[str]) -> tuple[str, list[Any]]:
        marks = ", ".join("?" for _ in self.stages)
        conditions = ["profile = ?", f"stage IN ({marks})"]
        params: list[Any] = [self.profile, *self.stages]
        more, more_params = filter_sql(dict(self.filters), available)
        conditions += more
        params += more_params
        if self.since is not None:
            conditions.append("record_updated_at >= ?")
            params.append(self.since)
        if self.unchanged is not None:
            conditions.append(
                "NOT EXISTS (SELECT 1 FROM read_parquet(?) AS done "
                "WHERE done.company_id = rows.company_id AND done.fingerprint = rows.fingerprint)"
            )
            params.append(Path(self.unchanged).as_posix())
        return "WHERE " + " AND ".join(conditions), params


class ScoredRows:
    """Where an export reads scored companies: the warehouse's view or the Parquet snapshot.

    The first ``fetch`` of a selection keeps the selected rows (best first, with their
    fingerprints) in a temporary table, so a format writing several files, the provenance
    sidecar and the export log all see the same rows and the view is queried once.
    """

    def __init__(
        self,
        con: duckdb.DuckDBPyConnection,
        source_sql: str,
        from_snapshot: bool,
        provenance_sql: str | None = None,
    ) -> None:
        self.con = con
        self.source_sql = source_sql
        self.from_snapshot = from_snapshot
        self.provenance_sql = provenance_sql
        self._selected: Selection | None = None
        self.columns = tuple(con.sql(f"SELECT * FROM ({source_sql}) LIMIT 0").columns)

    def _fingerprint_sql(self) -> str:
        parts = [
            f"coalesce(CAST({c} AS VARCHAR), chr(30))"
            for c in self.columns
            if c not in NOT_FINGERPRINTED
        ]
        return f"md5(concat_ws(chr(31), {', '.join(parts)}))"

    def _select(self, selection: Selection) -> None:
        if self._selected == selection:
            return
        where, params = selection.where(self.columns)
        # The rows first, then their rank from only the columns the order reads: a window
        # over the whole wide rows made DuckDB buffer and sort every column (at 1,000,000
        # companies it cost about as much CPU as the view itself).
        self.con.execute(
            "CREATE OR REPLACE TEMP TABLE export_rows AS SELECT * FROM ("
            f"SELECT *, {self._fingerprint_sql()} AS fingerprint FROM ({self.source_sql})"
            f") AS rows {where}",
            params,
        )
        self.con.execute(
            "CREATE OR REPLACE TEMP TABLE export_ranks AS SELECT rowid AS row_id, "
            f"row_number() OVER ({ORDER_SQL}) AS export_rank FROM export_rows"
        )
        self.con.execute(
            "CREATE OR REPLACE TEMP VIEW export_selection AS SELECT r.*, k.export_rank "
            "FROM export_rows r JOIN export_ranks k ON k.row_id = r.rowid"
        )
        self._selected = selection

    def fetch(
        self, columns: Sequence[str], selection: Selection, where: str | None = None
    ) -> pa.Table:
        """The selected rows, best first, with ``columns`` (names or ``expr AS name``).

        ``where`` narrows further (e.g. rows with a contact e-mail).
        """
        self._select(selection)
        extra = f"WHERE {where}" if where else ""
        sql = f"SELECT {', '.join(columns)} FROM export_selection {extra} ORDER BY export_rank"
        return self.con.sql(sql).to_arrow_table()

    def write_fingerprints(
        self, selection: Selection, previous: Path | None, path: Path
    ) -> None:
        """Write (company_id, fingerprint) of every row received so far to ``path``: the
        selected rows, plus the ``previous`` file's rows that were not exported again."""
        self._select(selection)
        path = Path(path)
        path.parent.mkdir(parents=True, exist_ok=True)
        earlier = ""
        if previous is not None and Path(previous).exists():
            # read first, in a statement of its own: DuckDB 1.5 binds a COPY's parameters in
            # another order than 2.0 (the destination first)
            self.con.execute("CREATE OR REPLACE TEMP TABLE previous_fingerprints AS "
                             "SELECT company_id, fingerprint FROM read_parquet(?)",
                             [str(previous)])
            earlier = (
                " UNION ALL SELECT company_id, fingerprint FROM previous_fingerprints "
                "WHERE company_id NOT IN (SELECT company_id FROM export_rows)"
            )
        tmp = temporary_beside(path)
        self.con.execute(
            f"COPY (SELECT company_id, fingerprint FROM export_rows{earlier}) "
            "TO ? (FORMAT parquet)", [str(tmp)]
        )
        os.replace(tmp, path)

    def provenance(self, selection: Selection, fields: Sequence[str]) -> pa.Table:
        """Each selected row's non-empty ``fields`` with their source, URL and fetch time, best
        first, and a note: for a value leadpipe computes, what it was computed from (its
        declared ``derived`` words); for a traced value no source was found for, that.

        A traced value's source is the first of its declared traces found (the order the view
        picks the value in), so a value has one source row.
        """
        self._select(selection)
        values = " UNION ALL ".join(
            f"SELECT company_id, export_rank, {i} AS field_rank, '{f}' AS field, "
            f"CAST({f} AS VARCHAR) AS value FROM export_selection "
            f"WHERE nullif(CAST({f} AS VARCHAR), '') IS NOT NULL"
            for i, f in enumerate(fields)
        )
        known = self.provenance_sql or (
            "SELECT NULL::VARCHAR AS company_id, NULL::VARCHAR AS field, NULL::VARCHAR AS trace, "
            "NULL::VARCHAR AS source, NULL::VARCHAR AS source_url, NULL::TIMESTAMP AS fetched_at "
            "WHERE false"
        )
        ranks = ", ".join(f"('{f}', '{t}', {r})" for f in fields
                          for r, t in enumerate(BY_NAME[f].traced)) or "(NULL, NULL, NULL)"
        notes = " ".join(f"WHEN '{f}' THEN {_literal(BY_NAME[f].derived)}" for f in fields
                         if BY_NAME[f].derived)
        note = (f"CASE v.field {notes} END" if notes else "NULL::VARCHAR")
        sql = (
            f"SELECT v.company_id, v.field, v.value, p.source, p.source_url, "
            f"strftime(p.fetched_at, '%Y-%m-%dT%H:%M:%SZ') AS fetched_at, "
            f"coalesce({note}, CASE WHEN p.source IS NULL THEN '{NO_SOURCE}' END) AS note "
            f"FROM ({values}) v LEFT JOIN ("
            f"SELECT k.*, t.rank FROM ({known}) k JOIN (VALUES {ranks}) AS t(field, trace, rank) "
            f"ON t.field = k.field AND t.trace = k.trace) p "
            f"ON p.company_id = v.company_id AND p.field = v.field "
            f"QUALIFY row_number() OVER (PARTITION BY v.company_id, v.field "
            f"ORDER BY p.rank NULLS LAST) = 1 "
            f"ORDER BY v.export_rank, v.field_rank"
        )
        return self.con.sql(sql).to_arrow_table()


# The sidecar's note for a traced value whose source the warehouse does not know.
NO_SOURCE = "no source recorded for this value"


def provenance_snapshot_path(snapshot: Path) -> Path:
    """Where the snapshot's field provenance lives, beside the snapshot."""
    snapshot = Path(snapshot)
    return snapshot.with_name(snapshot.stem + ".provenance.parquet")


class SnapshotOutdated(RuntimeError):
    """The snapshot was written by an older leadpipe and lacks columns the exports read."""


# What the provenance query gives per row; a snapshot of it must have each.
PROVENANCE_COLUMNS = ("company_id", "field", "trace", "source", "source_url", "fetched_at")


def _pending_migrations(con: duckdb.DuckDBPyConnection) -> bool:
    """Does the warehouse lack migrations this leadpipe has (written by an older one)?"""
    try:
        done = {r[0] for r in con.execute("SELECT version FROM schema_migrations").fetchall()}
    except duckdb.CatalogException:
        return True
    return any(version not in done for version, _, _ in migrations())


def _open_current(warehouse: Path) -> duckdb.DuckDBPyConnection:
    """The warehouse read-only, migrated first when an older leadpipe wrote it (the export
    view reads tables the newer migrations add): a brief write, only when no writer holds it
    (else ``WarehouseBusy``, and the export reads the snapshot)."""
    con = connect(warehouse, read_only=True)
    if not _pending_migrations(con):
        return con
    con.close()
    connect(warehouse, wait_seconds=0).close()  # applies the migrations
    return connect(warehouse, read_only=True)


def _check_snapshot(con: duckdb.DuckDBPyConnection, table: str, path: Path,
                    needed: Iterable[str]) -> None:
    have = set(con.sql(f"SELECT * FROM {table} LIMIT 0").columns)
    missing = [c for c in needed if c not in have]
    if missing:
        raise SnapshotOutdated(
            f"{path}: snapshot written by an older leadpipe (no column "
            f"{', '.join(missing[:3])}{', ...' if len(missing) > 3 else ''}); export again "
            "once the process writing the warehouse has finished, or run `leadpipe score` to "
            "rewrite the snapshot")


@contextlib.contextmanager
def open_scored_rows(warehouse: Path, snapshot: Path) -> Iterator[ScoredRows]:
    """The warehouse read-only; when a writer holds it, the latest snapshot instead.

    Raises ``FileNotFoundError`` without a warehouse, ``WarehouseBusy`` when it is held and no
    snapshot exists yet, ``SnapshotOutdated`` when the snapshot lacks a column an export reads.
    """
    try:
        con = _open_current(warehouse)
        rows = ScoredRows(con, export_view_sql(con, SCORED_COMPANIES_SQL), False,
                          PROVENANCE_SQL)
    except WarehouseBusy:
        if not Path(snapshot).exists():
            raise
        con = duckdb.connect()
        provenance = provenance_snapshot_path(snapshot)
        try:
            # Paths are parameters, never part of the SQL text (an apostrophe is a letter).
            con.execute("CREATE TEMP TABLE scored_snapshot AS SELECT * FROM read_parquet(?)",
                        [str(snapshot)])
            _check_snapshot(con, "scored_snapshot", Path(snapshot), BY_NAME)
            if provenance.exists():
                con.execute("CREATE TEMP TABLE snapshot_provenance AS "
                            "SELECT * FROM read_parquet(?)", [str(provenance)])
                _check_snapshot(con, "snapshot_provenance", provenance, PROVENANCE_COLUMNS)
        except BaseException:
            con.close()
            raise
        rows = ScoredRows(
            con,
            "SELECT * FROM scored_snapshot",
            True,
            "SELECT * FROM snapshot_provenance" if provenance.exists() else None,
        )
    try:
        yield rows
    finally:
        con.close()


def write_snapshot(con: duckdb.DuckDBPyConnection, path: Path) -> Path:
    """Leave a Parquet snapshot of every scored company (and where its values came from) for
    readers while a writer runs."""
    path = Path(path)
    path.parent.mkdir(parents=True, exist_ok=True)
    scored = export_view_sql(con, SCORED_COMPANIES_SQL)
    for sql, target in ((scored, path),
                        (PROVENANCE_SQL, provenance_snapshot_path(path))):
        tmp = temporary_beside(target)
        con.execute(f"COPY ({sql}) TO ? (FORMAT parquet)", [str(tmp)])
        os.replace(tmp, target)
    return path
