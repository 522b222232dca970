"""The scored-company view every export format reads, and the snapshot that stands in for it.

One row per scored company and profile: the score, the golden record, enrichment and the best
contact. An export reads a consistent view: the warehouse read-only, or (when a writer holds it)
the Parquet snapshot the score stage leaves behind, so an export never fails because of a load.
"""

from __future__ import annotations

import contextlib
import os
from collections.abc import Collection, Iterator, Sequence
from dataclasses import dataclass
from datetime import datetime
from pathlib import Path
from typing import Any

import duckdb
import pyarrow as pa

from enrich.pages.identifiers import SCHEME_LABELS
from sales.export.columns import traced_by
from sales.export.filters import filter_sql
from sales.privacy.view import export_view_sql
from warehouse.db import WarehouseBusy, connect

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

_SCHEME_LABEL_SQL = "CASE " + " ".join(
    f"WHEN split_part(x, ':', 1) = '{scheme}' THEN '{label}'"
    for scheme, label in SCHEME_LABELS.items()
) + " WHEN ends_with(split_part(x, ':', 1), '-VAT') THEN 'VAT' ELSE 'registration' END"
# What the company's own website says (enrich/signals/site_profile.py), in plain words; the
# golden record's street and description where the site says nothing.
WEBSITE_PROFILE_SQL = f"""
       coalesce(e.website_address, CASE WHEN c.street IS NOT NULL THEN
                concat_ws(', ', c.street, nullif(trim(concat_ws(' ', c.postcode, c.city)), ''))
                END) AS address,
       coalesce(e.website_description, left(c.description, 300)) AS description,
       nullif(array_to_string(e.website_social, ' '), '') AS social,
       nullif(array_to_string(list_transform(e.website_leadership,
                                             lambda x: x.name || ', ' || x.role), '; '), '')
         AS leadership,
       nullif(array_to_string(list_transform(e.website_identifiers,
                lambda x: ({_SCHEME_LABEL_SQL}) || ' ' || split_part(x, ':', 2)), '; '), '')
         AS registration_ids,
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


# Where each exported value came from, one row per (company, field): golden-record fields from
# the source record ``field_sources`` names, website values from the enrichment fetch, the best
# contact from its contact row (which columns each traces: ``sales.export.columns``). Kept
# beside the scored view (and its snapshot) so a provenance sidecar can be written from either.
PROVENANCE_SQL = f"""
WITH golden AS (
    SELECT c.company_id, f.field, json_extract_string(c.field_sources, f.field) AS record_id
    FROM companies c
    CROSS JOIN (VALUES {_values(traced_by('golden'))}) AS f(field)
),
best AS (
    SELECT l.company_id, p.source, p.url, p.last_seen_at,
           {BEST_CONTACT_RANK} AS rn
    FROM contacts p JOIN company_links l USING (record_id)
)
SELECT g.company_id, g.field, r.source, r.url AS source_url, r.last_seen_at AS fetched_at
FROM golden g JOIN source_records r ON r.record_id = g.record_id
UNION ALL
SELECT e.company_id, f.field, 'website' AS source, e.website AS source_url,
       e.website_fetched_at AS fetched_at
FROM enrichment e JOIN companies c USING (company_id)
CROSS JOIN (VALUES {_values(traced_by('website'))}) AS f(field)
WHERE e.website_fetched_at IS NOT NULL
  AND ((f.field = 'email' AND c.email IS NULL AND len(e.website_emails) > 0)
       OR (f.field = 'employees' AND e.website_employees IS NOT NULL))
UNION ALL
-- the website profile: the page each value was read on, and when (enrichment.website_facts)
SELECT company_id, field, 'website' AS source, min_by(url, fetched_at) AS source_url,
       min(fetched_at) AS fetched_at
FROM (SELECT company_id,
             CASE fact.field WHEN 'identifier' THEN 'registration_ids' ELSE fact.field END
               AS field, fact.url AS url, fact.fetched_at AS fetched_at
      FROM (SELECT company_id, unnest(website_facts) AS fact FROM enrichment))
WHERE field IN ({', '.join(f"'{n}'" for n in WEBSITE_COLUMNS)})
GROUP BY company_id, field
UNION ALL
SELECT b.company_id, f.field, b.source, b.url AS source_url, b.last_seen_at AS fetched_at
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
        self.con.execute(
            "CREATE OR REPLACE TEMP TABLE export_selection AS "
            f"SELECT *, row_number() OVER ({ORDER_SQL}) AS export_rank FROM ("
            f"SELECT *, {self._fingerprint_sql()} AS fingerprint FROM ({self.source_sql})"
            f") AS rows {where}",
            params,
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
        earlier, params = "", []
        if previous is not None and Path(previous).exists():
            earlier = (
                " UNION ALL SELECT company_id, fingerprint FROM read_parquet(?) "
                "WHERE company_id NOT IN (SELECT company_id FROM export_selection)"
            )
            params.append(str(previous))
        tmp = path.with_name(path.name + ".tmp")
        self.con.execute(
            f"COPY (SELECT company_id, fingerprint FROM export_selection{earlier}) "
            "TO ? (FORMAT parquet)", [*params, str(tmp)]
        )
        os.replace(tmp, path)

    def provenance(self, selection: Selection, fields: Sequence[str]) -> pa.Table:
        """Each selected row's ``fields`` with their source, URL and fetch time, best first.

        A value the warehouse keeps no source for has an empty source.
        """
        self._select(selection)
        values = " UNION ALL ".join(
            f"SELECT company_id, export_rank, {i} AS field_rank, '{f}' AS field, "
            f"CAST({f} AS VARCHAR) AS value FROM export_selection WHERE {f} IS NOT NULL"
            for i, f in enumerate(fields)
        )
        known = self.provenance_sql or (
            "SELECT NULL::VARCHAR AS company_id, NULL::VARCHAR AS field, NULL::VARCHAR AS source, "
            "NULL::VARCHAR AS source_url, NULL::TIMESTAMP AS fetched_at WHERE false"
        )
        sql = (
            f"SELECT v.company_id, v.field, v.value, p.source, p.source_url, "
            f"strftime(p.fetched_at, '%Y-%m-%dT%H:%M:%SZ') AS fetched_at "
            f"FROM ({values}) v LEFT JOIN ({known}) p "
            f"ON p.company_id = v.company_id AND p.field = v.field "
            f"ORDER BY v.export_rank, v.field_rank"
        )
        return self.con.sql(sql).to_arrow_table()


def provenance_snapshot_path(snapshot: Path) -> Path:
    """Where the snapshot's field provenance lives, beside the snapshot."""
    snapshot = Path(snapshot)
    return snapshot.with_name(snapshot.stem + ".provenance.parquet")


@contextlib.contextmanager
def open_scored_rows(warehouse: Path, snapshot: Path) -> Iterator[ScoredRows]:
    """The warehouse read-only; when a writer holds it, the latest snapshot instead.

    Raises ``FileNotFoundError`` without a warehouse, ``WarehouseBusy`` when it is held and no
    snapshot exists yet.
    """
    try:
        con = connect(warehouse, read_only=True)
        rows = ScoredRows(con, export_view_sql(con, SCORED_COMPANIES_SQL), False,
                          PROVENANCE_SQL)
    except WarehouseBusy:
        if not Path(snapshot).exists():
            raise
        con = duckdb.connect()
        provenance = provenance_snapshot_path(snapshot)
        # Paths are parameters, never part of the SQL text (an apostrophe is just a letter).
        con.execute("CREATE TEMP TABLE scored_snapshot AS SELECT * FROM read_parquet(?)",
                    [str(snapshot)])
        if provenance.exists():
            con.execute("CREATE TEMP TABLE snapshot_provenance AS "
                        "SELECT * FROM read_parquet(?)", [str(provenance)])
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
        tmp = target.with_name(target.name + ".tmp")
        con.execute(f"COPY ({sql}) TO ? (FORMAT parquet)", [str(tmp)])
        os.replace(tmp, target)
    return path
