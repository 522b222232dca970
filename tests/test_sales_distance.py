"""Remoteness: distance from the profile's home base as a fit rule, a reason and an export
column, from the bundled postcode centroids and city coordinates (no network)."""

from __future__ import annotations

import csv

import pytest
from sales_world import build, write_config

from leadpipe import runner
from leadpipe.config import load_config
from sales import qualify
from sales.geo import UnknownHomeBase, home_place, locate, postal_key
from sales.score import fit_score
from warehouse.db import connect

LEEDS = load_config().profile().model_copy(update={
    "name": "t", "industries": ["manufacturing"], "keywords": ["machinery"],
    "cpv_prefixes": [], "employees_min": 20, "employees_max": 5000,
    "home_base": "Leeds, GB", "max_distance_km": 150})
MACHINE_MAKER = {"name": "Acme Machinery Ltd", "industry": "manufacturing",
                 "industry_reason": "makes machinery and equipment (listed under industrial "
                                    "machinery)",
                 "employees": 120,
                 "country": "GB"}


def test_postcodes_reduce_to_the_keys_of_the_centroid_table():
    assert postal_key("ls1 4ap", "GB") == "LS1"
    assert postal_key("EC1V2NX", "GB") == "EC1V"
    assert postal_key("1011 AB", "NL") == "1011"
    assert postal_key("D02 X285", "IE") == "D02"
    assert postal_key("80331", "DE") == "80331"


def test_home_base_as_city_postcode_or_coordinates():
    assert home_place("Leeds").label == "Leeds"
    assert home_place("LS1 4AP, GB").label == "Leeds"
    assert home_place("53.8,-1.55").label == "the home base"
    with pytest.raises(UnknownHomeBase, match="not a known postcode, city"):
        home_place("Atlantis")
    with pytest.raises(UnknownHomeBase, match="several countries"):
        home_place("50450")  # a Malaysian and a French code: the country is needed
    assert home_place("50450, MY").label == "Kuala Lumpur"
    assert home_place("80331").label == "München"  # one country only: no need to say


def test_the_same_company_beyond_the_maximum_distance_drops_with_a_distance_reason():
    near = fit_score({**MACHINE_MAKER, "postcode": "LS10 1AB", "city": "Leeds"}, LEEDS)
    # London EC1V centroid (51.5265, -0.0986) to Leeds (53.7965, -1.5478): 271 km
    far = fit_score({**MACHINE_MAKER, "postcode": "EC1V 2NX", "city": "London"}, LEEDS)
    assert near.value == 0.9  # 0.6 industry + 0.1 keyword + 0.2 size
    assert near.reasons[-1].code == "distance_within"
    assert far.value == 0.9  # the same points (the profile's distance_beyond is 0.0) ...
    assert [(r.code, r.text, r.points, r.drops_tier) for r in far.reasons][-1] == (
        "distance_beyond", "271 km from Leeds, beyond 150 km", 0.0, True)
    # ... but the tier drops one step, and the reason speaks against the company.
    assert qualify.fit_tier(near.value, LEEDS) == "A"
    assert far.reasons[-1].sign == "negative"


def test_an_unlocatable_company_is_not_penalised():
    row = {**MACHINE_MAKER, "country": "US", "postcode": "60601", "city": "Chicago"}
    unknown = fit_score(row, LEEDS)
    no_place = fit_score({**MACHINE_MAKER}, LEEDS)  # no postcode, no city
    no_home = fit_score(row, LEEDS.model_copy(update={"home_base": None}))
    assert unknown.value == no_place.value == no_home.value == 0.9
    assert (unknown.reasons[-1].code, unknown.reasons[-1].text) == (
        "location_unknown", "location unknown")
    assert [r.code for r in no_home.reasons] == ["industry_match", "keywords", "size_in_range"]
    assert locate(None, "LS1", "Leeds") is None  # no country: not guessed


def test_scoring_stores_the_distance_and_the_export_carries_it(tmp_path, monkeypatch):
    monkeypatch.chdir(tmp_path)
    path = write_config(tmp_path)
    path.write_text(path.read_text(encoding="utf-8")
                    + '[profile_defaults]\nprospect_tiers = ["A"]\n'
                    + '[profiles.default]\nhome_base = "LS1, GB"\nmax_distance_km = 150\n',
                    encoding="utf-8")
    config = load_config(path)
    build(config.warehouse_path)  # six companies in Leeds, no postcode
    con = connect(config.warehouse_path)
    try:
        # Move the prospect to London by postcode: it must drop out of the prospects.
        con.execute("UPDATE companies SET postcode = 'EC1V 2NX', city = 'London' "
                    "WHERE company_id = 'c-fit'")
        con.execute("UPDATE companies SET country = 'US', city = 'Chicago' "
                    "WHERE company_id = 'c-poor'")
    finally:
        con.close()
    runner.score(config)
    con = connect(config.warehouse_path, read_only=True)
    try:
        rows = dict(con.execute("SELECT company_id, distance FROM score_distances").fetchall())
        stage, tier, reasons = con.execute(
            "SELECT stage, tier, reasons FROM scores WHERE company_id = 'c-fit'").fetchall()[0]
    finally:
        con.close()
    assert rows["c-fit"] == "271 km from Leeds"
    assert rows["c-council"] == "0 km from Leeds"
    assert rows["c-poor"] == "location unknown"
    # tier A in Leeds; in London it drops to B, and only tier A is a prospect in this config
    assert (stage, tier) == ("suspect", "B")
    assert "against: 271 km from Leeds, beyond 150 km" in reasons
    result = runner.export(config, funnel_stages=("prospect", "suspect", "client"))
    with result.path.open(encoding="utf-8", newline="") as fh:
        exported = {r["company_id"]: r for r in csv.DictReader(fh)}
    assert (exported["c-fit"]["distance_km"], exported["c-fit"]["distance"]) == (
        "271.0", "271 km from Leeds")
    assert (exported["c-poor"]["distance_km"], exported["c-poor"]["distance"]) == (
        "", "location unknown")
