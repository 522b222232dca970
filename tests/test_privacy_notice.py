"""Art. 14 facts and retention on a real warehouse loaded from landing runs: every contact
keeps its source, page, first and last sighting; ``leadpipe contacts show`` says them with the
profile's lawful basis; exports name the lawful basis and the subscriber type; the retention
purge deletes contacts not seen for the configured months and is logged."""

from __future__ import annotations

import csv
from datetime import datetime

import pytest
from privacy_world import JANE_EMAIL, build, land, run_two, write_config
from typer.testing import CliRunner

from leadpipe import runner
from leadpipe.cli import app
from leadpipe.config import load_config
from sales.privacy.retention import cutoff
from sales.privacy.subscriber import CORPORATE, INDIVIDUAL, NOT_KNOWN, decide, form_type
from warehouse.db import connect


@pytest.fixture()
def world(tmp_path, monkeypatch):
    monkeypatch.chdir(tmp_path)
    cfg = write_config(tmp_path)
    build(cfg)
    land(cfg.landing_dir, "crawl-20260210", run_two("crawl-20260210"))
    runner.load(cfg)
    return cfg


def test_contacts_keep_source_page_first_and_last_seen(world):
    con = connect(world.warehouse_path, read_only=True)
    try:
        rows = con.execute("SELECT source, url, first_seen_at, last_seen_at FROM contacts "
                           "WHERE email = ?", [JANE_EMAIL]).fetchall()
    finally:
        con.close()
    assert rows == [("demo_expo", "http://demo_expo.test/kestrel", datetime(2026, 1, 10, 9),
                     datetime(2026, 2, 10, 9))]


def test_contacts_show_prints_what_a_notice_needs(world):
    result = CliRunner().invoke(app, ["contacts", "show", "JANE.DOE@kestrel-machinery.co.uk",
                                      "--config", str(world.source)])
    assert result.exit_code == 0, result.output
    said = " ".join(result.output.split())
    assert "1. Jane Doe at Kestrel Machinery Ltd" in said
    assert "held: name, job title, e-mail address, phone number (job title: Purchasing " \
           "Manager)" in said
    assert "source: demo_expo, page http://demo_expo.test/kestrel" in said
    assert "first seen 2026-01-10, last seen 2026-02-10" in said
    assert "2. Jane Doe at Northbridge Engineering GmbH" in said
    assert "3. J. Doe at Kestrel Machinery" in said
    assert "Lawful basis: legitimate interests." in said
    assert "Kept: until 24 months after it was last seen" in said
    assert "Suppressed: no." in said


def test_exports_name_the_profiles_lawful_basis_and_the_subscriber_type(world, tmp_path):
    (tmp_path / "leadpipe.toml").write_text(
        '[project]\ndata_dir = "data"\n[score]\nfit_min = 0.3\n'
        '[profiles.default]\nlawful_basis = "consent"\n', encoding="utf-8")
    cfg = load_config(tmp_path / "leadpipe.toml")
    runner.score(cfg)
    result = runner.export(cfg, funnel_stages=("prospect", "suspect"))
    with result.path.open(encoding="utf-8") as fh:
        rows = list(csv.DictReader(fh))
    header = list(rows[0])
    after = header.index("source_urls") + 1
    assert header[after:after + 2] == ["lawful_basis", "subscriber_type"]
    assert {r["lawful_basis"] for r in rows} == {"consent"}
    assert {r["name"]: r["subscriber_type"] for r in rows}["Northbridge Engineering GmbH"] \
        == CORPORATE


@pytest.mark.parametrize(("form", "expected"), [
    ("Ltd", CORPORATE), ("GmbH", CORPORATE), ("LLP", CORPORATE), ("Sp. z o.o.", CORPORATE),
    ("OHG", INDIVIDUAL), ("KG", INDIVIDUAL), ("e. K.", INDIVIDUAL), ("SNC", INDIVIDUAL),
    ("VOF", INDIVIDUAL), (None, None),
])
def test_legal_forms_decide_the_subscriber_type(form, expected):
    assert form_type(form) == expected


def test_registry_and_sources_decide_before_the_name():
    assert decide("Ltd", None, True, False)[0] == INDIVIDUAL  # a source says: a person
    assert decide(None, ["GB-COH:LP012345"], False, False)[0] == INDIVIDUAL
    assert decide(None, ["GB-COH:OC301234"], False, False)[0] == CORPORATE
    assert decide(None, None, False, True) == (CORPORATE, "a public buyer")
    assert decide(None, None, False, False)[0] == NOT_KNOWN


def test_retention_purges_contacts_not_seen_and_logs_it(tmp_path, monkeypatch):
    # Northbridge's contacts were seen in January only, the others again in February
    monkeypatch.chdir(tmp_path)
    build(write_config(tmp_path))
    later = run_two("crawl-20260210")
    later["demo_expo"] = [i for i in later["demo_expo"] if i["native_id"] != "northbridge"]
    (tmp_path / "leadpipe.toml").write_text(
        '[project]\ndata_dir = "data"\n[privacy]\nretention_months = 1\n', encoding="utf-8")
    cfg = load_config(tmp_path / "leadpipe.toml")
    land(cfg.landing_dir, "crawl-20260210", later)
    runner.load(cfg)
    con = connect(cfg.warehouse_path, read_only=True)
    try:
        old = con.execute("SELECT count(*) FROM contacts WHERE last_seen_at < '2026-02-01'"
                          ).fetchall()[0][0]
        total = con.execute("SELECT count(*) FROM contacts").fetchall()[0][0]
    finally:
        con.close()
    assert 0 < old < total
    done = runner.purge(cfg, now=datetime(2026, 3, 5))
    assert (done.contacts, done.cutoff) == (old, datetime(2026, 2, 5))
    con = connect(cfg.warehouse_path, read_only=True)
    try:
        assert con.execute("SELECT count(*) FROM contacts").fetchall()[0][0] == total - old
        assert con.execute("SELECT min(last_seen_at) FROM contacts").fetchall()[0][0] \
            >= datetime(2026, 2, 5)
        [(message, items)] = con.execute(
            "SELECT message, items FROM runs WHERE stage = 'purge'").fetchall()
    finally:
        con.close()
    assert (message, items) == (
        f"purged {old} contact{'' if old == 1 else 's'} not seen since 2026-02-05 "
        "(retention 1 month)", old)


def test_cutoff_counts_calendar_months():
    assert cutoff(datetime(2026, 3, 31, 8), 1) == datetime(2026, 2, 28, 8)
    assert cutoff(datetime(2026, 1, 15), 24) == datetime(2024, 1, 15)
