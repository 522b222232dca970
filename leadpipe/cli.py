"""The ``leadpipe`` command line: thin wrappers over the same stage functions the flows call."""

from __future__ import annotations

import importlib
import os
import pkgutil
from pathlib import Path

# Prefect without a server starts a temporary one; keep its state inside the project and
# skip the analytics call that otherwise logs a "database is locked" traceback on first run.
os.environ.setdefault("PREFECT_HOME", str(Path.cwd() / ".prefect"))
os.environ.setdefault("PREFECT_SERVER_ANALYTICS_ENABLED", "false")

from typing import Annotated

import typer

import leadpipe.commands as commands
from leadpipe.commands._errors import DEBUG_OPTION, SafeGroup

app = typer.Typer(
    name="leadpipe",
    help="Open, self-hosted lead sourcing: crawl tenders, exhibitor catalogues and directories, "
    "merge sightings into companies, score fit and solvency, export prospect CSVs.",
    no_args_is_help=True,
    rich_markup_mode="rich",
    pretty_exceptions_show_locals=False,
    cls=SafeGroup,
)


@app.callback()
def main(
    debug: Annotated[bool, typer.Option(
        f"--{DEBUG_OPTION}", help="Show the full traceback when something fails unexpectedly.",
    )] = False,
) -> None:
    """Options every command shares (give them before the command: leadpipe --debug load)."""

# The help lists panels in the order commands first appear: the everyday ones first.
FIRST = ("run", "stages", "ops")
names = sorted((m.name for m in pkgutil.iter_modules(commands.__path__)
                if not m.name.startswith("_")),
               key=lambda name: (FIRST.index(name) if name in FIRST else len(FIRST), name))
for name in names:
    importlib.import_module(f"{commands.__name__}.{name}").register(app)


if __name__ == "__main__":
    app()
