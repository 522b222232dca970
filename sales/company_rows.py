"""The company rows scoring reads: one row per company with what the fit rules may read (each
rule's ``reads``), plus what the stage, timing and reasons need.

Its own module because both the score stage and ``sales.sqlrow`` (which types a one-row table
the same way, for scoring a single company) read it, and it needs nothing of either.
"""

from __future__ import annotations

import duckdb

from enrich.monitor import events as site_events
from enrich.monitor.store import latest_events_sql
from warehouse.tenders import open_tender_sql

# Columns a later branch may add; selected as NULL until their migration exists.
OPTIONAL_ENRICHMENT = {"industry_nace": "VARCHAR"}

# One row per company: what the rules may read (see each rule's ``reads``), plus what the stage,
# timing and reasons need. Every ``?`` is "now", for the open-tender test.
COMPANY_ROWS_SQL = """
WITH demand AS (
    SELECT l.company_id, list_distinct(flatten(list(coalesce(t.cpv, [])))) AS cpv,
           list_distinct(flatten(list(CASE WHEN {open} THEN coalesce(t.cpv, []) END)))
             AS open_cpv,
           count(*) AS tenders,
           max(CASE WHEN {open} THEN t.deadline END) AS next_deadline,
           coalesce(arg_max(t.url, t.deadline) FILTER (WHERE {open}),
                    arg_max(t.url, coalesce(t.deadline, t.published_at))) AS tender_url
    FROM tenders t JOIN company_links l ON l.record_id = t.buyer_record_id
    GROUP BY l.company_id
),
fairs AS (
    SELECT l.company_id, max(s.first_seen_at) AS exhibitor_first_seen,
           arg_max(s.event_name, s.first_seen_at) AS event_name,
           arg_max(s.url, s.first_seen_at) AS exhibitor_url
    FROM source_records s JOIN company_links l USING (record_id)
    WHERE s.role = 'exhibitor'
    GROUP BY l.company_id
),
-- The latest accounts category a register shows (a size band when no source states a count).
accounts AS (
    SELECT company_id,
           arg_max(accounts_category, coalesce(accounts_last_made_up_to, DATE '1900-01-01'))
             AS accounts_category,
           arg_max(url, coalesce(accounts_last_made_up_to, DATE '1900-01-01')) AS registry_url
    FROM company_registry_facts
    WHERE accounts_category IS NOT NULL
    GROUP BY company_id
)
SELECT c.company_id, c.name, c.domain, c.country, c.postcode, c.city, c.categories,
       c.description, c.employees,
       c.website, c.source_urls[1] AS listing_url,
       e.industry, e.industry_confidence, e.industry_reason, {optional}
       e.solvency, e.solvency_band, e.solvency_model, e.solvency_evidence, e.awards_last,
       e.website_employees, e.description_employees, e.website_text_keywords,
       a.accounts_category, a.registry_url,
       d.cpv, d.open_cpv, d.tenders, d.next_deadline, d.tender_url,
       f.exhibitor_first_seen, f.event_name, f.exhibitor_url,
       -- no source publishes contract end dates yet: the timing rule is ready for them
       NULL::TIMESTAMP AS contract_ends, NULL::VARCHAR AS contract_url,
       (s.company_id IS NOT NULL) AS suppressed,
       -- changes on the company's website (enrich.monitor): the latest that makes timing,
       -- and the latest new legal name or address, shown with the reasons
       st.kind AS site_event_kind, st.sentence AS site_event_text, st.url AS site_event_url,
       st.detected_at AS site_event_at,
       sn.sentence AS site_note_text, sn.url AS site_note_url, sn.detected_at AS site_note_at
FROM companies c
LEFT JOIN enrichment e USING (company_id)
LEFT JOIN demand d USING (company_id)
LEFT JOIN fairs f USING (company_id)
LEFT JOIN accounts a USING (company_id)
LEFT JOIN suppressions s USING (company_id)
LEFT JOIN ({site_timing}) st USING (company_id)
LEFT JOIN ({site_notes}) sn USING (company_id)
"""

def company_rows_sql(con: duckdb.DuckDBPyConnection) -> str:
    """The company rows, with NULL for optional enrichment columns not yet in the warehouse."""
    present = {r[0] for r in con.execute(
        "SELECT column_name FROM information_schema.columns WHERE table_name = 'enrichment'"
    ).fetchall()}
    optional = "".join(
        f"e.{name}, " if name in present else f"NULL::{kind} AS {name}, "
        for name, kind in OPTIONAL_ENRICHMENT.items()
    )
    return COMPANY_ROWS_SQL.format(open=open_tender_sql("t"), optional=optional,
                                   site_timing=latest_events_sql(site_events.TIMING_KINDS),
                                   site_notes=latest_events_sql(site_events.SHOWN_KINDS))
