"""CLI commands for the single stages: crawl, load, resolve, enrich, score, export."""

from __future__ import annotations

import inspect
from collections.abc import Callable
from datetime import datetime
from pathlib import Path
from typing import Annotated

import typer
from rich.progress import BarColumn, MofNCompleteColumn, Progress, TextColumn, TimeElapsedColumn
from rich.table import Table

from enrich.normalise.words import plural
from leadpipe import runner
from leadpipe.commands._common import ConfigOption, console, fail, get_config
from leadpipe.config import ConfigError
from leadpipe.demo.session import source_access
from sales.export import DEFAULT_FORMAT, UnknownFormat, format_names
from sales.export.filters import FILTERS, UnknownFilter
from sales.export.view import SnapshotOutdated
from sales.score import FUNNEL_STAGES
from sales.searches import parse_params
from spiders.definitions import DefinitionError
from spiders.search import SearchError
from warehouse.db import WarehouseBusy


def _progress() -> Progress:
    return Progress(
        TextColumn("{task.description}"),
        BarColumn(),
        MofNCompleteColumn(),
        TimeElapsedColumn(),
        console=console,
        transient=True,
    )


def crawl(
    sources: Annotated[
        list[str] | None, typer.Argument(help="Source ids (default: config)")
    ] = None,
    since: Annotated[
        str | None, typer.Option(help="Start here instead of the high-water mark")
    ] = None,
    until: Annotated[str | None, typer.Option(help="Stop at this date/cursor")] = None,
    full: Annotated[bool, typer.Option(help="Ignore high-water marks; crawl everything")] = False,
    param: Annotated[list[str] | None, typer.Option(
        "--param", help="A directory search value NAME=VALUE (repeatable), e.g. "
        "category=plumber; unset names come from the profile")] = None,
    profile: Annotated[str | None, typer.Option(
        help="Profile whose industries and regions choose a directory's searches")] = None,
    config: ConfigOption = None,
) -> None:
    """Crawl sources into a new landing run (one subprocess per source).

    A directory whose definition declares search parameters runs one search per category
    and location: from --param, else from the profile's industries and regions, else from
    the definition's defaults.

    \b
    Examples:
      leadpipe crawl                       # the config's sources, incrementally
      leadpipe crawl demo_expo --full      # one source, from the start
      leadpipe crawl uk_contracts_finder --since 2026-01-01
      leadpipe crawl yellowpages_au --param category=plumber --param location="Cairns, QLD"
    """
    cfg = get_config(config)
    chosen = list(sources or cfg.crawl.sources)
    try:
        params = parse_params(param or [])
        searches = runner.source_searches(cfg, chosen, params=params, profile=profile)
    except (SearchError, ConfigError, DefinitionError) as exc:
        fail(str(exc))
    for source, found in searches.items():
        console.print(f"{source}: {plural(len(found), 'search', 'searches')}: "
                      + "; ".join(", ".join(s.values()) for s in found))
    table = Table("source", "items", "finished", "landing file", "errors")
    with source_access(cfg, chosen) as access, _progress() as bar:
        task = bar.add_task("crawling", total=len(chosen))
        reports = runner.crawl(
            cfg,
            chosen,
            access=access,
            since=since,
            until=until,
            full=full,
            params=params,
            profile=profile,
            on_done=lambda r: bar.advance(task),
        )
    for r in reports:
        table.add_row(
            r.source,
            str(r.items),
            r.finish_reason,
            str(r.landing_file or "-"),
            "; ".join(r.errors) or "",
        )
    console.print(table)
    if not all(r.ok for r in reports):
        fail("some crawls failed (see the table); nothing was lost: re-run to retry")


def load(
    strict: Annotated[bool, typer.Option(
        help="Exit non-zero when any landing line was quarantined")] = False,
    config: ConfigOption = None,
) -> None:
    """Load new landing files into the warehouse. Safe to re-run: loaded files are skipped.

    A line that is not JSON or breaks the landing contract (a wrong type, a value out of
    bounds) is quarantined in the table quarantined_lines with its file, line and reason; the
    rest of its file loads, and later files are never blocked.

    \b
    Examples:
      leadpipe load
      leadpipe load --strict     # exit 1 when a line was quarantined
    """
    cfg = get_config(config)
    try:
        with _progress() as bar:
            files = len(list(cfg.landing_dir.glob("*/*.jsonl")))
            task = bar.add_task("loading", total=files)
            summary = runner.load(cfg, progress=lambda p: bar.advance(task))
    except WarehouseBusy as exc:
        fail(str(exc))
    console.print(
        f"loaded {plural(summary.files_loaded, 'file')}, {plural(summary.new_items, 'new item')}; "
        f"{summary.files_skipped} already loaded; {plural(summary.quarantined, 'line')} "
        "quarantined",
        highlight=False,
    )
    if summary.masked_lines:
        console.print(f"{plural(summary.masked_lines, 'line')} naming people on the suppression "
                      f"list {'was' if summary.masked_lines == 1 else 'were'} masked before "
                      "loading (see erasure-log.jsonl)", highlight=False)
    for error in summary.errors[:20]:
        console.print(f"[yellow]warning:[/] {error}", highlight=False, soft_wrap=True)
    if len(summary.errors) > 20:
        console.print(f"… and {len(summary.errors) - 20} more (table quarantined_lines)",
                      highlight=False)
    for note in summary.warnings[:20]:
        console.print(f"[yellow]warning:[/] {note}", highlight=False, soft_wrap=True)
    if len(summary.warnings) > 20:
        console.print(f"[yellow]warning:[/] ... and {len(summary.warnings) - 20} more repeats",
                      highlight=False)
    if summary.files_failed:
        fail(f"{plural(summary.files_failed, 'file')} not loaded (see the warnings); "
             "re-run to retry")
    if strict and summary.quarantined:
        fail(f"{plural(summary.quarantined, 'landing line')} quarantined (--strict)")


def resolve(config: ConfigOption = None) -> None:
    """Merge source records into companies (stable ids, explained links).

    \b
    Example:
      leadpipe resolve
    """
    from enrich.resolve.decisions import DecisionsError
    from leadpipe.config import ConfigError

    try:
        summary = runner.resolve(get_config(config))
    except (ConfigError, DecisionsError) as exc:  # e.g. a mistyped decisions path
        fail(str(exc), code=2)
    console.print(summary)


def enrich(
    fetch_websites: Annotated[bool, typer.Option(help="Fetch company websites")] = True,
    refresh: Annotated[bool, typer.Option(
        help="Fetch every website now, not only stale ones (changes become site events)")]
    = False,
    config: ConfigOption = None,
) -> None:
    """Website signals, industry and solvency per company (re-fetches only stale sites).

    A re-fetched site is compared with its last fetch: `leadpipe events` lists what changed.

    \b
    Examples:
      leadpipe enrich
      leadpipe enrich --refresh
      leadpipe enrich --no-fetch-websites
    """
    cfg = get_config(config)
    with source_access(cfg) as access, _progress() as bar:
        task = bar.add_task("websites", total=None)
        summary = runner.enrich(
            cfg,
            access=access,
            fetch=fetch_websites,
            refresh=refresh,
            progress=lambda: bar.advance(task),
            on_total=lambda n: bar.update(task, total=n),
        )
    console.print(
        f"enriched {summary.companies} companies; websites fetched "
        f"{summary.websites_fetched} (ok {summary.websites_ok}, failed "
        f"{summary.websites_failed}, refused as private addresses {summary.websites_refused}, "
        f"temporarily unreachable {summary.websites_temporary}: tried again within the hour)"
    )


def score(
    profile: Annotated[str | None, typer.Option(help="ICP profile name from the config")] = None,
    config: ConfigOption = None,
) -> None:
    """Score fit and solvency, set suspect / prospect / client.

    \b
    Example:
      leadpipe score --profile default
    """
    from sales.geo import UnknownHomeBase

    cfg = get_config(config)
    try:
        summary = runner.score(cfg, profile=profile)
    except UnknownHomeBase as exc:
        fail(f"{cfg.source}: [profiles.{cfg.profile(profile).name}] {exc}", code=2)
    console.print(
        f"{summary.companies} companies: {summary.prospects} prospects, "
        f"{summary.suspects} suspects, {summary.clients} clients"
    )


def export(
    output: Annotated[Path | None, typer.Option("--output", "-o", help="CSV path")] = None,
    profile: Annotated[str | None, typer.Option(help="ICP profile name")] = None,
    stage: Annotated[
        list[str] | None,
        typer.Option(help="Stages to include (repeatable): prospect, suspect, client"),
    ] = None,
    export_format: Annotated[
        str, typer.Option("--format", help=f"Export format: {', '.join(format_names())}")
    ] = DEFAULT_FORMAT,
    changed: Annotated[
        bool, typer.Option(help="Only companies new or changed since the last export of this "
                                "profile and format")
    ] = False,
    since: Annotated[
        str | None, typer.Option(help="Only companies new or changed since this date (YYYY-MM-DD)")
    ] = None,
    excel: Annotated[
        bool, typer.Option(help="Excel-friendly: UTF-8 with BOM, phones and ids kept as text")
    ] = False,
    provenance: Annotated[
        bool, typer.Option(help="Also write a CSV of each value's source URL and fetch time")
    ] = False,
    config: ConfigOption = None,
    **filters: list[str] | None,
) -> None:
    """Write the prospects CSV for sales (UTF-8, one row per company, reasons included).

    \b
    Examples:
      leadpipe export
      leadpipe export -o prospects.csv --stage prospect --stage suspect
      leadpipe export --format hubspot --country GB --industry manufacturing
      leadpipe export --format salesforce --changed
      leadpipe export --excel --provenance --since 2026-01-01
    """
    cfg = get_config(config)
    chosen = tuple(stage or ["prospect"])
    bad = [s for s in chosen if s not in FUNNEL_STAGES]
    if bad:
        fail(f"unknown stage {bad[0]!r}; use prospect, suspect or client")
    since_at = None
    if since is not None:
        try:
            since_at = datetime.fromisoformat(since)
        except ValueError:
            fail(f"--since {since!r}: not a date; use YYYY-MM-DD")
    try:
        result = runner.export(
            cfg, output=output, profile=profile, funnel_stages=chosen, export_format=export_format,
            filters={k: v for k, v in filters.items() if v}, since=since_at, changed=changed,
            excel=excel, provenance=provenance,
        )
    except (FileNotFoundError, UnknownFormat, UnknownFilter, WarehouseBusy,
            SnapshotOutdated) as exc:
        fail(str(exc))
    note = (
        " (from the latest snapshot: a writer holds the warehouse)" if result.from_snapshot else ""
    )
    console.print(f"wrote {result.rows} rows to {result.path}{note}")
    for extra in result.files[1:]:
        console.print(f"also wrote {extra}")


def _declare_filter_options(command: Callable[..., None]) -> None:
    """One repeatable option per declared export filter (``sales.export.filters.FILTERS``)."""
    signature = inspect.signature(command, eval_str=True)
    params = [p for p in signature.parameters.values() if p.kind is not p.VAR_KEYWORD]
    for declared in FILTERS:
        params.append(inspect.Parameter(
            declared.name, inspect.Parameter.KEYWORD_ONLY, default=None,
            annotation=Annotated[list[str] | None, typer.Option(help=declared.help)],
        ))
    command.__signature__ = signature.replace(parameters=params)  # type: ignore[attr-defined]


_declare_filter_options(export)


def alert(
    profile: Annotated[str | None, typer.Option(help="ICP profile (default: config)")] = None,
    config: ConfigOption = None,
) -> None:
    """Send the profile's new hot signals once, by e-mail and/or webhook ([alerts] in the
    config); the pipeline does this after every run. Nothing new: nothing is sent.

    \b
    Examples:
      leadpipe alert
      leadpipe alert --profile default
    """
    cfg = get_config(config)
    try:
        summary = runner.alert(cfg, profile=profile)
    except WarehouseBusy as exc:
        fail(f"{exc}; try again when it finishes")
    except ConfigError as exc:
        fail(str(exc))
    console.print(str(summary))
    if summary.errors:
        fail("some alerts were not delivered; they are sent again on the next run")


def register(app: typer.Typer) -> None:
    for command in (crawl, load, resolve, enrich, score, export, alert):
        app.command(rich_help_panel="Stages")(command)
