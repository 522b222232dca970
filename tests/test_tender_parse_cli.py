"""``leadpipe parse``: JSON Lines out, one-line errors, non-zero exit only at the end."""

from __future__ import annotations

import json
import subprocess
import sys
from pathlib import Path

import typer
from typer.testing import CliRunner

from leadpipe.commands import parse as parse_cmd

FIX = Path(__file__).parent / "fixtures" / "tenders"
ROOT = Path(__file__).resolve().parent.parent


def _app() -> typer.Typer:
    app = typer.Typer()
    parse_cmd.register(app)

    @app.command("noop")
    def noop() -> None:  # a second command keeps `parse` a sub-command, as in the real CLI
        """Nothing."""

    return app


def test_parse_files_reports_bad_files_and_continues(tmp_path: Path):
    good_json = FIX / "ocds-mexico-compranet/release-package_record-package.json"
    good_xml = FIX / "eforms-sdk-examples/can_24_LSBU.xml"
    truncated = tmp_path / "truncated.json"
    truncated.write_bytes(good_json.read_bytes()[:500])
    missing = tmp_path / "missing.xml"
    out = tmp_path / "out.jsonl"
    result = CliRunner().invoke(
        _app(), ["parse", str(truncated), str(good_json), str(missing), str(good_xml),
                 "--output", str(out)])
    assert result.exit_code == 1
    errors = [line for line in result.stderr.splitlines() if line.startswith("error:")]
    assert len(errors) == 2
    assert str(truncated) in errors[0] and "not valid JSON" in errors[0]
    assert str(missing) in errors[1] and "cannot read" in errors[1]
    rows = [json.loads(line) for line in out.read_text(encoding="utf-8").splitlines()]
    files = {r["file"] for r in rows}
    assert files == {str(good_json), str(good_xml)}  # files after the bad ones still parsed
    pwc = [r for r in rows if r["kind"] == "organisation" and r["fields"]["name"] == "PwC UK LLP"]
    assert pwc[0]["role"] == "supplier" and pwc[0]["format"] == "eforms"
    award = [r for r in rows if r["kind"] == "award" and r["format"] == "ocds"]
    assert {r["fields"]["value"] for r in award} == {189654.0, 37930.71, 186200.74}


def test_parse_to_stdout_in_a_real_process():
    path = FIX / "ocds-ukraine-prozorro/records__ocds-be6bcu-UA-2016-06-08-000504-c.json"
    proc = subprocess.run(
        [sys.executable, "-c",
         "import sys, typer; from leadpipe.commands import parse; app = typer.Typer();"
         "parse.register(app); app.command('x')(lambda: None); app()", "parse", str(path)],
        capture_output=True, text=True, cwd=ROOT, check=False)
    assert proc.returncode == 0, proc.stderr
    rows = [json.loads(line) for line in proc.stdout.splitlines()]
    roles = {r["fields"]["name"]: r["role"] for r in rows if r["kind"] == "organisation"}
    assert roles["ТОВ С-МАСТЕР"] == "tenderer"
    assert roles["Департамент муніципальної поліції Луцької міської ради"] == "buyer"


def test_a_folder_stands_for_its_json_and_xml_files(tmp_path: Path):
    out = tmp_path / "all.jsonl"
    result = CliRunner().invoke(_app(), ["parse", str(FIX), "-o", str(out)])
    assert result.exit_code == 0, result.output
    files = {json.loads(line)["file"] for line in out.read_text("utf-8").splitlines()}
    assert len(files) == len(list(FIX.glob("*/*.json"))) + len(list(FIX.glob("*/*.xml"))) == 33
