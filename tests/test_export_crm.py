"""CRM-ready export files, checked on the files themselves: every format neutralises a
formula-looking name (and every other cell), HubSpot and Salesforce headers are the names their
import documentation gives, ``--changed`` after an unchanged re-run exports nothing, the export
log falls back to JSON Lines while another process holds the warehouse, filters narrow the
rows, the provenance sidecar traces values to their source URL and fetch time."""

from __future__ import annotations

import csv
import json
from pathlib import Path

import pytest
from export_world import FETCHED, HOSTILE_NAME, HOSTILE_PHONE, build_with_hostile
from sales_world import write_config
from test_sales_export import _hold_writer
from typer.testing import CliRunner

from leadpipe import runner
from leadpipe.cli import app
from leadpipe.config import load_config
from sales.export.cells import FORMULA_TRIGGERS
from sales.export.log import JSONL_NAME, read_log
from sales.export.view import NO_SOURCE
from warehouse.db import connect

EVERYONE = ("prospect", "suspect", "client")
# As given by HubSpot's import and default-property pages and Salesforce's "Field Mapping for
# Importing Leads" (the external id is the custom field the exporter documents).
HUBSPOT_COMPANIES = ["Company Domain Name", "Name", "Website URL", "Phone Number", "City",
                     "Country/Region", "Industry", "Number of Employees", "Description",
                     "Company owner"]
HUBSPOT_CONTACTS = ["Email", "First Name", "Last Name", "Job Title", "Phone Number",
                    "Company Domain Name"]
SALESFORCE_LEADS = ["Leadpipe Company ID", "Company", "First Name", "Last Name", "Title",
                    "Email", "Phone", "Website", "City", "Country", "Industry",
                    "No. of Employees", "Description", "Lead Source", "Email Opt Out",
                    "Record Owner"]


@pytest.fixture()
def config(tmp_path, monkeypatch):
    monkeypatch.chdir(tmp_path)
    cfg = load_config(write_config(tmp_path))
    build_with_hostile(cfg.warehouse_path)
    runner.score(cfg)
    return cfg


def _table(path: Path) -> tuple[list[str], list[dict[str, str]]]:
    with path.open(encoding="utf-8-sig", newline="") as fh:
        reader = csv.DictReader(fh)
        return list(reader.fieldnames or []), list(reader)


def _assert_no_live_formula(path: Path) -> None:
    _, rows = _table(path)
    for row in rows:
        for column, value in row.items():
            assert not value.startswith(FORMULA_TRIGGERS), (path.name, column, value)


@pytest.mark.parametrize("fmt", ["generic", "hubspot", "salesforce"])
def test_a_formula_name_arrives_neutralised_in_every_format(config, tmp_path, fmt):
    result = runner.export(config, output=tmp_path / f"{fmt}.csv", export_format=fmt,
                           funnel_stages=EVERYONE, provenance=True)
    for path in result.files:
        _assert_no_live_formula(path)
    header, rows = _table(result.files[0])
    name_column = {"generic": "name", "hubspot": "Name", "salesforce": "Company"}[fmt]
    [evil] = [r for r in rows if "HYPERLINK" in r[name_column]]
    assert evil[name_column] == "'" + HOSTILE_NAME
    phone_column = {"generic": "phone", "hubspot": "Phone Number", "salesforce": "Phone"}[fmt]
    if fmt != "salesforce":  # Salesforce takes the contact's phone first
        assert evil[phone_column] == "'" + HOSTILE_PHONE
    if fmt == "generic":
        # The quote and the newline in the reasons survive RFC 4180 quoting unchanged.
        assert 'categories: "industrial" machinery\nsecond line' in evil["reasons"]
        assert evil["city"] == "Düsseldorf"
        assert evil["best_contact_name"] == "Jürgen @Schäfer"
        raw = result.files[0].read_text(encoding="utf-8")
        assert '"\'=HYPERLINK(""http://x"",""y"")"' in raw


def test_hubspot_and_salesforce_headers_are_the_documented_names(config, tmp_path):
    hub = runner.export(config, output=tmp_path / "hub.csv", export_format="hubspot",
                        funnel_stages=EVERYONE)
    assert [p.name for p in hub.files] == ["hub.csv", "hub-contacts.csv", "hub-opt-out.csv"]
    # HubSpot's opt-out list: one Email column; c-evil's subscriber type is not known (UK PECR)
    assert _table(hub.files[2]) == (["Email"], [{"Email": "j.schaefer@evil-machines.de"}])
    companies_header, companies = _table(hub.files[0])
    contacts_header, contacts = _table(hub.files[1])
    assert companies_header == HUBSPOT_COMPANIES
    assert contacts_header == HUBSPOT_CONTACTS
    # Companies without a domain (c-named) are left out: HubSpot could not de-duplicate them;
    # the suppressed company (c-suppress) is in no file.
    assert len(companies) == 6 and "Harbour Energy Services" not in {r["Name"] for r in companies}
    assert contacts == [{"Email": "j.schaefer@evil-machines.de", "First Name": "Jürgen",
                         "Last Name": "'@Schäfer", "Job Title": "Einkauf",
                         "Phone Number": "'+44 20 7946 0000",
                         "Company Domain Name": "evil-machines.de"}]
    sf = runner.export(config, output=tmp_path / "sf.csv", export_format="salesforce",
                       funnel_stages=EVERYONE)
    header, leads = _table(sf.path)
    assert header == SALESFORCE_LEADS
    by_id = {r["Leadpipe Company ID"]: r for r in leads}
    assert set(by_id) == {"c-fit", "c-client", "c-named", "c-poor", "c-council",
                          "c-evil", "c-nosize"}
    assert by_id["c-fit"]["Last Name"] == "[not provided]"
    assert (by_id["c-evil"]["First Name"], by_id["c-evil"]["Email Opt Out"],
            by_id["c-evil"]["Lead Source"], by_id["c-evil"]["Record Owner"]) == (
        "Jürgen", "1", "leadpipe", "")


def test_changed_after_an_unchanged_rerun_exports_nothing(config, tmp_path):
    first = runner.export(config, export_format="salesforce", changed=True)
    assert first.rows == 6  # nothing exported before: every prospect is new
    runner.score(config)  # re-run: scored_at moves, nothing else
    again = runner.export(config, export_format="salesforce", changed=True)
    assert again.rows == 0
    _, rows = _table(again.path)
    assert rows == []
    # Another format has its own history; a real change comes through alone.
    assert runner.export(config, export_format="generic", changed=True).rows == 6
    con = connect(config.warehouse_path)
    con.execute("UPDATE companies SET city = 'Köln' WHERE company_id = 'c-evil'")
    con.close()
    runner.score(config)
    third = runner.export(config, export_format="salesforce", changed=True)
    assert [r["City"] for r in _table(third.path)[1]] == ["Köln"]
    log = read_log(config.warehouse_path, config.exports_dir)
    assert [(e.format, e.rows) for e in log] == [
        ("salesforce", 6), ("salesforce", 0), ("generic", 6), ("salesforce", 1)]
    assert json.loads(log[1].filter) == {"changed_since": log[0].export_id,
                                         "stages": ["prospect"]}
    assert len(log[0].sha256) == 64


def test_the_log_goes_to_json_lines_while_the_warehouse_is_held(config, tmp_path):
    runner.export(config, changed=True)
    holder = _hold_writer(config.warehouse_path)
    try:
        held = runner.export(config, changed=True)
    finally:
        holder.communicate("done\n", timeout=30)
    assert (held.from_snapshot, held.rows) == (True, 0)
    lines = (config.exports_dir / JSONL_NAME).read_text(encoding="utf-8").splitlines()
    assert len(lines) == 1 and json.loads(lines[0])["rows"] == 0
    assert [e.rows for e in read_log(config.warehouse_path, config.exports_dir)] == [6, 0]


def test_filters_narrow_the_rows_and_a_bad_date_is_one_clear_line(config, tmp_path):
    de = runner.export(config, output=tmp_path / "de.csv", funnel_stages=EVERYONE,
                       filters={"country": ["de"]})
    assert [r["company_id"] for r in _table(de.path)[1]] == ["c-evil"]
    gb = runner.export(config, output=tmp_path / "gb.csv", funnel_stages=EVERYONE,
                       filters={"country": ["GB"], "industry": ["manufacturing"]})
    assert {r["company_id"] for r in _table(gb.path)[1]} == {
        "c-fit", "c-poor", "c-nosize"}  # c-suppress is suppressed: never exported
    since = runner.export(config, output=tmp_path / "since.csv", funnel_stages=EVERYONE,
                          since=FETCHED.replace(day=5))
    assert {r["company_id"] for r in _table(since.path)[1]} == {
        "c-fit", "c-client", "c-named", "c-poor", "c-council", "c-nosize"}
    tier_c = runner.export(config, output=tmp_path / "c.csv", funnel_stages=EVERYONE,
                           filters={"tier": ["C"]})
    assert [(r["company_id"], r["tier"]) for r in _table(tier_c.path)[1]] == [("c-council", "C")]
    cli = CliRunner().invoke(app, ["export", "--timing", "hot", "-o", str(tmp_path / "h.csv")])
    assert cli.exit_code == 0, cli.output
    assert [r["company_id"] for r in _table(tmp_path / "h.csv")[1]] == ["c-council"]
    bad = CliRunner().invoke(app, ["export", "--since", "last tuesday"])
    assert (bad.exit_code, bad.output.strip()) == (
        1, "error: --since 'last tuesday': not a date; use YYYY-MM-DD")


def test_excel_style_has_a_bom_and_keeps_digit_phones_and_ids_as_text(config, tmp_path):
    con = connect(config.warehouse_path)
    con.execute("UPDATE companies SET phone = '02079460000' WHERE company_id = 'c-fit'")
    con.close()
    runner.score(config)
    result = runner.export(config, output=tmp_path / "x.csv", excel=True)
    assert result.path.read_bytes().startswith(b"\xef\xbb\xbf")
    rows = {r["company_id"]: r for r in _table(result.path)[1]}
    assert rows["c-fit"]["phone"] == "'02079460000"
    plain = runner.export(config, output=tmp_path / "plain.csv")
    assert not plain.path.read_bytes().startswith(b"\xef\xbb\xbf")
    assert {r["company_id"]: r for r in _table(plain.path)[1]}["c-fit"]["phone"] == "02079460000"


def test_the_provenance_sidecar_gives_source_url_and_fetch_time(config, tmp_path):
    result = runner.export(config, output=tmp_path / "p.csv", provenance=True)
    assert [p.name for p in result.files] == ["p.csv", "p-provenance.csv"]
    header, rows = _table(result.files[1])
    assert header == ["company_id", "field", "value", "source", "source_url", "fetched_at",
                      "note"]
    evil = {r["field"]: r for r in rows if r["company_id"] == "c-evil"}
    assert evil["name"] == {"company_id": "c-evil", "field": "name", "value": "'" + HOSTILE_NAME,
                            "source": "demo_expo", "source_url": "http://expo.test/exhibitors/evil",
                            "fetched_at": "2026-01-04T08:30:00Z", "note": ""}
    assert evil["best_contact_email"]["source_url"] == "http://expo.test/exhibitors/evil"
    # this hand-made record keeps no source for its city: the sidecar says so
    assert (evil["city"]["source"], evil["city"]["note"]) == ("", NO_SOURCE)
    assert evil["tier"]["note"].startswith("computed by leadpipe's score stage")
    fit = {r["field"]: r for r in rows if r["company_id"] == "c-fit"}
    for field in ("address", "leadership", "registration_ids"):  # read on the contact page
        assert (fit[field]["source"], fit[field]["source_url"], fit[field]["fetched_at"]) == (
            "website", "https://northbridge-eng.co.uk/contact", "2026-01-05T09:00:00Z"), field
    assert fit["registration_ids"]["value"] == "company number 04567890; VAT GB123456789"
    assert fit["description"]["note"] == NO_SOURCE  # no fact recorded for it in this world


def test_band_owner_and_profile_filters_narrow_the_rows(config, tmp_path):
    """The filters the tests above do not reach: solvency band, owner, and the profile."""
    everyone = runner.export(config, output=tmp_path / "all.csv", funnel_stages=EVERYONE)
    by_band: dict[str, set[str]] = {}
    for row in _table(everyone.path)[1]:
        by_band.setdefault(row["solvency_band"], set()).add(row["company_id"])
    assert len(by_band) >= 2, by_band  # the test world has companies in several bands
    band, expected = sorted(by_band.items())[0]
    banded = runner.export(config, output=tmp_path / "band.csv", funnel_stages=EVERYONE,
                           filters={"band": [band]})
    assert {r["company_id"] for r in _table(banded.path)[1]} == expected

    con = connect(config.warehouse_path)
    con.execute("INSERT INTO owners (company_id, profile, manager_email, manager_name, stage, "
                "assigned_at) VALUES ('c-fit', 'default', 'ann@sales.test', 'Ann Archer', "
                "'prospect', now())")
    con.close()
    owned = runner.export(config, output=tmp_path / "own.csv", funnel_stages=EVERYONE,
                          filters={"owner": ["ann archer"]})
    assert [(r["company_id"], r["owner"]) for r in _table(owned.path)[1]] == [
        ("c-fit", "Ann Archer")]
    cli = CliRunner().invoke(app, ["export", "--profile", "nosuch", "-o", str(tmp_path / "x")])
    assert cli.exit_code != 0 and "nosuch" in cli.output and "Traceback" not in cli.output
