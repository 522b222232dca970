"""Exports for sales: formats looked up by name, one module per format in ``formats/``.

A format is a function decorated with ``export_format``: it gets the scored rows (warehouse or
snapshot, see ``sales.export.view``), the selection, an output path and the file style (plain
or Excel-friendly), writes its file(s) through ``sales.export.files.write_csv`` (which makes
every cell formula-safe) and says what it wrote. ``get_format`` looks a format up by name;
``format_names`` lists them for the CLI. Adding a format is one new module in
``sales/export/formats/``.
"""

from __future__ import annotations

import importlib
import pkgutil
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path

from sales.export.files import FileStyle
from sales.export.view import ScoredRows, Selection

DEFAULT_FORMAT = "generic"
FORMATS_PACKAGE = "sales.export.formats"


@dataclass(frozen=True)
class Written:
    """What one export wrote: its files (the first is the main one) and its row count."""

    files: tuple[Path, ...]
    rows: int


# A format's writer: the rows to read, which of them, the output path (its folder exists) and
# the file style.
Write = Callable[[ScoredRows, Selection, Path, FileStyle], Written]


@dataclass(frozen=True)
class ExportFormat:
    """One registered export format."""

    name: str
    description: str
    suffix: str
    write: Write

    def default_file_name(self, selection: Selection) -> str:
        """``prospects-default.csv`` for the default format; other formats add their name."""
        tag = "" if self.name == DEFAULT_FORMAT else f"-{self.name}"
        return f"{'-'.join(selection.stages)}s-{selection.profile}{tag}{self.suffix}"


class UnknownFormat(ValueError):
    """An export format name nobody registered."""


def export_format(*, name: str, description: str, suffix: str = ".csv") -> Callable[
    [Write], ExportFormat
]:
    """Declare the decorated writer as the export format ``name`` (found by ``get_format``)."""

    def declare(write: Write) -> ExportFormat:
        return ExportFormat(name=name, description=description, suffix=suffix, write=write)

    return declare


def registered_formats() -> dict[str, ExportFormat]:
    """Every format declared in ``formats/``, by name, the default first."""
    package = importlib.import_module(FORMATS_PACKAGE)
    found: dict[str, ExportFormat] = {}
    for module in pkgutil.iter_modules(package.__path__):
        if module.name.startswith("_"):
            continue
        for value in vars(importlib.import_module(f"{FORMATS_PACKAGE}.{module.name}")).values():
            if isinstance(value, ExportFormat):
                if value.name in found and found[value.name] is not value:
                    raise ValueError(f"two export formats share the name {value.name!r}")
                found[value.name] = value
    return {n: found[n] for n in sorted(found, key=lambda n: (n != DEFAULT_FORMAT, n))}


def format_names() -> list[str]:
    """Every registered format, the default first."""
    return list(registered_formats())


def get_format(name: str) -> ExportFormat:
    """The format called ``name``; an unknown name is an error that lists the known ones."""
    formats = registered_formats()
    if name not in formats:
        raise UnknownFormat(
            f"unknown export format {name!r}; known formats: {', '.join(formats)}"
        )
    return formats[name]
