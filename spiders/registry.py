"""Find the spider for a source id.

Two kinds of source live in ``spiders/sources/``:
- a Python module whose spider class has ``name = "<source id>"`` (API sources, kingfisher style);
- a YAML source definition ``<source id>.yaml`` handled by a generic spider for its platform kind
  (``spiders.definitions``).
"""

from __future__ import annotations

from pathlib import Path
from typing import Any

from scrapy.spiderloader import SpiderLoader

from spiders import settings as base_settings

SOURCES_DIR = Path(__file__).with_name("sources")


class UnknownSource(LookupError):
    """No Python spider and no YAML definition carries this source id."""


def _python_spiders() -> dict[str, type]:
    from scrapy.settings import Settings

    settings = Settings()
    settings.setmodule(base_settings)
    loader = SpiderLoader.from_settings(settings)
    return {name: loader.load(name) for name in loader.list()}


def _yaml_sources() -> dict[str, Path]:
    return {p.stem: p for p in sorted(SOURCES_DIR.glob("*.yaml"))}


def list_sources() -> list[str]:
    return sorted(set(_python_spiders()) | set(_yaml_sources()))


def spider_for(source: str) -> tuple[type, dict[str, Any]]:
    """Return (spider class, constructor kwargs) for a source id."""
    python = _python_spiders()
    if source in python:
        return python[source], {}
    yaml_sources = _yaml_sources()
    if source in yaml_sources:
        from spiders.generic import spider_from_definition

        return spider_from_definition(yaml_sources[source])
    raise UnknownSource(
        f"unknown source {source!r}; known sources: {', '.join(list_sources()) or 'none'}"
    )
