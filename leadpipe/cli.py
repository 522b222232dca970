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

import typer

import leadpipe.commands as commands

app = typer.Typer(
    name="leadpipe",
    help="Open, self-hosted lead sourcing: crawl tenders, exhibitor catalogues and directories, "
    "merge sightings into companies, score fit and solvency, export prospect CSVs.",
    no_args_is_help=True,
    rich_markup_mode="rich",
    pretty_exceptions_show_locals=False,
)

for module_info in sorted(pkgutil.iter_modules(commands.__path__), key=lambda m: m.name):
    if module_info.name.startswith("_"):
        continue
    module = importlib.import_module(f"{commands.__name__}.{module_info.name}")
    module.register(app)


if __name__ == "__main__":
    app()
