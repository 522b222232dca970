"""A page's text in small blocks (paragraphs, list items, cells, ...), so a phrase read from
it (an address, "Geschäftsführer: Max Mustermann") never runs on into the next block's words,
as it would in the page's text joined into one line."""

from __future__ import annotations

import lxml.html
from lxml import etree

_BLOCKS = etree.XPath(
    "//*[self::p or self::li or self::td or self::dd or self::dt or self::address or self::h1 "
    "or self::h2 or self::h3 or self::h4 or self::footer "
    "or self::div[not(.//div or .//p or .//li or .//table)]]"
    "[not(ancestor::script or ancestor::style)]")
MAX_BLOCK_CHARS = 2_000
MAX_BLOCKS = 2_000


def text_blocks(doc: lxml.html.HtmlElement) -> list[str]:
    """Each small block's text, whitespace collapsed, in page order (empty ones left out)."""
    out = []
    for block in _BLOCKS(doc)[:MAX_BLOCKS]:
        text = " ".join(" ".join(block.itertext()).split())[:MAX_BLOCK_CHARS]
        if text:
            out.append(text)
    return out
