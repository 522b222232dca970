"""The funnel reaches the Prefect run: a markdown artifact with counts per stage, channel and
tier, conversion once outcomes exist, and a link to the chart when exports are published."""

from __future__ import annotations

import asyncio

from prefect import flow, get_client
from prefect.client.schemas.filters import (
    ArtifactFilter,
    ArtifactFilterKey,
    FlowRunFilter,
    FlowRunFilterId,
)
from sales_world import build, write_config

from flows import reports
from leadpipe import runner
from leadpipe.config import load_config
from sales.outcomes import import_outcomes
from warehouse.db import connect


@flow(name="funnel-artifact-test")
def _publish(config_path: str) -> str:
    return reports.publish_funnel(load_config(config_path), None)


async def _artifact(run_id):
    async with get_client() as client:
        runs = await client.read_flow_runs(flow_run_filter=FlowRunFilter(
            id=FlowRunFilterId(any_=[run_id])))
        assert runs
        found = await client.read_artifacts(artifact_filter=ArtifactFilter(
            key=ArtifactFilterKey(any_=["funnel"])))
        return [a for a in found if a.flow_run_id == run_id]


def test_the_funnel_is_an_artifact_of_the_flow_run(tmp_path, monkeypatch, prefect_harness):
    monkeypatch.chdir(tmp_path)
    path = write_config(tmp_path)
    path.write_text(path.read_text(encoding="utf-8")
                    + '[sales]\nexports_url = "https://files.example.test/exports"\n',
                    encoding="utf-8")
    config = load_config(path)
    build(config.warehouse_path)
    runner.score(config)
    con = connect(config.warehouse_path)
    try:
        prospects = [r[0] for r in con.execute(
            "SELECT company_id FROM scores WHERE stage = 'prospect' ORDER BY company_id"
        ).fetchall()]
        lines = ["company_id,stage,date,channel"]
        lines += [f"{prospects[0]},won,2026-11-01,demo_directory",
                  f"{prospects[1]},contacted,2026-11-02,demo_directory"]
        outcomes = tmp_path / "outcomes.csv"
        outcomes.write_text("\n".join(lines) + "\n", encoding="utf-8")
        import_outcomes(con, outcomes)
    finally:
        con.close()
    state = _publish(str(path), return_state=True)
    text = state.result()
    [artifact] = asyncio.run(_artifact(state.state_details.flow_run_id))
    assert artifact.data == text
    # two of the prospects reached sales through the directory: one won, one only contacted
    assert "| demo_directory | " in text
    row = next(line for line in text.splitlines() if line.startswith("| demo_directory | "))
    assert row.endswith("| 2 | 1 | 50% |"), row
    assert "| Conversion (won of contacted) | 50% |" in text
    assert "### By fit tier" in text
    assert ("[funnel-default.png](https://files.example.test/exports/funnel-default.png)"
            in text)
    assert (config.exports_dir / "funnel-default.png").read_bytes()[:4] == b"\x89PNG"
