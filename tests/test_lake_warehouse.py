"""The many-writer warehouse (``[warehouse] backend = "ducklake"``), for real: a PostgreSQL
cluster started here holds the catalog, a temporary folder the Parquet data.

- The demo world crawled once, then loaded, resolved, enriched, scored and exported on the
  embedded file and on the lake: the same companies, the same scores, the same export.
- Two processes writing at the same moment (a load and a score, two scores) both complete,
  with no lock error.
- Two whole pipeline flow runs started at the same moment in two processes on one Prefect
  server: both complete, side by side, with no lock error.

These run in the lake environment (``make env-lake``: DuckDB with the ducklake and postgres
extensions); elsewhere they are skipped with the reason.
"""

from __future__ import annotations

import csv
import json
import subprocess
import sys
import textwrap
from itertools import pairwise
from pathlib import Path

import pytest
from pgcluster import PgCluster, skip_reason

from leadpipe.config import ConfigError, load_config
from warehouse.lake import LakeUnavailable, check_extensions, without_keys

ROOT = Path(__file__).resolve().parent.parent
COMPANIES = 60


def _lake_missing() -> str | None:
    try:
        check_extensions()
    except LakeUnavailable as exc:
        return str(exc)
    return skip_reason()


needs_lake = pytest.mark.skipif(bool(_lake_missing()), reason=_lake_missing() or "")


def test_migrations_lose_only_their_keys():
    sql = """CREATE TABLE t (
    a VARCHAR PRIMARY KEY,      -- the key, a comment, then
    b INTEGER NOT NULL,        -- a comma before a comment
    PRIMARY KEY (a, b)
);
CREATE TABLE u (x VARCHAR UNIQUE, y INTEGER, UNIQUE (x, y));"""
    out = without_keys(sql)
    assert "PRIMARY" not in out and "UNIQUE" not in out
    assert "a VARCHAR," in out and "b INTEGER NOT NULL" in out and "y INTEGER)" in out


def test_unknown_backend_and_missing_catalog_are_one_line_errors(tmp_path):
    path = tmp_path / "leadpipe.toml"
    path.write_text('[warehouse]\nbackend = "sqlite"\n', encoding="utf-8")
    with pytest.raises(ConfigError, match=r"\[warehouse\] backend: .*'sqlite'"):
        load_config(path)
    path.write_text('[warehouse]\nbackend = "ducklake"\n', encoding="utf-8")
    with pytest.raises(ConfigError, match=r"\[warehouse\].*needs catalog"):
        load_config(path)
    path.write_text('[warehouse]\nbackend = "embedded"\nshards = 4\n', encoding="utf-8")
    with pytest.raises(ConfigError, match=r"\[warehouse\] shards: unknown key"):
        load_config(path)


def test_the_default_is_the_embedded_file(tmp_path):
    path = tmp_path / "leadpipe.toml"
    path.write_text('[project]\ndata_dir = "data"\n', encoding="utf-8")
    config = load_config(path)
    assert config.warehouse == tmp_path / "data" / "warehouse.duckdb"


@pytest.fixture(scope="module")
def pg():
    if _lake_missing():
        pytest.skip(_lake_missing())
    with PgCluster() as cluster:
        yield cluster


def _config(root: Path, landing: Path, lake: str | None) -> Path:
    path = root / "leadpipe.toml"
    text = (f'[project]\ndata_dir = "data"\nlanding = "{landing.as_posix()}"\n'
            f"[demo]\ncompanies = {COMPANIES}\nseed = 7\n")
    if lake:
        text += f'[warehouse]\nbackend = "ducklake"\ncatalog = "{lake}"\ndata_path = "lake"\n'
    path.write_text(text, encoding="utf-8")
    return path


@pytest.fixture(scope="module")
def landing(tmp_path_factory):
    """The demo world crawled once; both warehouses load these files."""
    from leadpipe import runner
    from leadpipe.demo.session import source_access

    root = tmp_path_factory.mktemp("crawl")
    config = load_config(_config(root, root / "landing", None))
    with source_access(config) as access:
        runner.crawl(config, config.crawl.sources, access=access)
    return root / "landing"


def _stages(config_path: Path) -> dict:
    from leadpipe import runner
    from warehouse.db import connect

    config = load_config(config_path)
    runner.load(config)
    runner.resolve(config)
    runner.enrich(config, fetch=False)
    runner.score(config)
    export = runner.export(config, funnel_stages=("prospect", "suspect", "client"))
    con = connect(config.warehouse, read_only=True)
    try:
        companies = con.execute("SELECT company_id, name, country FROM companies "
                                "ORDER BY company_id").fetchall()
        scores = con.execute("SELECT company_id, profile, tier, round(fit, 6), stage "
                             "FROM scores ORDER BY company_id, profile").fetchall()
        keyed = con.execute("SELECT count(*), count(DISTINCT record_id) "
                            "FROM source_records").fetchone()
    finally:
        con.close()
    with export.path.open(encoding="utf-8", newline="") as f:
        # scored_at is when each run scored: the one column that differs by design
        rows = {r["company_id"]: {k: v for k, v in r.items() if k != "scored_at"}
                for r in csv.DictReader(f)}
    return {"companies": companies, "scores": scores, "export": rows, "keyed": keyed,
            "export_rows": export.rows}


@needs_lake
def test_the_lake_gives_the_same_companies_and_scores(pg, landing, tmp_path):
    (tmp_path / "e").mkdir()
    (tmp_path / "l").mkdir()
    embedded = _stages(_config(tmp_path / "e", landing, None))
    on_lake = _stages(_config(tmp_path / "l", landing, pg.database("same_result")))
    assert embedded["companies"] and embedded["scores"]
    assert on_lake["companies"] == embedded["companies"]
    assert on_lake["scores"] == embedded["scores"]
    assert on_lake["export"].keys() == embedded["export"].keys()
    differing = {k for cid, row in embedded["export"].items() for k, v in row.items()
                 if on_lake["export"][cid][k] != v}
    assert not differing, differing
    # no key on the lake, and still one row per record: the merges matched on it
    assert on_lake["keyed"][0] == on_lake["keyed"][1] == embedded["keyed"][0]
    assert list((tmp_path / "l" / "lake").rglob("*.parquet"))  # the data went to the folder


@needs_lake
def test_loading_again_changes_nothing_on_the_lake(pg, landing, tmp_path):
    from leadpipe import runner
    from warehouse.db import connect

    (tmp_path / "l").mkdir()
    config = load_config(_config(tmp_path / "l", landing, pg.database("reload")))
    first = runner.load(config)
    again = runner.load(config)
    assert first.files_loaded > 0 and again.files_loaded == 0
    con = connect(config.warehouse)
    try:
        assert con.execute("SELECT count(*) - count(DISTINCT (run_id, item_hash)) "
                           "FROM raw_items").fetchone()[0] == 0
    finally:
        con.close()


@needs_lake
@pytest.mark.parametrize("command", [["export"], ["report"], ["status"]])
def test_a_reader_of_a_lake_not_made_yet_says_so_in_one_line(pg, tmp_path, command):
    from typer.testing import CliRunner

    from leadpipe import runner
    from leadpipe.cli import app

    config_path = _config(tmp_path, tmp_path / "landing", pg.database(f"empty_{command[0]}"))
    config = load_config(config_path)
    assert not config.warehouse.exists()
    result = CliRunner().invoke(app, [*command, "--config", str(config_path)])
    lines = [line for line in result.output.splitlines() if line.strip()]
    assert result.exit_code == 1, result.output
    assert len(lines) == 1 and lines[0].startswith("error: "), lines
    assert "no warehouse yet (run `leadpipe load` first)" in lines[0]
    assert not config.warehouse.exists()  # asking made nothing
    runner.load(config)  # the first write makes the lake, even with nothing to load
    assert config.warehouse.exists()


WRITER = textwrap.dedent("""
    import sys
    from leadpipe import runner
    from leadpipe.config import load_config
    config = load_config(sys.argv[1])
    for what in sys.argv[2:]:
        getattr(runner, what)(config)
    print("done", *sys.argv[2:])
""")


def _writer(config: Path, *stages: str) -> subprocess.Popen:
    return subprocess.Popen([sys.executable, "-c", WRITER, str(config), *stages], cwd=ROOT,
                            stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True)


@needs_lake
def test_two_writers_at_the_same_moment_both_complete(pg, landing, tmp_path):
    (tmp_path / "l").mkdir()
    config_path = _config(tmp_path / "l", landing, pg.database("two_writers"))
    config = load_config(config_path)
    from leadpipe import runner

    runner.load(config)
    runner.resolve(config)
    # a second load (another crawl's files) and a score, then two scores, at once
    for stages in (("load", "score"), ("score", "score")):
        procs = [_writer(config_path, stage) for stage in stages]
        outs = [p.communicate(timeout=300) for p in procs]
        for proc, (out, err) in zip(procs, outs, strict=True):
            assert proc.returncode == 0, err[-2000:]
            assert "done" in out
            assert "lock" not in err.lower()
    from warehouse.db import connect

    con = connect(config.warehouse, read_only=True)
    try:
        runs = con.execute("SELECT stage, status, count(*) FROM runs WHERE stage IN "
                           "('load', 'score') GROUP BY ALL ORDER BY ALL").fetchall()
        dupes = con.execute("SELECT count(*) - count(DISTINCT (company_id, profile)) "
                            "FROM scores").fetchone()[0]
    finally:
        con.close()
    ok = {stage: n for stage, status, n in runs if status == "ok"}
    assert ok.get("load", 0) >= 2 and ok.get("score", 0) >= 3, runs
    assert dupes == 0


PIPELINE = textwrap.dedent("""
    import json, sys, time
    from flows.pipeline import pipeline_flow
    started = time.time()
    state = pipeline_flow(config_path=sys.argv[1], fetch_websites=False, return_state=True)
    print("PIPELINE " + json.dumps({"state": state.name, "message": state.message,
                                    "started": started, "ended": time.time()}))
""")


@needs_lake
def test_two_pipeline_runs_at_the_same_moment_both_complete_on_the_lake(pg, tmp_path):
    """Two processes, one Prefect server (the test's): the runs go side by side, their crawls
    at once, their warehouse writes one after the other on the writer slot, as two runs of the
    pipeline deployment do; both complete on the lake with no lock error."""
    from prefect.settings import PREFECT_API_URL, temporary_settings

    from flows import local_prefect as lp
    from flows.stages import ensure_writer_limit
    from warehouse.db import connect

    config_path = _config(tmp_path, tmp_path / "landing", pg.database("two_pipelines"))
    port, home = lp.free_port(), tmp_path / "prefect-home"
    server = lp.start_server(port, home, tmp_path / "logs")
    try:
        with temporary_settings(updates={PREFECT_API_URL: lp.api_url(port)}):
            ensure_writer_limit()  # as `leadpipe up` does
        env = lp.prefect_env(port, home)
        procs = [subprocess.Popen([sys.executable, "-c", PIPELINE, str(config_path)], cwd=ROOT,
                                  env=env, stdout=subprocess.PIPE, stderr=subprocess.PIPE,
                                  text=True) for _ in range(2)]
        runs = []
        for proc in procs:
            out, err = proc.communicate(timeout=420)
            assert proc.returncode == 0, err[-3000:]
            line = next(x for x in out.splitlines() if x.startswith("PIPELINE "))
            runs.append(json.loads(line[len("PIPELINE "):]))
            assert runs[-1]["state"] == "Completed", (runs[-1], err[-3000:])
            assert "lock" not in err.lower(), err[-3000:]
    finally:
        lp.stop(server)
    a, b = runs
    assert a["started"] < b["ended"] and b["started"] < a["ended"], runs  # side by side
    config = load_config(config_path)
    con = connect(config.warehouse, read_only=True)
    try:
        stages = dict(con.execute(
            "SELECT stage, count(*) FILTER (status = 'ok') FROM runs "
            "WHERE stage IN ('load', 'resolve', 'score') GROUP BY stage").fetchall())
        failed = con.execute("SELECT stage, message FROM runs WHERE status <> 'ok'").fetchall()
        writes = con.execute(
            "SELECT started_at, finished_at FROM runs WHERE status = 'ok' "
            "AND stage IN ('load', 'resolve', 'score') ORDER BY started_at").fetchall()
        dupes = con.execute(
            "SELECT (SELECT count(*) - count(DISTINCT company_id) FROM companies), "
            "(SELECT count(*) - count(DISTINCT (company_id, profile)) FROM scores), "
            "(SELECT count(*) - count(DISTINCT record_id) FROM source_records), "
            "(SELECT count(*) FROM companies)").fetchone()
    finally:
        con.close()
    assert stages == {"load": 2, "resolve": 2, "score": 2}, stages
    # one after the other: each write began after the one before it ended
    assert all(later[0] >= earlier[1] for earlier, later in pairwise(writes)), writes
    # a stage whose commit lost a race ran again whole (its first try is a failed row)
    assert not [m for _, m in failed if "lock" in (m or "").lower()], failed
    assert dupes[:3] == (0, 0, 0) and dupes[3] > 0, dupes
    exports = list((tmp_path / "data" / "exports").glob("*.csv"))
    assert exports and all(p.stat().st_size > 0 for p in exports)
    assert not list((tmp_path / "data").rglob("*.tmp*")), "a temporary file was left behind"
