"""resolve(): accuracy on real labelled data, hub safety, negative evidence, manual decisions."""

from __future__ import annotations

import csv
import itertools
from pathlib import Path

import pyarrow as pa
import pytest

from enrich.resolve import Decisions, resolve

FZ = Path(__file__).parent / "fixtures" / "er" / "fodors_zagat"


def _table(rows: list[dict]) -> pa.Table:
    cols = ["record_id", "source", "name", "street", "postcode", "city", "address", "country",
            "phone", "website", "email"]
    return pa.table({c: pa.array([r.get(c) for r in rows], pa.string()) for c in cols})


def _clusters(res) -> dict[str, str]:
    return dict(zip(res.links.column("record_id").to_pylist(),
                    res.links.column("company_id").to_pylist(), strict=True))


def _pairs(groups: dict[str, str]) -> set[tuple[str, str]]:
    by: dict[str, list[str]] = {}
    for rid, cid in groups.items():
        by.setdefault(cid, []).append(rid)
    return {tuple(sorted(p)) for m in by.values() for p in itertools.combinations(m, 2)}


def test_fodors_zagat_cluster_pair_f1_at_default_settings():
    rows = []
    for name in ("fodors.csv", "zagats.csv"):
        with (FZ / name).open(newline="") as fh:
            for r in csv.DictReader(fh):
                rows.append({"record_id": r["id"], "name": r["name"], "address": r["addr"],
                             "city": r["city"], "phone": r["phone"], "country": "US"})
    with (FZ / "matches_fodors_zagats.csv").open(newline="") as fh:
        truth = {tuple(sorted((r["fodors_id"], r["zagats_id"]))) for r in csv.DictReader(fh)}
    res = resolve(_table(rows))
    predicted = _pairs(_clusters(res))
    tp = len(predicted & truth)
    precision, recall = tp / len(predicted), tp / len(truth)
    f1 = 2 * precision * recall / (precision + recall)
    assert len(truth) == 112
    assert f1 >= 0.99, (precision, recall, f1)
    # every multi-record company says why
    multi = [e for e, w in zip(res.links.column("explanation").to_pylist(),
                               res.links.column("match_weight").to_pylist(), strict=True)
             if w is not None]
    assert multi and all("weight" in e and "name" in e for e in multi)


ACME = [
    {"record_id": "t1", "source": "tenders", "name": "ACME Industrial Supplies Sdn. Bhd.",
     "street": "Jalan Ampang 5", "postcode": "50450", "city": "Kuala Lumpur", "country": "MY",
     "phone": "+60 3-1234 5678", "website": "www.acme.com.my"},
    {"record_id": "e1", "source": "expo", "name": "Acme Industrial Supplies", "country": "MY",
     "phone": "03-1234 5678", "website": "https://acme.com.my/contact"},
    {"record_id": "d1", "source": "directory", "name": "ACME IND. SUPPLIES SDN BHD",
     "street": "Jalan Ampang No. 5", "postcode": "50450", "city": "KL", "country": "MY",
     "phone": "03 1234 5678"},
]


def test_variants_of_one_firm_become_one_company_with_an_explanation():
    res = resolve(_table(ACME))
    groups = _clusters(res)
    assert len(set(groups.values())) == 1
    expl = res.links.column("explanation").to_pylist()
    assert all("same phone" in e and "weight" in e for e in expl)


def test_same_building_and_phone_but_a_different_name_is_not_merged():
    rows = [
        {"record_id": "x1", "name": "Harbour View Dental Clinic", "street": "1 Marina Blvd",
         "postcode": "018989", "city": "Singapore", "country": "SG", "phone": "+65 6123 4567"},
        {"record_id": "x2", "name": "Lion City Tax Advisory Pte Ltd", "street": "1 Marina Blvd",
         "postcode": "018989", "city": "Singapore", "country": "SG", "phone": "+65 6123 4567"},
    ]
    res = resolve(_table(rows))
    assert len(set(_clusters(res).values())) == 2
    # ... but ops can see the pair in the review band
    assert res.review.num_rows == 1


def test_a_hub_phone_shared_by_hundreds_does_not_explode_or_merge():
    n = 600
    rows = [{"record_id": f"h{k}", "name": f"Tenant Number {k} Trading",
             "street": f"{k} Commerce Road", "country": "GB",
             "phone": "+44 20 7946 0000"} for k in range(n)]
    rows.append({"record_id": "h0-dup", "name": "Tenant Number 0 Trading Ltd",
                 "street": "0 Commerce Rd", "country": "GB", "phone": "020 7946 0000"})
    res = resolve(_table(rows))
    # the hub block is paired through a window, never all-to-all (n^2/2 = 180,000 pairs)
    assert res.stats["pairs_by_key"]["phone"] < 20 * n
    groups = _clusters(res)
    assert groups["h0"] == groups["h0-dup"]
    assert len(set(groups.values())) == n


def test_must_link_and_cannot_link_are_obeyed():
    rows = ACME + [
        {"record_id": "z1", "name": "Zenith Precision Engineering", "country": "MY",
         "phone": "04-555 1212"},
        {"record_id": "z2", "name": "ZPE Holdings", "country": "MY"},
    ]
    plain = _clusters(resolve(_table(rows)))
    assert plain["z1"] != plain["z2"] and plain["t1"] == plain["d1"]
    decided = _clusters(resolve(_table(rows), decisions=Decisions(
        must_link=(("z1", "z2"),), cannot_link=(("t1", "d1"),))))
    assert decided["z1"] == decided["z2"]
    assert decided["t1"] != decided["d1"]


def test_one_weak_link_does_not_chain_two_groups():
    # two firms, each with two consistent records; one bridging record links weakly to both
    rows = [
        {"record_id": "a1", "name": "Orion Metal Works", "phone": "0311112222",
         "website": "orion-metal.com", "country": "MY"},
        {"record_id": "a2", "name": "Orion Metal Works Sdn Bhd", "phone": "03 1111 2222",
         "website": "www.orion-metal.com", "country": "MY"},
        {"record_id": "b1", "name": "Orion Metals Trading", "phone": "0399998888",
         "website": "oriontrading.my", "country": "MY"},
        {"record_id": "b2", "name": "Orion Metals Trading Sdn Bhd", "phone": "03-9999 8888",
         "website": "oriontrading.my", "country": "MY"},
        {"record_id": "m", "name": "Orion Metal", "phone": "03 1111 2222",
         "website": "oriontrading.my", "country": "MY"},
    ]
    groups = _clusters(resolve(_table(rows)))
    assert groups["a1"] == groups["a2"]
    assert groups["b1"] == groups["b2"]
    assert groups["a1"] != groups["b1"]


def test_same_input_same_ids_whatever_the_row_order():
    t = _table(ACME + [{"record_id": "q", "name": "Quill Ltd", "phone": "01234 567890"}])
    a = _clusters(resolve(t))
    b = _clusters(resolve(t.take(pa.array([3, 2, 1, 0]))))
    assert a == b


@pytest.mark.parametrize("column", ["name", "record_id"])
def test_required_columns(column):
    t = _table(ACME).drop_columns([column])
    with pytest.raises(ValueError, match="record_id and name"):
        resolve(t)


def test_sites_of_one_agency_sharing_name_and_website_stay_apart():
    towns = [("Leeds", "LS1 4AP", "12 Park Row", "0113 496 0001"),
             ("York", "YO1 7HH", "3 Coney Street", "01904 496 002"),
             ("Hull", "HU1 1NQ", "40 Whitefriargate", "01482 496 003")]
    rows = [{"record_id": f"s{k}", "name": "Brightpath Recruitment Ltd", "country": "GB",
             "website": "https://www.brightpath.co.uk/", "city": town, "postcode": pc,
             "street": street, "phone": phone}
            for k, (town, pc, street, phone) in enumerate(towns)]
    # the Leeds office listed again elsewhere, without its phone: that one is a duplicate
    rows.append({"record_id": "s0-dup", "name": "BRIGHTPATH RECRUITMENT", "country": "GB",
                 "website": "brightpath.co.uk", "postcode": "LS1 4AP", "street": "12 Park Row"})
    groups = _clusters(resolve(_table(rows)))
    assert len({groups["s0"], groups["s1"], groups["s2"]}) == 3
    assert groups["s0-dup"] == groups["s0"]


def test_a_shared_registry_id_links_even_across_a_rename():
    t = _table([
        {"record_id": "a", "name": "Northwind Traders Ltd", "country": "GB"},
        {"record_id": "b", "name": "NWT Group Limited", "country": "GB"},
        {"record_id": "c", "name": "Northwind Traders Ltd", "country": "GB"},
    ]).append_column("identifiers", pa.array(
        [["GB-COH:01234567", "GB-VAT:GB123456789"], ["gb-vat: gb 123 456 789"],
         ["GB-COH:07654321"]], pa.list_(pa.string())))
    res = resolve(t)
    groups = _clusters(res)
    assert groups["a"] == groups["b"]  # the VAT number agrees, whatever the name
    assert groups["c"] != groups["a"]  # same name, another company number
    expl = dict(zip(res.links.column("record_id").to_pylist(),
                    res.links.column("explanation").to_pylist(), strict=True))
    assert "same identifier" in expl["b"]


def test_record_ids_must_be_unique():
    with pytest.raises(ValueError, match="unique"):
        resolve(_table(ACME + ACME[:1]))


def test_a_shared_postcode_on_another_street_is_not_the_same_address():
    """Eight firms to a postcode is common: the postcode agreeing while the street differs is
    no evidence, so two firms sharing a word of their names stay apart."""
    rows = [
        {"record_id": "a", "name": "Emmen Bouw B.V.", "street": "Amiralaan 88",
         "postcode": "8989 KH", "city": "Ballum", "country": "NL", "phone": "+31696956038"},
        {"record_id": "a2", "name": "EMMEN BOUW", "street": "Amiralaan 88",
         "postcode": "8989KH", "city": "Ballum", "country": "NL"},
        {"record_id": "b", "name": "Emmen Installatietechniek Bouw B.V",
         "street": "Alistraat 202", "postcode": "8989 KH", "city": "Ballum", "country": "NL",
         "phone": "0378022519"},
    ]
    groups = _clusters(resolve(_table(rows)))
    assert groups["a"] == groups["a2"] != groups["b"]
