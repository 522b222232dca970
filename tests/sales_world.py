"""A small, hand-made warehouse for the sales room's tests: six companies whose fit, stage and
reasons can be worked out by hand from the default profile (fit_min 0.7, solvency_min 0.5).

| id          | what it is                                   | expected            |
|-------------|----------------------------------------------|---------------------|
| c-fit       | manufacturer, 140+ staff, solvency 0.8       | prospect, fit 1.0   |
| c-client    | logistics firm, imported client (by domain)  | client              |
| c-named     | energy firm, no domain, client by name       | client              |
| c-suppress  | a perfect fit with a row in ``suppressions`` | suspect, fit 1.0    |
| c-poor      | a perfect fit with solvency 0.3              | suspect, fit 1.0    |
| c-council   | public buyer, tenders in CPV 48              | suspect, fit 0.1    |
"""

from __future__ import annotations

from datetime import datetime
from pathlib import Path

from warehouse.db import connect

NOW = datetime(2026, 1, 5, 9, 0)
OPEN_DEADLINE = datetime(2099, 1, 31, 12, 0)  # an active tender: open
CANCELLED_DEADLINE = datetime(2099, 12, 31, 12, 0)  # later, but cancelled: not open

CLIENTS_CSV = (
    "Name,Website,Country\n"
    "Swift Freight Logistics Ltd,https://www.swift-freight.co.uk/about,GB\n"
    "harbour energy services,,gb\n"
)

# company_id, name, domain, employees, industry, industry_reason, solvency, solvency reasons
COMPANIES = [
    ("c-fit", "Northbridge Precision Engineering Ltd", "northbridge-eng.co.uk", 140,
     "manufacturing", "categories: industrial machinery", 0.8, ["won 4 public contracts (+2.0)"]),
    ("c-client", "Swift Freight Logistics Ltd", "swift-freight.co.uk", 300, "logistics",
     "categories: freight", 0.9, []),
    ("c-named", "Harbour Energy Services", None, 60, "energy", "name: energy", 0.7, []),
    ("c-suppress", "Kestrel Industrial Machinery Ltd", "kestrel-machinery.co.uk", 90,
     "manufacturing", "categories: industrial machinery", 0.8, []),
    ("c-poor", "Moorside Engineering Works Ltd", "moorside-eng.co.uk", 45, "manufacturing",
     "categories: industrial machinery", 0.3, ["in administration (-3.0)"]),
    ("c-council", "Cumbria County Council", "cumbria.gov.uk", None, "public_sector",
     "name: council", None, []),
]
CATEGORIES = {"c-fit": ["Industrial Machinery"], "c-suppress": ["Industrial Machinery"],
              "c-poor": ["Industrial Machinery"]}


def build(warehouse: Path) -> None:
    """Write the six companies, the council's two tenders and one suppression."""
    con = connect(warehouse)
    try:
        for cid, name, domain, employees, industry, why, solvency, reasons in COMPANIES:
            con.execute(
                "INSERT INTO companies (company_id, name, domain, website, country, city, "
                "categories, employees, sources, source_urls, updated_at) "
                "VALUES (?, ?, ?, ?, 'GB', 'Leeds', ?, ?, ['demo_directory'], "
                "['http://directory.test/' || ?], ?)",
                [cid, name, domain, f"https://{domain}/" if domain else None,
                 CATEGORIES.get(cid), employees, cid, NOW],
            )
            con.execute(
                "INSERT INTO enrichment (company_id, industry, industry_reason, solvency, "
                "solvency_reasons, enriched_at) VALUES (?, ?, ?, ?, ?, ?)",
                [cid, industry, why, solvency, reasons, NOW],
            )
        con.execute("INSERT INTO company_links (record_id, company_id, linked_at) "
                    "VALUES ('r-council', 'c-council', ?)", [NOW])
        for key, status, deadline in (("t-open", "active", OPEN_DEADLINE),
                                      ("t-cancelled", "cancelled", CANCELLED_DEADLINE)):
            con.execute(
                "INSERT INTO tenders (tender_key, source, tender_id, title, buyer_record_id, "
                "cpv, deadline, status, first_seen_at, last_seen_at) "
                "VALUES (?, 'demo_tenders', ?, 'Maintenance software', 'r-council', "
                "['48000000'], ?, ?, ?, ?)",
                [key, key, deadline, status, NOW, NOW],
            )
        con.execute("INSERT INTO suppressions VALUES ('c-suppress', 'asked not to be called', ?)",
                    [NOW])
    finally:
        con.close()


def write_config(root: Path) -> Path:
    path = root / "leadpipe.toml"
    path.write_text('[project]\ndata_dir = "data"\n', encoding="utf-8")
    return path
