"""Landing files and the warehouse loader: deterministic ids, idempotent and atomic loads."""

from __future__ import annotations

import json
import subprocess
import sys
import textwrap
from pathlib import Path

import pytest

from spiders.landing import LandingWriter, iter_landing_files, make_item, record_id
from warehouse.db import connect, migrations
from warehouse.load import load_landing


def org(native_id: str, run_id: str, fetched_at: str, **fields) -> dict:
    return make_item(kind="organisation", source="test_src", native_id=native_id,
                     url=f"http://example.test/{native_id}", run_id=run_id, method="css",
                     fields={"name": f"Firm {native_id} Ltd", **fields}, fetched_at=fetched_at)


def write_run(landing: Path, run_id: str, items: list[dict], source: str = "test_src") -> Path:
    with LandingWriter(landing, run_id, source) as writer:
        for item in items:
            writer.write(item)
    return writer.final


def test_record_id_is_deterministic_and_source_scoped():
    assert record_id("a", "1") == record_id("a", "1")
    assert record_id("a", "1") != record_id("b", "1")
    assert record_id("a", "1") != record_id("a", "2")


def test_make_item_rejects_unknown_kind_and_method():
    with pytest.raises(ValueError, match="unknown landing kind"):
        make_item(kind="person", source="s", native_id="1", url="u", run_id="r", method="css",
                  fields={})
    with pytest.raises(ValueError, match="unknown extraction method"):
        make_item(kind="organisation", source="s", native_id="1", url="u", run_id="r",
                  method="guess", fields={})


def test_landing_writer_publishes_on_close_and_never_rewrites(tmp_path):
    writer = LandingWriter(tmp_path, "run-1", "src")
    writer.write({"x": 1})
    assert iter_landing_files(tmp_path) == []  # still .part: the loader cannot see it
    writer.close()
    assert iter_landing_files(tmp_path) == [tmp_path / "run-1" / "src.jsonl"]
    with pytest.raises(FileExistsError):
        LandingWriter(tmp_path, "run-1", "src")


def test_load_is_idempotent_and_keeps_first_seen(tmp_path):
    landing = tmp_path / "landing"
    write_run(landing, "run-1", [org("a", "run-1", "2026-01-01T00:00:00Z", phone="020 1"),
                                 org("b", "run-1", "2026-01-01T00:00:00Z")])
    con = connect(tmp_path / "w.duckdb")
    first = load_landing(con, landing)
    assert (first.files_loaded, first.new_items) == (1, 2)
    again = load_landing(con, landing)
    assert (again.files_loaded, again.files_skipped, again.new_items) == (0, 1, 0)
    # A later run sees "a" again with a new phone: newest value wins, first sighting is kept.
    write_run(landing, "run-2", [org("a", "run-2", "2026-02-01T00:00:00Z", phone="020 2")])
    load_landing(con, landing)
    rows = con.execute(
        "SELECT phone, first_seen_at::VARCHAR, last_seen_at::VARCHAR FROM source_records "
        "WHERE native_id = 'a'").fetchall()
    assert rows == [("020 2", "2026-01-01 00:00:00", "2026-02-01 00:00:00")]
    assert con.execute("SELECT count(*) FROM raw_items").fetchall()[0][0] == 3


def test_malformed_lines_are_quarantined_and_the_rest_loads(tmp_path):
    landing = tmp_path / "landing"
    path = write_run(landing, "run-1", [org("a", "run-1", "2026-01-01T00:00:00Z")])
    good = path.read_text(encoding="utf-8")
    bad = landing / "run-1" / "broken.jsonl"
    bad.write_text('{"kind": "organisation", "trunc\n' + good + "[1, 2]\n", encoding="utf-8")
    con = connect(tmp_path / "w.duckdb")
    summary = load_landing(con, landing)
    assert (summary.files_loaded, summary.quarantined) == (2, 2)
    assert summary.errors[0].startswith(f"{bad}:1: quarantined: not valid JSON")
    assert summary.errors[1] == f"{bad}:3: quarantined: expected a JSON object, got a list"
    assert con.execute("SELECT count(*) FROM source_records").fetchall()[0][0] == 1
    assert con.execute("SELECT path, line, content FROM quarantined_lines ORDER BY line"
                       ).fetchall() == [("run-1/broken.jsonl", 1, '{"kind": "organisation", '
                                         '"trunc'), ("run-1/broken.jsonl", 3, "[1, 2]")]


def test_a_line_that_is_not_utf8_is_quarantined_not_mangled(tmp_path):
    landing = tmp_path / "landing"
    path = write_run(landing, "run-1", [org("a", "run-1", "2026-01-01T00:00:00Z"),
                                        org("b", "run-1", "2026-01-01T00:00:00Z")])
    lines = path.read_bytes().splitlines(keepends=True)
    path.write_bytes(lines[0] + lines[1].replace(b"Firm b", b"Firm \xe9b"))  # Latin-1 byte
    byte = lines[1].index(b"Firm b") + len(b"Firm ") + 1
    con = connect(tmp_path / "w.duckdb")
    summary = load_landing(con, landing)
    assert summary.quarantined == 1
    assert summary.errors == [f"{path}:2: quarantined: not UTF-8 (byte {byte} of the line)"]
    assert con.execute("SELECT native_id FROM source_records").fetchall() == [("a",)]


def poisoned(item: dict, path: tuple, value) -> dict:
    """A copy of ``item`` with the value at ``path`` (keys) replaced."""
    out = json.loads(json.dumps(item))
    node = out
    for key in path[:-1]:
        node = node[key]
    node[path[-1]] = value
    return out


POISON = [
    (("fields", "employees"), 12_345_678_901,
     "fields.employees: 12345678901 is above the maximum 10,000,000"),
    (("fields", "employees"), "about fifty",
     'fields.employees: expected a whole number, got text "about fifty"'),
    (("fetched_at",), "not a timestamp",
     'fetched_at: "not a timestamp" is not an ISO 8601 date'),
    (("native_id",), 12345, "native_id: expected text, got a number"),
    (("url",), {"href": "http://example.test/"}, "url: expected text, got an object"),
    (("fields", "identifiers"), {"scheme": "GB-COH"},
     "fields.identifiers: expected a list, got an object"),
    (("fields", "name"), ["Firm", "Ltd"], "fields.name: expected text, got a list"),
    (("fields", "name"), "x" * 5000, "fields.name: 5,000 characters, more than the 1,000"),
    (("fields", "country"), "Germany", 'fields.country: "Germany" is not two letters'),
    (("fields", "paid_listing"), "false",
     'fields.paid_listing: expected true or false, got text "false"'),
    (("fields", "contacts"), ["Jane Doe"], "fields.contacts[0]: expected an object, got text"),
]


@pytest.mark.parametrize(("path", "value", "reason"), POISON,
                         ids=[".".join(p) + f"={v!r}"[:30] for p, v, _ in POISON])
def test_a_poisoned_line_is_quarantined_and_later_files_still_load(tmp_path, path, value,
                                                                  reason):
    landing = tmp_path / "landing"
    items = [org(str(i), "run-1", "2026-01-01T00:00:00Z", employees=10) for i in range(4)]
    items[2] = poisoned(items[2], path, value)
    write_run(landing, "run-1", items)
    write_run(landing, "run-2", [org("later", "run-2", "2026-02-01T00:00:00Z")])
    con = connect(tmp_path / "w.duckdb")
    summary = load_landing(con, landing)
    assert (summary.files_loaded, summary.files_failed, summary.quarantined) == (2, 0, 1)
    assert summary.items == 4
    assert summary.errors[0].startswith(f"{landing / 'run-1' / 'test_src.jsonl'}:3: "
                                        f"quarantined: {reason}")
    names = [r[0] for r in con.execute("SELECT native_id FROM source_records ORDER BY 1"
                                       ).fetchall()]
    assert names == ["0", "1", "3", "later"]
    row = con.execute("SELECT path, line, reason, content FROM quarantined_lines").fetchall()
    assert len(row) == 1
    assert row[0][:2] == ("run-1/test_src.jsonl", 3) and row[0][2].startswith(reason)
    assert json.loads(row[0][3]) == items[2]
    # the next load neither retries nor duplicates anything
    again = load_landing(con, landing)
    assert (again.files_loaded, again.files_skipped, again.quarantined) == (0, 2, 0)
    assert con.execute("SELECT count(*) FROM quarantined_lines").fetchall()[0][0] == 1


def test_bad_dates_and_values_of_tenders_and_awards_are_quarantined(tmp_path):
    landing = tmp_path / "landing"
    common = {"source": "test_src", "url": "http://example.test/t", "run_id": "run-1",
              "method": "api"}
    good = make_item(kind="tender", native_id="t1", fields={"tender_id": "t1", "title": "A",
                     "deadline": "2026-12-01T12:00:00Z", "value": 10}, **common)
    bad_date = make_item(kind="tender", native_id="t2", fields={"tender_id": "t2",
                         "deadline": "2026-13-45"}, **common)
    bad_status = make_item(kind="tender", native_id="t3", fields={"tender_id": "t3",
                           "status": "open-ish"}, **common)
    bad_value = make_item(kind="award", native_id="a1", fields={"tender_id": "t1",
                          "value": "lots", "date": "2026-03-01"}, **common)
    write_run(landing, "run-1", [good, bad_date, bad_status, bad_value])
    con = connect(tmp_path / "w.duckdb")
    summary = load_landing(con, landing)
    assert summary.quarantined == 3
    reasons = [r[0] for r in con.execute("SELECT reason FROM quarantined_lines ORDER BY line"
                                         ).fetchall()]
    assert reasons == [
        'fields.deadline: "2026-13-45" is not an ISO 8601 date (2026-03-01) or date and time '
        "(2026-03-01T12:00:00Z)",
        'fields.status: "open-ish" is not one of active, complete, cancelled, unsuccessful, '
        "planned",
        'fields.value: expected a number, got text "lots"',
    ]
    assert con.execute("SELECT tender_id, value FROM tenders").fetchall() == [("t1", 10.0)]
    assert con.execute("SELECT count(*) FROM awards").fetchall()[0][0] == 0


def test_numbers_printed_as_text_and_one_text_as_a_list_still_load(tmp_path):
    """The leniency the loader always had stays: the checked values keep their meaning."""
    landing = tmp_path / "landing"
    item = org("a", "run-1", "2026-01-01T00:00:00Z", employees="250", postcode=28217,
               categories="Machinery", identifiers="GB-COH:01234567", country="gb")
    write_run(landing, "run-1", [item])
    con = connect(tmp_path / "w.duckdb")
    assert load_landing(con, landing).quarantined == 0
    assert con.execute("SELECT employees, postcode, categories, identifiers, country "
                       "FROM source_records").fetchall() == [
        (250, "28217", ["Machinery"], ["GB-COH:01234567"], "GB")]


def test_a_file_the_warehouse_refuses_rolls_back_whole_and_later_files_load(tmp_path):
    landing = tmp_path / "landing"
    award = make_item(kind="award", source="test_src", native_id="a1", url="http://e.test/a",
                      run_id="run-1", method="api", fields={"tender_id": "t1", "value": 5})
    write_run(landing, "run-1", [org(str(i), "run-1", "2026-01-01T00:00:00Z")
                                 for i in range(5)] + [award])
    write_run(landing, "run-2", [org("later", "run-2", "2026-02-01T00:00:00Z")])
    con = connect(tmp_path / "w.duckdb")
    con.execute("DROP TABLE awards")  # the first file's last statement fails inside its load
    summary = load_landing(con, landing)
    assert (summary.files_loaded, summary.files_failed) == (1, 1)
    assert summary.errors[0].startswith(f"{landing / 'run-1' / 'test_src.jsonl'}: not loaded")
    assert [r[0] for r in con.execute("SELECT native_id FROM source_records").fetchall()] == [
        "later"]
    assert con.execute("SELECT count(*) FROM raw_items").fetchall()[0][0] == 1
    assert con.execute("SELECT path FROM landing_files").fetchall() == [("run-2/test_src.jsonl",)]


def test_killed_load_leaves_all_or_nothing(tmp_path):
    landing = tmp_path / "landing"
    n = 120_000
    write_run(landing, "run-1", [org(str(i), "run-1", "2026-01-01T00:00:00Z") for i in range(n)])
    db = tmp_path / "w.duckdb"
    connect(db).close()
    script = textwrap.dedent(f"""
        from pathlib import Path
        from warehouse.db import connect
        from warehouse.load import load_landing
        con = connect(Path({str(db)!r}))
        print("start", flush=True)
        load_landing(con, Path({str(landing)!r}))
        print("done", flush=True)
    """)
    proc = subprocess.Popen([sys.executable, "-c", script], stdout=subprocess.PIPE, text=True,
                            cwd=Path(__file__).resolve().parent.parent)
    assert proc.stdout.readline().strip() == "start"
    # The loader parses for a while before its transaction; kill it somewhere in the middle.
    import time

    time.sleep(2.0)
    assert proc.poll() is None, "the load finished before it could be killed; raise n"
    proc.kill()
    proc.wait()
    con = connect(db)
    raw = con.execute("SELECT count(*) FROM raw_items").fetchall()[0][0]
    files = con.execute("SELECT count(*) FROM landing_files").fetchall()[0][0]
    assert (raw, files) in ((0, 0), (n, 1))
    # Re-running finishes the job exactly once.
    load_landing(con, landing)
    assert con.execute("SELECT count(*) FROM raw_items").fetchall()[0][0] == n
    assert con.execute("SELECT count(*) FROM source_records").fetchall()[0][0] == n


def test_migrations_are_numbered_uniquely_and_applied_once(tmp_path):
    versions = [v for v, _, _ in migrations()]
    assert versions == sorted(set(versions))
    con = connect(tmp_path / "w.duckdb")
    applied = con.execute("SELECT count(*) FROM schema_migrations").fetchall()[0][0]
    con.close()
    con = connect(tmp_path / "w.duckdb")
    assert con.execute("SELECT count(*) FROM schema_migrations").fetchall()[0][0] == applied


def test_tender_and_award_fields_reach_their_tables(tmp_path):
    landing = tmp_path / "landing"
    tender = make_item(
        kind="tender", source="test_src", native_id="t1", url="http://example.test/t1",
        run_id="run-1", method="api",
        fields={"tender_id": "t1", "title": "Sensors", "buyer_native_id": "GB-COH:1",
                "classifications": [{"scheme": "CPV", "id": "48000000"},
                                    {"scheme": "UNSPSC", "id": "43"}],
                "value": "1500.5", "currency": "GBP", "deadline": "2026-12-01T12:00:00Z",
                "status": "active"})
    award = make_item(
        kind="award", source="test_src", native_id="t1/a1/GB-COH:2", url="http://example.test/t1",
        run_id="run-1", method="api",
        fields={"tender_id": "t1", "award_id": "a1", "supplier_native_id": "GB-COH:2",
                "supplier_name": "Acme Ltd", "value": 900, "currency": "GBP",
                "date": "2026-03-01", "status": "active"})
    write_run(landing, "run-1", [tender, award])
    con = connect(tmp_path / "w.duckdb")
    load_landing(con, landing)
    row = con.execute("SELECT cpv, value, buyer_record_id, deadline::VARCHAR FROM tenders"
                      ).fetchall()[0]
    assert row == (["48000000"], 1500.5, record_id("test_src", "GB-COH:1"), "2026-12-01 12:00:00")
    assert json.loads(con.execute("SELECT classifications FROM tenders").fetchall()[0][0])[1] == {
        "scheme": "UNSPSC", "id": "43"}
    award_row = con.execute("SELECT supplier_record_id, value, currency FROM awards").fetchall()
    assert award_row == [(record_id("test_src", "GB-COH:2"), 900.0, "GBP")]


def test_load_command_prints_the_quarantine_count_and_fails_only_when_strict(tmp_path,
                                                                             monkeypatch):
    from typer.testing import CliRunner

    from leadpipe.cli import app

    monkeypatch.setenv("LEADPIPE_DATA_DIR", str(tmp_path))
    landing = tmp_path / "landing"
    items = [org("a", "run-1", "2026-01-01T00:00:00Z"),
             poisoned(org("b", "run-1", "2026-01-01T00:00:00Z"), ("fields", "employees"),
                      12_345_678_901)]
    write_run(landing, "run-1", items)
    cli = CliRunner()
    result = cli.invoke(app, ["load"])
    assert result.exit_code == 0, result.output
    assert "loaded 1 file, 1 new item; 0 already loaded; 1 line quarantined" in (
        " ".join(result.output.split()))
    assert "test_src.jsonl:2: quarantined: fields.employees: 12345678901 is above the maximum" \
        in " ".join(result.output.split())
    assert "Traceback" not in result.output
    write_run(landing, "run-2", [poisoned(org("c", "run-2", "2026-02-01T00:00:00Z"),
                                          ("url",), {"href": "x"})])
    strict = cli.invoke(app, ["load", "--strict"])
    assert strict.exit_code == 1
    assert "1 landing line quarantined (--strict)" in " ".join(strict.output.split())
    assert "Traceback" not in strict.output


DATES_OK = ["2026-03-01", "2026-03-01T12:00:00Z", "2026-03-01T12:00Z", "2026-03-01 12:00",
            "2026-03-01T12:00+02",
            "2026-03-01T12:00:00.123456789+05:30", "2026-03-01T12:00:00-0500",
            "2024-02-29T23:59:59+02"]
DATES_BAD = ["20260301", "2026-02-30", "2026-13-01", "2026-03-01T24:00:00", "2026-03-01Z",
             "01/03/2026", "next Tuesday", "0999-01-01"]


def test_every_date_the_check_accepts_the_warehouse_can_store():
    import duckdb

    from spiders.landing_check import BadLine, check_value
    from spiders.landing_fields import find_field

    deadline = find_field("tender", "deadline")
    con = duckdb.connect()
    for text in DATES_OK:
        checked = check_value(deadline, text, "deadline")
        assert checked == text or checked == text.replace("12:00", "12:00:00", 1)
        con.execute("SELECT CAST(? AS TIMESTAMP)", [checked])  # never raises for an accepted one
    for text in DATES_BAD:
        with pytest.raises(BadLine, match="is not an ISO 8601 date"):
            check_value(deadline, text, "deadline")
