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


def test_malformed_lines_are_reported_and_the_rest_loads(tmp_path):
    landing = tmp_path / "landing"
    path = write_run(landing, "run-1", [org("a", "run-1", "2026-01-01T00:00:00Z")])
    good = path.read_text(encoding="utf-8")
    bad = landing / "run-1" / "broken.jsonl"
    bad.write_text('{"kind": "organisation", "trunc\n' + good + "[1, 2]\n", encoding="utf-8")
    con = connect(tmp_path / "w.duckdb")
    summary = load_landing(con, landing)
    assert summary.files_loaded == 2
    assert len(summary.errors) == 2
    assert all("broken.jsonl:" in e and "malformed" in e for e in summary.errors)
    assert "broken.jsonl:1:" in summary.errors[0] and "broken.jsonl:3:" in summary.errors[1]
    assert con.execute("SELECT count(*) FROM source_records").fetchall()[0][0] == 1


def test_a_failing_file_rolls_back_whole(tmp_path):
    landing = tmp_path / "landing"
    items = [org(str(i), "run-1", "2026-01-01T00:00:00Z") for i in range(5)]
    items[3]["fetched_at"] = "not a timestamp"  # passes the line check, fails inside the load
    write_run(landing, "run-1", items)
    con = connect(tmp_path / "w.duckdb")
    with pytest.raises(Exception, match="(?i)timestamp|conversion"):
        load_landing(con, landing)
    for table in ("raw_items", "source_records", "landing_files"):
        assert con.execute(f"SELECT count(*) FROM {table}").fetchall()[0][0] == 0


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
