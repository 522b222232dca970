"""CSV files from users: the encoding and delimiter they come in, and the line that is wrong.

`leadpipe dedupe` and `leadpipe clients import` read spreadsheets' CSVs: Latin-1 / Windows
bytes, ';' between fields, rows with a field too many. Each case either reads right and says
how it was read, or stops with one line naming the file and the line.
"""

from __future__ import annotations

import csv
import io

import pytest
from sales_world import build, write_config
from typer.testing import CliRunner

from leadpipe.cli import app
from leadpipe.commands._csvinput import CsvInputError, read_csv_text

runner = CliRunner()

ROWS = [("id", "name", "city"), ("1", "Müller Maschinenbau GmbH", "Köln"),
        ("2", "Müller Maschinenbau", "Köln"), ("3", "Zeta Logistik AG", "Berlin")]


def write(path, rows, delimiter=",", encoding="utf-8"):
    buf = io.StringIO()
    csv.writer(buf, delimiter=delimiter, lineterminator="\n").writerows(rows)
    path.write_bytes(buf.getvalue().encode(encoding))
    return path


def lines(output: str) -> list[str]:
    return [line for line in output.splitlines() if line.strip()]


def test_dedupe_reads_a_latin1_file_and_says_so(tmp_path):
    src = write(tmp_path / "kunden.csv", ROWS, encoding="latin-1")
    out = tmp_path / "out.csv"
    result = runner.invoke(app, ["dedupe", str(src), "--map", "name=name,city=city",
                                 "-o", str(out)])
    assert result.exit_code == 0, result.output
    assert f"note: {src}: read as cp1252 (it is not UTF-8)" in " ".join(result.output.split())
    written = list(csv.DictReader(out.open(encoding="utf-8", newline="")))
    assert [w["name"] for w in written] == [r[1] for r in ROWS[1:]]  # no U+FFFD anywhere
    assert written[0]["cluster_id"] == written[1]["cluster_id"] != written[2]["cluster_id"]


def test_dedupe_with_a_declared_encoding_names_the_line_of_a_bad_byte(tmp_path):
    src = write(tmp_path / "kunden.csv", ROWS, encoding="latin-1")
    result = runner.invoke(app, ["dedupe", str(src), "--map", "name=name",
                                 "--encoding", "utf-8"])
    assert result.exit_code == 1 and "Traceback" not in result.output
    assert lines(result.output) == [
        f"error: {src}:2: byte 4 of the line (0xfc) is not utf-8 text; give --encoding"]
    result = runner.invoke(app, ["dedupe", str(src), "--map", "name=name",
                                 "--encoding", "latin-1"])
    assert result.exit_code == 0, result.output
    assert "Müller Maschinenbau GmbH" in result.output


def test_dedupe_names_the_line_of_a_ragged_row(tmp_path):
    rows = [*ROWS[:3], ("3", "Zeta Logistik AG", "Berlin", "unexpected"), ROWS[3]]
    src = write(tmp_path / "ragged.csv", rows)
    result = runner.invoke(app, ["dedupe", str(src), "--map", "name=name"])
    assert result.exit_code == 1 and "Traceback" not in result.output
    assert lines(result.output) == [
        f"error: {src}:4: 4 fields where the header has 3 (fields separated by ',')"]


def test_dedupe_sniffs_semicolons_and_takes_a_delimiter(tmp_path):
    src = write(tmp_path / "semi.csv", ROWS, delimiter=";")
    target = tmp_path / "out.csv"
    result = runner.invoke(app, ["dedupe", str(src), "--map", "name=name,city=city",
                                 "-o", str(target)])
    assert result.exit_code == 0, result.output
    assert "fields separated by ';'" in result.output
    out = list(csv.DictReader(target.open(encoding="utf-8", newline=""), delimiter=";"))
    assert [r["name"] for r in out] == [r[1] for r in ROWS[1:]]
    tabs = write(tmp_path / "tabs.tsv", ROWS, delimiter="\t")
    result = runner.invoke(app, ["dedupe", str(tabs), "--map", "name=name", "-d", "tab"])
    assert result.exit_code == 0, result.output
    assert "fields separated by tabs" in result.output
    # a wrong delimiter given by hand is obeyed, and the map then names the missing column
    result = runner.invoke(app, ["dedupe", str(src), "--map", "name=name", "-d", ","])
    assert result.exit_code == 1 and "no column 'name'" in result.output


def test_a_quoted_field_over_two_lines_keeps_the_line_numbers_right(tmp_path):
    path = tmp_path / "multi.csv"
    path.write_text('id,name\n1,"Two\nlines"\n2,ok,extra\n', encoding="utf-8")
    with pytest.raises(CsvInputError, match=r"multi.csv:4: 3 fields where the header has 2"):
        read_csv_text(path)
    read, problems = read_csv_text(path, ragged="skip")
    assert [r.values for r in read.rows] == [["1", "Two\nlines"]]
    assert problems == [f"{path}:4: 3 fields where the header has 2 (fields separated by "
                        "','); row skipped"]


def test_clients_import_names_ragged_rows_and_reads_latin1(tmp_path, monkeypatch):
    monkeypatch.chdir(tmp_path)
    build(tmp_path / "data" / "warehouse.duckdb")
    write_config(tmp_path)
    src = write(tmp_path / "crm.csv", [("name", "website", "country"),
                                       ("Müller GmbH", "mueller.de", "DE"),
                                       ("Acme Ltd", "acme.co.uk", "GB", "oops", "more"),
                                       ("Beta Ltd",)], encoding="latin-1")
    result = runner.invoke(app, ["clients", "import", str(src)])
    out = " ".join(result.output.split())
    assert result.exit_code == 0, result.output
    assert f"{src}: read as cp1252 (it is not UTF-8)" in out
    assert f"{src}:3: 5 fields where the header has 3 (fields separated by ','); row " \
           "skipped" in out
    assert f"{src}:4: 1 field where the header has 3" in out
    assert "imported 1 client" in out and "not found yet: Müller GmbH" in out
    only_bad = write(tmp_path / "bad.csv", [("name", "country"), ("A", "GB", "x")])
    result = runner.invoke(app, ["clients", "import", str(only_bad)])
    assert result.exit_code == 1 and "Traceback" not in result.output
    assert lines(result.output)[-1] == f"error: {only_bad}: no row imported (1 skipped: see " \
        "the warnings)"
