"""A listing that repeats one company under several categories: one company, every category."""

from __future__ import annotations

from pathlib import Path

from enrich.resolve.stage import run_resolution
from spiders.landing import LandingWriter, make_item
from warehouse.db import connect
from warehouse.load import load_landing

PAGE = "http://expo.test/exhibitors?page=1"


def _exhibitor(native_id: str, name: str, category: str, at: str = "2026-03-01T10:00:00Z"):
    return make_item(kind="organisation", source="food_fair", native_id=native_id, url=PAGE,
                     run_id="run-1", method="css", fetched_at=at,
                     fields={"name": name, "country": "DE", "categories": [category]})


def _write(landing: Path, items: list[dict]) -> None:
    with LandingWriter(landing, "run-1", "food_fair") as writer:
        for item in items:
            writer.write(item)


def test_repeats_load_with_a_warning_and_resolve_into_one_company_keeping_every_category(
        tmp_path):
    landing = tmp_path / "landing"
    _write(landing, [
        # the page keys exhibitors by name: the same id three times, one category each
        _exhibitor("Hollerbach Feinkost GmbH", "Hollerbach Feinkost GmbH", "Cheese"),
        _exhibitor("Hollerbach Feinkost GmbH", "Hollerbach Feinkost GmbH", "Delicatessen"),
        _exhibitor("Hollerbach Feinkost GmbH", "Hollerbach Feinkost GmbH", "Cheese"),
        # ... and once more under its own booth id, spelled another way
        _exhibitor("booth-17", "HOLLERBACH FEINKOST", "Organic food"),
        _exhibitor("booth-18", "Zimtstern Bäckerei", "Bakery"),
    ])
    con = connect(tmp_path / "w.duckdb")
    summary = load_landing(con, landing)
    assert summary.errors == []
    assert len(summary.warnings) == 1
    assert 'the record "Hollerbach Feinkost GmbH" appears' in summary.warnings[0]
    assert "3 times" in summary.warnings[0] and "2 categories" in summary.warnings[0]
    rows = con.execute("SELECT categories FROM source_records WHERE native_id = ?",
                       ["Hollerbach Feinkost GmbH"]).fetchall()
    assert rows == [(["Cheese", "Delicatessen"],)]
    # every sighting is kept raw (the two identical ones are one item)
    assert con.execute("SELECT count(*) FROM raw_items").fetchall()[0][0] == 4

    run_resolution(con)
    companies = con.execute(
        "SELECT name, categories, record_count FROM companies ORDER BY name").fetchall()
    assert len(companies) == 2
    hollerbach = next(c for c in companies if c[0].upper().startswith("HOLLERBACH"))
    assert sorted(hollerbach[1]) == ["Cheese", "Delicatessen", "Organic food"]
    assert hollerbach[2] == 2
    con.close()
