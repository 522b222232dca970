"""The ops console end to end: a real local Prefect server, a process work pool and two workers,
every deployment registered, the pipeline deployment triggered twice at once through the API.

Checks what ops rely on: both runs complete, one after the other (the pipeline deployment runs
one at a time) with no warehouse lock error; the first exports and leaves readable artifacts;
its crawls are flow runs of their own, and two of them ran at the same time on different
workers.
"""

from __future__ import annotations

import csv
import re
import time

import pytest

from flows import local_prefect as lp
from leadpipe.config import load_config

pytestmark = pytest.mark.prefect

COMPANIES = 60
CRAWL_DELAY_S = 0.25
DEADLINE_S = 240
WORKERS = ("ops-worker-a", "ops-worker-b")
SUBMITTED = re.compile(r"Worker '([^']+)' submitting flow run")


@pytest.fixture(scope="module")
def console(tmp_path_factory):
    """Server + two workers on a free port; registered deployments; stopped by their pids."""
    from prefect.settings import PREFECT_API_URL, temporary_settings

    from flows.deployments import register
    from flows.stages import ensure_writer_limit

    root = tmp_path_factory.mktemp("ops")
    config_path = root / "leadpipe.toml"
    # a delay between a crawl's requests keeps each crawl running for some seconds, so on a
    # fast machine too a crawl is still running when the other worker next asks for work
    # (every 2 s), and two crawls can be seen at work on two workers at once
    config_path.write_text(
        f'[project]\ndata_dir = "data"\n[crawl]\nautothrottle = false\n'
        f"download_delay = {CRAWL_DELAY_S}\n"
        f"[demo]\ncompanies = {COMPANIES}\nseed = 5\n", encoding="utf-8")
    config = load_config(config_path)
    port, home, logs = lp.free_port(), root / "prefect-home", root / "logs"
    # The second pipeline run asks again for the deployment's slot every 3 s, not every 30 s.
    server = lp.start_server(port, home, logs, extra_env={
        "PREFECT_SERVER_DEPLOYMENTS_CONCURRENCY_SLOT_WAIT_SECONDS": "3"})
    started = lp.Started(port=port, home=str(home), server_pid=server)
    try:
        with temporary_settings(updates={PREFECT_API_URL: lp.api_url(port)}):
            ensure_writer_limit()
            names = register(config, str(config_path), working_dir=root)
            for name in WORKERS:
                started.worker_pids.append(
                    lp.start_worker(port, home, logs, pool="leadpipe", name=name, limit=2,
                                    cwd=root, extra_env={"PREFECT_LOGGING_LEVEL": "INFO"}))
            yield {"config": config, "names": names, "root": root, "logs": logs}
    finally:
        lp.stop_all(started)
    for pid in [server, *started.worker_pids]:
        assert not lp._alive(pid), f"process {pid} still running"


def _wait_final(client, ids, deadline):
    while time.monotonic() < deadline:
        runs = [client.read_flow_run(i) for i in ids]
        if all(r.state and r.state.is_final() for r in runs):
            return runs
        time.sleep(2)
    raise AssertionError("runs did not finish in time: "
                         + ", ".join(f"{r.name} {r.state_name}" for r in runs))


def _worker_of(client, flow_run_id) -> str:
    from prefect.client.schemas.filters import LogFilter, LogFilterFlowRunId

    logs = client.read_logs(LogFilter(flow_run_id=LogFilterFlowRunId(any_=[flow_run_id])))
    found = [m.group(1) for log in logs if (m := SUBMITTED.search(log.message))]
    assert found, f"no worker named in the logs of flow run {flow_run_id}"
    return found[0]


def _artifact(client, flow_run_ids, key):
    from prefect.client.schemas.filters import (
        ArtifactFilter,
        ArtifactFilterFlowRunId,
        ArtifactFilterKey,
    )

    found = client.read_artifacts(artifact_filter=ArtifactFilter(
        key=ArtifactFilterKey(any_=[key]), flow_run_id=ArtifactFilterFlowRunId(any_=flow_run_ids)))
    assert found, f"no {key} artifact"
    return found[0]


def _no_raw_structures(data) -> None:
    text = data if isinstance(data, str) else repr(data)
    cells = re.findall(r"'([^']*)'", text) if not isinstance(data, str) else [text]
    for cell in cells:
        assert not re.search(r"[{\[]'", cell), f"raw Python structure in an artifact: {cell[:80]}"


def test_pipeline_deployment_on_two_workers(console):
    from prefect.client.orchestration import get_client
    from prefect.client.schemas.filters import (
        FlowRunFilter,
        FlowRunFilterParentFlowRunId,
        LogFilter,
        LogFilterFlowRunId,
    )
    from prefect.deployments import run_deployment
    assert "pipeline/pipeline" in console["names"]
    assert {"crawl/crawl-demo_tenders", "crawl/crawl-demo_expo",
            "crawl/crawl-demo_directory", "score/score", "export/export"} <= set(console["names"])
    deadline = time.monotonic() + DEADLINE_S
    params = {"profile": "default", "export_format": "generic", "fetch_websites": True}
    with get_client(sync_client=True) as client:
        first = run_deployment("pipeline/pipeline", parameters=params, timeout=0)
        second = run_deployment("pipeline/pipeline", parameters={"full": True}, timeout=0)
        runs = _wait_final(client, [first.id, second.id], deadline)
        for run in runs:
            assert run.state.is_completed(), f"{run.name}: {run.state_name} {run.state.message}"
        # one after the other: the deployment's limit of 1 queued the later one
        a, b = sorted(runs, key=lambda r: r.start_time)
        assert b.start_time >= a.end_time, (a.start_time, a.end_time, b.start_time)

        children = {r.id: client.read_flow_runs(flow_run_filter=FlowRunFilter(
            parent_flow_run_id=FlowRunFilterParentFlowRunId(any_=[r.id]))) for r in runs}
        every = [r.id for r in runs] + [c.id for cs in children.values() for c in cs]
        logs = client.read_logs(LogFilter(flow_run_id=LogFilterFlowRunId(any_=every)))
        assert not [log.message for log in logs if "lock" in log.message.lower()]

        mine = [first.id] + [c.id for c in children[first.id]]
        crawls = [c for c in children[first.id] if c.name.startswith("crawl ")]
        assert sorted(c.name for c in crawls) == sorted(
            f"crawl {s}" for s in console["config"].crawl.sources)
        assert all(c.deployment_id for c in crawls), "crawls did not go through deployments"
        workers = {c.id: _worker_of(client, c.id) for c in crawls}
        overlapping_on_two = [
            (x.name, y.name) for x in crawls for y in crawls
            if x.id < y.id and x.start_time < y.end_time and y.start_time < x.end_time
            and workers[x.id] != workers[y.id]
        ]
        assert overlapping_on_two, {c.name: (workers[c.id], c.start_time, c.end_time)
                                    for c in crawls}

        artifacts = {key: _artifact(client, mine, key) for key in (
            "crawl-report", "resolution-summary", "top-prospects", "export",
            "pipeline-summary", "funnel")}
        latest = [b.id] + [c.id for c in children[b.id]]
        last_export = _artifact(client, latest, "export").data
    for artifact in artifacts.values():
        _no_raw_structures(artifact.data)
    crawl_table = artifacts["crawl-report"].data
    for label in ("Pages fetched", "Items landed", "Errors", "Retries", "Robots.txt refusals",
                  "Refused private addresses", "Count assertion"):
        assert label in crawl_table
    for label in ("Source records", "Companies after merging", "Pairs to review"):
        assert label in artifacts["resolution-summary"].data
    assert "Priority" in artifacts["top-prospects"].data and "Why" in artifacts[
        "top-prospects"].data
    assert "| Companies exported |" in artifacts["export"].data
    funnel = artifacts["funnel"].data
    assert "| Prospects | " in funnel and "### By source channel" in funnel
    assert "### By fit tier" in funnel and "funnel-default.png" in funnel
    exports = list((console["root"] / "data" / "exports").glob("*.csv"))
    assert len(exports) == 1
    with exports[0].open(encoding="utf-8") as fh:
        rows = list(csv.DictReader(fh))
    assert rows, "the export is empty"
    assert f"| Companies exported | {len(rows)} |" in last_export
    assert exports[0].name in last_export
