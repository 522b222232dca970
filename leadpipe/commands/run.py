"""CLI commands that run whole flows: ``demo``, ``pipeline`` and ``serve`` (deployments)."""

from __future__ import annotations

import csv
import os
import time
from pathlib import Path
from typing import Annotated

import typer
from rich.table import Table

from leadpipe.commands._common import ConfigOption, console, fail, get_config


def _summary(csv_path: Path, warehouse: Path) -> None:
    from warehouse.db import connect
    from warehouse.queries import funnel_counts, table_sizes

    con = connect(warehouse, read_only=True)
    try:
        counts = funnel_counts(con).items()
        totals = table_sizes(con, ("source_records", "companies", "tenders", "contacts"))
    finally:
        con.close()
    table = Table(title="leadpipe run", show_header=True)
    table.add_column("what")
    table.add_column("count", justify="right")
    table.add_row("source records", str(totals["source_records"]))
    table.add_row("companies (after merging)", str(totals["companies"]))
    table.add_row("tenders", str(totals["tenders"]))
    table.add_row("contacts", str(totals["contacts"]))
    for stage, n in counts:
        table.add_row(f"{stage}s", str(n))
    console.print(table)
    with csv_path.open(encoding="utf-8") as fh:
        rows = list(csv.DictReader(fh))[:8]
    top = Table(title="top prospects", expand=False)
    top.add_column("name", max_width=30, overflow="ellipsis", no_wrap=True)
    top.add_column("fit", justify="right", no_wrap=True)
    top.add_column("solv.", justify="right", no_wrap=True)
    top.add_column("why", overflow="ellipsis", no_wrap=True, max_width=max(20, console.width - 54))
    for row in rows:
        why = "; ".join(row["reasons"].split("; ")[:2])
        top.add_row(f"{row['name']} ({row['country']})", row["fit"], row["solvency"], why)
    console.print(top)
    console.print(f"[bold green]prospects CSV:[/] {csv_path}")


def pipeline(
    sources: Annotated[
        list[str] | None, typer.Argument(help="Source ids (default: config)")
    ] = None,
    profile: Annotated[str | None, typer.Option(help="ICP profile name")] = None,
    fetch_websites: Annotated[bool, typer.Option(help="Fetch company websites")] = True,
    full: Annotated[bool, typer.Option(help="Ignore high-water marks")] = False,
    config: ConfigOption = None,
) -> None:
    """Run the whole pipeline as a Prefect flow (crawl → load → resolve → enrich → score → export).

    Without PREFECT_API_URL, Prefect starts a temporary local server (~15 s).

    \b
    Examples:
      leadpipe pipeline
      leadpipe pipeline demo_expo demo_directory --profile default
    """
    cfg = get_config(config)
    from flows.pipeline import pipeline_flow

    started = time.monotonic()
    state = pipeline_flow(
        sources=sources,
        profile=profile,
        fetch_websites=fetch_websites,
        full=full,
        config_path=str(cfg.source) if config else None,
        return_state=True,
    )
    console.print(f"pipeline finished in {time.monotonic() - started:.1f}s")
    result = state.result(raise_on_failure=False)
    if isinstance(result, dict) and "export" in result:
        _summary(Path(result["export"]["path"]), cfg.warehouse)
    if not state.is_completed():
        fail(state.message or f"the pipeline ended {state.name}")


def demo(
    companies: Annotated[int | None, typer.Option(help="Demo world size (50 to 100,000)")] = None,
    seed: Annotated[int | None, typer.Option(help="Demo world seed")] = None,
    config: ConfigOption = None,
) -> None:
    """Run the whole pipeline on the bundled demo world (a local server on 127.0.0.1).

    \b
    Examples:
      leadpipe demo
      leadpipe demo --companies 1000 --seed 3
    """
    if companies is not None:
        if not 50 <= companies <= 100_000:
            raise typer.BadParameter("--companies must be between 50 and 100,000")
        os.environ["LEADPIPE_DEMO_COMPANIES"] = str(companies)
    if seed is not None:
        os.environ["LEADPIPE_DEMO_SEED"] = str(seed)
    pipeline(sources=None, profile=None, fetch_websites=True, full=False, config=config)


def serve(
    cron: Annotated[str | None, typer.Option(help="Schedule for the pipeline (cron)")] = None,
    config: ConfigOption = None,
) -> None:
    """Serve every deployment from this process so ops can trigger and watch them in the UI.

    Needs a running server: PREFECT_API_URL must be set (`leadpipe up` starts one with a
    worker and needs no `serve`).

    \b
    Examples:
      leadpipe serve                      # one deployment per source crawl and per stage
      leadpipe serve --cron "0 3 * * *"    # plus a nightly pipeline run
    """
    cfg = get_config(config)
    from prefect.settings import PREFECT_API_URL

    if not PREFECT_API_URL.value():
        fail("PREFECT_API_URL is not set: start a server (`leadpipe up`, or `prefect server "
             "start`) and export PREFECT_API_URL=http://127.0.0.1:4200/api", code=2)
    from dataclasses import replace

    from prefect import serve as prefect_serve

    from flows.deployments import deployment, specs
    from flows.stages import ensure_writer_limit

    ensure_writer_limit()
    chosen = specs(cfg, str(cfg.source.resolve()) if config else None)
    if cron:
        chosen = [replace(s, cron=cron) if s.name == "pipeline" else s for s in chosen]
    prefect_serve(*(deployment(s, cfg) for s in chosen))


def register(app: typer.Typer) -> None:
    app.command(rich_help_panel="Run")(demo)
    app.command(rich_help_panel="Run")(pipeline)
    app.command(rich_help_panel="Run")(serve)
