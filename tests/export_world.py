"""The sales-room test warehouse plus one hostile, international prospect: a company named
``=HYPERLINK("http://x","y")`` in Düsseldorf with a ``+44`` phone, reasons holding a quote and a
newline, and a named contact; its name came from a source record with a URL and fetch time."""

from __future__ import annotations

from datetime import datetime
from pathlib import Path

from sales_world import build

from warehouse.db import connect

HOSTILE_NAME = '=HYPERLINK("http://x","y")'
HOSTILE_PHONE = "+442079460000"
FETCHED = datetime(2026, 1, 4, 8, 30)


def build_with_hostile(warehouse: Path) -> None:
    build(warehouse)
    con = connect(warehouse)
    try:
        con.execute(
            "INSERT INTO source_records (record_id, source, native_id, name, url, first_seen_at, "
            "last_seen_at, run_id) VALUES ('r-evil', 'demo_expo', 'evil', ?, "
            "'http://expo.test/exhibitors/evil', ?, ?, 'run-1')", [HOSTILE_NAME, FETCHED, FETCHED])
        con.execute(
            "INSERT INTO companies (company_id, name, domain, website, phone, country, city, "
            "categories, employees, sources, source_urls, field_sources, updated_at) VALUES "
            "('c-evil', ?, 'evil-machines.de', 'https://evil-machines.de/', ?, 'DE', 'Düsseldorf',"
            " ['Industrial Machinery'], 150, ['demo_expo'], ['http://expo.test/exhibitors/evil'],"
            " '{\"name\": \"r-evil\", \"phone\": \"r-evil\"}', ?)",
            [HOSTILE_NAME, HOSTILE_PHONE, FETCHED])
        con.execute(
            "INSERT INTO enrichment (company_id, industry, industry_reason, solvency, "
            "solvency_reasons, enriched_at, website, website_fetched_at) VALUES ('c-evil', "
            "'manufacturing', 'categories: \"industrial\" machinery\nsecond line', 0.9, "
            "['-5 \"late\" filings\nsecond line'], ?, 'https://evil-machines.de/', ?)",
            [FETCHED, FETCHED])
        con.execute("INSERT INTO company_links (record_id, company_id, linked_at) "
                    "VALUES ('r-evil', 'c-evil', ?)", [FETCHED])
        con.execute(
            "INSERT INTO contacts (contact_id, record_id, name, role, email, phone, source, url, "
            "last_seen_at) VALUES ('p-evil', 'r-evil', 'Jürgen @Schäfer', 'Einkauf', "
            "'j.schaefer@evil-machines.de', '+44 20 7946 0000', 'demo_expo', "
            "'http://expo.test/exhibitors/evil', ?)", [FETCHED])
    finally:
        con.close()
