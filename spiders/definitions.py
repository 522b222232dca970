"""Source definitions: one YAML file per catalogue or directory, loaded and checked here.

A definition says who publishes the source, where to start, which platform kind it is
(``html`` listing + detail pages, paginated JSON ``api``, CSV/XLSX ``export``), how to paginate,
which fields to extract by which method, how often to crawl, what robots.txt and the terms say,
how many items a healthy run yields, and lookups for dirty values. See docs/adding-a-source.md.

Errors name the file, the line and the key: ``spiders/sources/x.yaml:14: listing.css.fields.nme:
unknown field 'nme'``.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any
from urllib.parse import urlsplit

import yaml

from spiders.landing_fields import field_names
from spiders.pages.spec import (
    PSEUDO_FIELDS,
    SOURCES,
    Alt,
    ExportSpec,
    ExtractionSpec,
    FieldSpec,
    MethodSpec,
    PageSpec,
    Pagination,
)
from spiders.pages.values import READS_AS
from spiders.search import PAGE, SearchSpec, placeholders_in

KINDS = ("html", "api", "export")
FREQUENCIES = ("hourly", "daily", "weekly", "monthly", "quarterly", "yearly", "once")
HTML_METHODS = ("jsonld", "microdata", "state_json", "css")
KIND_METHODS = {"html": HTML_METHODS, "api": ("api",), "export": ("export",)}
SHORTHAND = {"jsonld": "path", "microdata": "path", "state_json": "path", "api": "path",
             "export": "column", "css": "css"}
# The landing fields a definition may extract (declared in spiders.landing_fields).
ORG_FIELDS = frozenset(field_names("organisation", in_definitions=True))
CONTACT_FIELDS = frozenset(field_names("contact"))
RECORD_FIELDS = ORG_FIELDS | set(PSEUDO_FIELDS)
TYPES = READS_AS
ALT_OPTIONS = frozenset({"re", "type", "join", "split", "absolute", "invert", "default", "fields"})
TOP_KEYS = frozenset({
    "id", "publisher", "url", "kind", "role", "start_urls", "match", "frequency", "robots",
    "terms", "notes", "count", "pagination", "defaults", "lookups", "listing", "detail",
    "export", "parser_version", "record_kind", "licence", "search", "request",
})
HTTP_METHODS = ("GET", "POST")


@dataclass(frozen=True)
class RequestSpec:
    """How listing pages are asked for: GET (the default) or POST with a form or a JSON body.

    Body texts may hold search placeholders (``{category}``); with POST, ``pagination.param``
    names the body key the page counter goes in."""

    method: str = "GET"
    form: dict[str, Any] | None = None
    json: Any = None
    headers: dict[str, str] = field(default_factory=dict)

    @property
    def body_texts(self) -> list[str]:
        out: list[str] = []

        def walk(node: Any) -> None:
            if isinstance(node, str):
                out.append(node)
            elif isinstance(node, dict):
                for value in node.values():
                    walk(value)
            elif isinstance(node, list):
                for value in node:
                    walk(value)

        walk(self.form)
        walk(self.json)
        return out


class DefinitionError(ValueError):
    """A source definition that cannot be used; the message names file, line and key."""


@dataclass(frozen=True)
class SourceDefinition:
    """A loaded, checked source definition."""

    id: str
    path: Path
    publisher: str
    kind: str
    start_urls: tuple[str, ...]
    match: tuple[re.Pattern[str], ...]
    frequency: str
    robots: str
    terms: str | None
    count_min: int | None
    count_max: int | None
    stale_after_days: float | None
    extraction: ExtractionSpec
    raw: dict[str, Any] = field(repr=False, default_factory=dict)
    search: SearchSpec | None = None
    request: RequestSpec = field(default_factory=RequestSpec)

    def search_templates(self) -> list[str]:
        """The listing URL templates a search fills: ``search.url``, else the start URLs."""
        if self.search is None:
            return list(self.start_urls)
        return [self.search.url] if self.search.url else list(self.start_urls)

    def search_names(self) -> list[str]:
        """The search placeholders of the URL templates and the request body, in order."""
        names: list[str] = []
        for text in self.search_templates() + self.request.body_texts:
            for name in placeholders_in(text):
                if name not in names:
                    names.append(name)
        return names

    @property
    def hosts(self) -> tuple[str, ...]:
        return tuple(dict.fromkeys(urlsplit(u).netloc for u in self.start_urls))

    def matches(self, url: str) -> bool:
        """Does this definition handle ``url`` (its patterns, else its start URLs' hosts)?"""
        if self.match:
            return any(p.search(url) for p in self.match)
        return urlsplit(url).netloc in self.hosts

    def is_detail_url(self, url: str) -> bool:
        detail = self.raw.get("detail") or {}
        pattern = detail.get("url_pattern")
        return bool(pattern and re.search(pattern, url))


def _line_map(node: yaml.Node, path: tuple = (), out: dict | None = None) -> dict[tuple, int]:
    out = {} if out is None else out
    out.setdefault(path, node.start_mark.line + 1)
    if isinstance(node, yaml.MappingNode):
        for key, value in node.value:
            sub = path + (key.value,)
            out[sub] = key.start_mark.line + 1
            _line_map(value, sub, out)
    elif isinstance(node, yaml.SequenceNode):
        for i, value in enumerate(node.value):
            _line_map(value, path + (i,), out)
    return out


class _Checker:
    """Validation helpers that know where each key sits in the file."""

    def __init__(self, path: Path, lines: dict[tuple, int]) -> None:
        self.path = path
        self.lines = lines

    def fail(self, where: tuple, message: str) -> DefinitionError:
        probe = where
        while probe and probe not in self.lines:
            probe = probe[:-1]
        line = self.lines.get(probe, 1)
        key = ".".join(str(p) for p in where) or "(top)"
        return DefinitionError(f"{self.path}:{line}: {key}: {message}")

    def mapping(self, value: Any, where: tuple, allowed: frozenset | tuple | None = None) -> dict:
        if value is None:
            return {}
        if not isinstance(value, dict):
            raise self.fail(where, f"expected a mapping, got {type(value).__name__}")
        if allowed is not None:
            for key in value:
                if key not in allowed:
                    raise self.fail(where + (key,), f"unknown key {key!r}; expected one of "
                                    f"{', '.join(sorted(allowed))}")
        return value

    def string(self, value: Any, where: tuple, *, required: bool = False) -> str | None:
        if value is None:
            if required:
                raise self.fail(where, "required")
            return None
        if not isinstance(value, str | int | float) or isinstance(value, bool):
            raise self.fail(where, f"expected text, got {type(value).__name__}")
        return str(value)

    def choice(self, value: Any, where: tuple, choices: tuple, default: str | None = None) -> str:
        if value is None and default is not None:
            return default
        if value not in choices:
            raise self.fail(where, f"{value!r} is not one of {', '.join(choices)}")
        return value

    def integer(self, value: Any, where: tuple) -> int | None:
        if value is None:
            return None
        if not isinstance(value, int) or isinstance(value, bool) or value < 0:
            raise self.fail(where, f"expected a whole number >= 0, got {value!r}")
        return value

    def regex(self, value: Any, where: tuple) -> re.Pattern[str]:
        try:
            return re.compile(str(value))
        except re.error as exc:
            raise self.fail(where, f"bad regular expression {value!r}: {exc}") from exc


def _alt(c: _Checker, raw: Any, where: tuple, method: str, allowed_fields: frozenset) -> Alt:
    if isinstance(raw, str):
        raw = {SHORTHAND[method]: raw}
    if not isinstance(raw, dict):
        raise c.fail(where, f"a field is a selector/path text, a mapping or a list of them, "
                     f"got {type(raw).__name__}")
    sources = [k for k in raw if k in SOURCES]
    if len(sources) != 1:
        raise c.fail(where, f"give exactly one of {', '.join(SOURCES)} (got "
                     f"{', '.join(sources) or 'none'})")
    for key in raw:
        if key not in SOURCES and key not in ALT_OPTIONS:
            raise c.fail(where + (key,), f"unknown option {key!r}; expected one of "
                         f"{', '.join(sorted(set(SOURCES) | ALT_OPTIONS))}")
    source = sources[0]
    arg = raw[source]
    if source in ("path", "column"):
        items = arg if isinstance(arg, list) else [arg]
        if not items or not all(isinstance(i, str) for i in items):
            raise c.fail(where + (source,), "expected text or a list of texts")
        arg = tuple(items)
    elif source in ("css", "xpath", "template"):
        if not isinstance(arg, str):
            raise c.fail(where + (source,), "expected text")
        if source in ("css", "xpath") and method not in ("css", "microdata") \
                and "fields" not in raw:
            raise c.fail(where + (source,), f"{source} selectors work in the css and microdata "
                         f"methods (on the item's element), not in {method}")
    if "type" in raw:
        c.choice(raw["type"], where + ("type",), TYPES)
    nested = None
    if "fields" in raw:
        sub = c.mapping(raw["fields"], where + ("fields",))
        nested = {}
        for name, spec in sub.items():
            if name not in CONTACT_FIELDS:
                raise c.fail(where + ("fields", name), f"unknown contact field {name!r}; "
                             f"expected one of {', '.join(sorted(CONTACT_FIELDS))}")
            nested[name] = _field(c, spec, where + ("fields", name), method, CONTACT_FIELDS)
    return Alt(
        source=source,
        arg=arg,
        regex=c.regex(raw["re"], where + ("re",)) if "re" in raw else None,
        type=raw.get("type"),
        join=raw.get("join"),
        split=raw.get("split"),
        absolute=bool(raw.get("absolute", False)),
        invert=bool(raw.get("invert", False)),
        default=raw.get("default"),
        fields=nested,
    )


def _field(c: _Checker, raw: Any, where: tuple, method: str, allowed: frozenset) -> FieldSpec:
    if raw is None:
        return FieldSpec(())
    items = raw if isinstance(raw, list) else [raw]
    return FieldSpec(tuple(_alt(c, r, where + ((i,) if isinstance(raw, list) else ()), method,
                                allowed) for i, r in enumerate(items)))


def _method(c: _Checker, method: str, raw: Any, where: tuple) -> MethodSpec:
    raw = c.mapping(raw, where, frozenset({"records", "types", "var", "fields"}))
    fields_raw = c.mapping(raw.get("fields"), where + ("fields",))
    fields = {}
    for name, spec in fields_raw.items():
        if name not in RECORD_FIELDS:
            raise c.fail(where + ("fields", name), f"unknown field {name!r}; expected one of "
                         f"{', '.join(sorted(RECORD_FIELDS))} (see docs/contracts.md)")
        if spec is None and method not in ("jsonld", "microdata"):
            raise c.fail(where + ("fields", name), "empty field spec")
        fields[name] = _field(c, spec, where + ("fields", name), method, RECORD_FIELDS)
    types = raw.get("types") or ()
    if isinstance(types, str):
        types = (types,)
    if method in ("css", "api", "export") and raw.get("types"):
        raise c.fail(where + ("types",), f"types only apply to jsonld/microdata, not {method}")
    if method in ("css", "state_json", "api", "export") and "name" not in fields:
        raise c.fail(where + ("fields",), "say how to read at least the field 'name'")
    return MethodSpec(method=method, records=c.string(raw.get("records"), where + ("records",)),
                      types=tuple(types), var=c.string(raw.get("var"), where + ("var",)),
                      fields=fields)


def _page(c: _Checker, raw: Any, where: tuple, kind: str, *, detail: bool = False) -> PageSpec:
    extra = {"embedded", "stale_after_days", "url_pattern"} if detail else {"combine"}
    allowed = frozenset(set(KIND_METHODS[kind]) | extra)
    raw = c.mapping(raw, where, allowed)
    methods = tuple(_method(c, m, raw[m], where + (m,)) for m in KIND_METHODS[kind] if m in raw)
    if not methods:
        raise c.fail(where, f"declare at least one extraction method "
                     f"({', '.join(KIND_METHODS[kind])})")
    return PageSpec(methods=methods, embedded=bool(raw.get("embedded", False)),
                    combine=bool(raw.get("combine", False)))


def _texts(c: _Checker, value: Any, where: tuple) -> tuple[str, ...]:
    """One text or a list of texts."""
    items = value if isinstance(value, list) else [value]
    out = []
    for i, item in enumerate(items):
        text = c.string(item, where + ((i,) if isinstance(value, list) else ()), required=True)
        out.append(text or "")
    return tuple(out)


def _template(c: _Checker, text: str, where: tuple) -> list[str]:
    try:
        return placeholders_in(text)
    except ValueError as exc:
        raise c.fail(where, f"broken {{placeholder}} in {text!r}: {exc}") from exc


def _text_table(c: _Checker, raw: Any, where: tuple) -> dict[str, tuple[str, ...]]:
    table = c.mapping(raw, where)
    return {str(k): _texts(c, v, where + (k,)) for k, v in table.items()}


def _request(c: _Checker, raw: Any) -> RequestSpec:
    where = ("request",)
    raw = c.mapping(raw, where, frozenset({"method", "form", "json", "headers"}))
    method = c.choice(str(raw.get("method", "GET")).upper(), where + ("method",), HTTP_METHODS)
    form = raw.get("form")
    body = raw.get("json")
    if form is not None and body is not None:
        raise c.fail(where, "give form or json, not both")
    if (form is not None or body is not None) and method != "POST":
        raise c.fail(where + ("method",), "a form or JSON body needs method: POST")
    if form is not None:
        form = {str(k): c.string(v, where + ("form", k), required=True)
                for k, v in c.mapping(form, where + ("form",)).items()}
    headers = {str(k): c.string(v, where + ("headers", k), required=True) or ""
               for k, v in c.mapping(raw.get("headers"), where + ("headers",)).items()}
    spec = RequestSpec(method=method, form=form, json=body, headers=headers)
    for text in spec.body_texts:
        _template(c, text, where)
    return spec


def _search(c: _Checker, raw: Any, starts: list[str], request: RequestSpec) -> SearchSpec | None:
    if raw is None:
        return None
    where = ("search",)
    raw = c.mapping(raw, where, frozenset({"url", "defaults", "categories", "locations"}))
    url = c.string(raw.get("url"), where + ("url",))
    if url is not None and not urlsplit(url).scheme.startswith("http"):
        raise c.fail(where + ("url",), f"not an http(s) URL: {url!r}")
    spec = SearchSpec(url=url, defaults=_text_table(c, raw.get("defaults"), where + ("defaults",)),
                      categories=_text_table(c, raw.get("categories"), where + ("categories",)),
                      locations=_text_table(c, raw.get("locations"), where + ("locations",)))
    names: list[str] = []
    for i, text in enumerate([url] if url else starts):
        names += _template(c, text, where + ("url",) if url else ("start_urls", i))
    for text in request.body_texts:
        names += _template(c, text, ("request",))
    if not [n for n in names if n != PAGE]:
        raise c.fail(where, "the search URL (or the start URLs, or the request body) holds no "
                     "{placeholder} such as {category} or {location}")
    for name in spec.defaults:
        if name not in names:
            raise c.fail(where + ("defaults", name), f"no {{{name}}} placeholder in the search "
                         f"URL or the request body")
    return spec


def load_definition(path: str | Path) -> SourceDefinition:
    """Read and check one ``<id>.yaml``; raises DefinitionError naming file, line and key."""
    path = Path(path)
    try:
        text = path.read_text(encoding="utf-8")
    except OSError as exc:
        raise DefinitionError(f"{path}: cannot read: {exc.strerror}") from exc
    try:
        node = yaml.compose(text, Loader=yaml.SafeLoader)
        data = yaml.safe_load(text)
    except yaml.YAMLError as exc:
        mark = getattr(exc, "problem_mark", None)
        line = f":{mark.line + 1}" if mark is not None else ""
        raise DefinitionError(f"{path}{line}: not valid YAML: "
                              f"{getattr(exc, 'problem', None) or exc}") from exc
    c = _Checker(path, _line_map(node) if node is not None else {})
    data = c.mapping(data, (), TOP_KEYS)
    source_id = c.string(data.get("id"), ("id",), required=True)
    if source_id != path.stem:
        raise c.fail(("id",), f"id {source_id!r} must equal the file name {path.stem!r}")
    if not re.fullmatch(r"[a-z][a-z0-9_]*", source_id):
        raise c.fail(("id",), "use lower case letters, digits and _")
    kind = c.choice(data.get("kind"), ("kind",), KINDS)
    starts = data.get("start_urls")
    if isinstance(starts, str):
        starts = [starts]
    if not starts or not isinstance(starts, list):
        raise c.fail(("start_urls",), "required: a list of URLs")
    for i, url in enumerate(starts):
        if not isinstance(url, str) or not urlsplit(url).scheme.startswith("http"):
            raise c.fail(("start_urls", i), f"not an http(s) URL: {url!r}")
    match = data.get("match") or []
    match = [match] if isinstance(match, str) else match
    count = c.mapping(data.get("count"), ("count",), frozenset({"min", "max"}))
    cmin = c.integer(count.get("min"), ("count", "min"))
    cmax = c.integer(count.get("max"), ("count", "max"))
    if cmin is not None and cmax is not None and cmin > cmax:
        raise c.fail(("count",), f"min {cmin} is above max {cmax}")
    if cmin is None:
        raise c.fail(("count",), "give count.min: a run below it fails instead of landing "
                     "nothing")
    listing = _page(c, data.get("listing"), ("listing",), kind)
    detail_raw = data.get("detail")
    detail = _page(c, detail_raw, ("detail",), "html", detail=True) if detail_raw else None
    if detail is not None and kind != "html":
        raise c.fail(("detail",), "detail pages only apply to kind: html")
    if kind == "html" and detail is not None and not any(
        "detail_url" in m.fields for m in listing.methods
    ) and not any(m.method in ("jsonld", "microdata") for m in listing.methods):
        raise c.fail(("listing",), "detail pages need a 'detail_url' field in the listing")
    pag_raw = c.mapping(data.get("pagination"), ("pagination",),
                        frozenset({"next", "pages", "param", "start", "step", "page_size",
                                   "max_pages"}))
    next_method = "css" if kind == "html" else "api"
    pagination = Pagination(
        next=_field(c, pag_raw["next"], ("pagination", "next"), next_method, RECORD_FIELDS)
        if pag_raw.get("next") else None,
        pages=_field(c, pag_raw["pages"], ("pagination", "pages"), next_method, RECORD_FIELDS)
        if pag_raw.get("pages") else None,
        param=c.string(pag_raw.get("param"), ("pagination", "param")),
        start=c.integer(pag_raw.get("start"), ("pagination", "start")) or (
            0 if pag_raw.get("step", 1) != 1 else 1),
        step=c.integer(pag_raw.get("step"), ("pagination", "step")) or 1,
        page_size=c.integer(pag_raw.get("page_size"), ("pagination", "page_size")),
        max_pages=c.integer(pag_raw.get("max_pages"), ("pagination", "max_pages")) or 1000,
    )
    exp_raw = c.mapping(data.get("export"), ("export",),
                        frozenset({"format", "encoding", "delimiter", "skip_lines", "sheet"}))
    if kind == "export":
        export = ExportSpec(
            format=c.choice(exp_raw.get("format"), ("export", "format"), ("csv", "xlsx"), "csv"),
            encoding=c.string(exp_raw.get("encoding"), ("export", "encoding")) or "utf-8",
            delimiter=c.string(exp_raw.get("delimiter"), ("export", "delimiter")) or ",",
            skip_lines=c.integer(exp_raw.get("skip_lines"), ("export", "skip_lines")) or 0,
            sheet=c.string(exp_raw.get("sheet"), ("export", "sheet")),
        )
        try:
            "".encode(export.encoding)
        except LookupError as exc:
            raise c.fail(("export", "encoding"), f"unknown encoding {export.encoding!r}") from exc
    else:
        if exp_raw:
            raise c.fail(("export",), "export options only apply to kind: export")
        export = ExportSpec()
    lookups = {}
    for name, table in c.mapping(data.get("lookups"), ("lookups",)).items():
        if name not in ORG_FIELDS:
            raise c.fail(("lookups", name), f"unknown field {name!r}")
        table = c.mapping(table, ("lookups", name))
        lookups[name] = {str(k): v for k, v in table.items()}
    defaults = c.mapping(data.get("defaults"), ("defaults",))
    for name in defaults:
        if name not in ORG_FIELDS:
            raise c.fail(("defaults", name), f"unknown field {name!r}")
    role = c.string(data.get("role"), ("role",))
    if role:
        defaults = {"role": role, **defaults}
    if isinstance(detail_raw, dict) and detail_raw.get("url_pattern") is not None:
        c.regex(detail_raw["url_pattern"], ("detail", "url_pattern"))
    stale = (detail_raw or {}).get("stale_after_days") if isinstance(detail_raw, dict) else None
    if stale is not None and (not isinstance(stale, int | float) or stale < 0):
        raise c.fail(("detail", "stale_after_days"), f"expected days >= 0, got {stale!r}")
    record_kind = c.choice(data.get("record_kind"), ("record_kind",),
                           ("organisation", "contact"), "organisation")
    extraction = ExtractionSpec(
        source=source_id, kind=kind, listing=listing, detail=detail, pagination=pagination,
        export=export, lookups=lookups, defaults=dict(defaults), record_kind=record_kind,
        parser_version=str(data.get("parser_version", "1")),
    )
    request = _request(c, data.get("request"))
    search = _search(c, data.get("search"), list(starts), request)
    return SourceDefinition(
        search=search,
        request=request,
        id=source_id,
        path=path,
        publisher=c.string(data.get("publisher"), ("publisher",), required=True) or "",
        kind=kind,
        start_urls=tuple(starts),
        match=tuple(c.regex(m, ("match", i)) for i, m in enumerate(match)),
        frequency=c.choice(data.get("frequency"), ("frequency",), FREQUENCIES),
        robots=c.string(data.get("robots"), ("robots",), required=True) or "",
        terms=c.string(data.get("terms"), ("terms",)),
        count_min=cmin,
        count_max=cmax,
        stale_after_days=float(stale) if stale is not None else None,
        extraction=extraction,
        raw=data,
    )


def sources_dir() -> Path:
    return Path(__file__).with_name("sources")


def load_all(directory: Path | None = None) -> list[SourceDefinition]:
    return [load_definition(p) for p in sorted((directory or sources_dir()).glob("*.yaml"))]


def definition_for_url(url: str, directory: Path | None = None) -> SourceDefinition:
    """The definition whose patterns (or start URL hosts) match ``url``."""
    found = [d for d in load_all(directory) if d.matches(url)]
    if not found:
        raise DefinitionError(f"no source definition matches {url}; add 'match:' patterns or a "
                              f"start URL on that host to a spiders/sources/*.yaml")
    if len(found) > 1:
        with_patterns = [d for d in found if d.match]
        if len(with_patterns) == 1:
            return with_patterns[0]
        raise DefinitionError(f"{url} matches several definitions: "
                              f"{', '.join(d.id for d in found)}; narrow their 'match:'")
    return found[0]

