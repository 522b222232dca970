"""Identifiers a company's website prints (enrichment) link it to registry records.

Resolution runs before enrichment: the first resolve cannot know what the site says, the enrich
stage stores the site's ids, and the next resolve links the registry record for certain."""

from __future__ import annotations

from datetime import datetime

import pytest

from enrich.resolve.stage import run_resolution
from warehouse.db import connect

T0 = datetime(2026, 1, 5)

# record_id, source, name, website, city, postcode, identifiers
RECORDS = [
    # the register knows the firm at its registered office, without a website
    ("ch-1", "companies_house", "Acme Widgets Limited", None, "London", "EC1A 1BB",
     ["GB-COH:04567890"]),
    # a directory lists it at its works in another town, with its website: the name alone
    # does not link them (the towns and postcodes differ)
    ("d-1", "directory", "Acme Widgets", "https://www.acme-widgets.co.uk/", "Leeds", "LS1 4AP",
     None),
    # another firm in the register, whose number a group's imprint also prints
    ("ch-2", "companies_house", "Kestrel Foods Limited", None, "Bristol", "BS1 5TR",
     ["GB-COH:07654321"]),
    ("d-2", "directory", "Orchard Pantry", "orchard-pantry.co.uk", "Bath", "BA1 1LT", None),
]


def _insert(con) -> None:
    for rid, source, name, web, city, postcode, idents in RECORDS:
        con.execute(
            "INSERT INTO source_records (record_id, source, native_id, name, website, city, "
            "postcode, country, identifiers, first_seen_at, last_seen_at, run_id, method) "
            "VALUES (?, ?, ?, ?, ?, ?, ?, 'GB', ?, ?, ?, 'run-1', 'css')",
            [rid, source, rid, name, web, city, postcode, idents, T0, T0])


def _company(con, record_id: str) -> str:
    return con.execute("SELECT company_id FROM company_links WHERE record_id = ?",
                       [record_id]).fetchone()[0]


def _enrich(con, record_id: str, identifiers: list[str]) -> None:
    """What the enrich stage writes for the company of ``record_id``: the website it fetched
    (the company's) and the ids its pages print."""
    company = _company(con, record_id)
    website = con.execute("SELECT website FROM companies WHERE company_id = ?",
                          [company]).fetchone()[0]
    con.execute(
        "INSERT INTO enrichment (company_id, website, website_status, website_identifiers, "
        "enriched_at) VALUES (?, ?, 'ok', ?, now())", [company, website, identifiers])


@pytest.fixture
def con(tmp_path):
    c = connect(tmp_path / "warehouse.duckdb")
    _insert(c)
    yield c
    c.close()


def test_the_next_resolution_links_a_registry_record_the_site_names(con):
    run_resolution(con)
    assert _company(con, "ch-1") != _company(con, "d-1")  # nothing in common yet
    _enrich(con, "d-1", ["GB-COH:04567890", "GB-VAT:GB123456789"])
    run_resolution(con)
    assert _company(con, "ch-1") == _company(con, "d-1")
    explanation = con.execute("SELECT explanation FROM company_links WHERE record_id IN "
                              "('ch-1', 'd-1') AND explanation IS NOT NULL").fetchall()
    assert any("same identifier" in e for (e,) in explanation)
    # the website's ids are evidence, not registry facts: the source record is unchanged
    assert con.execute("SELECT identifiers FROM source_records WHERE record_id = 'd-1'"
                       ).fetchone()[0] is None
    # the unrelated firms stay apart
    assert len({_company(con, r) for r in ("ch-1", "ch-2", "d-2")}) == 3


def test_a_site_printing_several_ids_of_one_scheme_links_none_of_them(con):
    run_resolution(con)
    _enrich(con, "d-2", ["GB-COH:04567890", "GB-COH:07654321"])  # a group's imprint
    run_resolution(con)
    assert len({_company(con, r) for r in ("ch-1", "ch-2", "d-2")}) == 3


def test_ids_of_a_website_the_company_no_longer_names_are_not_used(con):
    run_resolution(con)
    _enrich(con, "d-1", ["GB-COH:04567890"])
    con.execute("UPDATE source_records SET website = 'acme-widgets.example' "
                "WHERE record_id = 'd-1'")
    run_resolution(con)
    assert _company(con, "ch-1") != _company(con, "d-1")
