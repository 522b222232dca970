"""What a source definition asks a page object to extract, and how one field is evaluated.

A field is a list of alternatives tried in order; the first that yields a value wins.
An alternative names one *source* of raw values and how to clean them:

    path      dotted path in a JSON record ("address.postalCode", "links[].url", "$.name" = root)
    column    a column of an export row (by header)
    css/xpath a selector relative to the record element (or the page for detail pages)
    const     a fixed value from the definition
    template  "{name}|{booth}" built from fields already extracted (runs last)
    title     the title line above an export's header

then ``re`` (keep group 1), ``split`` (text → list), ``absolute`` (URL join), ``type``,
``join``, ``invert`` (bool), ``default``; ``records`` + ``fields`` build nested lists (contacts).
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field
from functools import lru_cache
from typing import Any
from urllib.parse import parse_qsl, urlencode, urljoin, urlsplit, urlunsplit

from spiders.pages import values as V

SOURCES = ("path", "column", "css", "xpath", "const", "template", "title")
METHOD_RANK = {"api": 0, "export": 0, "jsonld": 1, "microdata": 2, "state_json": 3, "css": 4,
               "derived": 5}
PSEUDO_FIELDS = ("native_id", "url", "detail_url")


@dataclass(frozen=True)
class Alt:
    """One way to get a field's value."""

    source: str
    arg: Any
    regex: re.Pattern[str] | None = None
    type: str | None = None
    join: str | None = None
    split: str | None = None
    absolute: bool = False
    invert: bool = False
    default: Any = None
    fields: dict[str, FieldSpec] | None = None  # nested records: ``arg`` selects them


@dataclass(frozen=True)
class FieldSpec:
    alts: tuple[Alt, ...]
    is_template: bool = field(init=False)    # only templates: rendered after the other fields
    has_template: bool = field(init=False)
    only_const: bool = field(init=False)     # a constant from the definition ("derived")

    def __post_init__(self) -> None:
        sources = [a.source for a in self.alts]
        object.__setattr__(self, "is_template", all(s == "template" for s in sources))
        object.__setattr__(self, "has_template", "template" in sources)
        object.__setattr__(self, "only_const", all(s == "const" for s in sources))


@dataclass(frozen=True)
class MethodSpec:
    """How one extraction method finds records on a page and reads their fields."""

    method: str                      # jsonld | microdata | state_json | css | api | export
    records: str | None = None       # css/xpath selector, or JSON path to the record list
    types: tuple[str, ...] = ()      # schema.org types (jsonld / microdata)
    var: str | None = None           # state_json: the window variable holding the JSON
    fields: dict[str, FieldSpec] = field(default_factory=dict)


@dataclass(frozen=True)
class PageSpec:
    """The methods declared for one page type, in extraction order."""

    methods: tuple[MethodSpec, ...]
    embedded: bool = False           # detail blocks live in the listing document (#anchors)
    combine: bool = False            # listing: union the records of all methods by native id

    def get(self, method: str) -> MethodSpec | None:
        return next((m for m in self.methods if m.method == method), None)


@dataclass(frozen=True)
class Pagination:
    next: FieldSpec | None = None    # evaluated on the page: the next page URL
    pages: FieldSpec | None = None   # numbered page links to follow as well (fetched once)
    param: str | None = None         # or: a query parameter to count up
    start: int = 1
    step: int = 1
    page_size: int | None = None     # stop when a page has fewer records than this
    max_pages: int = 1000


@dataclass(frozen=True)
class ExportSpec:
    format: str = "csv"              # csv | xlsx
    encoding: str = "utf-8"
    delimiter: str = ","
    skip_lines: int = 0              # title lines above the header
    sheet: str | None = None


@dataclass(frozen=True)
class ExtractionSpec:
    """Everything a page object needs from a source definition (no I/O, no YAML)."""

    source: str
    kind: str                        # html | api | export
    listing: PageSpec
    detail: PageSpec | None = None
    pagination: Pagination = field(default_factory=Pagination)
    export: ExportSpec = field(default_factory=ExportSpec)
    lookups: dict[str, dict[str, Any]] = field(default_factory=dict)
    defaults: dict[str, Any] = field(default_factory=dict)
    record_kind: str = "organisation"
    parser_version: str = "1"


def get_path(obj: Any, path: str, root: Any = None) -> list[Any]:
    """Values at a dotted path; ``x[]`` walks every element of list ``x``; ``$.`` = root."""
    if path in ("$", "."):
        return [root if root is not None else obj]
    if path.startswith("$."):
        obj, path = (root if root is not None else obj), path[2:]
    current = [obj]
    for part in path.split("."):
        each = part.endswith("[]")
        key = part[:-2] if each else part
        nxt: list[Any] = []
        for node in current:
            if key == "":
                value = node
            elif isinstance(node, dict):
                value = node.get(key)
            elif isinstance(node, list) and key.lstrip("-").isdigit():
                idx = int(key)
                value = node[idx] if -len(node) <= idx < len(node) else None
            else:
                value = None
            if value is None:
                continue
            if each and isinstance(value, list):
                nxt.extend(v for v in value if v is not None)
            else:
                nxt.append(value)
        current = nxt
    return current


@dataclass
class Context:
    """Where a field is read from: one record, its page, the method that found it."""

    method: str
    record: Any
    page_url: str
    root: Any = None
    title: str | None = None
    page_cache: dict[str, list[Any]] | None = None   # absolute XPaths: once per page


def raw_values(alt: Alt, ctx: Context) -> list[Any]:
    if alt.source == "const":
        return [alt.arg]
    if alt.source == "title":
        return [ctx.title] if ctx.title else []
    if alt.source == "path":
        if isinstance(ctx.record, dict | list) or ctx.root is not None:
            base = ctx.record if isinstance(ctx.record, dict | list) else ctx.root
            out: list[Any] = []
            for path in alt.arg:
                out.extend(get_path(base, path, ctx.root))
            return out
        return []
    if alt.source == "column":
        if isinstance(ctx.record, dict):
            return [ctx.record.get(c) for c in alt.arg if ctx.record.get(c) not in (None, "")]
        return []
    if alt.source in ("css", "xpath"):
        if alt.source == "xpath" and alt.arg.startswith("//") and ctx.page_cache is not None:
            if alt.arg not in ctx.page_cache:       # the same answer for every record
                ctx.page_cache[alt.arg] = select_nodes(ctx.record, "xpath", alt.arg,
                                                       elements=alt.fields is not None)
            return ctx.page_cache[alt.arg]
        return select_nodes(ctx.record, alt.source, alt.arg, elements=alt.fields is not None)
    return []


@lru_cache(maxsize=2048)
def compiled_xpath(kind: str, expr: str) -> Any:
    """A CSS (with parsel's ::text / ::attr()) or XPath expression, compiled once."""
    from lxml import etree
    from parsel.csstranslator import css2xpath

    return etree.XPath(css2xpath(expr) if kind == "css" else expr,
                       namespaces={"re": "http://exslt.org/regular-expressions"})


def select_nodes(node: Any, kind: str, expr: str, *, elements: bool = False) -> list[Any]:
    """Evaluate a selector on an lxml element (or parsel Selector): texts, or elements.

    A selector that ends at an element (no ``::text``/``::attr``) yields the element's text.
    """
    if isinstance(node, dict):          # a microdata item: its element
        node = node.get("htmlNode")
    node = getattr(node, "root", node)
    if node is None or isinstance(node, list | str) or not hasattr(node, "tag"):
        return []
    result = compiled_xpath(kind, expr)(node)
    if not isinstance(result, list):
        return [result]
    if elements:
        return [r for r in result if hasattr(r, "tag")]
    out = []
    for r in result:
        if isinstance(r, str):
            out.append(str(r))
        elif hasattr(r, "tag"):
            out.append("".join(r.itertext()))
    return out


def nested_records(alt: Alt, ctx: Context) -> list[dict[str, Any]]:
    """Build a list of small records (contacts) from ``records`` + ``fields``."""
    assert alt.fields is not None
    items = raw_values(alt, ctx) if alt.source in ("path", "css", "xpath") else []
    out = []
    for item in items:
        sub = Context(ctx.method, item, ctx.page_url, ctx.root, ctx.title, ctx.page_cache)
        row = {}
        for name, spec in alt.fields.items():
            value = evaluate(spec, sub, name)
            if value not in (None, "", []):
                row[name] = value
        if row and row not in out:
            out.append(row)
    return out


def evaluate_alt(alt: Alt, ctx: Context, field_name: str) -> Any:
    if alt.fields is not None:
        return nested_records(alt, ctx) or None
    kind = alt.type or V.default_type(field_name)
    values = [v for v in V.flatten(raw_values(alt, ctx)) if not isinstance(v, dict)]
    if alt.regex is not None:
        values = V.apply_regex(values, alt.regex)
    if alt.split:
        values = [p for v in values for p in str(v).split(alt.split)]
    if alt.absolute:
        values = [urljoin(ctx.page_url, V.clean_text(str(v))) for v in values]
    value = V.coerce(values, kind, join=alt.join)
    if kind == "bool" and alt.invert and value is not None:
        value = not value
    if value is None and alt.default is not None:
        value = alt.default
    return value


def evaluate(spec: FieldSpec, ctx: Context, field_name: str) -> Any:
    for alt in spec.alts:
        if alt.source == "template":
            continue
        value = evaluate_alt(alt, ctx, field_name)
        if value not in (None, "", []):
            return value
    return None


def render_template(spec: FieldSpec, values: dict[str, Any]) -> str | None:
    for alt in spec.alts:
        if alt.source != "template":
            continue
        try:
            text = alt.arg.format_map({k: ("" if v is None else v) for k, v in values.items()})
        except (KeyError, IndexError, ValueError):
            continue
        if text.strip(" |/-#"):
            return text
    return None


def with_query_param(url: str, param: str, value: int) -> str:
    parts = urlsplit(url)
    query = [(k, v) for k, v in parse_qsl(parts.query, keep_blank_values=True) if k != param]
    query.append((param, str(value)))
    return urlunsplit(parts._replace(query=urlencode(query)))


def query_param(url: str, param: str) -> str | None:
    for key, value in parse_qsl(urlsplit(url).query, keep_blank_values=True):
        if key == param:
            return value
    return None


def next_page_number(current: int | None, pagination: Pagination, records: int) -> int | None:
    """The page counter after ``current`` (None: the first page); None once a page comes back
    short or the last allowed page was read."""
    if not pagination.param or records == 0:
        return None
    if pagination.page_size is not None and records < pagination.page_size:
        return None
    current = pagination.start if current is None else current
    index = (current - pagination.start) // max(pagination.step, 1)
    if index + 1 >= pagination.max_pages:
        return None
    return current + pagination.step


def param_next_url(url: str, pagination: Pagination, records: int) -> str | None:
    """Next page by counting up a query parameter; None once a page comes back short."""
    if not pagination.param:
        return None
    number = next_page_number(V.to_int(query_param(url, pagination.param)), pagination, records)
    return None if number is None else with_query_param(url, pagination.param, number)
