"""Which tender format a document is in, and the one entry point that parses any of them.

``parse_bytes`` never lets a parser's own exception escape: a document it cannot read
raises ``TenderParseError`` whose message is one line that says why.
"""

from __future__ import annotations

import json
import re
from typing import Any

import orjson
from lxml import etree

from spiders.tenders.common import ParsedDocument
from spiders.tenders.eforms import _PARSER as XML_PARSER
from spiders.tenders.eforms import ROOTS, NotEforms, parse_eforms_root
from spiders.tenders.ocds import looks_like_ocds, parse_ocds

NO_CONTENT = "holds no OCDS release or record (nothing under releases, records or ocid)"


def load_json(data: bytes) -> Any:
    """``json.loads`` of a document, read by orjson when it can (two to three times faster on
    tender files); whatever orjson refuses (a byte-order mark, UTF-16, NaN, integers beyond 64
    bits, broken JSON) is read by ``json.loads`` itself, so results and error messages are
    the standard library's."""
    try:
        return orjson.loads(data)
    except orjson.JSONDecodeError:
        return json.loads(data)


class TenderParseError(ValueError):
    """A document that is not a readable OCDS or eForms file; the message is the reason."""


def detect_format(data: bytes) -> str:
    """'ocds' (JSON) or 'eforms' (XML), from the first meaningful byte; 'unknown' otherwise."""
    head = data[:512].lstrip(b"\xef\xbb\xbf \t\r\n")
    if head[:1] in (b"{", b"["):
        return "ocds"
    if head[:1] == b"<":
        return "eforms"
    return "unknown"


def _one_line(exc: Exception) -> str:
    text = re.sub(r"\s*\(<string>, line \d+\)$", "", str(exc))  # lxml repeats the line
    return " ".join(text.split())


def parse_bytes(data: bytes) -> ParsedDocument:
    """Any supported tender document -> normalised records, or TenderParseError."""
    kind = detect_format(data)
    if kind == "ocds":
        try:
            doc: Any = load_json(data)
        except (json.JSONDecodeError, UnicodeDecodeError) as exc:
            raise TenderParseError(f"not valid JSON ({_one_line(exc)})") from exc
        if not looks_like_ocds(doc):
            raise TenderParseError(NO_CONTENT)
        try:
            parsed = parse_ocds(doc)
        except (AttributeError, TypeError, KeyError) as exc:
            raise TenderParseError(f"OCDS with an unexpected shape ({_one_line(exc)})") from exc
        if not parsed.documents:  # {"releases": "x"}, an empty package: nothing to read
            raise TenderParseError(NO_CONTENT)
        return parsed
    if kind == "eforms":
        try:
            root = etree.fromstring(data, XML_PARSER)
        except etree.XMLSyntaxError as exc:
            raise TenderParseError(f"not well-formed XML ({_one_line(exc)})") from exc
        if etree.QName(root).localname not in ROOTS:
            raise TenderParseError(
                f"XML but not an eForms notice (root element {etree.QName(root).localname})")
        try:
            return parse_eforms_root(root)
        except NotEforms as exc:
            raise TenderParseError(str(exc)) from exc
    if not data.strip():
        raise TenderParseError("empty file")
    raise TenderParseError("neither OCDS JSON nor eForms XML")
