"""Exports for sales: formats looked up by name, one module per format in ``formats/``.

A format is a function decorated with ``export_format``: it gets the scored rows (warehouse or
snapshot, see ``sales.export.view``), the selection and an output path, writes its file(s) and
says what it wrote. ``get_format`` looks a format up by name; ``format_names`` lists them for the
CLI. Adding a format is one new module in ``sales/export/formats/``.
"""

from __future__ import annotations

import importlib
import pkgutil
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path

from sales.export.view import ScoredRows, Selection

DEFAULT_FORMAT = "generic"
FORMATS_PACKAGE = "sales.export.formats"


@dataclass(frozen=True)
class Written:
    """What one export wrote: its files (the first is the main one) and its row count."""

    files: tuple[Path, ...]
    rows: int


Write = Callable[[ScoredRows, Selection, Path], Written]


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


_FORMATS: dict[str, ExportFormat] = {}


def export_format(*, name: str, description: str, suffix: str = ".csv") -> Callable[
    [Write], ExportFormat
]:
    """Register the decorated writer as the export format ``name``."""

    def register(write: Write) -> ExportFormat:
        known = _FORMATS.get(name)
        if known is not None and known.write.__module__ != write.__module__:
            raise ValueError(f"two export formats share the name {name!r}")
        fmt = ExportFormat(name=name, description=description, suffix=suffix, write=write)
        _FORMATS[name] = fmt
        return fmt

    return register


def _discover() -> None:
    package = importlib.import_module(FORMATS_PACKAGE)
    for module in pkgutil.iter_modules(package.__path__):
        if not module.name.startswith("_"):
            importlib.import_module(f"{FORMATS_PACKAGE}.{module.name}")


def format_names() -> list[str]:
    """Every registered format, the default first."""
    _discover()
    return sorted(_FORMATS, key=lambda n: (n != DEFAULT_FORMAT, n))


def get_format(name: str) -> ExportFormat:
    """The format called ``name``; an unknown name is an error that lists the known ones."""
    _discover()
    if name not in _FORMATS:
        raise UnknownFormat(
            f"unknown export format {name!r}; known formats: {', '.join(format_names())}"
        )
    return _FORMATS[name]

