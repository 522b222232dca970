"""``leadpipe events``: what changed on company websites between two fetches, in plain words."""

from __future__ import annotations

import json
from typing import Annotated

import typer

from enrich.normalise.words import plural
from leadpipe.commands._common import ConfigOption, console, fail, get_config
from leadpipe.commands.tenders import _jsonable, _open_read_only, _when


def events(
    since: Annotated[str | None, typer.Option(
        help="ISO date or date-time: only changes seen since then (default: all).")] = None,
    company: Annotated[str | None, typer.Option(help="Only this company id.")] = None,
    kind: Annotated[list[str] | None, typer.Option(
        help="Only these kinds (repeatable): jobs_appeared, distress_notice, new_press_page, "
        "new_product_page, new_legal_name, new_address.")] = None,
    as_json: Annotated[bool, typer.Option("--json", help="JSON Lines instead of a table.")]
    = False,
    config: ConfigOption = None,
) -> None:
    """List changes on company websites: jobs appeared, a distress notice, a new press item or
    product page, a new legal name or address (newest first).

    Every re-fetch of a site (`leadpipe enrich`) is compared with the fetch before it.

    \b
    Examples:
      leadpipe events
      leadpipe events --since 2026-11-01 --kind jobs_appeared
      leadpipe events --json > site-events.jsonl
    """
    from enrich.monitor.events import KINDS
    from enrich.monitor.store import site_events

    unknown = sorted(set(kind or ()) - set(KINDS))
    if unknown:
        fail(f"--kind {unknown[0]!r} is not one of {', '.join(KINDS)}", code=2)
    cfg = get_config(config)
    since_value = _when(since, "--since")
    con = _open_read_only(cfg)
    try:
        rows = site_events(con, since_value, company)
    finally:
        con.close()
    if kind:
        rows = [r for r in rows if r["kind"] in set(kind)]
    if as_json:
        for row in rows:
            typer.echo(json.dumps(_jsonable(row), ensure_ascii=False))
        return
    title = f"{plural(len(rows), 'change')} on company websites" + (
        f" since {since_value:%Y-%m-%d %H:%M}" if since_value else "")
    console.print(title, highlight=False)
    for r in rows:  # one sentence per change, never cut to a column's width
        page = f" ({r['url']})" if r["url"] else ""
        console.print(f"{r['detected_at']:%Y-%m-%d}  {r['name'] or r['company_id']}: "
                      f"{r['sentence']}{page}", highlight=False, soft_wrap=True)


def register(app: typer.Typer) -> None:
    app.command(rich_help_panel="Sales")(events)
