"""Linking on the name alone: only distinctive names, only when nothing contradicts."""

from __future__ import annotations

import dataclasses

import pyarrow as pa

from enrich.resolve import BlockingKey, ResolveSettings, resolve

COLS = ["record_id", "source", "name", "street", "postcode", "city", "address", "country",
        "phone", "website", "email"]


def _table(rows: list[dict]) -> pa.Table:
    return pa.table({c: pa.array([r.get(c) for r in rows], pa.string()) for c in COLS})


def _groups(res) -> dict[str, str]:
    return dict(zip(res.links.column("record_id").to_pylist(),
                    res.links.column("company_id").to_pylist(), strict=True))


def _explained(res) -> dict[str, str]:
    return dict(zip(res.links.column("record_id").to_pylist(),
                    res.links.column("explanation").to_pylist(), strict=True))


def test_a_distinctive_name_links_alone_says_so_and_lands_in_review():
    rows = [
        {"record_id": "a", "name": "Brightpath Recruitment Sdn Bhd", "country": "MY",
         "phone": "03 1111 2222"},
        {"record_id": "b", "name": "BRIGHTPATH RECRUITMENT", "country": "MY",
         "website": "brightpath.my"},
        {"record_id": "c", "name": "Recruitment Brightpath", "country": "MY"},  # word order
    ]
    res = resolve(_table(rows))
    groups = _groups(res)
    assert len(set(groups.values())) == 1
    assert all("name alone" in e for e in _explained(res).values())
    # near the threshold, never certain, and every such pair is in the review band
    settings = ResolveSettings()
    cap = settings.link_weight + settings.name_only_margin
    assert max(res.links.column("match_weight").to_pylist()) <= cap + 1e-9
    assert res.review.num_rows == 3
    assert all("name alone" in e for e in res.review.column("explanation").to_pylist())


def test_generic_names_never_link_alone():
    rows = [
        {"record_id": "g1", "name": "Global Services Ltd", "country": "GB"},
        {"record_id": "g2", "name": "GLOBAL SERVICES LIMITED", "country": "GB"},
        {"record_id": "t1", "name": "General Trading Co", "country": "GB"},
        {"record_id": "t2", "name": "General Trading Company", "country": "GB"},
    ]
    assert len(set(_groups(resolve(_table(rows))).values())) == 4


def test_look_alikes_stay_apart():
    rows = [
        # the same name in another city, with other phones: two firms
        {"record_id": "p1", "name": "Kestrel Plumbing Ltd", "country": "GB", "city": "Leeds",
         "phone": "0113 496 0001"},
        {"record_id": "p2", "name": "Kestrel Plumbing Ltd", "country": "GB", "city": "Bristol",
         "phone": "0117 496 0002"},
        # sites of one agency: one name, other addresses, no phone to tell
        {"record_id": "s1", "name": "Tallowmere Care Agency", "country": "GB",
         "street": "12 Park Row", "postcode": "LS1 4AP"},
        {"record_id": "s2", "name": "Tallowmere Care Agency", "country": "GB",
         "street": "3 Coney Street", "postcode": "YO1 7HH"},
        # one name in two countries (a phone would have put them side by side)
        {"record_id": "c1", "name": "Vantorio Systems", "country": "DE", "phone": "+49 30 1234"},
        {"record_id": "c2", "name": "Vantorio Systems", "country": "AT", "phone": "+49 30 1234",
         "website": "vantorio.at"},
    ]
    res = resolve(_table(rows))
    groups = _groups(res)
    assert groups["p1"] != groups["p2"]
    assert groups["s1"] != groups["s2"]
    # c1/c2 share a phone: that is evidence beyond the name, not a name-only link
    assert "name alone" not in (_explained(res)["c2"] or "")


def test_another_country_contradicts_a_name_only_link():
    rows = [
        {"record_id": "c1", "name": "Vantorio Systems GmbH", "country": "DE"},
        {"record_id": "c2", "name": "Vantorio Systems GmbH", "country": "AT"},
        {"record_id": "c3", "name": "Vantorio Systems", "country": "AT"},
        {"record_id": "n1", "name": "Quillmore Foods"},  # no country on either side:
        {"record_id": "n2", "name": "QUILLMORE FOODS LTD"},  # nothing contradicts
    ]
    # block on the name only, so the pair across countries is compared at all
    settings = dataclasses.replace(ResolveSettings(), blocking=(BlockingKey(("name_sorted",)),))
    groups = _groups(resolve(_table(rows), settings=settings))
    assert groups["c2"] == groups["c3"]
    assert groups["c1"] != groups["c2"]
    groups = _groups(resolve(_table(rows)))  # default blocking: a missing country blocks too
    assert groups["n1"] == groups["n2"]
