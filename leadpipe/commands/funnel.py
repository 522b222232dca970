"""CLI commands for the sales team's side: ``assign``, ``outcomes import`` and ``report``."""

from __future__ import annotations

from pathlib import Path
from typing import Annotated

import typer
from rich.markup import escape
from rich.table import Table

from enrich.normalise.words import plural
from leadpipe.commands._common import ConfigOption, console, fail, get_config
from leadpipe.config import ConfigError

outcomes_app = typer.Typer(help="CRM outcomes: contacted, meeting, proposal, won, lost.",
                           no_args_is_help=True)
UNASSIGNED_SHOWN = 30


def assign(
    profile: Annotated[str | None, typer.Option(help="ICP profile name")] = None,
    managers: Annotated[
        Path | None, typer.Option(help="Managers file (default: [sales] managers)")
    ] = None,
    config: ConfigOption = None,
) -> None:
    """Give each prospect a sales manager, best first, nobody over capacity.

    Owners stay from run to run: an account keeps its manager unless the manager leaves the
    managers file or the account's stage changes. Prospects nobody can take are listed.

    \b
    Example:
      leadpipe assign --managers managers.csv
    """
    from sales.assign import run_assignment
    from sales.export.view import write_snapshot
    from sales.managers import ManagersError, load_managers
    from warehouse.db import WarehouseBusy, connect

    cfg = get_config(config)
    try:
        path = managers or cfg.managers_path
        chosen = cfg.profile(profile).name
    except ConfigError as exc:
        fail(str(exc), code=2)
    if path is None:
        fail("no managers file: pass --managers FILE or set [sales] managers in the config",
             code=2)
    try:
        team = load_managers(path)
    except ManagersError as exc:
        fail(str(exc), code=2)
    try:
        con = connect(cfg.warehouse)
    except WarehouseBusy as exc:
        fail(str(exc))
    try:
        result = run_assignment(con, chosen, team)
        write_snapshot(con, cfg.snapshot_path)
    finally:
        con.close()
    table = Table("manager", "accounts", "capacity", title=f"owners ({chosen})")
    for name, (n, capacity) in result.load.items():
        table.add_row(name, str(n), str(capacity))
    console.print(table)
    console.print(f"{result.kept} kept their manager, {result.new} newly assigned, "
                  f"{result.released} released; {len(result.unassigned)} unassigned")
    for item in result.unassigned[:UNASSIGNED_SHOWN]:
        console.print(f"  unassigned: {escape(item.name)} ({item.company_id}): "
                      f"{escape(item.reason)}", highlight=False)
    if len(result.unassigned) > UNASSIGNED_SHOWN:
        console.print(f"  … and {len(result.unassigned) - UNASSIGNED_SHOWN} more")


@outcomes_app.command("import")
def import_outcomes(
    path: Annotated[Path, typer.Argument(help="CSV: company_id or domain, stage, date, channel")],
    config: ConfigOption = None,
) -> None:
    """Import what sales reached with companies (a CRM export). Re-runnable.

    Columns: company_id or domain (or name and country), stage (contacted, meeting, proposal,
    won, lost), date (YYYY-MM-DD), optionally channel. A bad row is reported by its line and the
    rest is imported.

    \b
    Example:
      leadpipe outcomes import crm-outcomes.csv
    """
    from sales.outcomes import OutcomesFileError
    from sales.outcomes import import_outcomes as load_outcomes
    from warehouse.db import WarehouseBusy, connect

    cfg = get_config(config)
    try:
        con = connect(cfg.warehouse)
    except WarehouseBusy as exc:
        fail(str(exc))
    try:
        result = load_outcomes(con, path)
    except OutcomesFileError as exc:
        fail(str(exc))
    finally:
        con.close()
    for problem in result.problems:
        console.print(f"[yellow]warning:[/] {escape(problem)}", highlight=False)
    console.print(f"imported {plural(result.loaded, 'outcome')}; "
                  f"{plural(len(result.problems), 'row')} skipped")


def _percent(value: float | None) -> str:
    return "" if value is None else f"{100 * value:.0f}%"


def _group_table(title: str, groups, with_outcomes: bool) -> Table:
    from sales.funnel import REACHED, SCORE_STAGES

    heads = [title, *SCORE_STAGES] + ([*REACHED, "lost", "won ÷ contacted"]
                                      if with_outcomes else [])
    table = Table(*heads)
    for name, counts in groups.items():
        cells = [str(counts.stages[s]) for s in SCORE_STAGES]
        if with_outcomes:
            cells += [str(counts.stages[s]) for s in (*REACHED, "lost")]
            cells.append(_percent(counts.conversion))
        table.add_row(escape(name), *cells)
    return table


def report(
    profile: Annotated[str | None, typer.Option(help="ICP profile name")] = None,
    output: Annotated[
        Path | None, typer.Option("--output", "-o", help="PNG path for the chart")
    ] = None,
    config: ConfigOption = None,
) -> None:
    """The funnel: companies per stage, per channel, tier and band; conversion once outcomes
    are imported; and a chart (PNG) of the funnel and conversion by channel.

    \b
    Example:
      leadpipe report -o funnel.png
    """
    from sales.funnel import funnel_report
    from sales.funnel_chart import write_funnel_png
    from warehouse.db import WarehouseBusy, connect

    cfg = get_config(config)
    try:
        chosen = cfg.profile(profile).name
    except ConfigError as exc:
        fail(str(exc), code=2)
    try:
        con = connect(cfg.warehouse, read_only=True)
    except (FileNotFoundError, WarehouseBusy) as exc:
        fail(str(exc))
    try:
        result = funnel_report(con, chosen)
    finally:
        con.close()
    outcomes = result.has_outcomes
    console.print(_group_table("all", {"all companies": result.total}, outcomes))
    console.print(_group_table("channel", result.by_channel, outcomes))
    if result.by_tier is not None:
        console.print(_group_table("tier", result.by_tier, outcomes))
    if result.by_band is not None:
        console.print(_group_table("solvency band", result.by_band, outcomes))
    if not outcomes:
        console.print("no outcomes yet: `leadpipe outcomes import FILE.csv` adds conversion")
    png = write_funnel_png(result, output or cfg.reports_dir / f"funnel-{chosen}.png")
    console.print(f"chart: {png}")


def register(app: typer.Typer) -> None:
    app.command(rich_help_panel="Sales")(assign)
    app.command(rich_help_panel="Sales")(report)
    app.add_typer(outcomes_app, name="outcomes", rich_help_panel="Sales")
