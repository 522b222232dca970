"""CLI commands for operators: ``status``, ``sources`` and ``clients import``."""

from __future__ import annotations

from pathlib import Path
from typing import Annotated

import typer
from rich.markup import escape
from rich.table import Table

from enrich.normalise.words import plural
from leadpipe.commands._common import ConfigOption, console, fail, get_config
from leadpipe.commands._csvinput import CsvInputError, read_csv_text

clients_app = typer.Typer(help="Imported clients: companies already buying, never prospects.",
                          no_args_is_help=True)


def status(config: ConfigOption = None) -> None:
    """Show the warehouse: table sizes, recent runs, high-water marks.

    \b
    Example:
      leadpipe status
    """
    from warehouse.db import WarehouseBusy, connect
    from warehouse.queries import high_water_mark_rows, recent_runs, table_sizes

    cfg = get_config(config)
    try:
        con = connect(cfg.warehouse, read_only=True)
    except FileNotFoundError as exc:
        fail(str(exc))
    except WarehouseBusy as exc:
        fail(f"{exc}; try again when it finishes")
    try:
        sizes = Table("table", "rows", title=str(cfg.warehouse))
        for name, rows in table_sizes(con).items():
            sizes.add_row(name, str(rows))
        console.print(sizes)
        runs = Table("run", "stage", "source", "status", "items", "finished", "message",
                     title="recent runs")
        for run in recent_runs(con):
            finished = run["finished_at"]
            runs.add_row(
                run["run_id"], run["stage"], run["source"] or "", run["status"],
                "" if run["items"] is None else str(run["items"]),
                finished.strftime("%Y-%m-%d %H:%M") if finished else "", run["message"] or "",
            )
        console.print(runs)
        marks = high_water_mark_rows(con)
        if marks:
            table = Table("source", "high-water mark", "updated", title="incremental crawls")
            for source, mark, updated in marks:
                table.add_row(source, mark, str(updated))
            console.print(table)
    finally:
        con.close()


def sources(config: ConfigOption = None) -> None:
    """List the sources leadpipe can crawl (Python spiders and YAML definitions).

    \b
    Example:
      leadpipe sources
    """
    from spiders.registry import SOURCES_DIR, list_sources

    cfg = get_config(config)
    enabled = set(cfg.crawl.sources)
    table = Table("source", "kind", "enabled")
    for name in list_sources():
        kind = "yaml" if (SOURCES_DIR / f"{name}.yaml").exists() else "python"
        table.add_row(name, kind, "yes" if name in enabled else "")
    console.print(table)


@clients_app.command("import")
def import_clients(
    path: Annotated[Path, typer.Argument(help="CSV: name, website or domain, country")],
    config: ConfigOption = None,
) -> None:
    """Import clients from a CSV (columns: name, website or domain, country). Re-runnable.

    Names match the way resolution matches them: legal forms, "&" / "and" and case do not
    matter ("Robinson and Hughes Ltd" is "Robinson & Hughes limited"). A bad row is reported by
    its line and the rest is imported.

    \b
    Example:
      leadpipe clients import crm-accounts.csv
    """
    from enrich.normalise import registrable_domain
    from sales.clients import match_clients
    from warehouse.clients import upsert_clients
    from warehouse.db import connect

    cfg = get_config(config)
    if not path.exists():
        fail(f"{path}: file not found")
    try:
        read, problems = read_csv_text(path, ragged="skip")
    except CsvInputError as exc:
        fail(str(exc))
    keys = [k.strip().lower() for k in read.header]
    if "name" not in keys:
        fail(f"{path}: needs a header with at least a 'name' column")
    if read.note:
        console.print(f"[yellow]note:[/] {escape(read.note)}", highlight=False, soft_wrap=True)
    records = []
    for r in read.rows:
        line = r.line
        row = {k: v.strip() for k, v in zip(keys, r.values, strict=True) if k}
        if not row.get("name"):
            problems.append(f"{path}:{line}: no name; row skipped")
            continue
        country = (row.get("country") or "").upper() or None
        if country and not (len(country) == 2 and country.isalpha()):
            problems.append(f"{path}:{line}: country {row['country']!r} is not a two-letter "
                            "code (GB, DE, ...); row skipped")
            continue
        domain = registrable_domain(row.get("domain") or row.get("website") or "") or None
        key = domain or f"{row['name'].lower()}|{country or ''}"
        records.append((key, row["name"], domain, country))
    if not records and not problems:
        fail(f"{path}: no client rows below the header")
    con = connect(cfg.warehouse)
    try:
        upsert_clients(con, records)
        matches = match_clients(con, [(name, domain, country)
                                      for _, name, domain, country in records])
    finally:
        con.close()
    for problem in problems:
        console.print(f"[yellow]warning:[/] {escape(problem)}", highlight=False,
                      soft_wrap=True)
    if problems and not records:
        fail(f"{path}: no row imported ({len(problems)} skipped: see the warnings)")
    matched = [m for m in matches if m.company_ids]
    console.print(f"imported {plural(len(records), 'client')}: {len(matched)} "
                  f"{'matches' if len(matched) == 1 else 'match'} a company found so far; "
                  "run `leadpipe score` to apply")
    for m in [m for m in matches if not m.company_ids][:10]:
        console.print(f"  not found yet: {m.name} (kept; it matches once the company is found)",
                      highlight=False)


def register(app: typer.Typer) -> None:
    app.command(rich_help_panel="Operate")(status)
    app.command(rich_help_panel="Operate")(sources)
    app.add_typer(clients_app, name="clients", rich_help_panel="Operate")
