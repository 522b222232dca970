"""Generic spiders, one per platform kind, driven by a source definition (YAML)."""

from __future__ import annotations


def spider_class_for(kind: str) -> type:
    """The generic spider base class for a definition's ``kind``."""
    from spiders.generic.spiders import ApiSpider, ExportSpider, HtmlSpider

    return {"html": HtmlSpider, "api": ApiSpider, "export": ExportSpider}[kind]
