"""Exports in the sales room: the generic CSV, read from the warehouse or, while another process
holds the warehouse's write lock, from the score stage's Parquet snapshot."""

from __future__ import annotations

import csv
import subprocess
import sys
import textwrap
from pathlib import Path

import pytest
from sales_world import CLIENTS_CSV, build, write_config
from typer.testing import CliRunner

from leadpipe import runner
from leadpipe.cli import app
from leadpipe.config import load_config
from sales.export import UnknownFormat
from sales.export.formats.generic import COLUMNS
from sales.privacy.view import WHY_NOT_KNOWN

ROOT = Path(__file__).resolve().parent.parent


@pytest.fixture()
def config(tmp_path, monkeypatch):
    monkeypatch.chdir(tmp_path)
    cfg = load_config(write_config(tmp_path))
    build(cfg.warehouse_path)
    accounts = tmp_path / "accounts.csv"
    accounts.write_text(CLIENTS_CSV, encoding="utf-8")
    assert CliRunner().invoke(app, ["clients", "import", str(accounts)]).exit_code == 0
    runner.score(cfg)
    return cfg


def _rows(path: Path) -> list[dict[str, str]]:
    with path.open(encoding="utf-8", newline="") as fh:
        return list(csv.DictReader(fh))


def test_generic_export_columns_order_and_default_file(config):
    result = runner.export(config)
    assert result.path == config.exports_dir / "prospects-default.csv"
    assert (result.rows, result.from_snapshot, result.files) == (3, False, (result.path,))
    header = result.path.read_text(encoding="utf-8").splitlines()[0]
    assert header == ",".join(COLUMNS)
    row, *others = _rows(result.path)
    assert [r["company_id"] for r in others] == ["c-nosize", "c-council"]  # priority order
    assert {k: v for k, v in row.items() if k != "scored_at"} == {
        "company_id": "c-fit", "name": "Northbridge Precision Engineering Ltd",
        "stage": "prospect", "fit": "1.0", "solvency": "0.8",
        "reasons": "makes machinery and equipment (listed under industrial machinery); "
                   "won 4 public contracts; "
                   "mentions engineering, industrial, machinery; "
                   "against: no jobs advertised on its website",
        "website": "https://northbridge-eng.co.uk/", "country": "GB", "city": "Leeds",
        "industry": "manufacturing", "employees": "140", "phone": "", "email": "",
        "best_contact_name": "", "best_contact_role": "", "best_contact_email": "",
        "best_contact_phone": "", "sources": "demo_directory",
        "source_urls": "http://directory.test/c-fit", "profile": "default",
        "distance_km": "", "distance": "", "owner": "",  # no home base, nobody assigned
        "priority": "A-1-none", "tier": "A", "solvency_band": "1", "timing": "none",
        "lawful_basis": "legitimate interests", "subscriber_type": "not known",
        # not known to be a corporate body: no marketing e-mail without consent (UK PECR)
        "email_opt_out": "true", "email_opt_out_reason": WHY_NOT_KNOWN,
        # what its own website says, in plain words
        "address": "12 Mill Lane, Leeds LS1 4AB",
        "description": "Precision CNC machining since 1985.",
        "social": "https://www.linkedin.com/company/northbridge-eng",
        "leadership": "Jane Doe, Managing Director",
        "registration_ids": "company number 04567890; VAT GB123456789",
        "language": "en", "legal_name": "Northbridge Precision Engineering Limited",
        "founded": "1985"}
    assert others[0]["address"] == others[0]["leadership"] == ""  # the site said nothing


def test_every_stage_best_first(config):
    result = runner.export(config, funnel_stages=("prospect", "suspect", "client"))
    assert result.path.name == "prospect-suspect-clients-default.csv"
    # prospects first, then priority (A-1 before A-2 before A-X), then fit x solvency; the
    # suppressed company is in no export, not even as a suspect
    assert [(r["company_id"], r["stage"]) for r in _rows(result.path)] == [
        ("c-fit", "prospect"), ("c-nosize", "prospect"), ("c-council", "prospect"),
        ("c-client", "client"), ("c-named", "client"), ("c-poor", "suspect")]


def _hold_writer(warehouse: Path) -> subprocess.Popen:
    """Another process holding the warehouse as its writer, inside an open transaction."""
    holder = subprocess.Popen(
        [sys.executable, "-c", textwrap.dedent(f"""
            import sys
            from warehouse.db import connect
            con = connect({str(warehouse)!r})
            con.execute("BEGIN TRANSACTION")
            con.execute("INSERT INTO suppressions VALUES ('c-fit', 'held', now())")
            print("holding", flush=True)
            sys.stdin.readline()
        """)],
        cwd=ROOT, stdin=subprocess.PIPE, stdout=subprocess.PIPE, text=True)
    assert holder.stdout.readline().strip() == "holding"
    return holder


def test_export_reads_the_snapshot_while_another_process_writes(config, tmp_path):
    stages = ("prospect", "suspect", "client")
    direct = runner.export(config, output=tmp_path / "direct.csv", funnel_stages=stages)
    assert not direct.from_snapshot
    holder = _hold_writer(config.warehouse_path)
    try:
        held = runner.export(config, output=tmp_path / "held.csv", funnel_stages=stages)
        cli = CliRunner().invoke(app, ["export", "-o", str(tmp_path / "cli.csv")])
    finally:
        holder.communicate("done\n", timeout=30)
    assert (held.from_snapshot, held.rows) == (True, 6)
    assert _rows(held.path) == _rows(direct.path)
    assert held.path.read_bytes() == direct.path.read_bytes()
    assert cli.exit_code == 0, cli.output
    said = " ".join(cli.output.split())  # the console wraps long paths
    assert said == (f"wrote 3 rows to {tmp_path / 'cli.csv'} "
                    "(from the latest snapshot: a writer holds the warehouse)")
    assert [r["company_id"] for r in _rows(tmp_path / "cli.csv")] == ["c-fit", "c-nosize",
                                                                  "c-council"]


def test_a_held_warehouse_without_a_snapshot_is_one_clear_line(config, tmp_path):
    config.snapshot_path.unlink()
    holder = _hold_writer(config.warehouse_path)
    try:
        cli = CliRunner().invoke(app, ["export"])
    finally:
        holder.communicate("done\n", timeout=30)
    assert cli.exit_code == 1
    assert "is being written by another process" in cli.output
    assert "Traceback" not in cli.output


def test_an_unknown_format_is_a_clear_error_listing_the_known_ones(config):
    with pytest.raises(UnknownFormat) as err:
        runner.export(config, export_format="xlsx")
    known = "known formats: generic, hubspot, salesforce"
    assert str(err.value) == f"unknown export format 'xlsx'; {known}"
    cli = CliRunner().invoke(app, ["export", "--format", "xlsx"])
    assert cli.exit_code == 1
    lines = [line for line in cli.output.splitlines() if line.strip()]
    assert lines == [f"error: unknown export format 'xlsx'; {known}"]
    assert not (config.exports_dir / "prospects-default.csv").exists()
