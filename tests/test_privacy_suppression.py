"""Suppression on concrete data: landing runs loaded, resolved and scored by the runner, the
suppression list written through the CLI, and every export format's files read back.

A suppressed e-mail or phone never appears in any exported file, even after a re-crawl, a
re-load and a re-resolve that merges and splits companies; a suppressed company is in no file
at any stage; the list itself holds no plain e-mail, phone or domain.
"""

from __future__ import annotations

import re

import duckdb
import pytest
from privacy_world import (
    JANE_EMAIL,
    JANE_PHONE,
    build,
    land,
    run_two,
    write_config,
)
from typer.testing import CliRunner

from leadpipe import runner
from leadpipe.cli import app
from sales.export import format_names
from warehouse.db import connect

STAGES = ("prospect", "suspect", "client")


def _cli(cfg, *args):
    result = CliRunner().invoke(app, [*args, "--config", str(cfg.source)])
    assert result.exit_code == 0, result.output
    return " ".join(result.output.split())


def _company_of(cfg, source: str, native_id: str) -> str:
    con = connect(cfg.warehouse_path, read_only=True)
    try:
        return con.execute(
            "SELECT l.company_id FROM company_links l JOIN source_records r USING (record_id) "
            "WHERE r.source = ? AND r.native_id = ?", [source, native_id]).fetchone()[0]
    finally:
        con.close()


def _exported_text(cfg, tmp_path, tag: str) -> dict[str, str]:
    """Every file of every format (all stages), by file name."""
    out = {}
    for name in format_names():
        result = runner.export(cfg, output=tmp_path / f"{tag}-{name}.csv", export_format=name,
                               funnel_stages=STAGES)
        for path in result.files or (result.path,):
            out[path.name] = path.read_text(encoding="utf-8-sig")
    return out


def _digits(text: str) -> str:
    return re.sub(r"\D", "", text)


def _assert_suppressed(files: dict[str, str]) -> None:
    for name, text in files.items():
        low = text.lower()
        assert "jane" not in low and "j. doe" not in low, name
        assert "79460958" not in _digits(text), name  # Jane's line, in any spelling
        for company in ("moorside", "mw holdings", "pennine", "harbour"):
            assert company not in low, (name, company)


@pytest.fixture()
def world(tmp_path, monkeypatch):
    monkeypatch.chdir(tmp_path)
    cfg = write_config(tmp_path)
    build(cfg)
    return cfg


def test_suppressed_people_and_companies_never_exported_even_after_recrawl_and_resolve(
        world, tmp_path):
    cfg = world
    before = _exported_text(cfg, tmp_path, "before")
    assert any("jane.doe@kestrel-machinery.co.uk" in t.lower() for t in before.values())
    assert any("moorside" in t.lower() for t in before.values())
    mw = _company_of(cfg, "demo_expo", "mw")
    pennine = _company_of(cfg, "demo_expo", "pennine")
    assert pennine == _company_of(cfg, "demo_directory", "pennine")

    said = _cli(cfg, "suppress", "add", JANE_EMAIL, "--reason", "objected (Art. 21)")
    assert said.startswith("suppressed e-mail address (kept only as a salted hash): hash ")
    _cli(cfg, "suppress", "add", JANE_PHONE, "-r", "objected by phone")
    _cli(cfg, "suppress", "add", mw, "-r", "asked not to be called")
    _cli(cfg, "suppress", "add", pennine, "-r", "competitor")
    _cli(cfg, "suppress", "add", "https://www.moorside-works.co.uk/about", "-r", "closed")
    _cli(cfg, "suppress", "add", "harbour-tools.co.uk", "--kind", "domain", "-r", "insolvent")
    after = _exported_text(cfg, tmp_path, "after")
    _assert_suppressed(after)
    generic = after["after-generic.csv"]
    assert "Kestrel Machinery Ltd" in generic and "Northbridge Engineering GmbH" in generic
    # the company stays; only the person's data is blanked
    assert "info@kestrel-machinery.co.uk" in generic

    # The re-crawl: Kestrel seen again under another source, its company phone Jane's line,
    # her address in capitals. MW Holdings merges into Moorside (a new id wins, the old one
    # redirects); Pennine Tools splits in two.
    (tmp_path / "decisions.yaml").write_text(
        "must_link:\n  - [{mw}, {moorside}]\ncannot_link:\n  - [{p1}, {p2}]\n".format(
            mw=_record(cfg, "demo_expo", "mw"), moorside=_record(cfg, "demo_directory",
                                                                   "moorside"),
            p1=_record(cfg, "demo_expo", "pennine"), p2=_record(cfg, "demo_directory",
                                                                "pennine")),
        encoding="utf-8")
    cfg = write_config(tmp_path, (tmp_path / "decisions.yaml").read_text(encoding="utf-8"))
    land(cfg.landing_dir, "crawl-20260210", run_two("crawl-20260210"))
    runner.load(cfg)
    runner.load(cfg)  # a re-load changes nothing
    runner.resolve(cfg)
    runner.score(cfg)
    assert _company_of(cfg, "demo_expo", "mw") == _company_of(cfg, "demo_directory", "moorside")
    assert _company_of(cfg, "demo_expo", "pennine") != _company_of(cfg, "demo_directory",
                                                                   "pennine")
    assert _company_of(cfg, "demo_directory", "kestrel") == _company_of(cfg, "demo_expo",
                                                                        "kestrel")
    recrawled = _exported_text(cfg, tmp_path, "recrawl")
    _assert_suppressed(recrawled)
    assert "Kestrel Machinery" in recrawled["recrawl-generic.csv"]

    # the snapshot an export reads while a writer runs is filtered the same way
    con = duckdb.connect()
    snap = con.sql(f"SELECT * FROM read_parquet('{cfg.snapshot_path.as_posix()}')").fetchall()
    _assert_suppressed({"snapshot": repr(snap)})


def _record(cfg, source, native_id):
    con = connect(cfg.warehouse_path, read_only=True)
    try:
        return con.execute("SELECT record_id FROM source_records WHERE source = ? AND "
                           "native_id = ?", [source, native_id]).fetchone()[0]
    finally:
        con.close()


def test_the_list_holds_no_plain_personal_data_and_entries_can_be_removed(world):
    cfg = world
    _cli(cfg, "suppress", "add", JANE_EMAIL, "-r", "objected")
    _cli(cfg, "suppress", "add", JANE_PHONE, "-r", "objected")
    _cli(cfg, "suppress", "add", "harbour-tools.co.uk", "-r", "insolvent")
    con = connect(cfg.warehouse_path, read_only=True)
    try:
        held = " ".join(str(v) for table in ("suppression_entries", "suppression_records",
                                             "suppressions")
                        for row in con.execute(f"SELECT * FROM {table}").fetchall()
                        for v in row).lower()
    finally:
        con.close()
    assert "@" not in held and "jane" not in held and "harbour" not in held
    assert "79460958" not in _digits(held)
    listed = _cli(cfg, "suppress", "list")
    # her e-mail, her phone, the domain, and her name at the two companies that list her
    assert "5 entries" in listed and "jane" not in listed.lower()
    assert "e-mail address" in listed and "phone number" in listed and "domain" in listed
    assert " name " in listed  # the kind of the name entries

    removed = _cli(cfg, "suppress", "remove", "Jane.Doe@Kestrel-Machinery.co.uk")
    assert removed.startswith("removed e-mail address hash ")
    assert "4 entries" in _cli(cfg, "suppress", "list")  # her names stay suppressed
    _cli(cfg, "suppress", "remove", "harbour-tools.co.uk")
    files = _exported_text(cfg, cfg.data_dir, "back")
    assert "Harbour Tools Ltd" in files["back-generic.csv"]  # exported again


def test_bad_values_are_one_clear_line(world):
    cfg = world
    for args, words in ((["add", "not a thing", "-r", "x"], "is no known company id"),
                        (["remove", "nobody@nowhere.co.uk"], "is not on the suppression list"),
                        (["add", "x", "--kind", "person", "-r", "x"], "unknown kind")):
        result = CliRunner().invoke(app, ["suppress", *args, "--config", str(cfg.source)])
        assert result.exit_code == 1, result.output
        assert words in " ".join(result.output.split())
        assert "Traceback" not in result.output
