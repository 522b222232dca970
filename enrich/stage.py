"""The enrich stage: website signals, industry, award history and estimated solvency per company.

Reads ``companies`` (golden records) and what the sources said about them; writes one
``enrichment`` row per company. Websites are fetched only when new or stale; an unchanged
site keeps last run's values. The website columns come from the providers in
``enrich/signals/``, the award history from ``warehouse.tenders.supplier_history``.
"""

from __future__ import annotations

import contextlib
import json
import time
from collections import Counter
from collections.abc import Callable, Sequence
from contextlib import AbstractContextManager
from dataclasses import dataclass
from datetime import UTC, datetime, timedelta
from typing import Any

import duckdb
import pyarrow as pa

from enrich import industry as industry_mod
from enrich import signals
from enrich import solvency as solvency_mod
from enrich.fetch import FetchLimits
from enrich.monitor.store import distress_pages, record_fetches
from enrich.registry_facts import RegistryFacts, registry_facts
from enrich.signals import Column, Provider
from enrich.signals.headcount import stated_headcount
from enrich.site_pool import FetchOptions, ReadSite, read_here, read_websites
from enrich.website import DEFAULT_LIMITS, TEMPORARY, SiteSignals
from warehouse.db import transaction
from warehouse.tenders import WINNING_AWARD_SQL, SupplierHistory, supplier_history

RETRY_TEMPORARY = timedelta(hours=1)  # a site that failed for now is tried again after this
# Fetched sites are written a batch at a time, one transaction each, when this many are in
# hand or this long after the last write: a kill loses at most one batch.
BATCH_SITES = 200
BATCH_SECONDS = 10.0


@dataclass
class EnrichSummary:
    companies: int = 0
    websites_fetched: int = 0
    websites_ok: int = 0
    websites_failed: int = 0
    websites_refused: int = 0  # refused by the outbound-fetch policy (private addresses)
    websites_temporary: int = 0  # 429, 5xx or timeouts: fetched again after RETRY_TEMPORARY


_COMPANY_SQL = """
WITH recs AS (
    SELECT l.company_id,
           bool_or(coalesce(s.paid_listing, false)) AS paid_listing,
           list_distinct(flatten(list(coalesce(s.accreditations, [])))) AS accreditations,
           string_agg(DISTINCT s.description, ' ') AS descriptions,
           bool_or(coalesce(s.role = 'buyer', false)) AS is_buyer
    FROM company_links l JOIN source_records s USING (record_id)
    GROUP BY l.company_id
),
-- Industry codes a registry gave, as landed (fields.industry_codes of each record's latest item).
coded AS (
    SELECT l.company_id,
           list(CAST(json_extract(r.payload, '$.fields.industry_codes') AS VARCHAR))
             AS industry_codes_json
    FROM company_links l
    JOIN source_records s USING (record_id)
    JOIN raw_items r ON r.record_id = s.record_id AND r.run_id = s.run_id
    WHERE r.kind = 'organisation' AND json_extract(r.payload, '$.fields.industry_codes') IS NOT NULL
    GROUP BY l.company_id
),
-- CPV codes of the contracts each company won (what it supplies).
won AS (
    SELECT l.company_id, list_distinct(flatten(list(coalesce(t.cpv, [])))) AS contract_cpv
    FROM awards a
    JOIN company_links l ON l.record_id = a.supplier_record_id
    JOIN tenders t ON t.source = a.source AND t.tender_id = a.tender_id
    WHERE {winning}
    GROUP BY l.company_id
)
SELECT c.company_id, c.name, c.website, c.categories, c.description, c.employees, c.founded,
       c.identifiers, c.source_urls[1] AS listing_url, recs.paid_listing, recs.accreditations,
       recs.descriptions, coalesce(recs.is_buyer, false) AS is_buyer,
       coded.industry_codes_json, won.contract_cpv,
       e.website AS fetched_website, e.website_fetched_at, e.website_status{previous}
FROM companies c
LEFT JOIN recs USING (company_id)
LEFT JOIN coded USING (company_id)
LEFT JOIN won USING (company_id)
LEFT JOIN enrichment e USING (company_id)
"""

# What the stage itself writes around the providers' columns (``enrich/signals/``).
_FETCH_COLUMNS = [
    ("website", pa.string()),
    ("website_fetched_at", pa.timestamp("us")),
    ("website_status", pa.string()),
]
_DERIVED_COLUMNS = [
    ("description_employees", pa.int32()),  # the headcount a source's description states
    ("industry", pa.string()),  # the readable sector (NACE section title)
    ("industry_nace", pa.string()),  # NACE Rev. 2 code, section letter to class
    ("industry_confidence", pa.float64()),
    ("industry_reason", pa.string()),
    ("solvency", pa.float64()),
    ("solvency_reasons", pa.list_(pa.string())),
    ("solvency_band", pa.string()),
    ("solvency_model", pa.string()),
    ("solvency_evidence", pa.list_(pa.struct([
        ("code", pa.string()), ("text", pa.string()), ("points", pa.float64()),
        ("url", pa.string()),
    ]))),
    ("awards_count", pa.int32()),
    ("awards_total", pa.float64()),  # in awards_currency, never summed across currencies
    ("awards_largest", pa.float64()),  # in awards_currency
    ("awards_currency", pa.string()),
    ("awards_by_currency", pa.list_(pa.struct([
        ("currency", pa.string()), ("awards", pa.int32()),
        ("total", pa.float64()), ("largest", pa.float64()),
    ]))),
    ("awards_buyers", pa.int32()),
    ("awards_last", pa.timestamp("us")),
    ("paid_listing", pa.bool_()),
    ("accreditations", pa.list_(pa.string())),
    ("enriched_at", pa.timestamp("us")),
]
_PREVIOUS = "previous_"  # prefix of the last run's provider values in the company rows


def _signal_columns(providers: Sequence[Provider]) -> list[Column]:
    return [column for provider in providers for column in provider.columns]


def company_sql(providers: Sequence[Provider]) -> str:
    """The company rows, with last run's value of every provider column (for copy-forward)."""
    previous = "".join(
        f",\n       e.{c.name} AS {_PREVIOUS}{c.name}" for c in _signal_columns(providers)
    )
    return _COMPANY_SQL.format(previous=previous, winning=WINNING_AWARD_SQL)


def enrichment_schema(providers: Sequence[Provider]) -> pa.Schema:
    """The Arrow schema of the rows written to ``enrichment``."""
    signals = [(c.name, c.type) for c in _signal_columns(providers)]
    return pa.schema([("company_id", pa.string()), *_FETCH_COLUMNS, *signals, *_DERIVED_COLUMNS])


def industry_codes(landed: list[str] | None) -> list[industry_mod.IndustryCode]:
    """The ``industry_codes`` lists as landed (JSON text, one per record) → distinct codes.

    An entry is ``{"scheme": ..., "code": ...}`` (``id`` or ``value`` also name the code) or a
    ``"SCHEME:CODE"`` string; anything else is skipped.
    """
    out: dict[tuple[str, str], industry_mod.IndustryCode] = {}
    for text in landed or []:
        try:
            entries = json.loads(text)
        except (TypeError, ValueError):
            continue
        for entry in entries if isinstance(entries, list) else []:
            if isinstance(entry, dict):
                scheme = entry.get("scheme")
                code = entry.get("code") or entry.get("id") or entry.get("value")
            elif isinstance(entry, str) and ":" in entry:
                scheme, code = entry.split(":", 1)
            else:
                continue
            if isinstance(scheme, str) and isinstance(code, str | int):
                out.setdefault((scheme, str(code)), industry_mod.IndustryCode(scheme, str(code)))
    return list(out.values())


def _needs_fetch(row: dict[str, Any], now: datetime, max_age: timedelta) -> bool:
    if not row["website"]:
        return False
    if row["fetched_website"] != row["website"] or row["website_fetched_at"] is None:
        return True
    if row["website_status"] == TEMPORARY:  # a 429, 5xx or timeout: try again soon
        max_age = min(max_age, RETRY_TEMPORARY)
    return row["website_fetched_at"] < (now - max_age).replace(tzinfo=None)


def _website_values(
    row: dict[str, Any], site: ReadSite | None, providers: Sequence[Provider], now: datetime
) -> dict[str, Any]:
    """The website columns of one company: read from a fresh fetch, else last run's kept.

    A fetch that failed for now (``TEMPORARY``) keeps what the last good fetch of the same
    website read; only the status and the time say it failed."""
    kept = site is not None and site.status == TEMPORARY and row["fetched_website"] == row[
        "website"]
    if site is not None and not kept:
        web = {"website": row["website"], "website_fetched_at": now.replace(tzinfo=None),
               "website_status": site.status}
        web.update(site.values)  # what each provider read (``site_pool.read_fetched``)
        return web
    has_site = bool(row["website"])
    web = {
        "website": row["fetched_website"] if has_site else None,
        "website_fetched_at": row["website_fetched_at"] if has_site else None,
        "website_status": (row["website_status"] or "none") if has_site else "none",
    }
    for column in _signal_columns(providers):
        web[column.name] = row[_PREVIOUS + column.name]
    if kept:
        web.update(website_fetched_at=now.replace(tzinfo=None), website_status=TEMPORARY)
    return web


def fetch_websites(
    websites: list[str],
    *,
    user_agent: str,
    proxy: str | None = None,
    allow_addresses: Sequence[str] = (),
    workers: int = 8,
    limits: FetchLimits = DEFAULT_LIMITS,
) -> dict[str, SiteSignals]:
    """Fetch many sites concurrently (one request at a time per host), never from private
    address space unless ``allow_addresses`` names it (see ``spiders.netpolicy``), each
    bounded by ``limits`` (``enrich.fetch``); in this process (``enrich.site_pool``)."""
    options = FetchOptions(user_agent, proxy, tuple(allow_addresses), limits, workers)
    out = dict(read_here(websites, options, lambda site: site))
    return {site: out[site] for site in websites}  # in the order asked


WriterOpener = Callable[[], AbstractContextManager[duckdb.DuckDBPyConnection]]

_SITES_SQL = """
SELECT c.company_id, c.website, e.website AS fetched_website, e.website_fetched_at,
       e.website_status{previous}
FROM companies c LEFT JOIN enrichment e USING (company_id)
WHERE c.website IS NOT NULL AND c.website <> ''
"""


def _store_sites(
    con: duckdb.DuckDBPyConnection, rows: list[dict[str, Any]], sites: dict[str, ReadSite],
    providers: Sequence[Provider], now: datetime,
) -> None:
    """Write the website columns of every company whose website is in ``sites``, in one
    transaction; companies new to ``enrichment`` get a row (its other columns follow)."""
    out = []
    for row in rows:
        site = sites.get(row["website"])
        if site is not None:
            web = _website_values(row, site, providers, now)
            out.append({"company_id": row["company_id"], **web,
                        "enriched_at": now.replace(tzinfo=None)})
    if not out:
        return
    columns = [name for name in out[0] if name != "company_id"]
    schema = enrichment_schema(providers)
    table = pa.Table.from_pylist(
        out, schema=pa.schema([schema.field(n) for n in ("company_id", *columns)]))
    sets = ", ".join(f"{c} = s.{c}" for c in columns if c != "enriched_at")
    with transaction(con, staged_sites=table):
        con.execute(f"UPDATE enrichment e SET {sets} FROM staged_sites s "
                    "WHERE e.company_id = s.company_id")
        con.execute("INSERT INTO enrichment BY NAME SELECT * FROM staged_sites "
                    "WHERE company_id NOT IN (SELECT company_id FROM enrichment)")


def refresh_websites(
    open_writer: WriterOpener,
    *,
    user_agent: str,
    proxy: str | None = None,
    allow_addresses: Sequence[str] = (),
    max_age_days: float = 30.0,
    providers: Sequence[Provider] | None = None,
    limits: FetchLimits = DEFAULT_LIMITS,
    progress: Callable[[], None] | None = None,
    on_total: Callable[[int], None] | None = None,
    batch_size: int = BATCH_SITES,
    workers: int = 8,
    processes: int | None = None,
) -> EnrichSummary:
    """Fetch every new or stale website and write what each says, holding the warehouse only
    to read the list and to write each batch (``open_writer`` opens it, briefly).

    The web is never fetched while the writer lock is held, so load, resolve and score run
    meanwhile; a kill keeps every batch already written, and the next run fetches only the
    sites that are still stale. ``workers`` threads fetch in each of ``processes`` processes
    (default: one per core, for long lists; ``enrich.site_pool``)."""
    providers = signals.registered() if providers is None else tuple(providers)
    now = datetime.now(UTC)
    previous = "".join(
        f",\n       e.{c.name} AS {_PREVIOUS}{c.name}" for c in _signal_columns(providers))
    with open_writer() as con:
        cursor = con.execute(_SITES_SQL.format(previous=previous))
        names = [d[0] for d in cursor.description]
        rows = [dict(zip(names, r, strict=True)) for r in cursor.fetchall()]
    stale = sorted({r["website"] for r in rows
                    if _needs_fetch(r, now, timedelta(days=max_age_days))})
    if on_total:
        on_total(len(stale))
    companies: dict[str, list[dict[str, Any]]] = {}
    for row in rows:
        companies.setdefault(row["website"], []).append(row)

    def store(batch: dict[str, ReadSite]) -> None:
        of_batch = [row for site in batch for row in companies[site]]
        with open_writer() as con:
            _store_sites(con, of_batch, batch, providers, now)
            record_fetches(con, of_batch, {site: read.fingerprint for site, read in
                                           batch.items()}, now)  # fingerprints and events

    options = FetchOptions(user_agent, proxy, tuple(allow_addresses), limits, workers)
    statuses: Counter[str] = Counter()
    batch: dict[str, ReadSite] = {}
    written = time.monotonic()
    for site, read in read_websites(stale, options, providers, processes):
        statuses[read.status] += 1
        batch[site] = read
        if progress:
            progress()
        if len(batch) >= batch_size or time.monotonic() - written >= BATCH_SECONDS:
            store(batch)
            batch, written = {}, time.monotonic()
    if batch:
        store(batch)
    fetched = sum(statuses.values())
    return EnrichSummary(
        websites_fetched=fetched,
        websites_ok=statuses["ok"],
        websites_refused=statuses["refused"],
        websites_temporary=statuses[TEMPORARY],
        websites_failed=fetched - statuses["ok"] - statuses["refused"]
        - statuses[TEMPORARY],
    )


def run_enrichment(
    con: duckdb.DuckDBPyConnection,
    *,
    user_agent: str,
    proxy: str | None = None,
    allow_addresses: Sequence[str] = (),
    fetch: bool = True,
    max_age_days: float = 30.0,
    this_year: int | None = None,
    progress: Callable[[], None] | None = None,
    on_total: Callable[[int], None] | None = None,
    providers: Sequence[Provider] | None = None,
    solvency_model: solvency_mod.SolvencyModel,
    limits: FetchLimits = DEFAULT_LIMITS,
) -> EnrichSummary:
    """Enrich every company (fetching stale websites first when ``fetch``, holding ``con``
    meanwhile: the CLI fetches with ``refresh_websites`` outside the writer lock instead);
    ``providers`` defaults to every module in ``enrich/signals/``;
    ``solvency_model`` is the configured ``[solvency]`` section (weights and cut-offs)."""
    providers = signals.registered() if providers is None else tuple(providers)
    summary = EnrichSummary()
    if fetch:
        summary = refresh_websites(
            lambda: contextlib.nullcontext(con), user_agent=user_agent, proxy=proxy,
            allow_addresses=allow_addresses, max_age_days=max_age_days, providers=providers,
            limits=limits, progress=progress, on_total=on_total)
    now = datetime.now(UTC)
    this_year = this_year or now.year
    cursor = con.execute(company_sql(providers))
    names = [d[0] for d in cursor.description]
    rows = [dict(zip(names, r, strict=True)) for r in cursor.fetchall()]
    history = supplier_history(con, per="company")
    registers = registry_facts(con)
    distress_at = distress_pages(con)  # where each site says it (enrich.monitor)
    summary.companies = len(rows)
    out = []
    for r in rows:
        web = _website_values(r, None, providers, now)  # as fetched and stored above
        wins = history.get(r["company_id"]) or SupplierHistory(key=r["company_id"])
        described = " ".join(x for x in (r["description"], r["descriptions"]) if x) or None
        guess = industry_mod.classify(
            name=r["name"],
            categories=r["categories"],
            description=described,
            website_text=" ".join(web["website_text_keywords"] or []),
            codes=industry_codes(r["industry_codes_json"]),
            contract_cpv=r["contract_cpv"] or (),
        )
        described_employees = stated_headcount(described)
        # a stated count (the website's, else a listing's description) beats a band
        employees = web["website_employees"] or described_employees or r["employees"]
        reg = registers.get(r["company_id"]) or RegistryFacts(statuses=[])
        estimate = solvency_mod.estimate(
            solvency_mod.SolvencySignals(
                employees=employees,
                founded=r["founded"],
                awards_count=wins.awards,
                awards_last=wins.last_award_date,
                paid_listing=bool(r["paid_listing"]),
                accreditations=len(r["accreditations"] or []),
                website_status=web["website_status"] or "none",
                distress=list(web["website_distress"] or []),
                growth=bool(web["website_growth"]),
                offices_countries=web["website_offices_countries"],
                is_public_body=bool(r["is_buyer"]),
                registry_status=reg.status,
                lei_status=reg.lei_status,
                insolvency_cases=reg.insolvency_cases,
                accounts_overdue=reg.accounts_overdue,
                charges_outstanding=reg.charges_outstanding,
                website_url=web["website"],
                distress_url=distress_at.get(r["company_id"]),
                registry_url=reg.url,
                listing_url=r["listing_url"],
            ),
            this_year=this_year,
            model=solvency_model,
            today=now.replace(tzinfo=None),
        )
        out.append(
            {
                "company_id": r["company_id"],
                **web,
                "description_employees": described_employees,
                "industry": guess.industry,
                "industry_nace": guess.nace,
                "industry_confidence": guess.confidence,
                "industry_reason": guess.reason,
                "solvency": estimate.score,
                "solvency_reasons": estimate.reasons,
                "solvency_band": estimate.band,
                "solvency_model": estimate.model_version,
                "solvency_evidence": [vars(e) for e in estimate.evidence] or None,
                "awards_count": wins.awards,
                "awards_total": wins.total,
                "awards_largest": wins.largest,
                "awards_currency": wins.currency,
                "awards_by_currency": [vars(c) for c in wins.currencies()] or None,
                "awards_buyers": wins.distinct_buyers,
                "awards_last": wins.last_award_date,
                "paid_listing": bool(r["paid_listing"]),
                "accreditations": r["accreditations"],
                "enriched_at": now.replace(tzinfo=None),
            }
        )
    table = pa.Table.from_pylist(out, schema=enrichment_schema(providers))
    with transaction(con, staged_enrichment=table):
        con.execute("DELETE FROM enrichment")
        con.execute("INSERT INTO enrichment BY NAME SELECT * FROM staged_enrichment")
    return summary
