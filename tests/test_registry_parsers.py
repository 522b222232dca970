"""Registry parsers on real registry responses: every status row of the Companies House bulk
sample gets its plain status word, SIC codes stay NACE codes, the lapsed LEI is flagged, and
every item passes the landing contract the loader applies."""

from __future__ import annotations

import csv
import json
from collections import Counter
from datetime import date
from pathlib import Path

import pytest

from spiders.landing import make_item
from spiders.landing_check import check_line
from spiders.registries import RegistryParseError, brreg, companies_house, cvr, gleif, sirene

FIX = Path(__file__).parent / "fixtures" / "registry"
CH = FIX / "companies_house"
BULK_1000 = CH / "companieshr__companies_basic_1000.csv"
BULK_31 = CH / "mrbrianevans__BasicCompanyData_sample_31rows.csv"


def load(path: Path):
    return json.loads(path.read_text(encoding="utf-8"))


def fx(registry: str, name: str):
    """A saved response; long fixture names are shortened to their distinctive part."""
    matches = sorted((FIX / registry).glob(f"*{name}*"))
    assert len(matches) == 1, (registry, name, matches)
    return load(matches[0])


def rows(path: Path) -> list[dict[str, str]]:
    with path.open(newline="", encoding="utf-8") as fh:
        return list(csv.DictReader(fh))


def contract_ok(item: dict) -> dict:
    """The item as the loader would check it (raises BadLine when it breaks the contract)."""
    landed = make_item(source="test_registry", run_id="run-1", **item)
    _written, checked = check_line(json.dumps(landed))
    return checked["fields"]


def nace(fields: dict) -> list[str]:
    return [c["id"] for c in fields.get("industry_codes", []) if c["scheme"] == "NACE2"]


# --- Companies House bulk -------------------------------------------------------------------

EXPECTED_BULK_STATUS = {
    "Active": "active",
    "Liquidation": "liquidation",
    "In Administration": "administration",
    "ADMINISTRATION ORDER": "administration",
    "Voluntary Arrangement": "voluntary arrangement",
    "Active - Proposal to Strike off": "proposal to strike off",
}


def test_every_status_row_of_the_bulk_sample_gets_its_status_word():
    seen: Counter[str] = Counter()
    for row in rows(BULK_1000):
        fields = contract_ok(companies_house.bulk_item(row))
        assert fields["registry_status"] == EXPECTED_BULK_STATUS[row["CompanyStatus"]], row
        seen[fields["registry_status"]] += 1
    assert seen == {"active": 839, "liquidation": 133, "proposal to strike off": 23,
                    "voluntary arrangement": 2, "administration": 3}


def test_active_companies_keep_their_sic_codes_as_nace_classes():
    checked = 0
    for row in rows(BULK_1000):
        if row["CompanyStatus"] != "Active":
            continue
        fields = companies_house.bulk_fields(row)
        sics = [row[c].split(" - ")[0].strip() for c in companies_house.SIC_COLUMNS if row[c]]
        given = [c["id"] for c in fields.get("industry_codes", []) if c["scheme"] == "UK-SIC2007"]
        assert given == [s for s in sics if s.isdigit() and len(s) == 5]
        old = [c["id"] for c in fields.get("industry_codes", []) if c["scheme"] == "UK-SIC2003"]
        assert old == [s for s in sics if s.isdigit() and len(s) == 4]  # SIC 2003: no NACE 2
        expected = list(dict.fromkeys(f"{s[:2]}.{s[2:4]}" for s in given
                                      if s not in ("99999", "74990")))
        assert nace(fields) == expected
        checked += bool(expected)
    with_industry = sum(1 for r in rows(BULK_1000) if r["CompanyStatus"] == "Active" and any(
        r[c][:5].isdigit() and r[c][:5] not in ("99999", "74990")  # five digits: SIC 2007
        for c in companies_house.SIC_COLUMNS))
    assert checked == with_industry == 588  # dormant, "None Supplied" and SIC 2003 rows: none
    row = next(r for r in rows(BULK_1000) if r["CompanyName"] == "!BIG IMPACT GRAPHICS LIMITED")
    fields = companies_house.bulk_fields(row)
    assert nace(fields) == ["59.11", "74.10", "74.20"]
    assert fields["industry_codes"][0] == {"scheme": "UK-SIC2007", "id": "59112",
                                           "description": "Video production activities"}
    assert fields["identifiers"] == [{"scheme": "GB-COH", "id": "07382019"}]
    assert fields["postcode"] == "EC1V 9AV" and fields["country"] == "GB"


def test_full_bulk_layout_dates_accounts_and_charges():
    data = rows(BULK_31)
    assert " CompanyNumber" in data[0]  # the published header keeps its leading spaces
    first = companies_house.bulk_fields(data[0], as_of=date(2021, 8, 1))
    assert first["identifiers"] == [{"scheme": "GB-COH", "id": "12778855"}]
    assert first["incorporated_on"] == "2020-07-29" and first["founded"] == 2020
    assert first["accounts_next_due"] == "2022-04-29"
    assert first["accounts_overdue"] is False
    assert first["accounts_category"] == "no accounts filed"
    assert first["charges_outstanding"] == 0
    assert first["legal_form"] == "Private Limited Company"
    dormant = companies_house.bulk_fields(data[1], as_of=date(2021, 8, 1))
    assert dormant["accounts_category"] == "dormant"
    assert dormant["accounts_next_due"] == "2021-06-30"
    assert dormant["accounts_overdue"] is True  # the file is of August 2021
    assert nace(dormant) == []  # 99999 Dormant Company is no industry
    early = companies_house.bulk_fields(data[1], as_of=date(2021, 6, 1))
    assert early["accounts_overdue"] is False
    assert companies_house.bulk_fields(data[1])["accounts_overdue"] is None
    categories = {companies_house.bulk_fields(r)["accounts_category"] for r in data}
    assert {"total exemption full", "dormant", "no accounts filed", "full"} <= categories
    for row in data:
        contract_ok(companies_house.bulk_item(row))


def test_bulk_header_missing_columns_is_one_clear_error():
    with pytest.raises(RegistryParseError, match="CompanyStatus"):
        companies_house.bulk_header(["CompanyName", "CompanyNumber"])
    assert companies_house.bulk_header([" CompanyNumber", "CompanyName", "CompanyStatus"])[
        "CompanyNumber"] == 0


# --- Companies House API --------------------------------------------------------------------

def test_company_profile():
    fields = contract_ok(companies_house.profile_item(fx("companies_house", "company_candour.json"),
                                                      "https://example.test/company/08957400"))
    assert fields["name"] == "CANDOUR GROUP LIMITED"
    assert fields["identifiers"] == [{"scheme": "GB-COH", "id": "08957400"}]
    assert fields["registry_status"] == "active"
    assert fields["incorporated_on"] == "2014-03-25"
    assert fields["accounts_next_due"] == "2021-03-31"
    assert fields["accounts_overdue"] is False
    assert fields["charges_outstanding"] == 0  # has_charges: false
    assert fields["postcode"] == "CT1 3DZ" and fields["street"] == "71 New Dover Road"
    assert fields["city"] == "Canterbury" and fields["country"] == "GB"
    assert nace(fields) == ["68.10"]
    later = companies_house.profile_fields(
        fx("companies_house", "company_candour_last_account_type.json"))
    assert later["accounts_category"] == "total exemption full"


def test_insolvency_charges_and_filing_history():
    cases = companies_house.insolvency_cases(fx("companies_house", "insolvency_london"))
    assert cases == [{"type": "compulsory liquidation", "number": "1",
                      "started_on": "1994-12-12"}]
    charges = fx("companies_house", "charges_pfb_hire.json")
    outstanding = sum(1 for i in charges["items"] if i["status"] == "outstanding")
    assert companies_house.charges_outstanding(charges) == outstanding == 8
    told = companies_house.filing_history_fields(fx("companies_house", "filing_pfb_hire.json"))
    assert told == {"registry_status": "dissolved", "dissolved_on": "2019-01-03"}
    # An active profile with these answers: the gazette's dissolution wins, the case is kept.
    profile = fx("companies_house", "company_candour.json")
    fields = companies_house.organisation_fields(
        profile, insolvency=fx("companies_house", "insolvency_london_airways.json"),
        charges=charges, filing_history=fx("companies_house", "filing_pfb_hire.json"))
    assert fields["registry_status"] == "dissolved"
    assert fields["insolvency_cases"][0]["type"] == "compulsory liquidation"
    assert fields["charges_outstanding"] == 8
    # The API's status words, each mapped
    variant = dict(profile, company_status="active",
                   company_status_detail="active-proposal-to-strike-off")
    assert companies_house.profile_fields(variant)["registry_status"] == "proposal to strike off"
    for raw, word in companies_house.API_STATUS.items():
        assert companies_house.profile_fields(dict(profile, company_status=raw))[
            "registry_status"] == word


def test_search_page():
    doc = fx("companies_house", "search_result_you.json")
    items = companies_house.search_items(doc, "https://example.test/search/companies?q=you")
    named = [i for i in doc["items"] if i.get("title")]
    assert len(named) == 14 and len(doc["items"]) == 15  # one result comes without a title
    assert [i["native_id"] for i in items] == [i["company_number"] for i in named]
    statuses = Counter(contract_ok(i)["registry_status"] for i in items)
    assert statuses["active"] and statuses["dissolved"]
    dissolved = next(contract_ok(i) for i in items
                     if contract_ok(i)["registry_status"] == "dissolved")
    assert dissolved["dissolved_on"]
    assert companies_house.search_next_start(doc) == 100


def test_not_a_profile_is_one_clear_error():
    with pytest.raises(RegistryParseError, match="company_number"):
        companies_house.profile_fields({"items": []})


# --- Brønnøysund -----------------------------------------------------------------------------

def test_brreg_entity_and_search():
    fields = contract_ok(brreg.entity_item(fx("brreg", "entity_923609016.json")))
    assert fields["identifiers"] == [{"scheme": "NO-BRC", "id": "923609016"}]
    assert fields["name"] == "EQUINOR ASA" and fields["registry_status"] == "active"
    assert fields["legal_form"] == "Allmennaksjeselskap (ASA)"
    assert fields["employees"] == 21408 and fields["founded"] == 1972
    assert fields["industry_codes"][0] == {"scheme": "NO-SN", "id": "06.100",
                                           "description": "Utvinning av råolje"}
    assert fields["postcode"] == "4035" and fields["country"] == "NO"
    items = brreg.search_items(
        fx("brreg", "enheter-search-page1-response.json"), "u")
    assert [i["fields"]["name"] for i in items] == ["SESAM AS", "SESAM FAMILIEBARNEHAGE"]
    assert len(brreg.search_items(fx("brreg", "search_asa_5.json"), "u")) == 5
    # Bankruptcy and winding-up flags (variants of the real record)
    real = fx("brreg", "entity_923609016.json")
    assert brreg.entity_fields(dict(real, konkurs=True))["registry_status"] == "bankruptcy"
    assert brreg.entity_fields(dict(real, underAvvikling=True))["registry_status"] == \
        "liquidation"
    assert brreg.entity_fields(dict(real, slettedato="2020-01-01"))["dissolved_on"] == \
        "2020-01-01"


# --- SIRENE ---------------------------------------------------------------------------------

def test_sirene_unite_legale_and_ceased_units():
    fields = contract_ok(sirene.unite_legale_item(
        fx("sirene", "unite_legale_026280206")))
    assert fields["name"] == "PROVOST FRERES" and fields["registry_status"] == "active"
    assert fields["identifiers"] == [{"scheme": "FR-SIREN", "id": "026280206"},
                                     {"scheme": "FR-SIRET", "id": "02628020600017"}]
    assert fields["industry_codes"] == [{"scheme": "FR-NAF2", "id": "16.10A"},
                                        {"scheme": "NACE2", "id": "16.10"}]
    assert fields["employees"] == 20 and fields["founded"] == 1962
    doc = fx("sirene", "insee_v3")
    items = sirene.page_items(doc, "u")
    states = Counter(contract_ok(i)["registry_status"] for i in items)
    assert states == {"active": 11, "dissolved": 3}


def test_sirene_stock_csv():
    data = rows(FIX / "sirene" / "sirene_as_api__stock_v2_geo_sirene_sample.csv")
    fields = contract_ok(sirene.stock_item(data[0]))
    assert fields["identifiers"][0] == {"scheme": "FR-SIREN", "id": "015850944"}
    assert fields["industry_codes"][0]["id"] == "25.73B" and nace(fields) == ["25.73"]
    assert fields["employees"] == 20 and fields["postcode"] == "01700"


# --- GLEIF ----------------------------------------------------------------------------------

def test_the_lapsed_lei_is_flagged():
    lapsed = contract_ok(gleif.record_item(fx("gleif", "549300LBI3LRIZ2V8V66_lapsed.json")))
    assert lapsed["lei_status"] == "lapsed"
    assert lapsed["registry_status"] == "active"  # the entity lives, its LEI lapsed
    assert lapsed["identifiers"] == [{"scheme": "XI-LEI", "id": "549300LBI3LRIZ2V8V66"}]
    issued = contract_ok(gleif.record_item(fx("gleif", "9845001B2AD43E664E58_issued.json")))
    assert issued["lei_status"] == "issued"
    nfa = contract_ok(gleif.record_item(fx("gleif", "335800CCCPHKUOXPC332.json")))
    assert nfa["lei_status"] == "lapsed" and nfa["is_natural_person"] is True


def test_lei_links_to_companies_house_and_retired_children():
    shell = contract_ok(gleif.record_item(fx("gleif", "21380068P1DRHMJ8KU70.json")))
    assert {"scheme": "GB-COH", "id": "04366849"} in shell["identifiers"]
    assert shell["legal_form"] == "Public Limited Company" and shell["country"] == "GB"
    children = gleif.page_items(fx("gleif", "direct-children"), "u")
    by_lei = {c["native_id"]: c["fields"] for c in children}
    retired = by_lei["222100RB6N1EBY6GMD95"]
    assert retired["lei_status"] == "retired" and retired["registry_status"] == "inactive"
    assert "lapsed" in {c["lei_status"] for c in by_lei.values()}


# --- CVR ------------------------------------------------------------------------------------

def test_cvr_company():
    (item,) = cvr.search_items(fx("cvr", "21265837"), "u")
    fields = contract_ok(item)
    assert fields["identifiers"] == [{"scheme": "DK-CVR", "id": "21265837"}]
    assert fields["registry_status"] == "active"
    assert fields["industry_codes"][0]["id"] == "642020" and nace(fields) == ["64.20"]
    assert fields["postcode"] == "1069" and fields["street"] == "Bremerholm 29"
