"""OCDS parser on real publishers' files: concrete values read from each fixture."""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from enrich.normalise.identifiers import org_identifier
from spiders.tenders import TenderParseError, landing_items, parse_bytes, parse_ocds

FIX = Path(__file__).parent / "fixtures" / "tenders"
ALL_OCDS = sorted(FIX.glob("ocds-*/*.json"))


def load(pattern: str):
    (path,) = FIX.glob(pattern)
    return parse_ocds(json.loads(path.read_bytes()))


def org(parsed, name_part: str):
    found = [o for o in parsed.organisations if name_part in o["fields"]["name"]]
    assert found, f"no organisation named like {name_part!r}"
    return found[0]


def award_of(parsed, native_id: str):
    return [a["fields"] for a in parsed.awards if a["fields"]["supplier_native_id"] == native_id]


@pytest.mark.parametrize("path", ALL_OCDS, ids=lambda p: p.name[:40])
def test_every_ocds_fixture_parses_into_records(path: Path):
    parsed = parse_bytes(path.read_bytes())
    assert parsed.format == "ocds"
    assert parsed.tenders or parsed.awards
    for o in parsed.organisations:
        assert o["fields"]["role"] in ("buyer", "supplier", "tenderer")
    for item in landing_items(parsed, url="file:///x", method="api"):
        assert item["native_id"] and item["fields"]


def test_uk_contracts_finder_buyer_contact_cpv_deadline():
    p = load("ocds-uk-contracts-finder/records__ocds-b5fd17-2c3aae9c*.json")
    t = p.tenders[0]["fields"]
    assert t["buyer_name"] == "Spend Network"
    assert t["value"] == 24477500 and t["currency"] == "GBP"
    assert t["deadline"] == "2018-01-31T00:00:00Z"
    assert t["status"] == "active"
    assert {"scheme": "CPV", "id": "85000000",
            "description": "Health and social work services"} in t["classifications"]
    buyer = org(p, "Spend Network")["fields"]
    assert buyer["role"] == "buyer"
    assert buyer["email"] == "janice.llewellyn@southglos.gov.uk"
    assert buyer["contacts"][0]["name"] == "Ms Janice Llewellyn"
    assert "identifiers" not in buyer  # the empty scheme/id is dropped, not kept as junk


def test_uk_release_and_record_give_the_same_buyer_record():
    rec = load("ocds-uk-contracts-finder/records__ocds-b5fd17-2c330cf9*.json")
    rel = load("ocds-uk-contracts-finder/releases__ocds-b5fd17-2c330cf9*.json")
    assert rec.tenders[0]["native_id"] == rel.tenders[0]["native_id"]
    assert org(rec, "Met Office")["native_id"] == org(rel, "Met Office")["native_id"]
    assert rel.tenders[0]["fields"]["status"] == "unsuccessful"
    assert rel.tenders[0]["fields"]["deadline"] == "2015-02-27T00:00:00Z"


def test_prozorro_winner_only_active_award_and_tenderers():
    p = load("ocds-ukraine-prozorro/records__ocds-be6bcu-UA-2016-06-08-000504-c.json")
    t = p.tenders[0]["fields"]
    assert t["buyer_name"] == "Департамент муніципальної поліції Луцької міської ради"
    assert t["buyer_native_id"] == "UA-EDR:39985748"
    assert {"scheme": "CPV", "id": "18100000"} == {k: t["classifications"][0][k]
                                                    for k in ("scheme", "id")}
    assert t["deadline"] == "2016-06-17T14:53:00Z"  # 17:53+03:00 in UTC
    assert len(p.awards) == 1  # the unsuccessful award is not a win
    a = p.awards[0]["fields"]
    assert a["supplier_native_id"] == "UA-EDR:14017091"
    assert a["value"] == 2875.0 and a["currency"] == "UAH"
    assert org(p, "Журавкa Торг")["fields"]["role"] == "tenderer"
    assert org(p, "СХІД")["fields"]["role"] == "supplier"


def test_prozorro_wrong_eori_scheme_and_sole_trader():
    p = load("ocds-ukraine-prozorro/records__ocds-be6bcu-UA-2016-12-29-000657-c.json")
    assert p.tenders[0]["fields"]["status"] == "cancelled"
    energy = org(p, "Прикарпаттяобленерго")
    assert energy["native_id"] == "UA-EDR:00131564"  # published as XM-EORI
    assert award_of(p, "UA-EDR:00131564")[0]["value"] == 1130184.0
    p2 = load("ocds-ukraine-prozorro/records__ocds-be6bcu-UA-2017-04-10-002020-b.json")
    fop = org(p2, "Ващилко")["fields"]
    assert fop["is_natural_person"] is True and fop["role"] == "supplier"
    assert org(p2, "ПП ПОЧАЙНА")["fields"].get("is_natural_person", False) is False


def test_prozorro_unsuccessful_tender_has_no_award():
    p = load("ocds-ukraine-prozorro/records__ocds-be6bcu-UA-2016-06-07-000066-a.json")
    assert p.tenders[0]["fields"]["status"] == "unsuccessful"
    assert p.awards == []


def test_colombia_nit_and_cedula_and_mojibake():
    p = load("ocds-colombia-secop/records__ocds-k50g02-16-13-5279502.json")
    assert p.tenders[0]["fields"]["buyer_name"] == "BOGOTÁ D.C. - SECRETARÍA DE HACIENDA DISTRITAL"
    rielco = award_of(p, "CO-NIT:860536079")
    assert sorted(a["value"] for a in rielco) == [2605500.0, 6000000.0]
    assert {a["currency"] for a in rielco} == {"COP"}
    assert p.tenders[0]["fields"]["classifications"][0]["scheme"] == "UNSPSC"
    person = load("ocds-colombia-secop/records__ocds-k50g02-16-12-5282164.json")
    leo = org(person, "LEONARDO ROZO")
    assert leo["native_id"] == "CO-CC:80737007" and leo["fields"]["is_natural_person"] is True
    old = load("ocds-colombia-secop/releases__ocds-k50g02-11-11-452228*.json")
    coop = org(old, "COOPSITRANS")  # scheme 'Nit de Persona Jur\ufffddica' still recognised
    assert coop["native_id"] == "CO-NIT:800101684-3"
    assert award_of(old, "CO-NIT:800101684-3")[0]["value"] == 127518874.0


def test_paraguay_ocds10_inline_suppliers_contract_values_and_persons():
    p = load("ocds-paraguay-dncp/records__277004.json")
    t = p.tenders[0]["fields"]
    assert t["buyer_name"] == "Municipalidad de Asunción"
    assert t["deadline"] == "2015-05-07T13:00:00Z"
    assert {"scheme": "UNSPSC", "id": "43211508"} == {
        k: t["classifications"][0][k] for k in ("scheme", "id")}
    datalab = org(p, "DATA LAB")
    assert datalab["native_id"] == "PY-RUC:80030218-4"
    assert datalab["fields"].get("is_natural_person", False) is False
    assert datalab["fields"]["website"] == "http://www.datalab.com.py"
    assert award_of(p, "PY-RUC:80030218-4")[0]["value"] == 1400029440.0
    # listed twice on the award, two contracts: one award record with both contracts' sum
    marcelo = award_of(p, "PY-RUC:754010-8")
    assert len(marcelo) == 1 and marcelo[0]["value"] == 13500000.0 + 518432992.0
    assert org(p, "MARCELO ADDARIO")["fields"]["is_natural_person"] is True
    buyer = org(p, "Municipalidad")["fields"]
    assert buyer["contacts"][0]["email"] == "uoc1@mca.gov.py"


def test_paraguay_contract_release_names_the_winner():
    p = load("ocds-paraguay-dncp/releases__274744-gustavo-alberto-aquino-alfieri-3-contract.json")
    (a,) = [x["fields"] for x in p.awards]
    assert a["supplier_name"] == "GUSTAVO ALBERTO AQUINO ALFIERI"
    assert a["value"] == 548825024.0 and a["currency"] == "PYG"
    assert org(p, "GUSTAVO")["fields"]["is_natural_person"] is True


def test_mexico_rfc_awards_without_status():
    p = load("ocds-mexico-compranet/record-package-1-2.json")
    assert {t["native_id"] for t in p.tenders} == {"ocds-07smqs-993235", "ocds-07smqs-1542970"}
    gab = award_of(p, "MX-RFC:GAB0709244G5")
    assert sorted(a["value"] for a in gab) == [37930.71, 189654.0]
    assert {a["currency"] for a in gab} == {"MXN"}
    unit = org(p, "INAH-Dirección")  # Compranet unit id carries the agency's RFC
    assert unit["native_id"] == "MX-RFC:INA450815GV1" and unit["fields"]["role"] == "buyer"
    # the derived release package gives the same records
    q = load("ocds-mexico-compranet/release-package_record-package.json")
    assert {a["native_id"] for a in q.awards} == {a["native_id"] for a in p.awards}


@pytest.mark.parametrize("scheme,ident,country,expected", [
    ("Registro Federal de Contribuyentes de México", "ABC 010101 AB1", None,
     {"scheme": "MX-RFC", "id": "ABC010101AB1"}),
    ("", "", None, None),
    ("UA-EDR", "0", "UA", None),
    ("XM-EORI", "00131564", "UA", {"scheme": "UA-EDR", "id": "00131564"}),
    ("XM-EORI", "GB123456789000", "GB", {"scheme": "XM-EORI", "id": "GB123456789000"}),
    ("something else", "123", None, None),
])
def test_identifier_normalisation(scheme, ident, country, expected):
    assert org_identifier(scheme, ident, country=country) == expected


def test_wrong_types_anywhere_never_break_a_document():
    """Publishers put null, "", numbers or objects where lists and objects belong."""
    import random

    rng = random.Random(7)
    junk = [None, "", "x", 0, 1.5, [], {}, [1, "a"], {"a": 1}, True]

    def mutate(node):
        if isinstance(node, dict):
            return {k: rng.choice(junk) if rng.random() < 0.05 else mutate(v)
                    for k, v in node.items()}
        if isinstance(node, list):
            return [rng.choice(junk) if rng.random() < 0.05 else mutate(v) for v in node]
        return node

    for path in ALL_OCDS:
        doc = json.loads(path.read_bytes())
        for _ in range(5):
            try:
                parsed = parse_bytes(json.dumps(mutate(doc)).encode())
            except TenderParseError as exc:  # the junk replaced every release: said, not crashed
                assert "no OCDS release or record" in str(exc)
                continue
            for o in parsed.organisations:
                assert o["fields"]["name"] and o["fields"]["role"]


# --- variants derived from the real files (the fixtures themselves stay untouched) ---------

TEXT_KEYS = ("name", "legalName", "title", "description")


def suffixed(node, tag: str):
    """The document with every name / legalName / title / description only as ``<key>_<tag>``."""
    if isinstance(node, dict):
        return {(f"{k}_{tag}" if k in TEXT_KEYS and isinstance(v, str) else k): suffixed(v, tag)
                for k, v in node.items()}
    if isinstance(node, list):
        return [suffixed(v, tag) for v in node]
    return node


def summary(parsed):
    orgs = sorted((o["native_id"], o["fields"]["name"], o["fields"]["role"])
                  for o in parsed.organisations)
    awards = sorted((a["fields"]["supplier_native_id"], a["fields"].get("supplier_name"),
                     a["fields"].get("value")) for a in parsed.awards)
    return orgs, awards, [t["fields"].get("title") for t in parsed.tenders]


@pytest.mark.parametrize(("pattern", "tag"), [
    ("ocds-ukraine-prozorro/records__ocds-be6bcu-UA-2016-06-08-000504-c.json", "en"),
    ("ocds-mexico-compranet/record-package-1-2.json", "fr"),  # language "es", names only in fr
    ("ocds-colombia-secop/records__ocds-k50g02-16-13-5279502.json", "es-CO"),
])
def test_names_only_in_language_suffixed_fields_yield_buyer_and_suppliers(pattern, tag):
    (path,) = FIX.glob(pattern)
    doc = json.loads(path.read_bytes())
    original = parse_ocds(doc)
    localised = parse_ocds(suffixed(doc, tag))
    assert summary(localised) == summary(original)
    assert {o["fields"]["role"] for o in localised.organisations} >= {"buyer", "supplier"}
    assert localised.awards and all(a["fields"]["supplier_name"] for a in localised.awards)


def test_release_language_picks_among_several_suffixed_names():
    release = {"ocid": "ocds-abc123-1", "language": "fr", "tender": {"title_en": "Bridge"},
               "buyer": {"id": "b"}, "parties": [
                   {"id": "b", "roles": ["buyer"], "name_en": "City of Brussels",
                    "name_fr": "Ville de Bruxelles", "name_nl": "Stad Brussel"},
                   {"id": "s", "roles": ["supplier"],
                    "identifier": {"legalName_nl": "Bouw NV"}}],
               "awards": [{"id": "1", "suppliers": [{"id": "s"}],
                           "value": {"amount": 10.0, "currency": "EUR"}}]}
    p = parse_ocds(release)
    assert p.tenders[0]["fields"]["buyer_name"] == "Ville de Bruxelles"
    assert p.tenders[0]["fields"]["title"] == "Bridge"
    assert org(p, "Bouw NV")["fields"]["role"] == "supplier"


def test_award_without_status_or_contract_is_a_win_with_its_value():
    (path,) = FIX.glob("ocds-mexico-compranet/record-package-1-2.json")
    doc = json.loads(path.read_bytes())
    for record in doc["records"]:  # Compranet prints no award status; drop the contracts too
        record["compiledRelease"].pop("contracts", None)
        assert all("status" not in a for a in record["compiledRelease"]["awards"])
    p = parse_ocds(doc)
    assert sorted(a["fields"]["value"] for a in p.awards) == [37930.71, 186200.74, 189654.0]
    assert {a["fields"]["status"] for a in p.awards} == {"active"}
    winner = p.awards[0]["fields"]["supplier_native_id"]
    assert {o["native_id"]: o["fields"]["role"] for o in p.organisations}[winner] == "supplier"


@pytest.mark.parametrize("status", ["pending", "cancelled", "unsuccessful"])
def test_award_with_a_losing_status_is_not_a_win(status):
    (path,) = FIX.glob("ocds-mexico-compranet/record-package-1-2.json")
    doc = json.loads(path.read_bytes())
    for record in doc["records"]:
        record["compiledRelease"].pop("contracts", None)
        for award in record["compiledRelease"]["awards"]:
            award["status"] = status
    p = parse_ocds(doc)
    assert p.awards == []
    assert "supplier" not in {o["fields"]["role"] for o in p.organisations}


WITH_VERSIONED = [p for p in ALL_OCDS if b'"versionedRelease"' in p.read_bytes()]


@pytest.mark.parametrize("path", WITH_VERSIONED, ids=lambda p: p.name[:40])
def test_empty_compiled_release_falls_back_to_the_versioned_release(path: Path):
    doc = json.loads(path.read_bytes())
    original = parse_ocds(doc)
    for record in doc.get("records") or [doc]:
        record["compiledRelease"] = {}  # what some record packages print
    fallback = parse_ocds(doc)
    assert fallback.tenders and fallback.organisations
    assert (fallback.tenders, fallback.organisations, fallback.awards) == (
        original.tenders, original.organisations, original.awards)
    assert fallback.high_water_mark == original.high_water_mark  # the latest version's date


def test_versioned_release_takes_each_fields_latest_version():
    (path,) = FIX.glob("ocds-ukraine-prozorro/records__ocds-be6bcu-UA-2016-06-08-000504-c.json")
    record = json.loads(path.read_bytes())
    title = record["versionedRelease"]["tender"]["title"]
    title.insert(0, {"releaseDate": "2016-06-01T00:00:00Z", "releaseID": "older",
                     "releaseTag": ["tender"], "value": "an older title"})
    title.append({"releaseDate": "2016-12-01T00:00:00Z", "releaseID": "newer",
                  "releaseTag": ["tenderUpdate"], "value": "the newest title"})
    record["compiledRelease"] = {}
    assert parse_ocds(record).tenders[0]["fields"]["title"] == "the newest title"


@pytest.mark.parametrize("doc", [b'{"releases": "x"}', b'{"records": {}}', b"[]",
                                 b'{"releases": []}', b'{"uri": "x", "publisher": {}}'])
def test_a_document_with_no_release_or_record_is_an_error(doc: bytes):
    with pytest.raises(TenderParseError, match="no OCDS release or record"):
        parse_bytes(doc)
