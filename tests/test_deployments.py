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
                flow_run = run_deployment("load/leadpipe", timeout=60, poll_interval=1)
                break
            except Exception:  # noqa: BLE001 - not registered yet
                assert server.poll() is None, server.stdout.read()
                time.sleep(1)
        assert flow_run is not None, "deployment load/leadpipe never appeared"
        assert flow_run.state.is_completed(), flow_run.state
    finally:
        server.terminate()
        server.wait(timeout=30)
    import duckdb

    con = duckdb.connect(str(tmp_path / "data" / "warehouse.duckdb"), read_only=True)
    assert con.execute("SELECT name FROM source_records").fetchall() == [("Acme Ltd",)]
