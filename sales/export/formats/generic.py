"""The generic CSV: one row per company, UTF-8, a header row, RFC 4180 quoting, lists joined
with "; ". It imports cleanly into any CRM or spreadsheet; the columns are a contract (they may
be reordered, never renamed or dropped), declared in ``sales.export.columns``.

Ordered for reading: who (name, priority, tier, owner), why (reasons), the three axes and
their scores, whom to call, how to reach the
company, what it is; ids, profile and time next; long provenance (sources, URLs), the
data-protection columns, then what the company's own website says (address, description,
social profiles, leadership, registration and VAT ids, language, legal name, founding date).
"""

from __future__ import annotations

from pathlib import Path

from sales.export import Written, export_format
from sales.export.columns import GENERIC_COLUMNS, TEXT_COLUMNS
from sales.export.files import FileStyle, write_csv
from sales.export.view import ScoredRows, Selection

# Declared in ``sales.export.columns`` (the one home of the export columns).
COLUMNS = list(GENERIC_COLUMNS)


@export_format(name="generic", description="one CSV, every column, for any CRM or spreadsheet")
def write_generic(
    rows: ScoredRows, selection: Selection, output: Path, style: FileStyle
) -> Written:
    count = write_csv(rows.fetch(COLUMNS, selection), output, style, text_columns=TEXT_COLUMNS)
    return Written(files=(output,), rows=count)
