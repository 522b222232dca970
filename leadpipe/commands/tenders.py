"""``leadpipe tenders``: open tenders matching the ICP, buyers' demand, suppliers' wins."""

from __future__ import annotations

import json
from datetime import UTC, datetime
from typing import Annotated, Any

import typer
from rich.table import Table

from enrich.normalise.words import plural
from leadpipe.commands._common import ConfigOption, console, fail, get_config

tenders_app = typer.Typer(help="Leads from public tenders: new open tenders, buyers, suppliers.",
                          no_args_is_help=True)


def _open_read_only(cfg: Any) -> Any:
    from warehouse.db import WarehouseBusy, connect

    try:
        return connect(cfg.warehouse, read_only=True)
    except FileNotFoundError as exc:
        fail(str(exc))
    except WarehouseBusy as exc:
        fail(f"{exc}; try again when it finishes")


def _when(value: str | None, option: str) -> datetime | None:
    """An ISO date or date-time option as naive UTC (what the warehouse stores)."""
    if not value:
        return None
    try:
        moment = datetime.fromisoformat(value.replace("Z", "+00:00"))
    except ValueError:
        fail(f"{option} {value!r} is not an ISO date or date-time")
    if moment.tzinfo is not None:
        moment = moment.astimezone(UTC).replace(tzinfo=None)
    return moment


def _jsonable(row: dict[str, Any]) -> dict[str, Any]:
    return {k: (v.isoformat() if isinstance(v, datetime) else v) for k, v in row.items()}


@tenders_app.command("new")
def new(
    config: ConfigOption = None,
    profile: Annotated[str | None, typer.Option(help="ICP profile whose cpv_prefixes count.")]
    = None,
    since: Annotated[str | None, typer.Option(
        help="ISO date-time; default: since this profile's last pipeline run (else the load "
        "before the latest one).")] = None,
    cpv: Annotated[list[str] | None, typer.Option(
        help="CPV prefix (repeatable); overrides the profile's.")] = None,
    as_json: Annotated[bool, typer.Option("--json", help="JSON Lines instead of a table.")]
    = False,
    as_of: Annotated[str | None, typer.Option(
        help="Judge deadlines as of this date (default: now; the demo world's is 2026-06-30).")]
    = None,
) -> None:
    """List open tenders (deadline ahead) new since the last run whose CPV codes match the ICP.

    \b
    Examples:
      leadpipe tenders new
      leadpipe tenders new --since 2026-11-01 --cpv 48 --cpv 72
      leadpipe tenders new --profile default --json > open-tenders.jsonl
      leadpipe tenders new --as-of 2026-06-30   # the demo world's today
    """
    from sales.alerts import since_last_run
    from warehouse.tenders import last_load_started, new_open_tenders

    cfg = get_config(config)
    chosen = cfg.profile(profile)
    prefixes = list(cpv) if cpv else list(chosen.cpv_prefixes)
    since_value = _when(since, "--since")
    now = _when(as_of, "--as-of")
    con = _open_read_only(cfg)
    try:
        if since_value is None:
            since_value = since_last_run(con, chosen.name) or last_load_started(con)
        rows = new_open_tenders(con, prefixes, since_value, now=now)
    finally:
        con.close()
    if as_json:
        for row in rows:
            typer.echo(json.dumps(_jsonable(row), ensure_ascii=False))
        return
    title = (f"{plural(len(rows), 'open tender')}, CPV {', '.join(prefixes) or 'any'}, "
             f"new since {since_value or 'the beginning'}")
    table = Table("deadline", "buyer", "title", "CPV", "value", "source", title=title)
    for r in rows:
        value = f"{r['value']:,.0f} {r['currency'] or ''}" if r["value"] is not None else ""
        table.add_row(str(r["deadline"])[:16], r["buyer_name"] or "", (r["title"] or "")[:60],
                      ", ".join(r["cpv"] or [])[:30], value, r["source"])
    console.print(table)


@tenders_app.command("buyers")
def buyers(
    config: ConfigOption = None,
    top: Annotated[int, typer.Option(help="How many buyers, most tenders first.")] = 20,
    as_of: Annotated[str | None, typer.Option(
        help="Judge deadlines as of this date (default: now).")] = None,
) -> None:
    """Buyers as suspects: how many tenders, what they buy (CPV), open tenders.

    \b
    Examples:
      leadpipe tenders buyers --top 10
      leadpipe tenders buyers --as-of 2026-06-30   # the demo world's today
    """
    from warehouse.queries import record_names
    from warehouse.tenders import buyer_demand

    cfg = get_config(config)
    con = _open_read_only(cfg)
    try:
        demand = buyer_demand(con, now=_when(as_of, "--as-of"))
        names = record_names(con)
    finally:
        con.close()
    table = Table("buyer", "tenders", "top CPV", "open", "next deadline", "last published")
    ranked = sorted(demand.values(), key=lambda d: (-d.tenders, d.record_id))[:top]
    for d in ranked:
        deadlines = sorted(t["deadline"] for t in d.open_tenders)
        table.add_row(names.get(d.record_id, d.record_id), str(d.tenders),
                      ", ".join(d.top_cpv[:3]), str(len(d.open_tenders)),
                      str(deadlines[0])[:10] if deadlines else "",
                      str(d.last_published or "")[:10])
    console.print(table)


@tenders_app.command("suppliers")
def suppliers(
    config: ConfigOption = None,
    top: Annotated[int, typer.Option(help="How many suppliers, most awards first.")] = 20,
) -> None:
    """Suppliers as suspects: awards won, total and largest value per currency, buyers.

    \b
    Example:
      leadpipe tenders suppliers --top 10
    """
    from warehouse.queries import record_names
    from warehouse.tenders import supplier_history

    cfg = get_config(config)
    con = _open_read_only(cfg)
    try:
        history = supplier_history(con)
        names = record_names(con)
    finally:
        con.close()
    table = Table("supplier", "awards", "total", "largest", "buyers", "last award")
    ranked = sorted(history.values(), key=lambda h: (-h.awards, h.key))[:top]
    for h in ranked:
        per_currency = h.currencies()  # one line per currency, never added together
        total = "\n".join(f"{c.total:,.0f} {c.currency}" for c in per_currency)
        largest = "\n".join(f"{c.largest:,.0f} {c.currency}" for c in per_currency)
        table.add_row(names.get(h.key, h.key), str(h.awards), total, largest,
                      str(h.distinct_buyers), str(h.last_award_date or "")[:10])
    console.print(table)


def register(app: typer.Typer) -> None:
    app.add_typer(tenders_app, name="tenders", rich_help_panel="Tools")
