"""Generic spiders, one per platform kind, driven by a source definition (YAML).

The choice of spider class for a definition lives here, with the spiders: a definition
(``spiders.definitions``) is pure declaration and validation and knows no spider.
"""

from __future__ import annotations

from pathlib import Path
from typing import Any

from spiders.definitions import load_definition
from spiders.generic.base import DefinitionSpider
from spiders.generic.spiders import ApiSpider, ExportSpider, HtmlSpider

SPIDER_CLASSES: dict[str, type[DefinitionSpider]] = {
    "html": HtmlSpider, "api": ApiSpider, "export": ExportSpider,
}


def spider_class_for(kind: str) -> type[DefinitionSpider]:
    """The generic spider base class for a definition's ``kind``."""
    return SPIDER_CLASSES[kind]


def spider_from_definition(path: str | Path) -> tuple[type, dict[str, Any]]:
    """(spider class, constructor kwargs) for ``spiders/sources/<id>.yaml``."""
    definition = load_definition(path)
    base = spider_class_for(definition.kind)
    cls = type(f"{base.__name__}_{definition.id}", (base,),
               {"name": definition.id, "source_id": definition.id})
    return cls, {"definition_path": str(Path(path))}
