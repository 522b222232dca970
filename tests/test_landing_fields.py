"""The landing contract is declared once (spiders.landing_fields) and everything derives from it:
the document, the definitions' field checks, the page objects' types, the loader's schemas
(against the real warehouse tables), resolution's input columns and ``dedupe --map``."""

from __future__ import annotations

from pathlib import Path

import pytest

from enrich.resolve.features import INPUT_COLUMNS
from leadpipe.commands.dedupe import FIELDS as DEDUPE_FIELDS
from leadpipe.commands.dedupe import parse_map
from spiders import definitions, landing_fields
from spiders.landing_fields import (
    ORGANISATION,
    TYPES,
    compared_fields,
    doc_block,
    field_names,
    markdown_tables,
    organisation_fields,
)
from spiders.pages import values
from spiders.pages.html import SCHEMA_ORG_FIELDS
from spiders.pages.spec import PSEUDO_FIELDS
from spiders.tenders import landing_items, parse_bytes
from warehouse import load
from warehouse.db import connect

ROOT = Path(__file__).resolve().parent.parent
TENDER_FIXTURES = Path(__file__).parent / "fixtures" / "tenders"


def test_docs_contracts_shows_the_declared_fields():
    doc = (ROOT / "docs" / "contracts.md").read_text(encoding="utf-8")
    block = doc_block(doc)
    assert block is not None, "docs/contracts.md lost its generated field tables"
    assert block == markdown_tables(), (
        "docs/contracts.md drifted from spiders/landing_fields.py; run "
        "`python -m spiders.landing_fields --write docs/contracts.md`")


def test_write_doc_replaces_only_the_generated_block(tmp_path):
    doc = tmp_path / "c.md"
    doc.write_text(f"intro\n{landing_fields.DOC_BEGIN}\nstale\n{landing_fields.DOC_END}\nend\n",
                   encoding="utf-8")
    assert landing_fields.write_doc(doc) is True
    text = doc.read_text(encoding="utf-8")
    assert text.startswith("intro\n") and text.endswith("end\n")
    assert doc_block(text) == markdown_tables()
    assert "| employees | int | headcount (the lower bound of a band) | 0 to 10,000,000 |" in text
    assert landing_fields.write_doc(doc) is False


def test_source_definitions_accept_exactly_the_declared_fields():
    registry_only = set(field_names("organisation", in_definitions=False))
    assert {"tender_ids", "registry_status", "insolvency_cases"} <= registry_only
    assert definitions.ORG_FIELDS == set(field_names("organisation")) - registry_only
    assert definitions.RECORD_FIELDS == definitions.ORG_FIELDS | set(PSEUDO_FIELDS)
    assert definitions.CONTACT_FIELDS == {"name", "role", "email", "phone",
                                          "organisation_native_id"}
    assert set(SCHEMA_ORG_FIELDS) <= definitions.RECORD_FIELDS


def test_page_objects_read_each_field_as_its_declared_type():
    got = {f.name: values.default_type(f.name) for f in ORGANISATION}
    assert {n for n, t in got.items() if t == "list"} == {
        "categories", "identifiers", "accreditations", "contacts", "tender_ids",
        "industry_codes", "insolvency_cases"}
    assert {n for n, t in got.items() if t == "int"} == {"employees", "founded",
                                                         "charges_outstanding"}
    assert {n for n, t in got.items() if t == "bool"} == {"paid_listing", "is_natural_person",
                                                          "accounts_overdue"}
    assert values.default_type("detail_url") == "str"
    assert {t.reads_as for t in TYPES.values()} <= set(values.READS_AS)
    assert values.READS_AS == definitions.TYPES


@pytest.mark.parametrize(("table", "schema", "extra"), [
    ("source_records", load._ORG_SCHEMA, {"first_seen_at", "last_seen_at"}),
    ("contacts", load._CONTACT_SCHEMA, {"first_seen_at", "last_seen_at"}),
    ("tenders", load._TENDER_SCHEMA, {"first_seen_at", "last_seen_at"}),
    ("awards", load._AWARD_SCHEMA, {"last_seen_at"}),
    ("raw_items", load._RAW_SCHEMA, set()),
])
def test_loader_schemas_match_the_warehouse_tables(tmp_path, table, schema, extra):
    con = connect(tmp_path / "w.duckdb")
    columns = {r[0] for r in con.execute(f"DESCRIBE {table}").fetchall()}
    staged = set(schema.names) - {"seen_at"}
    assert staged | extra == columns


def test_loader_column_types_come_from_the_contract():
    org = dict(zip(load._ORG_SCHEMA.names, load._ORG_SCHEMA.types, strict=True))
    for field in ORGANISATION:
        if field.name in ("contacts", "tender_ids"):
            assert field.name not in org       # own table / raw payload only
        else:
            assert org[field.name] == load.ARROW_TYPES[field.type], field.name


def test_resolution_and_dedupe_read_the_compared_fields():
    assert compared_fields() == ("name", "website", "email", "phone", "street", "postcode",
                                 "city", "address", "country", "identifiers")
    assert INPUT_COLUMNS == ("record_id", "source", *compared_fields(), "first_seen_at")
    assert set(DEDUPE_FIELDS) | {"record_id"} == set(INPUT_COLUMNS)
    with pytest.raises(ValueError, match="--map field 'employees' unknown; use one of name, "
                                         "website, email"):
        parse_map("name=Company,employees=Staff", ["Company", "Staff"])


def test_export_can_list_the_company_fields():
    names = [f.name for f in organisation_fields(on_company=True)]
    assert names == ["name", "website", "email", "phone", "street", "postcode", "city",
                     "country", "categories", "description", "identifiers", "employees",
                     "founded"]
    assert all(f.meaning for f in organisation_fields(on_company=True))


def test_every_field_a_tender_parser_emits_is_declared():
    docs = sorted(TENDER_FIXTURES.glob("*/*.json")) + sorted(TENDER_FIXTURES.glob("*/*.xml"))
    assert len(docs) > 10
    emitted: dict[str, set[str]] = {}
    for doc in docs:
        for item in landing_items(parse_bytes(doc.read_bytes()), url=doc.name, method="api"):
            emitted.setdefault(item["kind"], set()).update(item["fields"])
    assert set(emitted) == {"organisation", "tender", "award"}
    for kind, names in emitted.items():
        assert names <= set(field_names(kind)), (kind, names - set(field_names(kind)))
