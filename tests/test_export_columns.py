"""The export columns have one home, ``sales.export.columns``: the generic CSV, the CRM formats,
the provenance sidecar and the docs all read it, and no second hand-written list may appear."""

from __future__ import annotations

import ast
import re
from pathlib import Path

import pytest

from sales.export import columns
from sales.export.job import PROVENANCE_FIELDS
from sales.export.view import PROVENANCE_SQL, SCORED_COMPANIES_SQL
from sales.privacy.view import export_view_sql
from warehouse.db import connect

ROOT = Path(__file__).resolve().parent.parent

# The generic CSV's header is a contract (reorder, never rename or drop): written out here by
# hand on purpose, so a change to the declaration that renames or drops one fails.
GENERIC_HEADER = (
    "name,priority,tier,owner,reasons,stage,timing,solvency_band,fit,solvency,"
    "best_contact_name,best_contact_role,best_contact_email,best_contact_phone,phone,email,"
    "website,industry,employees,city,country,distance,distance_km,company_id,profile,"
    "scored_at,sources,source_urls,lawful_basis,subscriber_type,email_opt_out,"
    "email_opt_out_reason,address,description,social,leadership,registration_ids,language,"
    "legal_name,founded"
)


def test_the_generic_columns_keep_the_contract():
    assert ",".join(columns.GENERIC_COLUMNS) == GENERIC_HEADER
    assert columns.TEXT_COLUMNS == ("best_contact_phone", "phone", "company_id")


def test_every_declared_column_is_in_the_scored_view(tmp_path):
    con = connect(tmp_path / "warehouse.duckdb")
    try:
        view = con.sql(f"SELECT * FROM ({export_view_sql(con, SCORED_COMPANIES_SQL)}) LIMIT 0")
        offered = set(view.columns)
    finally:
        con.close()
    assert [c.name for c in columns.COLUMNS if c.name not in offered] == []


def test_the_sidecar_and_its_query_trace_the_declared_columns():
    assert PROVENANCE_FIELDS == columns.GENERIC_COLUMNS
    for trace in ("website", "contact"):
        names = columns.traced_by(trace)
        assert names, trace
        assert ", ".join(f"('{n}')" for n in names) in PROVENANCE_SQL, trace
    assert columns.golden_fields() == (
        ("name", "name"), ("phone", "phone"), ("email", "email"), ("website", "website"),
        ("employees", "employees"), ("city", "city"), ("country", "country"),
        ("address", "street"), ("description", "description"), ("founded", "founded"))
    assert ", ".join(f"('{c}', '{g}')" for c, g in columns.golden_fields()) in PROVENANCE_SQL
    # every generic column is traced to a source or says what leadpipe computed it from
    assert [c.name for c in columns.COLUMNS if c.in_generic and not (c.traced or c.derived)] \
        == []


def test_a_format_naming_an_undeclared_column_fails():
    with pytest.raises(KeyError, match="best_contact_fax"):
        columns.ref("best_contact_fax")
    assert columns.labelled("phone", "Phone Number") == 'phone AS "Phone Number"'
    assert columns.text_headers({"Phone": "phone", "City": "city"}) == ("Phone",)


def test_the_docs_table_is_the_declaration():
    text = (ROOT / "docs" / "contracts.md").read_text(encoding="utf-8")
    block = re.search(re.escape(columns.DOC_BEGIN) + r"\n(.*?)" + re.escape(columns.DOC_END),
                      text, re.S)
    assert block is not None
    assert block.group(1) == columns.markdown_table()


def _string_lists(path: Path) -> list[tuple[int, list[str]]]:
    """Every list, tuple or set literal of three or more strings in ``path``."""
    found = []
    for node in ast.walk(ast.parse(path.read_text(encoding="utf-8"))):
        if isinstance(node, (ast.List, ast.Tuple, ast.Set)) and len(node.elts) >= 3 and all(
            isinstance(e, ast.Constant) and isinstance(e.value, str) for e in node.elts
        ):
            found.append((node.lineno, [e.value for e in node.elts]))
    return found


# Lists that share words with the export columns but are other contracts.
NOT_EXPORT_COLUMNS = {
    "sales/outcomes.py",      # the columns a CRM outcomes file may have
    "sales/privacy/keys.py",  # the kinds of suppression entry (company, domain, e-mail, phone)
}


def second_homes(paths: list[Path]) -> list[str]:
    """Literal lists of three or more export column names outside the declaration."""
    declared = set(columns.BY_NAME)
    home = Path(columns.__file__).resolve()

    def shown(p: Path) -> str:
        return p.relative_to(ROOT).as_posix() if p.is_relative_to(ROOT) else str(p)

    return [
        f"{shown(p)}:{line}"
        for p in paths if p.resolve() != home and shown(p) not in NOT_EXPORT_COLUMNS
        for line, values in _string_lists(p)
        if sum(v in declared for v in values) >= 3
    ]


def test_no_second_home_of_the_export_columns():
    assert second_homes(sorted((ROOT / "sales").rglob("*.py"))) == []


def test_the_second_home_check_can_fail(tmp_path):
    stray = tmp_path / "stray.py"
    stray.write_text('FIELDS = ("name", "website", "phone", "email")\n', encoding="utf-8")
    assert second_homes([stray]) == [f"{stray}:1"]
