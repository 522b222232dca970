"""Every failure of the CLI is one line on stderr and a non-zero exit; --debug shows the rest.

The warehouse is real (a DuckDB file), and "busy" means a second process really holds it as the
writer; only the writers' wait is shortened so the tests stay quick.
"""

from __future__ import annotations

import subprocess
import sys
import time
from pathlib import Path

import pytest
import sales_world
from typer.testing import CliRunner

import warehouse.db
from leadpipe.cli import app

runner = CliRunner()

HOLD_WRITER = """
import sys, time, duckdb
con = duckdb.connect(sys.argv[1])
print("holding", flush=True)
time.sleep(60)
"""


def error_lines(output: str) -> list[str]:
    return [line for line in output.splitlines() if line.strip()]


def assert_one_line_error(result, *, code: int, contains: str) -> None:
    lines = error_lines(result.output)
    assert result.exit_code == code, result.output
    assert "Traceback" not in result.output
    assert isinstance(result.exception, SystemExit), repr(result.exception)
    assert len(lines) == 1 and lines[0].startswith("error: "), lines
    assert contains in lines[0], lines[0]


@pytest.fixture
def world(tmp_path, monkeypatch) -> Path:
    """The sales room's seven companies in a real warehouse, the CLI run from its folder."""
    sales_world.write_config(tmp_path)
    sales_world.build(tmp_path / "data" / "warehouse.duckdb")
    monkeypatch.chdir(tmp_path)
    monkeypatch.setattr(warehouse.db, "WRITER_WAIT_SECONDS", 0.5)
    return tmp_path


@pytest.fixture
def held(world):
    """Another process holds the warehouse as its writer for the test's duration."""
    proc = subprocess.Popen([sys.executable, "-c", HOLD_WRITER, "data/warehouse.duckdb"],
                            stdout=subprocess.PIPE, text=True)
    try:
        assert proc.stdout.readline().strip() == "holding"
        yield world
    finally:
        proc.kill()
        proc.wait(timeout=10)


@pytest.mark.parametrize("command", [["resolve"], ["score"], ["enrich", "--no-fetch-websites"],
                                     ["clients", "import", "clients.csv"]])
def test_a_writer_stage_on_a_busy_warehouse_says_so_in_one_line(held, command):
    (held / "clients.csv").write_text(sales_world.CLIENTS_CSV, encoding="utf-8")
    result = runner.invoke(app, command)
    assert_one_line_error(result, code=1, contains="is held by another writer")
    assert "warehouse.duckdb" in result.output


def test_export_while_a_writer_holds_the_warehouse_and_no_snapshot_exists(held):
    assert not (held / "data" / "snapshot").exists()
    result = runner.invoke(app, ["export", "-o", "out.csv"])
    assert_one_line_error(result, code=1, contains="is being written by another process")


def test_a_mistyped_decisions_path_stops_resolve_with_the_key(world):
    (world / "leadpipe.toml").write_text(
        '[project]\ndata_dir = "data"\n[resolve]\ndecisions = "decisons.yaml"\n',
        encoding="utf-8")
    result = runner.invoke(app, ["resolve"])
    assert_one_line_error(result, code=2, contains="[resolve] decisions: file not found")


def test_a_bad_demo_companies_variable_is_one_line_for_every_command(world, monkeypatch):
    monkeypatch.setenv("LEADPIPE_DEMO_COMPANIES", "abc")
    for command in (["score"], ["export"], ["resolve"]):
        result = runner.invoke(app, command)
        assert_one_line_error(result, code=2,
                              contains="LEADPIPE_DEMO_COMPANIES='abc' is not a whole number")


def test_an_apostrophe_in_the_export_path_and_the_data_dir(tmp_path, monkeypatch):
    root = tmp_path / "Jo's leads"
    root.mkdir()
    sales_world.write_config(root)
    sales_world.build(root / "data" / "warehouse.duckdb")
    monkeypatch.chdir(root)
    assert runner.invoke(app, ["score"]).exit_code == 0  # writes the snapshot under "Jo's"
    result = runner.invoke(app, ["export", "-o", "it's.csv"])
    assert result.exit_code == 0, result.output
    written = (root / "it's.csv").read_text(encoding="utf-8").splitlines()
    assert len(written) > 1 and written[0].startswith("name,")
    # the snapshot path is read with the apostrophe too, while a writer holds the warehouse
    proc = subprocess.Popen([sys.executable, "-c", HOLD_WRITER, "data/warehouse.duckdb"],
                            stdout=subprocess.PIPE, text=True)
    try:
        assert proc.stdout.readline().strip() == "holding"
        result = runner.invoke(app, ["export", "-o", "it's too.csv"])
    finally:
        proc.kill()
        proc.wait(timeout=10)
    assert result.exit_code == 0, result.output
    assert "from the latest snapshot" in result.output
    assert (root / "it's too.csv").read_text(encoding="utf-8") == \
        (root / "it's.csv").read_text(encoding="utf-8")


def test_an_unexpected_failure_is_one_line_with_a_hint_and_debug_shows_it(tmp_path,
                                                                          monkeypatch):
    sales_world.write_config(tmp_path)
    (tmp_path / "data").mkdir()
    (tmp_path / "data" / "warehouse.duckdb").write_bytes(b"not a database\n" * 400)
    monkeypatch.chdir(tmp_path)
    for command in (["resolve"], ["status"], ["export"]):
        result = runner.invoke(app, command)
        assert_one_line_error(result, code=1, contains="(run with --debug for details)")
        assert "not a valid DuckDB database file" in result.output
    started = time.monotonic()
    result = runner.invoke(app, ["--debug", "resolve"])
    assert result.exit_code == 1 and time.monotonic() - started < 30
    assert not isinstance(result.exception, SystemExit)
    assert "not a valid DuckDB database file" in str(result.exception)


def test_no_path_is_written_into_sql_text():
    """Paths reach DuckDB as parameters: no COPY ... TO '<path>' or read_*('<path>') built from
    an f-string anywhere in the code that opens files through SQL."""
    import re

    root = Path(__file__).resolve().parent.parent
    pattern = re.compile(r"""\bTO\s+'?\{|read_\w+\(\s*'?\{""")
    offenders = [f"{path.relative_to(root)}:{n}"
                 for folder in ("warehouse", "sales", "enrich", "leadpipe", "bench")
                 for path in (root / folder).rglob("*.py")
                 for n, line in enumerate(path.read_text(encoding="utf-8").splitlines(), 1)
                 if pattern.search(line)]
    assert offenders == []
