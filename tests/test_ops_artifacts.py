"""What ops read in the Prefect UI, on a real (temporary) Prefect API and a hand-made
warehouse: the top-prospects artifact names each prospect, its priority, its owner and every
reason in whole sentences; stage flow runs are named by what they do, not at random; the
pipeline summary counts in plain singular and plural."""

from __future__ import annotations

import asyncio
from datetime import datetime

from prefect import get_client
from prefect.client.schemas.filters import ArtifactFilter, ArtifactFilterKey
from sales_world import build, write_config

from flows import reports
from flows.pipeline import _stage_rows
from flows.stages import export_flow, score_flow
from leadpipe import runner
from leadpipe.config import load_config
from warehouse.db import connect

# An industry reason whose evidence holds "; " inside its brackets: the old artifact cut it in two.
EVIDENCE = 'listed under industrial machinery; its name says "precision engineering"'


def test_reasons_split_only_outside_brackets_into_sentences():
    joined = f"won 4 public contracts; makes machinery ({EVIDENCE}); mentions machinery"
    assert reports.reason_sentences(joined) == [
        "Won 4 public contracts.",
        f"Makes machinery ({EVIDENCE}).",
        "Mentions machinery.",
    ]
    assert reports.reason_sentences(None) == []


def _run_name(flow_run_id) -> str:
    async def read():
        async with get_client() as client:
            return (await client.read_flow_run(flow_run_id)).name
    return asyncio.run(read())


def _artifact_of(flow_run_id, key: str) -> str:
    async def read():
        async with get_client() as client:
            found = await client.read_artifacts(
                artifact_filter=ArtifactFilter(key=ArtifactFilterKey(any_=[key])))
            return [a.data for a in found if a.flow_run_id == flow_run_id]
    [data] = asyncio.run(read())
    return data


def test_score_run_is_named_and_publishes_prospects_with_owner_and_whole_reasons(
        tmp_path, monkeypatch, prefect_harness):
    monkeypatch.chdir(tmp_path)
    path = write_config(tmp_path)
    config = load_config(path)
    build(config.warehouse_path)
    con = connect(config.warehouse_path)
    try:
        con.execute("UPDATE enrichment SET industry_reason = ? WHERE company_id = 'c-fit'",
                    [f"makes machinery ({EVIDENCE})"])
    finally:
        con.close()
    runner.score(config)  # owners are given to scored prospects (as `leadpipe assign` does)
    con = connect(config.warehouse_path)
    try:
        con.execute("INSERT INTO owners VALUES ('c-fit', 'default', 'alice@example.com', "
                    "'Alice Ward', 'prospect', ?)", [datetime(2026, 1, 5, 9, 0)])
    finally:
        con.close()

    state = score_flow(config_path=str(path), return_state=True)
    assert state.is_completed(), state.message
    run_id = state.state_details.flow_run_id
    assert _run_name(run_id) == "score profile default"
    text = _artifact_of(run_id, "top-prospects")

    lines = text.splitlines()
    assert "| | Company | Priority | Owner |" in lines
    fit = next(line for line in lines
               if line.startswith("| ") and "Northbridge Precision Engineering Ltd (GB)" in line)
    cells = [c.strip() for c in fit.strip("|").split(" | ")]
    assert cells[1:] == ["Northbridge Precision Engineering Ltd (GB)", "A-1-none", "Alice Ward"]
    why = next(line for line in lines
               if line.startswith("- **") and "Northbridge Precision Engineering" in line)
    # numbered as in the table
    assert why.startswith(f"- **{cells[0]}. Northbridge Precision Engineering Ltd (GB)**: "), why
    assert f"Makes machinery ({EVIDENCE})." in why
    assert "Won 4 public contracts." in why
    other = next(line for line in lines if line.startswith("| ") and "Calder Valley" in line)
    assert other.endswith("| A-2-none | not assigned |"), other
    assert "Priority reads fit tier (A best)" in text
    assert "{" not in text and "['" not in text


def test_export_run_is_named_by_profile_and_format(tmp_path, monkeypatch, prefect_harness):
    monkeypatch.chdir(tmp_path)
    path = write_config(tmp_path)
    config = load_config(path)
    build(config.warehouse_path)
    runner.score(config)
    state = export_flow(config_path=str(path), export_format="generic", return_state=True)
    assert state.is_completed(), state.message
    run_id = state.state_details.flow_run_id
    assert _run_name(run_id) == "export profile default as generic"
    text = _artifact_of(run_id, "export")
    assert "| Folder | `data/exports` |" in text, text  # the project folder's, not a full path
    assert "| Format | generic |" in text


def test_the_pipeline_summary_counts_in_plain_words():
    crawl = [{"Source": "demo_expo", "Result": "ok", "Items landed": 1}]
    rows = _stage_rows(
        crawl,
        {"new_items": 1, "files_loaded": 1, "quarantined": 0},
        {"records": 2, "companies": 1, "review_pairs": 0},
        {"companies": 1, "websites_ok": 1, "websites_failed": 0, "websites_refused": 0},
        {"companies": 1, "prospects": 1, "suspects": 0},
        {"contacts_purged": 1, "retention_months": 1},
        {"rows": 1, "format": "generic", "path": "exports/prospects-2026-01-05.csv"},
        {"new_signals": 1, "sent": ["e-mail"], "errors": []},
    )
    said = {r["Stage"]: r["Outcome"] for r in rows}
    assert said == {
        "crawl": "1 source, 1 item landed; all finished",
        "load": "1 new item from 1 file; no line quarantined",
        "resolve": "2 records into 1 company; 0 pairs to review",
        "enrich": "1 company; websites: 1 read, 0 failed, 0 refused",
        "score": "1 company: 1 prospect, 0 suspects",
        "privacy purge": "1 contact not seen for 1 month removed",
        "export": "1 company, generic format, file prospects-2026-01-05.csv",
        "alert": "1 new signal sent by e-mail",
    }
