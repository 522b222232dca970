"""The ``leadpipe`` command line: thin wrappers over the same stage functions the flows call."""

from __future__ import annotations

import importlib
import pkgutil

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
    module = importlib.import_module(f"{commands.__name__}.{module_info.name}")
    module.register(app)


if __name__ == "__main__":
    app()
