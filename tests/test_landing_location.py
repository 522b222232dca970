"""Landing at a shared location: a folder elsewhere or an fsspec URL, written and read the same.

Crawls on many machines write to one shared place (``[project] landing``) and the loader
reads it from there; idempotence and quarantine must not depend on where that place is.
"""

from __future__ import annotations

import json
import uuid

import duckdb
import pytest
from upath import UPath

from leadpipe import runner
from leadpipe.config import ConfigError, load_config
from leadpipe.demo.session import source_access
from spiders.landing import LandingWriter, iter_landing_files, landing_root, make_item
from warehouse.db import connect
from warehouse.load import load_landing


def _organisation(n: int, run_id: str) -> dict:
    return make_item(kind="organisation", source="shared_test", native_id=f"org-{n}",
                     url=f"http://127.0.0.1/org/{n}", run_id=run_id, method="css",
                     fields={"name": f"Firm {n} Ltd", "city": "Leeds", "country": "GB"})


def test_a_memory_url_lands_and_loads_once_with_bad_lines_quarantined(tmp_path):
    root = landing_root(f"memory://leadpipe-{uuid.uuid4().hex}/landing")
    assert isinstance(root, UPath) and root.protocol == "memory"
    with LandingWriter(root, "run-1", "shared_test") as writer:
        for n in range(3):
            writer.write(_organisation(n, "run-1"))
    published = root / "run-1" / "shared_test.jsonl"
    assert published.exists() and not published.with_suffix(".jsonl.part").exists()
    # a second file with one line that breaks the contract (derived here, never a fixture)
    bad = root / "run-2" / "shared_test.jsonl"
    bad.parent.mkdir(parents=True, exist_ok=True)
    good = json.dumps(_organisation(9, "run-2"))
    bad.write_text(good + "\n" + '{"kind": "organisation", "source": "shared_test"}\n',
                   encoding="utf-8")
    assert [p.relative_to(root).as_posix() for p in iter_landing_files(root)] == [
        "run-1/shared_test.jsonl", "run-2/shared_test.jsonl"]

    con = connect(tmp_path / "warehouse.duckdb")
    first = load_landing(con, root)
    assert (first.files_loaded, first.new_items, first.quarantined) == (2, 4, 1)
    assert con.execute("SELECT count(*) FROM source_records").fetchone()[0] == 4
    path, line = con.execute("SELECT path, line FROM quarantined_lines").fetchone()
    assert (path, line) == ("run-2/shared_test.jsonl", 2)
    again = load_landing(con, root)
    assert (again.files_loaded, again.files_skipped, again.new_items) == (0, 2, 0)
    assert con.execute("SELECT count(*) FROM raw_items").fetchone()[0] == 4


def test_a_crawl_lands_at_a_file_url_outside_the_data_dir_and_loads_from_there(tmp_path):
    shared = tmp_path / "shared" / "landing"
    path = tmp_path / "leadpipe.toml"
    path.write_text(f'[project]\ndata_dir = "data"\nlanding = "{shared.as_uri()}"\n'
                    '[crawl]\nautothrottle = false\n[demo]\ncompanies = 60\nseed = 3\n',
                    encoding="utf-8")
    config = load_config(path)
    assert config.landing_dir == shared
    with source_access(config, ["demo_directory"]) as access:
        report = runner.crawl(config, ["demo_directory"], access=access, run_id="run-s")[0]
    assert report.ok, report.errors
    assert report.landing_file == shared / "run-s" / "demo_directory.jsonl"
    assert not (config.data_dir / "landing").exists()
    summary = runner.load(config)
    assert summary.files_loaded == 1 and summary.new_items == report.items > 0
    con = duckdb.connect(str(config.warehouse_path), read_only=True)
    try:
        runs = con.execute("SELECT run_id, status FROM runs WHERE stage = 'crawl'").fetchall()
    finally:
        con.close()
    assert runs == [("run-s/demo_directory", "ok")]
    assert runner.load(config).files_skipped == 1


@pytest.mark.parametrize("value, expected", [
    ("nosuch://bucket/landing", "[project] landing: value error, nosuch:// is not a file"),
])
def test_an_unknown_landing_file_system_is_one_clear_config_error(tmp_path, value, expected):
    path = tmp_path / "leadpipe.toml"
    path.write_text(f'[project]\ndata_dir = "data"\nlanding = "{value}"\n', encoding="utf-8")
    with pytest.raises(ConfigError) as caught:
        load_config(path)
    message = str(caught.value)
    assert expected in message and "\n" not in message
