"""eForms parser on the SDK examples and real OJ S notices: concrete values from each file."""

from __future__ import annotations

from pathlib import Path

import pytest

from spiders.tenders import TenderParseError, parse_bytes, parse_eforms

FIX = Path(__file__).parent / "fixtures" / "tenders"
ALL_EFORMS = sorted(FIX.glob("eforms-*/*.xml"))


def load(rel: str):
    return parse_eforms((FIX / rel).read_bytes())


def by_name(parsed, name: str):
    found = [o for o in parsed.organisations if o["fields"]["name"] == name]
    assert found, f"no organisation {name!r}"
    return found[0]


@pytest.mark.parametrize("path", ALL_EFORMS, ids=lambda p: p.name)
def test_every_eforms_fixture_parses(path: Path):
    parsed = parse_bytes(path.read_bytes())
    assert parsed.format == "eforms"
    (tender,) = parsed.tenders
    assert tender["fields"]["buyer_name"] and tender["fields"]["classifications"]
    assert parsed.high_water_mark


def test_contract_notice_buyer_cpv_value_deadline():
    p = load("eforms-sdk-examples/cn_24_cumbria.xml")
    t = p.tenders[0]["fields"]
    assert t["buyer_name"] == "Cumbria County Council"
    assert t["status"] == "active"
    assert t["deadline"] == "2020-05-11T09:00:00Z"
    assert t["value"] == 1230000.0 and t["currency"] == "EUR"
    assert {"scheme": "CPV", "id": "79000000"} in t["classifications"]
    assert p.awards == []
    assert by_name(p, "Cumbria County Council")["fields"]["role"] == "buyer"


def test_real_polish_multilot_contract_notice():
    p = load("eforms-ted-published/2024-OJS044-00128154.xml")
    t = p.tenders[0]["fields"]
    assert t["buyer_name"] == '"Koleje Mazowieckie - KM" Sp. z o.o.'
    assert t["buyer_native_id"] == "PL-NIP:1132520369"
    assert t["title"] == "Najem długoterminowy samochodów służbowych"
    assert t["deadline"] == "2024-03-18T10:30:00Z"
    assert t["publication_number"] == "00128154-2024"
    assert len(t["lots"]) >= 6 and t["lots"][0]["title"] == "zadanie 1"


def test_real_irish_notice_value_and_junk_company_id():
    p = load("eforms-ted-published/2024-OJS064-00189213.xml")
    t = p.tenders[0]["fields"]
    assert t["buyer_name"] == "Uisce Éireann"
    assert t["value"] == 40040000.0 and t["currency"] == "EUR"
    assert t["deadline"] == "2024-05-27T12:00:00Z"
    assert "79100000" in [c["id"] for c in t["classifications"]]


def test_award_notice_winner_amount_currency():
    p = load("eforms-sdk-examples/can_24_minimal.xml")
    t = p.tenders[0]["fields"]
    assert t["buyer_name"] == "Rouen Habitat" and t["status"] == "complete"
    (a,) = [x["fields"] for x in p.awards]
    assert a["supplier_name"] == "Espaces Verts Lemire"
    assert a["value"] == 95414.0 and a["currency"] == "EUR"
    assert by_name(p, "Espaces Verts Lemire")["fields"]["role"] == "supplier"


def test_real_belgian_can_several_winners_per_lot():
    p = load("eforms-ted-published/2024-OJS065-00191534.xml")
    assert p.tenders[0]["fields"]["buyer_native_id"] == "BE-BCE_KBO:0308356862"
    belgo = by_name(p, "Belgo Facility Services")
    assert belgo["native_id"] == "BE-BCE_KBO:0832584553"
    first = [a["fields"] for a in p.awards if a["fields"]["award_id"] == "RES-0001"]
    assert {(a["supplier_name"], a["value"], a["currency"]) for a in first} == {
        ("Belgo Facility Services", 8819.09, "EUR"), ("M&G CLEANING", 11645.77, "EUR")}


def test_real_finnish_multilingual_many_lots_vat_as_business_id():
    p = load("eforms-ted-published/2024-OJS170-00525037.xml")
    t = p.tenders[0]["fields"]
    assert t["buyer_name"] == "Kristinestad Stad/Kristiinankaupungin kaupunki"  # FIN version
    assert t["buyer_native_id"] == "FI-PRO:0216509-5"
    niemela = by_name(p, "Matka-Rengas Niemelä Oy")
    assert niemela["native_id"] == "FI-PRO:1992155-5"  # printed as VAT FI19921555
    wins = [a for a in p.awards if a["fields"]["supplier_native_id"] == "FI-PRO:1992155-5"]
    assert len(wins) == 9
    assert {a["fields"]["supplier_name"] for a in p.awards} == {
        "Matka-Rengas Niemelä Oy", "Hellman Transport Ab", "Ingves Svanbäck Ab"}


def test_real_polish_can_winner_values_in_pln():
    p = load("eforms-ted-published/2024-OJS072-00215550.xml")
    astra = [a["fields"] for a in p.awards if a["fields"]["supplier_name"] == "Astrazeneca Kft."]
    assert ("RES-0002", 2144443.98, "PLN") in {(a["award_id"], a["value"], a["currency"])
                                               for a in astra}
    assert p.tenders[0]["fields"]["buyer_name"] == "Wojewódzki Szpital Zespolony w Elblągu"


def test_jrc_can_uses_notice_total_when_tender_amount_missing():
    p = load("eforms-ted-published/2023-OJS165-00522031.xml")
    (a,) = [x["fields"] for x in p.awards]
    assert a["supplier_name"] == "Templab Luxembourg sàrl"
    assert a["value"] == 660000.0 and a["currency"] == "EUR"
    assert a["supplier_native_id"] == "LU-VAT:LU23519355"


def test_veat_consortium_value_credited_to_lead():
    p = load("eforms-sdk-examples/veat_24.xml")
    t = p.tenders[0]["fields"]
    assert t["buyer_name"] == "Middlesbrough Council" and t["status"] == "complete"
    valued = [a["fields"] for a in p.awards if "value" in a["fields"]]
    assert [(a["supplier_name"], a["value"]) for a in valued] == [("Invacare Ltd", 350000.0)]
    assert len(p.awards) == 3


def test_natural_person_indicator_bt633():
    data = (FIX / "eforms-sdk-examples/can_24_minimal.xml").read_bytes()
    marker = b"<efac:UltimateBeneficialOwner>\n\t\t\t\t\t\t\t\t<cbc:ID schemeName=\"ubo\">UBO-0001"
    assert marker in data
    variant = data.replace(
        marker, b"<efbc:NaturalPersonIndicator>true</efbc:NaturalPersonIndicator>" + marker, 1)
    p = parse_eforms(variant)
    assert by_name(p, "Espaces Verts Lemire")["fields"]["is_natural_person"] is True
    assert by_name(p, "Rouen Habitat")["fields"]["is_natural_person"] is False


def test_truncated_notice_is_a_parse_error():
    data = (FIX / "eforms-sdk-examples/cn_24_open.xml").read_bytes()
    with pytest.raises(TenderParseError, match="not well-formed XML"):
        parse_bytes(data[: len(data) // 2])


def test_missing_elements_and_junk_text_never_break_a_notice():
    import random

    from lxml import etree

    rng = random.Random(3)
    for path in ALL_EFORMS:
        data = path.read_bytes()
        for _ in range(5):
            root = etree.fromstring(data)
            for el in list(root.iter()):
                r = rng.random()
                if r < 0.03 and el.getparent() is not None:
                    el.getparent().remove(el)
                elif r < 0.06:
                    el.text = rng.choice(["", "junk", "-1", "2024-13-45", "1e999", " "])
            parsed = parse_bytes(etree.tostring(root))  # no exception at all
            assert len(parsed.tenders) == 1


def _without(data: bytes, *tags: bytes) -> bytes:
    """The notice with the named elements (cbc:ContractFolderID, ...) taken out."""
    import re

    for tag in tags:
        data = re.sub(rb"<" + tag + rb"[^>]*>[^<]*</" + tag + rb">", b"", data)
    return data


def test_notices_without_contract_folder_id_do_not_collide():
    a = (FIX / "eforms-sdk-examples/can_24_LSBU.xml").read_bytes()
    b = (FIX / "eforms-ted-published/2024-OJS064-00189213.xml").read_bytes()
    pa = parse_eforms(_without(a, b"cbc:ContractFolderID"))
    pb = parse_eforms(_without(b, b"cbc:ContractFolderID"))
    ta, tb = pa.tenders[0], pb.tenders[0]
    assert ta["native_id"] != tb["native_id"]
    assert ta["native_id"] == ta["fields"]["notice_id"]  # the notice's own id stands in
    assert tb["native_id"] == "3d999f0e-861c-4740-8cae-b84794b67d40"
    assert {aw["fields"]["tender_id"] for aw in pa.awards} == {ta["native_id"]}
    assert "notice" not in (ta["native_id"], tb["native_id"])


def test_notices_without_any_id_get_distinct_stable_ids():
    names = ("eforms-sdk-examples/cn_24_minimal.xml", "eforms-sdk-examples/cn_24_open.xml")
    stripped = [_without((FIX / n).read_bytes(), b"cbc:ContractFolderID", b"cbc:ID",
                         b"efbc:NoticePublicationID") for n in names]
    ids = [parse_eforms(d).tenders[0]["native_id"] for d in stripped]
    assert ids[0] != ids[1] and all(i.startswith("notice-") for i in ids)
    assert parse_eforms(stripped[0]).tenders[0]["native_id"] == ids[0]  # same on every run
