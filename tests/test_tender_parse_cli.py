"""``leadpipe parse``: JSON Lines out, one-line errors, non-zero exit only at the end."""

from __future__ import annotations

import io
import json
import subprocess
import sys
from pathlib import Path

import pytest
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


def _rows(path: Path) -> list[dict]:
    return [json.loads(line) for line in path.read_text("utf-8").splitlines()]


def _records(rows: list[dict]) -> list[str]:
    """What a file yielded, without the file name: to compare one input across its forms."""
    return sorted(json.dumps([r["kind"], r["native_id"], r["fields"]], ensure_ascii=False,
                             sort_keys=True) for r in rows)


REAL = [FIX / "ocds-mexico-compranet/record-package-1-2.json",  # a record package
        FIX / "ocds-ukraine-prozorro/records__ocds-be6bcu-UA-2016-06-08-000504-c.json",
        next(FIX.glob("ocds-colombia-secop/releases__*.json"))]  # a release package


def _each_alone(tmp_path: Path) -> list[str]:
    out = tmp_path / "alone.jsonl"
    assert CliRunner().invoke(_app(), ["parse", *map(str, REAL), "-o", str(out)]).exit_code == 0
    return _records(_rows(out))


def test_json_lines_one_document_per_line_and_bad_lines_by_number(tmp_path: Path):
    lines = [json.dumps(json.loads(p.read_bytes()), ensure_ascii=False) for p in REAL]
    lines.insert(2, '{"ocid": "ocds-x", "tender": ')  # cut short
    lines.insert(3, '{"releases": "x"}')
    path = tmp_path / "mixed.jsonl"
    path.write_text("\n".join(lines) + "\n\n", encoding="utf-8")
    out = tmp_path / "out.jsonl"
    result = CliRunner().invoke(_app(), ["parse", str(path), "-o", str(out)])
    assert result.exit_code == 1
    errors = [line for line in result.stderr.splitlines() if line.startswith("error:")]
    assert errors == [f"error: {path}: line 3: not valid JSON (Expecting value at column 30)",
                      f"error: {path}: line 4: holds no OCDS release or record (nothing under"
                      " releases, records or ocid)"]
    assert _records(_rows(out)) == _each_alone(tmp_path)  # every good line, as if alone


def test_gzipped_json_jsonl_and_xml_parse_like_the_plain_files(tmp_path: Path):
    import gzip

    (tmp_path / "in").mkdir()
    for p in REAL:
        (tmp_path / "in" / (p.name + ".gz")).write_bytes(gzip.compress(p.read_bytes()))
    xml = FIX / "eforms-sdk-examples/can_24_LSBU.xml"
    (tmp_path / "in" / "notice.xml.gz").write_bytes(gzip.compress(xml.read_bytes()))
    out = tmp_path / "out.jsonl"
    result = CliRunner().invoke(_app(), ["parse", str(tmp_path / "in"), "-o", str(out)])
    assert result.exit_code == 0, result.stderr
    rows = _rows(out)
    assert _records([r for r in rows if r["format"] == "ocds"]) == _each_alone(tmp_path)
    plain = tmp_path / "plain.jsonl"
    CliRunner().invoke(_app(), ["parse", str(xml), "-o", str(plain)])
    assert _records([r for r in rows if r["format"] == "eforms"]) == _records(_rows(plain))


def test_a_folder_reports_every_file_it_skips_and_why(tmp_path: Path):
    import gzip

    folder = tmp_path / "downloads"
    (folder / "sub").mkdir(parents=True)
    (folder / "a.json").write_bytes(REAL[0].read_bytes())
    (folder / "b.jsonl").write_bytes(REAL[1].read_bytes().replace(b"\n", b"") + b"\n")
    (folder / "c.json.gz").write_bytes(gzip.compress(REAL[2].read_bytes()))
    (folder / "sub" / "d.XML").write_bytes((FIX / "eforms-sdk-examples/veat_24.xml").read_bytes())
    (folder / "notes.md").write_text("# downloaded by hand\n")
    (folder / "sub" / "export.csv").write_text("a,b\n")
    result = CliRunner().invoke(_app(), ["parse", str(folder), "-o", str(tmp_path / "o.jsonl")])
    assert result.exit_code == 0, result.stderr
    skipped = sorted(line for line in result.stderr.splitlines() if line.startswith("skipped:"))
    assert skipped == [
        f"skipped: {folder / 'notes.md'}: not a tender file (.md; reads .json, .jsonl, .ndjson"
        " and .xml, each also as .gz)",
        f"skipped: {folder / 'sub' / 'export.csv'}: not a tender file (.csv; reads .json, "
        ".jsonl, .ndjson and .xml, each also as .gz)"]
    assert "from 4 files, 2 skipped" in result.stderr
    assert {Path(r["file"]).name for r in _rows(tmp_path / "o.jsonl")} == {
        "a.json", "b.jsonl", "c.json.gz", "d.XML"}


@pytest.mark.parametrize("body", [b'{"releases": "x"}', b'{"publisher": {"name": "x"}}',
                                  b'{"releases": "x"}\n{"releases": []}\n'])
def test_a_document_with_no_release_exits_non_zero_naming_the_file(tmp_path: Path, body: bytes):
    path = tmp_path / "empty.json"
    path.write_bytes(body)
    proc = subprocess.run(
        [sys.executable, "-c",
         "import sys, typer; from leadpipe.commands import parse; app = typer.Typer();"
         "parse.register(app); app.command('x')(lambda: None); app()", "parse", str(path)],
        capture_output=True, text=True, cwd=ROOT, check=False)
    assert proc.returncode == 1
    assert proc.stdout == ""
    errors = [line for line in proc.stderr.splitlines() if line.startswith("error:")]
    assert errors == [f"error: {path}: holds no OCDS release or record (nothing under releases,"
                      " records or ocid)"]
    assert "Traceback" not in proc.stderr


def test_a_release_package_is_read_as_a_stream(tmp_path: Path):
    """The first release comes out while most of the package is still unread."""
    from spiders.tenders.ocds import iter_releases
    from spiders.tenders.stream import parse_stream

    releases = [r for p in REAL for r in iter_releases(json.loads(p.read_bytes()))] * 40
    package = json.dumps({"uri": "x", "publisher": {"name": "p"}, "releases": releases}).encode()

    class Counting(io.RawIOBase):
        def __init__(self) -> None:
            self.inner, self.read_so_far = io.BytesIO(package), 0

        def readable(self) -> bool:
            return True

        def readinto(self, buffer) -> int:
            n = self.inner.readinto(buffer)
            self.read_so_far += n
            return n

    source = Counting()  # streamed however small (files from 16 MB up are, by default)
    parts = parse_stream(io.BufferedReader(source, buffer_size=8192), whole_below=0)
    first = next(parts)
    assert first.tenders and source.read_so_far < len(package) / 10
    rest = list(parts)
    assert 1 + len(rest) == len(releases) and source.read_so_far == len(package)


def _streamed(data: bytes, whole_below: int) -> list:
    from spiders.tenders.stream import parse_stream

    try:
        return [(p.tenders, p.organisations, p.awards, p.high_water_mark)
                for p in parse_stream(io.BytesIO(data), whole_below=whole_below)]
    except Exception as exc:  # noqa: BLE001 - the error itself is compared
        return [type(exc).__name__, str(exc)]


@pytest.mark.parametrize("path", sorted(FIX.glob("ocds-*/*.json")), ids=lambda p: p.name)
def test_a_small_file_read_whole_gives_what_streaming_it_gives(path: Path):
    data = path.read_bytes()
    whole = _streamed(data, len(data) + 1)
    assert whole and not isinstance(whole[0], str)
    assert whole == _streamed(data, 0)


@pytest.mark.parametrize("doc", [
    b'[{"releases": [{"ocid": "ocds-a-1", "tender": {"id": "1", "title": "A"}}]},'
    b' {"releases": [{"ocid": "ocds-a-2", "tender": {"id": "2", "title": "B"}}]}]',
    b'[1, {"ocid": "ocds-a-3", "tender": {"id": "3", "title": "C"}}]',
    b'{"releases": "x", "records": [{"compiledRelease": {"ocid": "ocds-a-4", "tender": {}}}]}',
    b'{"uri": "x", "releases": []}', b'{"releases": "x"}', b'[[{"ocid": "ocds-a-5"}]]',
    b'{"ocid": "ocds-a-6", "tender": {"id": "6"}} {"ocid": "ocds-a-7", "tender": {"id": "7"}}',
    b'{"ocid": "ocds-a-8", "tender": {"id": 1e999999}}', b'{"ocid": "ocds-a-9", "tender": {',
], ids=["list-of-packages", "scalar-first", "records-after-bad-releases", "empty-package",
        "releases-not-a-list", "list-in-list", "two-values", "huge-number", "truncated"])
def test_odd_shapes_read_whole_or_streamed_agree(doc: bytes):
    assert _streamed(doc, len(doc) + 1) == _streamed(doc, 0)
