"""Industry as NACE Rev. 2: the shipped code lists, registry codes, CPV codes, exhibitor and
directory categories from real pages, whole-word text, and the enrich stage writing the code."""

from __future__ import annotations

import csv
import json
import re
import tomllib
from pathlib import Path

import pytest

from enrich.industry import (
    IndustryCode,
    activity,
    classify,
    nace,
    profile_targets,
    schemes,
    section_of,
    under,
    words,
)
from enrich.resolve.stage import run_resolution
from enrich.stage import run_enrichment
from leadpipe.config import load_config
from leadpipe.demo.words import CATEGORY_LABELS, CATEGORY_NACE, INDUSTRIES
from spiders.landing import LandingWriter, make_item
from warehouse.db import connect
from warehouse.load import load_file

FIXTURES = Path(__file__).parent / "fixtures"
INDUSTRY = FIXTURES / "industry"
WEB = FIXTURES / "web"


# --- the code lists --------------------------------------------------------------------------

def test_every_sector_of_the_economy_exists():
    items = nace.activities().values()
    counts = {level: sum(1 for a in items if a.level == level) for level in (1, 2, 3, 4)}
    assert counts == {1: 21, 2: 88, 3: 272, 4: 615}
    assert [s.code for s in nace.sections()] == list("ABCDEFGHIJKLMNOPQRSTU")
    assert activity("C").label == "Manufacturing"  # the list writes sections in capitals
    assert activity("1071").code == "10.71"
    assert [a.code for a in nace.lineage("10.71")] == ["10.71", "10.7", "10", "C"]


@pytest.mark.parametrize(("code", "prefix", "expected"), [
    ("10.71", "C", True), ("10.71", "10", True), ("10.71", "10.7", True),
    ("10.71", "10.71", True), ("10.71", "1071", True), ("10.71", "10.8", False),
    ("10.71", "G", False), ("46.31", "46", True), (None, "C", False),
])
def test_under_a_target_prefix(code, prefix, expected):
    assert under(code, prefix) is expected


def test_under_rejects_what_is_no_nace_code():
    with pytest.raises(ValueError, match="not a NACE Rev. 2 code"):
        under("10.71", "10.77")


def test_every_listed_word_names_a_real_nace_code_and_every_label_a_section():
    taxonomy = words.taxonomy()
    assert [code for code in taxonomy["words"] if activity(code) is None] == []
    for label, target in taxonomy["labels"].items():
        for code in [target] if isinstance(target, str) else target:
            assert activity(code) is not None, label
    # the labels today's default profile uses stand for sections C, H and D
    assert profile_targets(["manufacturing", "logistics", "energy"]) == ["C", "H", "D"]
    # every section has a sector name, the value of the enrichment's `industry` column
    assert {words.sector_name(s.code) for s in nace.sections()} >= {
        "manufacturing", "logistics", "energy", "public_sector", "real estate"}
    assert len({words.sector_name(s.code) for s in nace.sections()}) == 21
    assert profile_targets(["10.7", "C"]) == ["10.7", "C"]
    with pytest.raises(ValueError, match="unknown industry 'food'"):
        profile_targets(["food"])


def test_no_listed_word_is_a_stem():
    """Every word is whole: the old list's stems ("manufactur", "utilit") would never match."""
    listed = {w for items in words.taxonomy()["words"].values() for item in items
              for w in words.words_of(item)}
    assert "manufactur" not in listed and "utilit" not in listed
    assert classify(name="Manufactur Utilit Financ").nace is None


def test_every_cpv_division_has_a_nace_division():
    with (nace.CODELISTS / "cpv2008.csv").open(encoding="utf-8", newline="") as fh:
        divisions = {row["division"] for row in csv.DictReader(fh)}
    table = schemes.cpv_table()
    assert sorted(divisions) == sorted(table)
    assert all(activity(code) is not None and activity(code).level == 2
               for code in table.values())


def test_declared_rev21_moves_land_on_real_rev2_codes():
    moves = tomllib.loads((nace.CODELISTS / "nace_rev2_1_moves.toml").read_text("utf-8"))
    assert [c for c in moves["moves"].values() if activity(c) is None] == []


# --- registry codes (real records) ------------------------------------------------------------

def _bulk_rows() -> list[dict[str, str]]:
    with (INDUSTRY / "mrbrianevans__BasicCompanyData_sample_31rows.csv").open(
            encoding="utf-8", newline="") as fh:
        return [{k.strip(): v for k, v in row.items()} for row in csv.DictReader(fh)]


def test_uk_sic_codes_from_the_bulk_file_keep_their_first_four_digits_as_nace():
    mapped = 0
    for row in _bulk_rows():
        sic = row["SICCode.SicText_1"]
        guess = classify(name=row["CompanyName"], codes=[IndustryCode("UK SIC 2007", sic)])
        digits = re.match(r"\d{5}", sic)
        if digits and activity(digits.group()[:4]) is not None:
            mapped += 1
            assert guess.nace == activity(digits.group()[:4]).code, sic
            assert guess.confidence >= 0.5
            assert guess.reason.startswith(
                f"{nace.doing(guess.nace)} (its registry entry says so"), sic
        else:  # dormant (99999), "None Supplied", UK-only 98000: no industry from the registry
            assert guess.nace is None or "registry" not in guess.reason, sic
    assert mapped >= 20
    restaurant = classify(codes=[IndustryCode("UK SIC 2007", "56101 - Licensed restaurants")])
    assert (restaurant.nace, restaurant.industry) == (
        "56.10", "hospitality")
    assert restaurant.reason == "works in restaurants and mobile food service activities " \
        "(its registry entry says so)"


def test_norwegian_codes_rev2_and_rev21():
    entity = json.loads((INDUSTRY / "tidybrreg__entity_923609016.json").read_text("utf-8"))
    code = entity["naeringskode1"]["kode"]  # Equinor: 06.100 extraction of crude petroleum
    guess = classify(name=entity["navn"], codes=[IndustryCode("NO-BRC", code)])
    assert (guess.nace, guess.section) == ("06.10", "B")
    # Rev. 2.1 codes that moved: programming (62.10 → Rev. 2 62.01), car repair (95.31 → 45.20)
    assert schemes.to_nace("SN2025", "62.100").nace == "62.01"
    assert schemes.to_nace("NACE Rev. 2.1", "95.31").nace == "45.20"
    # a code that is no Rev. 2.1 code is an older Norwegian (SN2007 = Rev. 2) one
    assert schemes.to_nace("NO-BRC", "56.101").nace == "56.10"


def test_french_naf_rev2_is_used_and_naf_rev1_is_not():
    unit = json.loads((INDUSTRY / "sirene_as_api__unite_legale_026280206.json").read_text("utf-8"))
    periods = unit["periodesUniteLegale"]
    given = {(p["nomenclatureActivitePrincipaleUniteLegale"], p["activitePrincipaleUniteLegale"])
             for p in periods}
    assert ("NAFRev2", "16.10A") in given and ("NAFRev1", "20.1A") in given
    codes = [IndustryCode(scheme, code) for scheme, code in given]
    guess = classify(name="PROVOST FRERES", codes=codes)
    assert guess.nace == "16.10"  # sawmilling; the NAF rév. 1 code says nothing
    assert schemes.to_nace("NAFRev1", "20.1A") is None


# --- CPV codes --------------------------------------------------------------------------------

def test_contracts_won_vote_through_the_declared_cpv_table():
    guess = classify(contract_cpv=["45210000-2", "45233140-2"])
    assert (guess.section, guess.reason) == (
        "F", "constructs buildings (it won public contracts for building construction work)")
    assert classify(contract_cpv=["15810000-9"]).nace == "10"  # bread → food manufacturing
    # the company's own categories outweigh one kind of contract it won
    guess = classify(name="Sunfield Solar Ltd", categories=["Renewable Energy"],
                     contract_cpv=["50000000-5"])
    assert guess.section == "D"


# --- categories printed by real directories and exhibition catalogues --------------------------

def test_directory_category_from_a_real_yellow_pages_listing():
    page = (WEB / "yellowpages_au" / "search_listings_plumber_cairns_p1.html").read_text("utf-8")
    label = re.search(r'"categoryText":"([^"-]+) - ', page).group(1).strip()
    assert label == "Plumbers & Gas Fitters"
    guess = classify(name="Cairns Plumbing Co", categories=[label])
    assert (guess.nace, guess.industry) == ("43.22", "construction")
    assert guess.reason == ('works in plumbing, heat and air-conditioning installation '
                            '(listed under gas fitters and plumbers, its name says "plumbing")')


def _gitex() -> list[dict]:
    return json.loads((WEB / "gitex_africa_2026" / "exhibitors_derived_from_listing.json")
                      .read_text("utf-8"))


@pytest.mark.parametrize(("label", "section"), [
    ("Software Services", "J"), ("Cloud Services", "J"), ("Data Centres", "J"),
    ("Telecommunications", "J"), ("Cyber security", "J"), ("Ecommerce", "G"),
    ("Government", "O"), ("HealthTech", "Q"), ("Education Tech", "P"),
    ("Waste to Energy", "E"), ("Banking Solutions", "K"), ("Fleet & Logistics Solutions", "H"),
])
def test_real_exhibitor_categories(label, section):
    assert any(label in r.get("categories", []) for r in _gitex()), label  # printed as is
    assert classify(categories=[label]).section == section, label


def test_most_real_exhibitors_get_an_industry():
    exhibitors = [r for r in _gitex() if r.get("categories")]  # the rest print no category
    assert len(exhibitors) >= 500
    found = [classify(name=r["name"], categories=r.get("categories"),
                      description=r.get("description")) for r in exhibitors]
    share = sum(1 for g in found if g.nace) / len(found)
    assert share >= 0.99, share
    # a technology fair: most exhibitors are information and communication (J)
    assert sum(1 for g in found if g.section == "J") / len(found) >= 0.5


def test_a_category_that_repeats_a_nace_title_is_read_from_the_code_list():
    assert classify(categories=["Manufacture of dairy products"]).nace == "10.5"
    assert classify(categories=["Wholesale of fruit and vegetables"]).nace == "46.31"


# --- whole words ------------------------------------------------------------------------------

@pytest.mark.parametrize(("kwargs", "nace_code", "reason"), [
    ({"name": "Northbridge Precision Engineering Ltd", "categories": ["Industrial Machinery"]},
     "28", 'makes machinery and equipment (listed under industrial machinery, its name says '
     '"precision engineering")'),
    ({"name": "Swift Freight GmbH", "categories": ["Freight & Haulage"]}, "49.41",
     'works in freight transport by road (listed under freight & haulage, its name says '
     '"freight")'),
    ({"name": "Cumbria County Council"}, "84", "works in public administration and defence, "
     'compulsory social security (its name says "county council")'),
    ({"name": "Bella Napoli", "categories": ["Restaurant"]}, "56",
     "works in food and beverage service activities (listed under restaurant)"),
])
def test_classification_says_why_in_plain_words(kwargs, nace_code, reason):
    guess = classify(**kwargs)
    assert (guess.nace, guess.reason) == (nace_code, reason)


def test_a_food_company_is_food_not_finance():
    """The food-fair case: trading, capital and distribution words must not make it finance or
    logistics."""
    maker = classify(name="Alpenhof Feinkost GmbH", categories=["Cheese", "Fine Food"],
                     description="Family business since 1950. Our capital is taste: we "
                                 "distribute our cheese to delicatessen shops.")
    assert (maker.section, maker.nace) == ("C", "10")
    assert maker.industry == "manufacturing"
    trader = classify(name="Harbour Fine Foods Trading Ltd",
                      categories=["Food Wholesale", "Import and Export"])
    assert (trader.section, trader.nace) == ("G", "46")
    assert "food wholesale" in trader.reason
    bakery = classify(name="Bäckerei Schulz", categories=["Bakery"])
    assert bakery.nace == "10.71"


def test_words_are_whole_words():
    assert classify(name="Capitalise Ltd").nace is None  # "capital" is inside a longer word
    assert classify(name="Bankside Studios").nace is None  # not a bank
    assert classify(name="Summit Hotels").nace == "55"  # a plural is the same word
    assert classify(name="Zyx Qwv").reason == "no industry words found"


# --- the demo world ---------------------------------------------------------------------------

def test_every_demo_category_has_a_true_nace_code_and_classifies_to_its_section():
    labels = {label for industry in INDUSTRIES for label in CATEGORY_LABELS[industry]}
    assert labels == set(CATEGORY_NACE)
    wrong = {label: classify(categories=[label]).section for label in labels
             if classify(categories=[label]).section != section_of(CATEGORY_NACE[label])}
    assert wrong == {}


# --- the enrich stage -------------------------------------------------------------------------

def test_enrich_stage_writes_the_nace_code_from_registry_codes_and_contracts(tmp_path):
    source, landing = "fixture_registry", tmp_path / "landing"

    def item(kind: str, native: str, **fields) -> dict:
        return make_item(kind=kind, source=source, native_id=native, run_id="run-1",
                         url=f"https://registry.example/{native}", method="api", fields=fields)

    with LandingWriter(landing, "run-1", source) as writer:
        for it in [
            item("organisation", "ch1", name="Alpha Systems Ltd", country="GB",
                 industry_codes=[{"scheme": "UK SIC 2007", "code": "62012"}]),
            item("organisation", "s1", name="Beta Builders Ltd", country="GB"),
            item("tender", "t1", tender_id="T-1", title="New school",
                 classifications=[{"scheme": "CPV", "id": "45214200-2"}]),
            item("award", "a1", tender_id="T-1", award_id="A-1", supplier_native_id="s1",
                 supplier_name="Beta Builders Ltd", status="active"),
            item("organisation", "n1", name="Qwv Zyx AS", country="NO"),
        ]:
            writer.write(it)
    con = connect(tmp_path / "warehouse.duckdb")
    try:
        load_file(con, landing / "run-1" / f"{source}.jsonl")
        run_resolution(con)
        run_enrichment(con, user_agent="leadpipe-test", fetch=False,
                       solvency_model=load_config().solvency)
        rows = {name: (code, industry, reason) for name, code, industry, reason in con.execute(
            "SELECT c.name, e.industry_nace, e.industry, e.industry_reason FROM enrichment e "
            "JOIN companies c USING (company_id)").fetchall()}
    finally:
        con.close()
    assert rows["Alpha Systems Ltd"] == (
        "62.01", "software",
        "works in computer programming activities (its registry entry says so)")
    assert rows["Beta Builders Ltd"][:2] == ("41", "construction")
    assert ("it won public contracts for construction work for school buildings"
            in rows["Beta Builders Ltd"][2])
    assert rows["Qwv Zyx AS"] == (None, None, "no industry words found")
