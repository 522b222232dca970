"""Ops path: `leadpipe serve` registers deployments that run when triggered through the API
(what the Prefect UI's "Run" button does), against a real temporary Prefect server."""

from __future__ import annotations

import os
import subprocess
import sys
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent


def test_served_deployment_runs_when_triggered(prefect_harness, tmp_path):
    from prefect.deployments import run_deployment
    from prefect.settings import PREFECT_API_URL

    from spiders.landing import LandingWriter, make_item

    config = tmp_path / "leadpipe.toml"
    config.write_text('[project]\ndata_dir = "data"\n', encoding="utf-8")
    with LandingWriter(tmp_path / "data" / "landing", "run-1", "manual") as writer:
        writer.write(make_item(kind="organisation", source="manual", native_id="1",
                               url="http://example.test/1", run_id="run-1", method="export",
                               fields={"name": "Acme Ltd"}))
    env = {**os.environ, "PREFECT_API_URL": PREFECT_API_URL.value(),
           "PYTHONPATH": str(ROOT)}
    server = subprocess.Popen(
        [sys.executable, "-m", "leadpipe.cli", "serve", "--config", str(config)],
        cwd=tmp_path, env=env, stdout=subprocess.PIPE, stderr=subprocess.STDOUT, text=True)
    try:
        deadline = time.monotonic() + 90
        flow_run = None
        while time.monotonic() < deadline:
            try:
                flow_run = run_deployment("load/load", timeout=60, poll_interval=1)
                break
            except Exception:  # noqa: BLE001 - not registered yet
                assert server.poll() is None, server.stdout.read()
                time.sleep(1)
        assert flow_run is not None, "deployment load/load never appeared"
        assert flow_run.state.is_completed(), flow_run.state
    finally:
        server.terminate()
        server.wait(timeout=30)
    import duckdb

    con = duckdb.connect(str(tmp_path / "data" / "warehouse.duckdb"), read_only=True)
    assert con.execute("SELECT name FROM source_records").fetchall() == [("Acme Ltd",)]


def test_serve_without_a_server_says_so_and_exits_2(tmp_path):
    env = {k: v for k, v in os.environ.items() if k != "PREFECT_API_URL"}
    env["PYTHONPATH"] = str(ROOT)
    done = subprocess.run([sys.executable, "-m", "leadpipe.cli", "serve"], cwd=tmp_path, env=env,
                          capture_output=True, text=True, timeout=60)
    assert done.returncode == 2
    lines = [line for line in done.stderr.splitlines() if line.strip()]
    assert len(lines) == 1 and "PREFECT_API_URL is not set" in lines[0], done.stderr
    assert "Traceback" not in done.stdout + done.stderr


def test_deployment_forms_offer_the_configured_choices(tmp_path):
    from flows.deployments import deployments
    from leadpipe.config import load_config
    from sales.export import format_names

    config = tmp_path / "leadpipe.toml"
    config.write_text('[crawl]\nsources = ["demo_expo", "demo_directory"]\n', encoding="utf-8")
    cfg = load_config(config)
    deps = {d.name: d for d in deployments(cfg)}
    assert sorted(deps) == ["alert", "crawl-demo_directory", "crawl-demo_expo", "enrich", "export",
                            "load", "pipeline", "resolve", "score"]
    assert all(d.description and "leadpipe" in d.tags for d in deps.values())
    assert deps["crawl-demo_expo"].parameters["sources"] == ["demo_expo"]
    assert deps["pipeline"].concurrency_limit == 1
    props = deps["pipeline"]._parameter_openapi_schema.model_dump()["properties"]
    assert props["sources"]["items"]["enum"] == ["demo_expo", "demo_directory"]
    assert props["profile"]["enum"] == cfg.profile_names
    assert props["export_format"]["enum"] == format_names()
    assert props["fetch_websites"]["title"] == "Fetch websites"
    for name, prop in props.items():
        assert "anyOf" not in prop, name  # no "Property is type None" in the form
        assert prop.get("description"), name
    crawl = deps["crawl-demo_expo"]._parameter_openapi_schema.model_dump()["properties"]
    assert crawl["since"] == {**crawl["since"], "type": "string", "format": "date"}
    export = deps["export"]._parameter_openapi_schema.model_dump()["properties"]
    assert "funnel_stages" in export and "stages_" not in export


def test_first_uses_of_the_writer_slot_at_once_make_one_limit(prefect_harness):
    """Runs that start together may all find the writer limit missing: each makes it or finds
    it made, none fails, and there is one limit of 1."""
    import threading

    from prefect.client.orchestration import get_client

    from flows.stages import ensure_writer_limit

    name = "writer-slot-race-test"
    start, errors = threading.Barrier(6), []

    def first_use() -> None:
        start.wait()
        try:
            ensure_writer_limit(name)
        except Exception as exc:  # noqa: BLE001 - the test reports whatever a thread raised
            errors.append(exc)

    threads = [threading.Thread(target=first_use) for _ in range(6)]
    for t in threads:
        t.start()
    for t in threads:
        t.join()
    assert errors == []
    with get_client(sync_client=True) as client:
        limits = [c for c in client.read_global_concurrency_limits(limit=200) if c.name == name]
    assert [c.limit for c in limits] == [1]
