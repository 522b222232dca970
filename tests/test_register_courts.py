"""German register numbers keep their register court: HRB 12345 in München is not HRB 12345 in
Köln, on pages, in records and in resolution."""

from __future__ import annotations

from datetime import datetime

import pytest

from enrich.normalise import normalise_identifier, org_identifier
from enrich.normalise.register_courts import court_key, register_id
from enrich.pages.identifiers import printed_ids
from enrich.resolve.stage import run_resolution
from warehouse.db import connect


@pytest.mark.parametrize(("printed", "expected"), [
    ("HRB 12345", "HRB12345"),  # no court given: the number alone, as before
    ("Amtsgericht München HRB 12345", "HRB12345@MUENCHEN"),
    ("HRB 12345, AG Muenchen", "HRB12345@MUENCHEN"),
    ("HRB12345@MUENCHEN", "HRB12345@MUENCHEN"),  # already in the stored form
    ("Registergericht Amtsgericht Berlin (Charlottenburg), HRB 98765 B",
     "HRB98765B@CHARLOTTENBURG"),
    ("GnR 321 Amtsgericht Köln", "GNR321@KOELN"),
])
def test_register_ids_keep_their_court(printed, expected):
    assert register_id(printed) == expected


def test_court_spellings_meet():
    assert court_key("Amtsgericht München") == court_key("AG Muenchen") == "MUENCHEN"
    assert court_key("Berlin") == court_key("Amtsgericht Charlottenburg") == "CHARLOTTENBURG"
    assert court_key("Amtsgericht Düsseldorf") == "DUESSELDORF"
    assert court_key("") is None and court_key("Amtsgericht") is None


def test_an_imprint_and_a_record_with_the_court_give_one_key():
    page = printed_ids("Sitz: Köln. Registergericht: Amtsgericht Köln, HRB 12345. "
                       "USt-IdNr.: DE 123 456 789")
    assert [p.key for p in page] == ["DE-CR:HRB12345@KOELN", "DE-VAT:DE123456789"]
    assert org_identifier("DE-CR", "HRB 12345 (Amtsgericht Köln)") == {
        "scheme": "DE-CR", "id": "HRB12345@KOELN"}
    assert normalise_identifier("DE-CR:Amtsgericht Koeln, HRB 12345") == page[0].key
    assert normalise_identifier("DE-CR:HRB 12345") == "DE-CR:HRB12345"


def test_each_number_on_a_page_takes_the_court_printed_nearest():
    text = ("Muster GmbH & Co. KG, Amtsgericht Essen HRA 4711. Persönlich haftende "
            "Gesellschafterin: Muster Verwaltungs GmbH, Amtsgericht Bochum HRB 815")
    assert [p.key for p in printed_ids(text)] == ["DE-CR:HRA4711@ESSEN", "DE-CR:HRB815@BOCHUM"]


T0 = datetime(2026, 2, 1)
# record_id, source, name, city, identifiers: two firms, one number, two courts
RECORDS = [
    ("reg-m", "register", "Müller Maschinenbau GmbH", "München",
     ["DE-CR:Amtsgericht München HRB 12345"]),
    ("reg-k", "register", "Müller Maschinenbau GmbH", "Köln", ["DE-CR:HRB 12345, AG Köln"]),
    # the Munich firm again, as a fair lists it (its site's imprint gave the court)
    ("fair-m", "fair", "Mueller Maschinenbau", "Muenchen", ["DE-CR:HRB12345@MUENCHEN"]),
]


@pytest.fixture
def con(tmp_path):
    c = connect(tmp_path / "warehouse.duckdb")
    for rid, source, name, city, idents in RECORDS:
        c.execute(
            "INSERT INTO source_records (record_id, source, native_id, name, city, country, "
            "identifiers, first_seen_at, last_seen_at, run_id, method) "
            "VALUES (?, ?, ?, ?, ?, 'DE', ?, ?, ?, 'run-1', 'api')",
            [rid, source, rid, name, city, idents, T0, T0])
    yield c
    c.close()


def test_one_number_at_two_courts_is_two_firms(con):
    run_resolution(con)
    company = dict(con.execute("SELECT record_id, company_id FROM company_links").fetchall())
    assert company["reg-m"] == company["fair-m"]  # same court, same number: certain
    assert company["reg-m"] != company["reg-k"]  # same name and number, another court
