"""The warehouse stage: stable ids across runs, redirects on merges, golden records."""

from __future__ import annotations

import json
import math
from datetime import datetime, timedelta

import pytest

from enrich.resolve.stage import run_resolution
from warehouse.db import connect

T0 = datetime(2024, 1, 1)

BASE = [
    # record_id, source, name, website, phone, street, postcode, city, days after T0
    ("t-1", "tenders", "ACME Industrial Supplies Sdn. Bhd.", "www.acme.com.my",
     "+60 3-1234 5678", "Jalan Ampang 5", "50450", "Kuala Lumpur", 0),
    ("e-1", "expo", "Acme Industrial Supplies", "https://acme.com.my/contact", "03-1234 5678",
     None, None, "Kuala Lumpur", 30),
    ("d-1", "directory", "Borneo Timber Works Sdn Bhd", "borneotimber.com.my", "082-123 456",
     "Jalan Padungan 12", "93100", "Kuching", 10),
    ("d-2", "directory", "Cendana Logistics", None, "04-222 3333", "Lebuh Pantai 8", "10300",
     "George Town", 20),
]


def _insert(con, rows, natural_person=False):
    for rid, source, name, web, phone, street, pc, city, days in rows:
        seen = T0 + timedelta(days=days)
        con.execute(
            "INSERT INTO source_records (record_id, source, native_id, name, website, phone, "
            "street, postcode, city, country, first_seen_at, last_seen_at, run_id, method, url, "
            "is_natural_person) VALUES (?,?,?,?,?,?,?,?,?, 'MY', ?, ?, 'run-1', 'css', ?, ?)",
            [rid, source, rid, name, web, phone, street, pc, city, seen, seen,
             f"https://{source}.example/{rid}", natural_person],
        )


def _ids(con) -> dict[str, str]:
    return dict(con.execute("SELECT record_id, company_id FROM company_links").fetchall())


@pytest.fixture
def con(tmp_path):
    c = connect(tmp_path / "warehouse.duckdb")
    _insert(c, BASE)
    yield c
    c.close()


def test_first_run_links_and_builds_golden_records(con):
    summary = run_resolution(con)
    ids = _ids(con)
    assert summary.records == 4 and summary.companies == 3
    assert ids["t-1"] == ids["e-1"] != ids["d-1"]
    row = con.execute(
        "SELECT name, legal_form, domain, phone, record_count, sources, source_urls, "
        "field_sources, street FROM companies WHERE company_id = ?", [ids["t-1"]]
    ).fetchone()
    name, legal, domain, phone, count, sources, urls, field_sources, street = row
    assert domain == "acme.com.my" and phone == "+60312345678" and count == 2
    assert sources == ["expo", "tenders"] and len(urls) == 2
    fs = json.loads(field_sources)
    # every value names the record it came from, and that record carries it
    assert fs["street"] == "t-1" and street == "Jalan Ampang 5"
    assert fs["name"] in ("t-1", "e-1")
    src_name = con.execute("SELECT name FROM source_records WHERE record_id = ?",
                           [fs["name"]]).fetchone()[0]
    assert src_name == name
    assert legal == ("Sdn Bhd" if fs["name"] == "t-1" else None)
    # the founding (oldest) record gives the id
    import hashlib
    assert ids["t-1"] == "c" + hashlib.sha1(b"t-1").hexdigest()[:12]


def test_rerun_on_unchanged_data_changes_no_id(con):
    run_resolution(con)
    before = _ids(con)
    companies = con.execute("SELECT company_id, updated_at FROM companies ORDER BY 1").fetchall()
    links = con.execute("SELECT * FROM company_links ORDER BY 1").fetchall()
    run_resolution(con)
    assert _ids(con) == before
    # nothing changed, so no row was rewritten (the timestamps say when a row last changed)
    assert con.execute("SELECT company_id, updated_at FROM companies ORDER BY 1").fetchall() \
        == companies
    assert con.execute("SELECT * FROM company_links ORDER BY 1").fetchall() == links
    assert con.execute("SELECT count(*) FROM company_redirects").fetchone()[0] == 0


def test_a_new_duplicate_joins_the_existing_company(con):
    run_resolution(con)
    before = _ids(con)
    _insert(con, [("d-9", "directory", "ACME IND. SUPPLIES SDN BHD", None, "03 1234 5678",
                   "Jalan Ampang No. 5", "50450", "KL", -100)])  # even when seen "earlier"
    run_resolution(con)
    after = _ids(con)
    assert after["d-9"] == before["t-1"]
    assert {k: after[k] for k in before} == before


def test_merging_two_companies_keeps_the_oldest_id_and_redirects_the_other(con):
    _insert(con, [("x-1", "expo", "Borneo Timber Works", None, "082 999 000", None, None,
                   "Kuching", 40)])
    run_resolution(con)
    ids = _ids(con)
    assert ids["x-1"] != ids["d-1"]  # nothing but the name yet
    old_d1, old_x1 = ids["d-1"], ids["x-1"]
    # a new record carries the evidence that ties them together
    _insert(con, [("x-2", "expo", "Borneo Timber Works Sdn. Bhd.", "https://borneotimber.com.my",
                   "082 999 000", None, None, "Kuching", 50)])
    run_resolution(con)
    ids = _ids(con)
    assert ids["x-1"] == ids["d-1"] == ids["x-2"] == old_d1
    assert con.execute("SELECT new_id FROM company_redirects WHERE old_id = ?",
                       [old_x1]).fetchone() == (old_d1,)
    assert con.execute("SELECT count(*) FROM companies WHERE company_id = ?",
                       [old_x1]).fetchone()[0] == 0


def test_decisions_file_is_obeyed_on_every_run(con, tmp_path):
    path = tmp_path / "decisions.yaml"
    path.write_text("cannot_link:\n  - [t-1, e-1]\nmust_link:\n  - [d-1, d-2]\n")
    for _ in range(2):
        run_resolution(con, decisions_path=path)
        ids = _ids(con)
        assert ids["t-1"] != ids["e-1"]
        assert ids["d-1"] == ids["d-2"]
    assert "manual" in con.execute(
        "SELECT explanation FROM company_links WHERE record_id = 'd-2'").fetchone()[0]


def test_natural_persons_are_not_resolved(con):
    _insert(con, [("p-1", "directory", "Tan Ah Kow", None, "012-345 6789", None, None, "Ipoh",
                   5)], natural_person=True)
    run_resolution(con)
    assert "p-1" not in _ids(con)


def test_review_band_is_written(con):
    _insert(con, [("n-1", "directory", "Pantai Freight Forwarding", None, "04-222 3333",
                   "Lebuh Pantai 8", "10300", "George Town", 25)])
    run_resolution(con)
    ids = _ids(con)
    assert ids["n-1"] != ids["d-2"]  # same building and phone, different name
    pairs = con.execute("SELECT record_id_l, record_id_r, explanation FROM review_pairs").fetchall()
    assert any({a, b} == {"d-2", "n-1"} and "weight" in e for a, b, e in pairs)


def test_a_shrinking_company_keeps_its_id(con):
    run_resolution(con)
    before = _ids(con)
    con.execute("DELETE FROM source_records WHERE record_id = 'e-1'")
    run_resolution(con)
    after = _ids(con)
    assert "e-1" not in after and after["t-1"] == before["t-1"]
    assert con.execute("SELECT record_count FROM companies WHERE company_id = ?",
                       [before["t-1"]]).fetchone() == (1,)


def test_a_split_keeps_the_id_with_the_oldest_member(con, tmp_path):
    run_resolution(con)
    before = _ids(con)
    path = tmp_path / "decisions.csv"
    path.write_text("record_id_l,record_id_r,decision\ne-1,t-1,cannot_link\n")
    run_resolution(con, decisions_path=path)
    after = _ids(con)
    import hashlib
    assert after["t-1"] == before["t-1"]  # t-1 is the oldest member
    assert after["e-1"] == "c" + hashlib.sha1(b"e-1").hexdigest()[:12]
    assert con.execute("SELECT count(*) FROM company_redirects").fetchone()[0] == 0


def _models(con) -> dict[str, dict]:
    rows = con.execute(
        "SELECT run_id, fitted_at, model FROM resolution_models ORDER BY fitted_at").fetchall()
    assert all(fitted is not None for _, fitted, _ in rows)
    return {run_id: json.loads(model) for run_id, _, model in rows}


def test_the_fitted_model_is_stored_with_its_run(con):
    from enrich.resolve.settings import ResolveSettings
    from leadpipe.runner import recorded_run

    with recorded_run(con, "resolve") as run:  # as the CLI and the flows run the stage
        summary = run_resolution(con)
    models = _models(con)
    assert list(models) == [run["run_id"]] == [summary.run_id]
    model = models[run["run_id"]]
    assert model == summary.model
    settings = ResolveSettings()
    assert model["version"] == settings.version
    assert model["link_weight"] == 4.0 and 0 < model["lambda"] < 1
    assert [c["name"] for c in model["comparisons"]] == [c.name for c in settings.comparisons]
    for comp, stored in zip(settings.comparisons, model["comparisons"], strict=True):
        assert [lv["label"] for lv in stored["levels"]] == comp.labels
        assert sum(lv["m"] for lv in stored["levels"]) == pytest.approx(1.0)
        for lv in stored["levels"]:
            assert lv["weight"] == pytest.approx(math.log2(lv["m"] / lv["u"]))
    phone = next(c for c in model["comparisons"] if c["name"] == "phone")
    assert phone["levels"][0]["weight"] > 5 > 0 > phone["levels"][1]["weight"]
    # another run keeps the first run's model and adds its own, same declaration
    run_resolution(con, run_id="resolve-second")
    models = _models(con)
    assert list(models) == [run["run_id"], "resolve-second"]
    assert models["resolve-second"]["version"] == model["version"]


def test_no_model_is_stored_when_the_resolution_is_rolled_back(con):
    run_resolution(con, run_id="resolve-ok")
    con.execute("DROP TABLE review_pairs")  # the next run's writes fail half-way
    with pytest.raises(Exception, match="review_pairs"):
        run_resolution(con, run_id="resolve-broken")
    assert list(_models(con)) == ["resolve-ok"]
