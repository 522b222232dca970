"""The enrich stage: website signals, industry, award history and estimated solvency per company.

Reads ``companies`` (golden records) and what the sources said about them; writes one
``enrichment`` row per company. Websites are fetched only when new or stale.
"""

from __future__ import annotations

from collections.abc import Callable
from concurrent.futures import ThreadPoolExecutor
from dataclasses import dataclass
from datetime import UTC, datetime, timedelta
from typing import Any

import duckdb
import httpx
import pyarrow as pa

from enrich import industry as industry_mod
from enrich import solvency as solvency_mod
from enrich.website import SiteSignals, fetch_site
from warehouse.db import transaction


@dataclass
class EnrichSummary:
    companies: int = 0
    websites_fetched: int = 0
    websites_ok: int = 0
    websites_failed: int = 0


_COMPANY_SQL = """
WITH recs AS (
    SELECT l.company_id,
           bool_or(coalesce(s.paid_listing, false)) AS paid_listing,
           list_distinct(flatten(list(coalesce(s.accreditations, [])))) AS accreditations,
           string_agg(DISTINCT s.description, ' ') AS descriptions
    FROM company_links l JOIN source_records s USING (record_id)
    GROUP BY l.company_id
), wins AS (
    SELECT l.company_id, count(DISTINCT a.award_key) AS n, sum(a.value) AS total,
           max(a.value) AS largest, count(DISTINCT t.buyer_record_id) AS buyers,
           max(a.award_date) AS last
    FROM awards a
    JOIN company_links l ON l.record_id = a.supplier_record_id
    LEFT JOIN tenders t ON t.source = a.source AND t.tender_id = a.tender_id
    WHERE coalesce(a.status, 'active') IN ('active', 'complete', 'pending')
    GROUP BY l.company_id
)
SELECT c.company_id, c.name, c.website, c.categories, c.description, c.employees, c.founded,
       c.identifiers, recs.paid_listing, recs.accreditations, recs.descriptions,
       coalesce(wins.n, 0) AS awards_count, coalesce(wins.total, 0) AS awards_total,
       wins.largest AS awards_largest, coalesce(wins.buyers, 0) AS awards_buyers,
       wins.last AS awards_last,
       e.website AS fetched_website, e.website_fetched_at, e.website_status,
       e.website_emails, e.website_phones, e.website_employees, e.registry_ids,
       e.website_distress, e.website_growth, e.website_offices_countries,
       e.website_text_keywords
FROM companies c
LEFT JOIN recs USING (company_id)
LEFT JOIN wins USING (company_id)
LEFT JOIN enrichment e USING (company_id)
"""

_SCHEMA = pa.schema(
    [
        ("company_id", pa.string()),
        ("website", pa.string()),
        ("website_fetched_at", pa.timestamp("us")),
        ("website_status", pa.string()),
        ("website_emails", pa.list_(pa.string())),
        ("website_phones", pa.list_(pa.string())),
        ("website_text_keywords", pa.list_(pa.string())),
        ("website_employees", pa.int32()),
        ("registry_ids", pa.list_(pa.string())),
        ("website_distress", pa.list_(pa.string())),
        ("website_growth", pa.bool_()),
        ("website_offices_countries", pa.int32()),
        ("industry", pa.string()),
        ("industry_confidence", pa.float64()),
        ("industry_reason", pa.string()),
        ("solvency", pa.float64()),
        ("solvency_reasons", pa.list_(pa.string())),
        ("awards_count", pa.int32()),
        ("awards_total", pa.float64()),
        ("awards_largest", pa.float64()),
        ("awards_buyers", pa.int32()),
        ("awards_last", pa.timestamp("us")),
        ("paid_listing", pa.bool_()),
        ("accreditations", pa.list_(pa.string())),
        ("enriched_at", pa.timestamp("us")),
    ]
)


def _needs_fetch(row: dict[str, Any], now: datetime, max_age: timedelta) -> bool:
    if not row["website"]:
        return False
    if row["fetched_website"] != row["website"] or row["website_fetched_at"] is None:
        return True
    return row["website_fetched_at"] < (now - max_age).replace(tzinfo=None)


def _keywords(text: str, limit: int = 40) -> list[str]:
    """The taxonomy words a site mentions (kept small: the full text is not stored)."""
    found: list[str] = []
    for _industry, word in industry_mod.keyword_hits(text[:20000]):
        if word not in found:
            found.append(word)
    return found[:limit]


def fetch_websites(
    websites: list[str],
    *,
    user_agent: str,
    proxy: str | None = None,
    workers: int = 8,
    timeout: float = 10.0,
    progress: Callable[[], None] | None = None,
) -> dict[str, SiteSignals]:
    """Fetch many sites concurrently (one request at a time per site)."""
    out: dict[str, SiteSignals] = {}
    if not websites:
        return out
    headers = {"User-Agent": user_agent}
    limits = httpx.Limits(max_connections=workers * 2, max_keepalive_connections=workers)
    with httpx.Client(
        proxy=proxy, headers=headers, timeout=timeout, limits=limits, follow_redirects=True
    ) as client:

        def one(site: str) -> tuple[str, SiteSignals]:
            signals = fetch_site(client, site, user_agent)
            if progress:
                progress()
            return site, signals

        with ThreadPoolExecutor(max_workers=workers) as pool:
            for site, signals in pool.map(one, websites):
                out[site] = signals
    return out


def run_enrichment(
    con: duckdb.DuckDBPyConnection,
    *,
    user_agent: str,
    proxy: str | None = None,
    fetch: bool = True,
    max_age_days: float = 30.0,
    this_year: int | None = None,
    progress: Callable[[], None] | None = None,
    on_total: Callable[[int], None] | None = None,
) -> EnrichSummary:
    now = datetime.now(UTC)
    this_year = this_year or now.year
    cursor = con.execute(_COMPANY_SQL)
    names = [d[0] for d in cursor.description]
    rows = [dict(zip(names, r, strict=True)) for r in cursor.fetchall()]
    summary = EnrichSummary(companies=len(rows))
    stale = [
        r["website"] for r in rows if fetch and _needs_fetch(r, now, timedelta(days=max_age_days))
    ]
    if on_total:
        on_total(len(stale))
    fetched = fetch_websites(
        sorted(set(stale)), user_agent=user_agent, proxy=proxy, progress=progress
    )
    summary.websites_fetched = len(fetched)
    summary.websites_ok = sum(1 for s in fetched.values() if s.status == "ok")
    summary.websites_failed = summary.websites_fetched - summary.websites_ok
    out = []
    for r in rows:
        site = fetched.get(r["website"]) if r["website"] else None
        if site is not None:
            web = {
                "website": r["website"],
                "website_fetched_at": now.replace(tzinfo=None),
                "website_status": site.status,
                "website_emails": site.emails[:5],
                "website_phones": site.phones[:5],
                "website_text_keywords": _keywords(site.text),
                "website_employees": site.employees,
                "registry_ids": site.registry_ids[:3],
                "website_distress": site.distress,
                "website_growth": site.growth,
                "website_offices_countries": site.offices_countries,
            }
        else:
            web = {
                "website": r["fetched_website"] if r["website"] else None,
                "website_fetched_at": r["website_fetched_at"] if r["website"] else None,
                "website_status": (r["website_status"] or "none") if r["website"] else "none",
                "website_emails": r["website_emails"],
                "website_phones": r["website_phones"],
                "website_text_keywords": r["website_text_keywords"],
                "website_employees": r["website_employees"],
                "registry_ids": r["registry_ids"],
                "website_distress": r["website_distress"],
                "website_growth": r["website_growth"],
                "website_offices_countries": r["website_offices_countries"],
            }
        guess = industry_mod.classify(
            name=r["name"],
            categories=r["categories"],
            description=" ".join(x for x in (r["description"], r["descriptions"]) if x) or None,
            website_text=" ".join(web["website_text_keywords"] or []),
        )
        employees = web["website_employees"] or r["employees"]  # stated count beats a band
        estimate = solvency_mod.estimate(
            solvency_mod.SolvencySignals(
                employees=employees,
                founded=r["founded"],
                awards_count=int(r["awards_count"] or 0),
                awards_total=float(r["awards_total"] or 0),
                paid_listing=bool(r["paid_listing"]),
                accreditations=len(r["accreditations"] or []),
                website_status=web["website_status"] or "none",
                distress=list(web["website_distress"] or []),
                growth=bool(web["website_growth"]),
                offices_countries=web["website_offices_countries"],
                has_registry_id=bool(r["identifiers"] or web["registry_ids"]),
            ),
            this_year=this_year,
        )
        out.append(
            {
                "company_id": r["company_id"],
                **web,
                "industry": guess.industry,
                "industry_confidence": guess.confidence,
                "industry_reason": guess.reason,
                "solvency": estimate.score,
                "solvency_reasons": estimate.reasons,
                "awards_count": int(r["awards_count"] or 0),
                "awards_total": r["awards_total"],
                "awards_largest": r["awards_largest"],
                "awards_buyers": int(r["awards_buyers"] or 0),
                "awards_last": r["awards_last"],
                "paid_listing": bool(r["paid_listing"]),
                "accreditations": r["accreditations"],
                "enriched_at": now.replace(tzinfo=None),
            }
        )
    table = pa.Table.from_pylist(out, schema=_SCHEMA)
    with transaction(con, staged_enrichment=table):
        con.execute("DELETE FROM enrichment")
        con.execute("INSERT INTO enrichment BY NAME SELECT * FROM staged_enrichment")
    return summary
