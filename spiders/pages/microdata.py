"""A small, fast schema.org microdata reader (the WHATWG rules that directories use).

extruct's reader handles every corner of the spec but costs milliseconds per card on a
listing page; this one covers itemscope/itemtype/itemprop/itemid, nested items and the
per-element value rules, and keeps each item's element (``htmlNode``) so that css/xpath
fields can read the same card.
"""

from __future__ import annotations

from typing import Any
from urllib.parse import urljoin

from lxml import etree

_URL_ATTR = {"a": "href", "area": "href", "link": "href", "img": "src", "audio": "src",
             "embed": "src", "iframe": "src", "source": "src", "track": "src", "video": "src",
             "object": "data"}


def _value(el: Any, base_url: str) -> Any:
    tag = el.tag if isinstance(el.tag, str) else ""
    if el.get("content") is not None:
        return el.get("content")
    if tag in _URL_ATTR:
        value = el.get(_URL_ATTR[tag])
        return urljoin(base_url, value.strip()) if value else ""
    if tag in ("data", "meter"):
        return el.get("value", "")
    if tag == "time" and el.get("datetime"):
        return el.get("datetime")
    return "".join(el.itertext())


def _item(scope: Any, base_url: str) -> dict[str, Any]:
    item: dict[str, Any] = {}
    types = (scope.get("itemtype") or "").split()
    if types:
        item["@type"] = types[0] if len(types) == 1 else types
    if scope.get("itemid"):
        item["@id"] = scope.get("itemid").strip()
    item["htmlNode"] = scope
    stack = list(scope)
    while stack:
        el = stack.pop(0)
        if not isinstance(el.tag, str):
            continue
        names = (el.get("itemprop") or "").split()
        nested = el.get("itemscope") is not None
        if names:
            value = _item(el, base_url) if nested else _value(el, base_url)
            for name in names:
                if name in item and name not in ("@type", "@id", "htmlNode"):
                    current = item[name]
                    item[name] = (current if isinstance(current, list) else [current]) + [value]
                else:
                    item[name] = value
        if not nested:
            stack[0:0] = list(el)
    return item


_TOP_ITEMS = etree.XPath("//*[@itemscope][not(@itemprop)]")


def microdata_items(root: Any, base_url: str) -> list[dict[str, Any]]:
    """Top-level items of a document, in the JSON-LD shape (``@type``, properties)."""
    return [_item(el, base_url) for el in _TOP_ITEMS(root)]
