"""The generic CSV: one row per company, UTF-8, a header row, RFC 4180 quoting, lists joined
with "; ". It imports cleanly into any CRM or spreadsheet; the columns are a contract (new ones
are only ever added at the end: distance from the home base, then the owning sales manager)."""

from __future__ import annotations

from pathlib import Path

from sales.export import Written, export_format
from sales.export.files import write_csv
from sales.export.view import ScoredRows, Selection

COLUMNS = [
    "company_id",
    "name",
    "stage",
    "fit",
    "solvency",
    "reasons",
    "website",
    "country",
    "city",
    "industry",
    "employees",
    "phone",
    "email",
    "best_contact_name",
    "best_contact_role",
    "best_contact_email",
    "best_contact_phone",
    "sources",
    "source_urls",
    "profile",
    "scored_at",
    "distance_km",
    "distance",
    "owner",
]


@export_format(name="generic", description="one CSV, every column, for any CRM or spreadsheet")
def write_generic(rows: ScoredRows, selection: Selection, output: Path) -> Written:
    count = write_csv(rows.fetch(COLUMNS, selection), output)
    return Written(files=(output,), rows=count)
