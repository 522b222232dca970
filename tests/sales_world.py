"""A small, hand-made warehouse for the sales room's tests: seven companies whose tier, band,
timing, stage and reasons can be worked out by hand from the default profile (points and tiers
of ``[profile_defaults]``: industry 0.6, keywords 0.1 each up to 0.2, size in range 0.2, size
unknown 0, tender demand 0.4; tier A from 0.6, B from 0.45, C from 0.25; prospect tiers A and
B; minimum band 2).

| id          | what it is                                        | expected                    |
|-------------|---------------------------------------------------|-----------------------------|
| c-fit       | manufacturer, 140+ staff, band 1                  | prospect, fit 1.0, A-1-none |
| c-nosize    | the same kind of firm, headcount unknown, band 2  | prospect, fit 0.8, A-2-none |
| c-client    | logistics firm, imported client (by domain)       | client                      |
| c-named     | energy firm, no domain, client by name            | client                      |
| c-suppress  | a perfect fit with a row in ``suppressions``      | suspect, fit 1.0            |
| c-poor      | a perfect fit in administration (band X)          | suspect, fit 1.0, A-X-none  |
| c-council   | public buyer, an open tender in CPV 48            | prospect, C-P-hot           |
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

ADMINISTRATION = {"code": "registry_administration",
                  "text": "the company register shows it in administration", "points": 0.0,
                  "url": "http://registry.test/c-poor"}
WON_FOUR = {"code": "awards_4", "text": "won 4 public contracts", "points": 2.0,
            "url": "http://directory.test/c-fit"}
NOT_HIRING = {"code": "not_hiring", "text": "no jobs advertised on its website",
              "points": -0.6, "url": "https://northbridge-eng.co.uk/"}

MACHINES = "makes machinery and equipment (listed under industrial machinery)"  # as enrich writes

# company_id, name, domain, employees, industry, industry_reason, solvency, band, evidence
COMPANIES = [
    ("c-fit", "Northbridge Precision Engineering Ltd", "northbridge-eng.co.uk", 140,
     "manufacturing", MACHINES, 0.8, "1", [WON_FOUR, NOT_HIRING]),
    ("c-nosize", "Calder Valley Machinery Ltd", "calder-machinery.co.uk", None,
     "manufacturing", MACHINES, 0.6, "2", []),
    ("c-client", "Swift Freight Logistics Ltd", "swift-freight.co.uk", 300, "logistics",
     "works in freight transport by road (listed under freight)", 0.9, "1", []),
    ("c-named", "Harbour Energy Services", None, 60, "energy",
     'works in electricity, gas, steam and air conditioning supply (its name says "energy")',
     0.7, "2", []),
    ("c-suppress", "Kestrel Industrial Machinery Ltd", "kestrel-machinery.co.uk", 90,
     "manufacturing", MACHINES, 0.8, "1", []),
    ("c-poor", "Moorside Engineering Works Ltd", "moorside-eng.co.uk", 45, "manufacturing",
     MACHINES, 0.0, "X", [ADMINISTRATION]),
    ("c-council", "Cumbria County Council", "cumbria.gov.uk", None, "public_sector",
     'works in public administration and defence, compulsory social security '
     '(its name says "council")', 0.6, "public body", []),
]
CATEGORIES = {"c-fit": ["Industrial Machinery"], "c-suppress": ["Industrial Machinery"],
              "c-poor": ["Industrial Machinery"], "c-nosize": ["Industrial Machinery"]}


def build(warehouse: Path) -> None:
    """Write the seven companies, the council's two tenders and one suppression."""
    con = connect(warehouse)
    try:
        for cid, name, domain, employees, industry, why, solvency, band, evidence in COMPANIES:
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
                "solvency_reasons, solvency_band, solvency_model, solvency_evidence, "
                "enriched_at) VALUES (?, ?, ?, ?, ?, ?, 'solvency-test', ?, ?)",
                [cid, industry, why, solvency, [e["text"] for e in evidence], band,
                 evidence or None, NOW],
            )
        # What Northbridge's own website said, each value with its page and fetch time.
        imprint = "https://northbridge-eng.co.uk/contact"
        facts = [{"field": f, "value": v, "url": imprint, "fetched_at": NOW} for f, v in (
            ("address", "12 Mill Lane, Leeds LS1 4AB"),
            ("leadership", "Jane Doe, Managing Director"),
            ("identifier", "GB-COH:04567890"), ("identifier", "GB-VAT:GB123456789"))]
        con.execute(
            "UPDATE enrichment SET website_address = '12 Mill Lane, Leeds LS1 4AB', "
            "website_description = 'Precision CNC machining since 1985.', "
            "website_social = ['https://www.linkedin.com/company/northbridge-eng'], "
            "website_leadership = [{'name': 'Jane Doe', 'role': 'Managing Director'}], "
            "website_identifiers = ['GB-COH:04567890', 'GB-VAT:GB123456789'], "
            "website_language = 'en', website_legal_name = 'Northbridge Precision Engineering "
            "Limited', website_founded = '1985', website_facts = ? WHERE company_id = 'c-fit'",
            [facts])
        con.execute("INSERT INTO company_links (record_id, company_id, linked_at) "
                    "VALUES ('r-council', 'c-council', ?)", [NOW])
        for key, status, deadline in (("t-open", "active", OPEN_DEADLINE),
                                      ("t-cancelled", "cancelled", CANCELLED_DEADLINE)):
            con.execute(
                "INSERT INTO tenders (tender_key, source, tender_id, title, buyer_record_id, "
                "cpv, deadline, status, url, first_seen_at, last_seen_at) "
                "VALUES (?, 'demo_tenders', ?, 'Maintenance software', 'r-council', "
                "['48000000'], ?, ?, 'http://tenders.test/' || ?, ?, ?)",
                [key, key, deadline, status, key, NOW, NOW],
            )
        con.execute("INSERT INTO suppressions VALUES ('c-suppress', 'asked not to be called', ?)",
                    [NOW])
    finally:
        con.close()


def write_config(root: Path) -> Path:
    path = root / "leadpipe.toml"
    path.write_text('[project]\ndata_dir = "data"\n', encoding="utf-8")
    return path
