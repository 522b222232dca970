"""The six real sources: their YAML definitions run on saved pages give the records we read
off the files (counts and named companies with their fields)."""

from __future__ import annotations

import re
from collections import Counter
from pathlib import Path

import pytest

from spiders.definitions import load_definition, sources_dir
from spiders.landing import make_item
from spiders.landing_check import check_item
from spiders.pages import ListingPage, page_for

WEB = Path(__file__).parent / "fixtures" / "web"
FILES = {
    "yellowpages_au": "yellowpages_au/search_listings_plumber_cairns_p1.html",
    "localsearch_au": "localsearch_au/find_plumber_bungalow-qld_p1.html",
    "hannover_messe": "hannover_messe/exhibitor_search_export_2026.csv",
    "hostingcon_2012": "hostingcon_2012/exhibitors.html",
    "gitex_africa_2026": "gitex_africa_2026/exhibitors_derived_from_listing.json",
    "dsei_2023": "caat_arms_fairs/dsei-2023.json",
}
EXPECTED_COUNTS = {
    "yellowpages_au": 35,      # "35 BEST Plumber in Cairns Region": model.inAreaResultViews
    "localsearch_au": 40,      # 40 LocalBusiness JSON-LD blocks
    "hannover_messe": 2739,    # 2,744 lines - title - header - 2 blank - 1 booth with a newline
    "hostingcon_2012": 63,     # 63 <h3> entries in the A-Z list (cPanel twice, two booths)
    "gitex_africa_2026": 871,  # 871 records (one test exhibitor listed twice, two vendor ids)
    "dsei_2023": 1551,         # 1,551 exhibitors
}


def extract(source: str, body: bytes | None = None):
    definition = load_definition(sources_dir() / f"{source}.yaml")
    body = (WEB / FILES[source]).read_bytes() if body is None else body
    page = page_for(definition.extraction, definition.start_urls[0], body)
    return definition, page, page.records()


def by_name(records, name):
    found = [r for r in records if r.fields.get("name") == name]
    assert found, f"{name!r} not extracted"
    return found


@pytest.mark.parametrize("source", sorted(FILES))
def test_count_and_contract(source):
    definition, _, records = extract(source)
    assert len(records) == EXPECTED_COUNTS[source]
    assert definition.count_min <= len(records) <= (definition.count_max or 10**9)
    items = [r.to_item(definition.extraction) for r in records]
    assert len({i["native_id"] for i in items}) == len(items), "native ids must be unique"
    for item in items:
        assert item["kind"] == "organisation" and item["fields"]["name"]
        assert set(item["field_methods"]) == set(item["fields"])
        country = item["fields"].get("country")
        assert country is None or re.fullmatch(r"[A-Z]{2}", country)
        check_item(make_item(source=definition.id, run_id="run-1", **item))  # loads, never
        # quarantined: real pages stay inside the declared types and bounds
    assert not [w for r in records for w in r.warnings]


def test_yellowpages_state_json():
    _, page, records = extract("yellowpages_au")
    assert page.method == "state_json"
    alex = by_name(records, "Alexander Plumbing & Draining")[0]
    assert alex.native_id == "11973665"
    assert alex.url.endswith("/qld/cairns/alexander-plumbing-draining-11973665-listing.html")
    f = alex.fields
    assert f["email"] == "mrsa50@hotmail.com"
    assert f["phone"] == "0418 184 428"
    assert f["website"] == "http://www.alexanderplumbing.com.au"
    assert (f["city"], f["region"], f["postcode"], f["country"]) == ("Cairns", "QLD", "4870", "AU")
    assert f["accreditations"] == ["QBSA Lic No. 056251"]
    assert f["categories"] == ["Plumbers & Gas Fitters"]
    assert f["paid_listing"] is True
    assert alex.field_methods["email"] == "state_json"
    assert alex.field_methods["country"] == "derived"
    seymour = by_name(records, "Seymour Plumbing")[0].fields
    assert seymour["paid_listing"] is False
    assert seymour["email"] == "seymourplumbingnq@gmail.com"
    assert by_name(records, "Mackie Plumbing")[0].fields["phone"] == "(07) 4058 0312"
    assert Counter(r.fields["paid_listing"] for r in records) == {True: 9, False: 26}
    assert page.next_urls() == [
        "https://www.yellowpages.com.au/search/listings?clue=plumber"
        "&locationClue=cairns%2C+QLD&pageNumber=2"
    ]


def test_yellowpages_falls_back_to_css_when_the_state_json_is_gone():
    html = (WEB / FILES["yellowpages_au"]).read_bytes()
    stripped = html.replace(b"window.__INITIAL_STATE__", b"window.__GONE__")
    _, page, records = extract("yellowpages_au", stripped)
    assert page.method == "css"
    assert len(records) == 35
    alex = by_name(records, "Alexander Plumbing & Draining")[0]
    assert alex.native_id == "11973665"
    assert alex.field_methods["name"] == "css"
    assert Counter(r.fields["paid_listing"] for r in records) == {True: 9, False: 26}


def test_localsearch_jsonld():
    _, page, records = extract("localsearch_au")
    assert page.method == "jsonld"
    magnum = by_name(records, "Magnum Plumbing Pipe Relining")[0]
    assert magnum.native_id == "magnum-plumbing-pipe-relining/bungalow-qld/gpOf"
    assert magnum.fields["phone"] == "07 4035 5924"
    assert (magnum.fields["city"], magnum.fields["postcode"]) == ("Bungalow", "4870")
    assert magnum.field_methods["phone"] == "jsonld"
    assert by_name(records, "De Rose Plumbing")[0].fields["street"] == "4 Cicero Cl"
    assert "phone" not in by_name(records, "HPS Contractors")[0].fields
    assert page.next_urls() == ["https://www.localsearch.com.au/find/plumber/bungalow-qld?page=2"]


def test_hannover_messe_export():
    _, page, records = extract("hannover_messe")
    abat = by_name(records, "abat AG")[0]
    assert abat.native_id == "N1606269"
    assert abat.fields == {
        "name": "abat AG", "country": "DE", "postcode": "28217", "city": "Bremen",
        "region": "Bremen", "website": "https://www.abat.de", "hall": "26", "booth": "E98",
        "event_name": "HANNOVERMESSE 2026", "role": "exhibitor",
    }
    assert abat.field_methods["event_name"] == "export"
    # cp1252 decoded, not mangled
    herz = by_name(records, "Ätztechnik Herz GmbH & Co. KG")[0].fields
    assert (herz["postcode"], herz["city"]) == ("78736", "Epfendorf")
    # a booth cell with a line break inside its quotes
    messe = [r for r in records if r.native_id == "N1613961"][0].fields
    assert (messe["hall"], messe["booth"]) == ("25", "B23")
    # the open-air site has no hall number
    openair = [r for r in records if r.native_id == "N1614461"][0].fields
    assert openair["hall"] == openair["booth"] == "Open-air site (FG)"
    assert len(by_name(records, "Siemens AG")) == 8
    countries = Counter(r.fields.get("country") for r in records)
    assert countries["DE"] == 1027 and countries["CN"] == 635 and countries["TR"] == 88
    assert by_name(records, "Kosovo Investment and Enterprise Support Agency (KIESA)")[0] \
        .fields["country"] == "XK"


@pytest.mark.parametrize("printed", ["UK", "United Kingdom", "Great Britain", "England", " uk "])
def test_a_source_printing_the_uk_any_way_gets_country_gb(printed):
    """The export's rows say "United Kingdom"; sources also print UK, Great Britain, England."""
    text = (WEB / FILES["hannover_messe"]).read_bytes().decode("cp1252")
    row = "Exhibitor;Ceimig Ltd.;United Kingdom;"
    assert row in text
    body = text.replace(row, f"Exhibitor;Ceimig Ltd.;{printed};").encode("cp1252")
    _, _, records = extract("hannover_messe", body)
    (ceimig,) = by_name(records, "Ceimig Ltd.")
    assert ceimig.fields["country"] == "GB" and ceimig.field_methods["country"] == "export"
    assert ceimig.warnings == []


def test_hostingcon_listing_with_embedded_details():
    _, page, records = extract("hostingcon_2012")
    assert page.method == "css"
    one_h = by_name(records, "1H.com")[0]
    assert one_h.fields["booth"] == "527"
    assert one_h.fields["paid_listing"] is True
    assert one_h.fields["website"] == "http://1h.com/"
    assert one_h.fields["description"].startswith("1H provides a a set of software tools")
    assert one_h.fields["event_name"] == "HostingCon 2012"
    assert by_name(records, "Afilias Managed DNS Service")[0].fields["website"] == \
        "http://www.afilias.info/"
    assert sorted(r.fields["booth"] for r in by_name(records, "cPanel")) == ["728", "731"]
    arbor = by_name(records, "Arbor Networks")[0].fields
    assert arbor == {"name": "Arbor Networks", "booth": "213", "paid_listing": False,
                     "role": "exhibitor", "event_name": "HostingCon 2012"}
    assert by_name(records, "GlobalSign")[0].fields["booth"] == "501"
    assert by_name(records, "Litle & Co.")[0].fields["booth"] == "319"
    assert sum(r.fields["paid_listing"] for r in records) == 5


def test_gitex_records():
    _, page, records = extract("gitex_africa_2026")
    plastic = by_name(records, "0Plastic B.V")[0]
    assert plastic.native_id == "GA-2025-53702"
    assert plastic.url.endswith("/Exhibitor/ExbDetails/0plastic-b-v")
    assert (plastic.fields["booth"], plastic.fields["hall"], plastic.fields["country"]) == \
        ("20D- 106", "20", "NL")
    assert plastic.fields["categories"][0] == "Energy Tech"
    assert len(plastic.fields["categories"]) == 5
    confirmed = by_name(records, "1CONFIRMED")[0].fields
    assert "booth" not in confirmed and confirmed["country"] == "MA"   # "TBC, TBC" dropped
    countries = Counter(r.fields.get("country") for r in records)
    assert countries["MA"] == 305 and countries["CI"] == 10 and countries["KR"] == 13
    assert page.next_urls()[0].endswith("limit=50&start=50")


def test_dsei_records():
    _, _, records = extract("dsei_2023")
    rsi = by_name(records, "'RSI Europe''")[0]           # kept verbatim
    assert rsi.native_id == "rsi-europe"
    assert rsi.fields["country"] == "LT"
    assert rsi.fields["address"] == "'V. Nageviciaus 3, Vilnius, Vilnius, LT-08237, Lithuania"
    assert rsi.fields["categories"] == ["Secure Communications", "Sensors"]
    assert (rsi.fields["event_name"], rsi.fields["event_date"]) == \
        ("DSEI 2023", "2023-09-12/2023-09-15")
    assert by_name(records, "ATS Group")[0].fields["country"] == "MK"   # from country.iso2
    assert "categories" not in by_name(records, "2 Excel Aviation")[0].fields


def test_listing_page_accepts_an_already_parsed_selector():
    from parsel import Selector

    definition = load_definition(sources_dir() / "localsearch_au.yaml")
    body = (WEB / FILES["localsearch_au"]).read_text(encoding="utf-8")
    page = ListingPage(definition.start_urls[0], b"", definition.extraction,
                       selector=Selector(text=body))
    assert len(page.records()) == 40
