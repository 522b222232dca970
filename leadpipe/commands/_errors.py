"""The CLI's safety net: every failure ends as one line on stderr and a non-zero exit.

Commands report bad input themselves (``leadpipe.commands._common.fail``). What they do not
catch lands here: errors that already say what is wrong in plain words (a config key, a busy
warehouse, a decisions file) print as they are; anything unexpected prints its message with a
hint to re-run with ``--debug``, which lets the traceback through instead.
"""

from __future__ import annotations

from typing import Any

import click
import typer
from rich.console import Console
from rich.markup import escape
from typer.core import TyperGroup

DEBUG_OPTION = "debug"
MAX_MESSAGE_CHARS = 500

_stderr = Console(stderr=True)


def _plain_errors() -> dict[type[BaseException], int]:
    """Error types whose message is already one plain line, with their exit codes."""
    from enrich.resolve.decisions import DecisionsError
    from leadpipe.config import ConfigError
    from warehouse.db import WarehouseBusy
    from warehouse.lake import LakeUnavailable

    return {ConfigError: 2, WarehouseBusy: 1, DecisionsError: 1, LakeUnavailable: 1}


def one_line(exc: BaseException) -> str:
    """The exception's message on one line (its type's name when it has none)."""
    text = " ".join(str(exc).split()) or type(exc).__name__
    if len(text) > MAX_MESSAGE_CHARS:
        text = text[: MAX_MESSAGE_CHARS - 1] + "…"
    return text


def _debug_requested(ctx: click.Context) -> bool:
    return bool(ctx.find_root().params.get(DEBUG_OPTION))


class SafeGroup(TyperGroup):
    """The top-level command group: runs a command, turning a stray exception into one line."""

    def invoke(self, ctx: click.Context) -> Any:
        try:
            return super().invoke(ctx)
        except (click.exceptions.ClickException, click.exceptions.Exit,
                click.exceptions.Abort, typer.Exit):
            raise
        except Exception as exc:
            if _debug_requested(ctx):
                raise
            code = next((c for t, c in _plain_errors().items() if isinstance(exc, t)), None)
            message = one_line(exc)
            if code is None:
                code = 1
                message += " (run with --debug for details)"
            _stderr.print(f"[bold red]error:[/] {escape(message)}", highlight=False,
                          soft_wrap=True)
            raise typer.Exit(code) from None
