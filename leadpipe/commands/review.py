"""``leadpipe review``: the uncertain record pairs of the last resolution, and decisions on them.

The list is the review band (``review_pairs``) with both records side by side and why the pair
is uncertain; ``leadpipe review decide PAIR same|different`` (or ``--interactive``) writes the
decision into the decisions file (``[resolve] decisions``) that every resolution obeys.
"""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path
from typing import Annotated

import typer
from rich.markup import escape
from rich.table import Table

from leadpipe.commands._common import ConfigOption, console, fail, get_config
from leadpipe.config import Config
from warehouse.queries import REVIEW_FIELDS as FIELDS

review_app = typer.Typer(invoke_without_command=True)  # help: the callback's docstring
_CHOICES = {"s": "same", "same": "same", "d": "different", "different": "different"}


@dataclass(frozen=True)
class ReviewPair:
    number: int
    left: dict
    right: dict
    match_weight: float | None
    explanation: str


def _decisions_file(cfg: Config) -> Path | None:
    value = cfg.resolve.decisions
    return cfg.base_dir / value if value else None


def _pairs(cfg: Config) -> list[ReviewPair]:
    """The review band, numbered by weight (highest first), with both records' fields."""
    from warehouse.db import WarehouseBusy, connect
    from warehouse.queries import review_band

    try:
        con = connect(cfg.warehouse, read_only=True)
    except FileNotFoundError as exc:
        fail(f"{exc}; run `leadpipe load` and `leadpipe resolve` first")
    except WarehouseBusy as exc:
        fail(f"{exc}; try again when it finishes")
    try:
        rows = review_band(con)
    finally:
        con.close()
    return [ReviewPair(n, r["left"], r["right"], r["match_weight"], r["explanation"])
            for n, r in enumerate(rows, start=1)]


def _plain(value) -> str:
    if value is None:
        return ""
    if isinstance(value, list | tuple):
        return "; ".join(_plain(v) for v in value)
    if isinstance(value, dict):
        return ":".join(str(v) for v in value.values() if v)
    return str(value)


def _decided(cfg: Config) -> dict[tuple[str, str], str]:
    from enrich.resolve.decisions import DecisionsError, load_decisions

    path = _decisions_file(cfg)
    try:
        dec = load_decisions(path)
    except DecisionsError as exc:
        fail(str(exc))
    out = {tuple(sorted(p)): "same" for p in dec.must_link}
    out.update({tuple(sorted(p)): "different" for p in dec.cannot_link})
    return out


def _show(pair: ReviewPair, decided: str | None) -> None:
    weight = "" if pair.match_weight is None else f", match weight {pair.match_weight:.1f}"
    title = f"Pair {pair.number}{weight}" + (f" (decided: {decided})" if decided else "")
    table = Table("", pair.left["record_id"], pair.right["record_id"], title=title,
                  title_justify="left")
    for f in FIELDS:
        a, b = _plain(pair.left.get(f)), _plain(pair.right.get(f))
        if a or b:
            table.add_row(f, escape(a), escape(b))
    console.print(table)
    console.print(f"  why: {escape(pair.explanation)}", highlight=False)


def _record(cfg: Config, pair: ReviewPair, decision: str) -> None:
    from enrich.resolve.decisions import DecisionsError, record_decision

    path = _decisions_file(cfg)
    if path is None:
        fail("no decisions file is configured: add  decisions = \"decisions.yaml\"  under "
             "[resolve] in your leadpipe.toml")
    try:
        record_decision(path, pair.left["record_id"], pair.right["record_id"],
                        same=decision == "same")
    except (DecisionsError, OSError) as exc:
        fail(str(exc))
    console.print(f"recorded in {path}: {pair.left['record_id']} and {pair.right['record_id']} "
                  f"are {'the same company' if decision == 'same' else 'different companies'}"
                  "; the next `leadpipe resolve` applies it", highlight=False)


@review_app.callback()
def review(
    ctx: typer.Context,
    interactive: Annotated[bool, typer.Option(
        "--interactive", "-i", help="Ask for a decision on each undecided pair.")] = False,
    limit: Annotated[int, typer.Option(help="Show at most this many pairs.")] = 50,
    config: ConfigOption = None,
) -> None:
    """List the uncertain record pairs side by side with the reason, or decide them.

    \b
    Examples:
      leadpipe review                      # the pairs, both records, why each is uncertain
      leadpipe review decide 3 same        # pair 3 is one company
      leadpipe review decide 4 different   # pair 4 is two companies
      leadpipe review --interactive        # decide each undecided pair in turn
    """
    if ctx.invoked_subcommand is not None:
        return
    cfg = get_config(config)
    pairs = _pairs(cfg)
    decided = _decided(cfg)
    if not pairs:
        console.print("no uncertain pairs: the last resolution left nothing to review")
        return
    for pair in pairs[:limit] if not interactive else pairs:
        key = tuple(sorted((pair.left["record_id"], pair.right["record_id"])))
        if interactive and key in decided:
            continue
        _show(pair, decided.get(key))
        if interactive:
            answer = typer.prompt("same, different, skip or quit? [s/d/k/q]", default="k")
            answer = answer.strip().lower()
            if answer in ("q", "quit"):
                break
            if answer in _CHOICES:
                _record(cfg, pair, _CHOICES[answer])
    if not interactive and len(pairs) > limit:
        console.print(f"... and {len(pairs) - limit} more (use --limit)")


@review_app.command()
def decide(
    pair: Annotated[int, typer.Argument(help="The pair's number in `leadpipe review`.")],
    decision: Annotated[str, typer.Argument(help="same or different")],
    config: ConfigOption = None,
) -> None:
    """Record that a reviewed pair is the same company or two different ones.

    \b
    Example:
      leadpipe review decide 3 same
    """
    choice = _CHOICES.get(decision.strip().lower())
    if choice is None:
        fail(f"decision must be 'same' or 'different', not {decision!r}")
    cfg = get_config(config)
    pairs = _pairs(cfg)
    if not 1 <= pair <= len(pairs):
        fail(f"no pair {pair}: `leadpipe review` lists pairs 1 to {len(pairs)}"
             if pairs else "no uncertain pairs to decide: run `leadpipe resolve` first")
    _record(cfg, pairs[pair - 1], choice)


def register(app: typer.Typer) -> None:
    app.add_typer(review_app, name="review", rich_help_panel="Stages")
