"""The crawl stage: one subprocess per crawl, no warehouse needed while it runs."""

from __future__ import annotations

import subprocess
import sys
import textwrap
from pathlib import Path

import pytest

from leadpipe import runner
from leadpipe.config import load_config
from leadpipe.demo.session import source_access
from spiders.crawl import run_crawl

ROOT = Path(__file__).resolve().parent.parent


@pytest.fixture()
def config(tmp_path, monkeypatch):
    path = tmp_path / "leadpipe.toml"
    path.write_text('[project]\ndata_dir = "data"\n[crawl]\nautothrottle = false\n'
                    '[demo]\ncompanies = 60\nseed = 3\n', encoding="utf-8")
    return load_config(path)


def test_two_crawls_in_one_process_both_work(config):
    with source_access(config, ["demo_directory"]) as access:
        first = runner.crawl(config, ["demo_directory"], access=access, run_id="run-a")
        second = runner.crawl(config, ["demo_directory"], access=access, run_id="run-b")
    assert first[0].ok and second[0].ok, (first[0].errors, second[0].errors)
    assert first[0].items == second[0].items > 0
    assert first[0].landing_file != second[0].landing_file  # a run never rewrites another


def test_unknown_source_fails_with_a_clear_message(tmp_path):
    report = run_crawl("no_such_source", run_id="r1", landing_dir=tmp_path)
    assert not report.ok
    assert any("unknown source 'no_such_source'" in e for e in report.errors), report.errors


def test_crawl_runs_while_another_process_writes_the_warehouse(config):
    """DuckDB's lock never waits; the crawl must not need it (marks come from landing too)."""
    with source_access(config, ["demo_tenders"]) as access:
        first = runner.crawl(config, ["demo_tenders"], access=access, run_id="run-1")
        assert first[0].ok and first[0].items > 0
        runner.load(config)
        holder = subprocess.Popen(
            [sys.executable, "-c", textwrap.dedent(f"""
                import sys, time
                from warehouse.db import connect
                con = connect({str(config.warehouse_path)!r})
                con.execute("BEGIN TRANSACTION")
                con.execute("INSERT INTO suppressions VALUES ('x', 'held', now())")
                print("holding", flush=True)
                sys.stdin.readline()
            """)],
            cwd=ROOT, stdin=subprocess.PIPE, stdout=subprocess.PIPE, text=True)
        try:
            assert holder.stdout.readline().strip() == "holding"
            second = runner.crawl(config, ["demo_tenders"], access=access, run_id="run-2")
        finally:
            holder.communicate("done\n", timeout=30)
    assert second[0].ok, second[0].errors
    # Incremental: the second run started at the first run's high-water mark.
    assert second[0].items < first[0].items
