"""Registration ids in the export are words: the scheme's label and the id, a German register
number with its court's name, never the ``SCHEME:ID@COURT`` key resolution compares."""

from __future__ import annotations

import duckdb

from enrich.normalise.register_courts import register_id
from sales.export.identifier_words import court_names, registration_words_sql


def _words(*lists: list[str] | None) -> dict[int, str]:
    con = duckdb.connect()
    con.execute("CREATE TABLE e (company_id INTEGER, ids VARCHAR[])")
    con.executemany("INSERT INTO e VALUES (?, ?)", list(enumerate(lists)))
    rows = con.execute(registration_words_sql("e", "company_id", "ids")).fetchall()
    return dict(rows)


def test_each_scheme_in_words_in_the_order_the_site_gave():
    key = "DE-CR:" + register_id("Amtsgericht München, HRB 12345 B")
    assert key == "DE-CR:HRB12345B@MUENCHEN"
    assert _words([key, "DE-VAT:DE123456789", "GB-COH:04567890", "US-EIN:12-3456789"]) == {
        0: "commercial register HRB 12345 B, register court München; VAT DE123456789; "
           "company number 04567890; registration 12-3456789"}


def test_courts_get_their_written_names_and_unknown_ones_a_readable_one():
    keys = ["DE-CR:" + register_id("HRB 815, Amtsgericht Frankfurt am Main"),
            "DE-CR:" + register_id("Handelsregister: HRA 4711 beim Amtsgericht Düsseldorf"),
            "DE-CR:" + register_id("HRB 99 AG Hintertupfingen"), "DE-CR:HRB7"]
    assert _words(keys) == {0: "; ".join([
        "commercial register HRB 815, register court Frankfurt am Main",
        "commercial register HRA 4711, register court Düsseldorf",
        "commercial register HRB 99, register court Hintertupfingen",
        "commercial register HRB 7"])}


def test_companies_without_ids_get_no_row():
    assert _words(None, [], ["NL-KVK:12345678"]) == {2: "KvK number 12345678"}


def test_court_names_are_places_not_organisations():
    names = court_names()
    assert names["KOELN"] == "Köln" and names["NUERNBERG"] == "Nürnberg"
    assert not [n for n in names.values() if any(w in n for w in ("GmbH", "Amtsgericht", "Bank"))]
