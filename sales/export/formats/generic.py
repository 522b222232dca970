"""The generic CSV: one row per company, UTF-8, a header row, RFC 4180 quoting, lists joined
with "; ". It imports cleanly into any CRM or spreadsheet; the columns are a contract (they may
be reordered, never renamed or dropped).

Ordered for reading: who (name, priority, tier, owner), why (reasons), the three axes and
their scores, whom to call, how to reach the
company, what it is; ids, profile and time next; long provenance (sources, URLs), the
data-protection columns, then what the company's own website says (address, description,
social profiles, leadership, registration and VAT ids, language, legal name, founding date).
"""

from __future__ import annotations

from pathlib import Path

from sales.export import Written, export_format
from sales.export.files import FileStyle, write_csv
from sales.export.view import WEBSITE_COLUMNS, ScoredRows, Selection
from sales.privacy.view import PRIVACY_COLUMNS

COLUMNS = [
    "name",
    "priority",
    "tier",
    "owner",
    "reasons",
    "stage",
    "timing",
    "solvency_band",
    "fit",
    "solvency",
    "best_contact_name",
    "best_contact_role",
    "best_contact_email",
    "best_contact_phone",
    "phone",
    "email",
    "website",
    "industry",
    "employees",
    "city",
    "country",
    "distance",
    "distance_km",
    "company_id",
    "profile",
    "scored_at",
    "sources",
    "source_urls",
    *PRIVACY_COLUMNS,
    # what the company's own website says (after the older columns, which keep their places)
    *WEBSITE_COLUMNS,
]
TEXT_COLUMNS = ("company_id", "phone", "best_contact_phone")


@export_format(name="generic", description="one CSV, every column, for any CRM or spreadsheet")
def write_generic(
    rows: ScoredRows, selection: Selection, output: Path, style: FileStyle
) -> Written:
    count = write_csv(rows.fetch(COLUMNS, selection), output, style, text_columns=TEXT_COLUMNS)
    return Written(files=(output,), rows=count)
