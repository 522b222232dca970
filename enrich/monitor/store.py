"""Site fingerprints and events in the warehouse (``site_fingerprints``, ``site_events``).

``record_fetches`` runs with each batch of fetched sites the enrich stage writes: it stores each
company's new fingerprint and the events against the company's previous fingerprint of the same
website. An event's id is derived from the company, its kind, what changed and the fetch that
saw it, so writing a batch again adds nothing.
"""

from __future__ import annotations

import hashlib
from collections.abc import Mapping, Sequence
from datetime import datetime
from typing import Any

import duckdb
import pyarrow as pa

from enrich.monitor import events as events_mod
from enrich.monitor.facts import PressItem
from enrich.monitor.fingerprint import PageMark, SiteFingerprint
from warehouse.db import transaction
from warehouse.upsert import merge_new

_PAGE = pa.struct([("kind", pa.string()), ("url", pa.string()), ("text_sha256", pa.string())])
_PRESS = pa.struct([("title", pa.string()), ("published", pa.string()), ("url", pa.string())])
FINGERPRINT_SCHEMA = pa.schema([
    ("company_id", pa.string()), ("website", pa.string()), ("fetched_at", pa.timestamp("us")),
    ("pages", pa.list_(_PAGE)), ("jobs_url", pa.string()), ("job_openings", pa.int32()),
    ("job_titles", pa.list_(pa.string())),
    ("news_url", pa.string()), ("press_items", pa.list_(_PRESS)),
    ("product_pages", pa.list_(pa.string())), ("legal_name", pa.string()),
    ("address", pa.string()), ("distress", pa.list_(pa.string())), ("distress_url", pa.string()),
])
EVENT_SCHEMA = pa.schema([
    ("event_id", pa.string()), ("company_id", pa.string()), ("kind", pa.string()),
    ("sentence", pa.string()), ("url", pa.string()), ("detected_at", pa.timestamp("us")),
    ("previous_fetched_at", pa.timestamp("us")),
])

_PREVIOUS_SQL = """
SELECT * FROM site_fingerprints
WHERE company_id IN (SELECT company_id FROM staged_companies)
QUALIFY row_number() OVER (PARTITION BY company_id ORDER BY fetched_at DESC) = 1
"""


def _row(company_id: str, website: str, at: datetime, fp: SiteFingerprint) -> dict[str, Any]:
    return {
        "company_id": company_id, "website": website, "fetched_at": at,
        "pages": [vars(p) for p in fp.pages], "jobs_url": fp.jobs_url,
        "job_openings": fp.job_openings, "job_titles": list(fp.job_titles),
        "news_url": fp.news_url,
        "press_items": [vars(i) for i in fp.press_items],
        "product_pages": list(fp.product_pages), "legal_name": fp.legal_name,
        "address": fp.address, "distress": list(fp.distress), "distress_url": fp.distress_url,
    }


def from_row(row: Mapping[str, Any]) -> SiteFingerprint:
    """A stored fingerprint, as ``events.changes`` compares it."""
    marks = tuple(PageMark(**p) for p in row["pages"] or [])
    return SiteFingerprint(
        pages=marks, jobs_url=row["jobs_url"], job_openings=row["job_openings"],
        job_titles=tuple(row["job_titles"] or []),
        news_url=row["news_url"],
        press_items=tuple(PressItem(**i) for i in row["press_items"] or []),
        product_pages=tuple(row["product_pages"] or []), legal_name=row["legal_name"],
        address=row["address"], distress=tuple(row["distress"] or []),
        distress_url=row["distress_url"], kinds={m.kind: m.url for m in marks},
    )


def event_id(company_id: str, event: events_mod.SiteEvent, detected_at: datetime) -> str:
    key = "\x1f".join([company_id, event.kind, event.detail, detected_at.isoformat()])
    return "ev-" + hashlib.sha256(key.encode("utf-8")).hexdigest()[:20]


def record_fetches(
    con: duckdb.DuckDBPyConnection, companies: Sequence[Mapping[str, Any]],
    fingerprints: Mapping[str, SiteFingerprint | None], now: datetime,
) -> int:
    """Store the fingerprint of every company whose website is in ``fingerprints`` (fetched
    ``now``; None for a failed fetch, which stores nothing) and the events against its
    previous one; return how many events are new."""
    at = now.replace(tzinfo=None)
    fresh = {}
    for company in companies:
        fp = fingerprints.get(company["website"])
        if fp is not None:
            fresh[company["company_id"]] = (company["website"], fp)
    if not fresh:
        return 0
    staged = pa.table({"company_id": pa.array(list(fresh), pa.string())})
    with transaction(con, staged_companies=staged):
        cursor = con.execute(_PREVIOUS_SQL)
        names = [d[0] for d in cursor.description]
        previous = {r[0]: dict(zip(names, r, strict=True)) for r in cursor.fetchall()}
        rows, found = [], []
        for company_id, (website, fp) in fresh.items():
            rows.append(_row(company_id, website, at, fp))
            before = previous.get(company_id)
            if before is None or before["website"] != website or before["fetched_at"] >= at:
                continue  # a first fetch (or a new website) has nothing to compare with
            for event in events_mod.changes(from_row(before), fp):
                found.append({"event_id": event_id(company_id, event, at),
                              "company_id": company_id, "kind": event.kind,
                              "sentence": event.sentence, "url": event.url,
                              "detected_at": at, "previous_fetched_at": before["fetched_at"]})
        con.register("staged_fingerprints", pa.Table.from_pylist(rows, FINGERPRINT_SCHEMA))
        con.register("staged_events", pa.Table.from_pylist(found, EVENT_SCHEMA))
        try:
            con.execute(merge_new("site_fingerprints", "SELECT * FROM staged_fingerprints",
                                  ["company_id", "fetched_at"]))
            new = con.execute(merge_new("site_events", "SELECT * FROM staged_events",
                                        ["event_id"])).fetchone()
        finally:
            con.unregister("staged_fingerprints")
            con.unregister("staged_events")
    return int(new[0]) if new else 0


EVENTS_SQL = """
SELECT e.detected_at, e.company_id, c.name, e.kind, e.sentence, e.url
FROM site_events e LEFT JOIN companies c USING (company_id)
WHERE e.detected_at >= ?
ORDER BY e.detected_at DESC, c.name, e.kind, e.sentence
"""


def site_events(con: duckdb.DuckDBPyConnection, since: datetime | None = None,
                company_id: str | None = None) -> list[dict[str, Any]]:
    """The events since ``since`` (all without), newest first."""
    sql = EVENTS_SQL if company_id is None else EVENTS_SQL.replace(
        "WHERE e.detected_at >= ?", "WHERE e.detected_at >= ? AND e.company_id = ?")
    params: list[Any] = [since or datetime(1900, 1, 1)]
    if company_id is not None:
        params.append(company_id)
    cursor = con.execute(sql, params)
    names = [d[0] for d in cursor.description]
    return [dict(zip(names, r, strict=True)) for r in cursor.fetchall()]


def latest_events_sql(kinds: Sequence[str]) -> str:
    """Per company, its latest event of ``kinds`` (columns ``company_id``, ``kind``,
    ``sentence``, ``url``, ``detected_at``): what scoring joins for timing and notes."""
    listed = ", ".join(f"'{k}'" for k in kinds)
    return (f"SELECT company_id, kind, sentence, url, detected_at FROM site_events "
            f"WHERE kind IN ({listed}) QUALIFY row_number() OVER (PARTITION BY company_id "
            f"ORDER BY detected_at DESC, kind, sentence) = 1")


def distress_pages(con: duckdb.DuckDBPyConnection) -> dict[str, str]:
    """Per company, the page of its latest fetch that states distress words (the solvency
    reason links there rather than to the home page)."""
    return dict(con.execute(
        "SELECT company_id, distress_url FROM site_fingerprints QUALIFY row_number() OVER "
        "(PARTITION BY company_id ORDER BY fetched_at DESC) = 1 AND distress_url IS NOT NULL"
    ).fetchall())
