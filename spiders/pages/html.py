"""Page objects for HTML listing and detail pages (pure: a URL and bytes in, records out).

Methods are tried in the fixed order JSON-LD → microdata → embedded state JSON → CSS/XPath;
on a listing page the first method that finds records provides them, on a detail page every
declared method runs and the better method wins per field.
"""

from __future__ import annotations

import json
import re
from functools import cached_property
from typing import Any

from parsel import Selector

from spiders.pages.records import Extracted, build_record, same_document
from spiders.pages.spec import (
    Alt,
    Context,
    ExtractionSpec,
    FieldSpec,
    MethodSpec,
    PageSpec,
    evaluate,
    get_path,
    param_next_url,
    select_nodes,
)

# schema.org properties → contract fields, used for JSON-LD and microdata unless a definition
# maps a field itself (or maps it to nothing).
SCHEMA_ORG_FIELDS: dict[str, tuple[str, ...]] = {
    "native_id": ("@id", "url"),
    "url": ("url",),
    "name": ("name", "legalName"),
    "phone": ("telephone", "contactPoint.telephone"),
    "email": ("email", "contactPoint.email"),
    "street": ("address.streetAddress",),
    "postcode": ("address.postalCode",),
    "city": ("address.addressLocality",),
    "region": ("address.addressRegion",),
    "country": ("address.addressCountry.name", "address.addressCountry"),
    "description": ("description",),
    "founded": ("foundingDate",),
    "employees": ("numberOfEmployees.minValue", "numberOfEmployees.value", "numberOfEmployees"),
}
SCHEMA_ORG_CONTACTS = ("employee[]", "member[]", "founder[]")
_CONTACT_FIELDS = {
    "name": FieldSpec((Alt("path", ("name",)),)),
    "role": FieldSpec((Alt("path", ("jobTitle", "roleName")),)),
    "email": FieldSpec((Alt("path", ("email",)),)),
    "phone": FieldSpec((Alt("path", ("telephone",)),)),
}


def schema_org_fields(mspec: MethodSpec) -> dict[str, FieldSpec]:
    """The default schema.org mapping overlaid with the definition's own field specs."""
    fields: dict[str, FieldSpec] = {
        name: FieldSpec((Alt("path", paths),)) for name, paths in SCHEMA_ORG_FIELDS.items()
    }
    fields["contacts"] = FieldSpec(
        tuple(Alt("path", (p,), fields=_CONTACT_FIELDS) for p in SCHEMA_ORG_CONTACTS)
    )
    for name, spec in mspec.fields.items():
        if spec.alts:
            fields[name] = spec
        else:
            fields.pop(name, None)
    return fields


def _type_matches(obj: dict[str, Any], types: tuple[str, ...]) -> bool:
    declared = obj.get("@type") or obj.get("type")
    names = declared if isinstance(declared, list) else [declared]
    names = [str(n).rsplit("/", 1)[-1] for n in names if n]
    return not types or any(n in types for n in names)


def _walk_jsonld(obj: Any) -> list[dict[str, Any]]:
    """Top-level JSON-LD objects, with @graph and lists unpacked."""
    if isinstance(obj, list):
        return [o for item in obj for o in _walk_jsonld(item)]
    if isinstance(obj, dict):
        if "@graph" in obj:
            return _walk_jsonld(obj["@graph"])
        return [obj]
    return []


class HtmlPage:
    """A parsed HTML document and the structured data embedded in it (parsed lazily)."""

    def __init__(
        self,
        url: str,
        body: bytes | str,
        spec: ExtractionSpec,
        *,
        selector: Selector | None = None,
    ) -> None:
        self.url = url
        self.spec = spec
        if selector is None:
            text = body.decode("utf-8", "replace") if isinstance(body, bytes) else body
            selector = Selector(text=text, base_url=url)
        self.selector = selector

    @cached_property
    def jsonld(self) -> list[dict[str, Any]]:
        from extruct.jsonld import JsonLdExtractor  # imported on use: extruct loads slowly

        try:
            data = JsonLdExtractor().extract_items(self.selector.root, base_url=self.url)
        except (ValueError, TypeError):
            return []
        return _walk_jsonld(list(data))

    @cached_property
    def microdata(self) -> list[dict[str, Any]]:
        from spiders.pages.microdata import microdata_items

        return microdata_items(self.selector.root, self.url)

    def state_json(self, var: str) -> Any:
        return _state_json(self.selector, var)

    def _records(self, mspec: MethodSpec, scope: Selector | None = None) -> tuple[list, Any]:
        """(raw records, root) for one method; an empty list when it finds nothing."""
        if mspec.method == "jsonld":
            return [o for o in self.jsonld if _type_matches(o, mspec.types)], None
        if mspec.method == "microdata":
            return [o for o in self.microdata if _type_matches(o, mspec.types)], None
        if mspec.method == "state_json":
            state = self.state_json(mspec.var or "__INITIAL_STATE__")
            if state is None:
                return [], None
            if not mspec.records:
                return [state], state
            found = get_path(state, mspec.records)
            records = found[0] if len(found) == 1 and isinstance(found[0], list) else found
            return [r for r in records if isinstance(r, dict)], state
        if mspec.method == "css":
            base = scope if scope is not None else self.selector
            if not mspec.records:
                return [base], None
            sel = mspec.records
            kind = "xpath" if sel.startswith(("/", "(", "./")) else "css"
            return select_nodes(base, kind, sel, elements=True), None
        return [], None

    @cached_property
    def _page_cache(self) -> dict[str, list[Any]]:
        return {}

    def _build(self, mspec: MethodSpec, record: Any, root: Any,
               skip: set[str] | None = None) -> Extracted:
        ctx = Context(mspec.method, record, self.url, root=root, page_cache=self._page_cache)
        return build_record(_with_schema_org(mspec), ctx, self.spec, skip or frozenset())


_SCHEMA_ORG_CACHE: dict[int, tuple[MethodSpec, MethodSpec]] = {}


def _with_schema_org(mspec: MethodSpec) -> MethodSpec:
    """JSON-LD/microdata methods read the schema.org mapping plus their own fields (cached)."""
    if mspec.method not in ("jsonld", "microdata"):
        return mspec
    cached = _SCHEMA_ORG_CACHE.get(id(mspec))
    if cached is None or cached[0] is not mspec:
        full = MethodSpec(mspec.method, mspec.records, mspec.types, mspec.var,
                          schema_org_fields(mspec))
        cached = _SCHEMA_ORG_CACHE[id(mspec)] = (mspec, full)
    return cached[1]


class ListingPage(HtmlPage):
    """A page listing many records (search results, an A–Z exhibitor list)."""

    @cached_property
    def extracted(self) -> tuple[str | None, list[Extracted]]:
        """(method, records). By default the first method that finds records provides them
        all; with ``combine`` every method runs and records are joined by native id, the
        better method winning per field (for pages where only some cards carry markup)."""
        combined: dict[str, Extracted] = {}
        first: str | None = None
        for mspec in self.spec.listing.methods:
            raw, root = self._records(mspec)
            if not self.spec.listing.combine:
                records = [self._build(mspec, r, root) for r in raw]
                records = [r for r in records if r.fields.get("name")]
                if records:
                    return mspec.method, [self._embedded_detail(r) for r in records]
                continue
            for i, item in enumerate(raw):
                # a card a better method already read: only the fields it lacks
                key = self._native_id(mspec, item, root)
                seen = combined.get(key) if key else None
                skip = set(seen.fields) if seen is not None else set()
                record = self._build(mspec, item, root, skip)
                if seen is None and not record.fields.get("name"):
                    continue
                key = key or record.native_id or (
                    record.url if record.url != self.url else f"{mspec.method}#{i}")
                first = first or mspec.method
                seen = combined.get(key)
                combined[key] = record if seen is None else seen.merge(record)
        return first, [self._embedded_detail(r) for r in combined.values()]

    def _native_id(self, mspec: MethodSpec, item: Any, root: Any) -> str | None:
        fspec = _with_schema_org(mspec).fields.get("native_id")
        if fspec is None or fspec.has_template:
            return None
        value = evaluate(fspec, Context(mspec.method, item, self.url, root=root,
                                        page_cache=self._page_cache), "native_id")
        return str(value) if value not in (None, "") else None

    def records(self) -> list[Extracted]:
        return self.extracted[1]

    @cached_property
    def _ids(self) -> dict[str, Any]:
        """Elements by id attribute (embedded detail blocks are found by #anchor)."""
        return {el.get("id"): el for el in self.selector.root.iter() if el.get("id")}

    @property
    def method(self) -> str | None:
        return self.extracted[0]

    def _embedded_detail(self, record: Extracted) -> Extracted:
        detail = self.spec.detail
        if detail is None or not detail.embedded or not record.detail_url:
            return record
        frag = same_document(record.detail_url, self.url)
        if not frag:
            return record
        scope = self._ids.get(frag)
        if scope is None:
            return record
        found = DetailPage(self.url, b"", self.spec, selector=self.selector, scope=scope,
                           page_spec=detail).record()
        return record.merge(found) if found is not None else record

    def next_urls(self) -> list[str]:
        """Where the next listing page is (a rel=next link, a state JSON value, a counter)."""
        pagination = self.spec.pagination
        urls: list[str] = []
        if pagination.next is not None:
            root = None
            state = self.spec.listing.get("state_json")
            if state is not None:
                root = self.state_json(state.var or "__INITIAL_STATE__")
            ctx = Context("css", self.selector, self.url, root=root)
            value = evaluate(_absolute(pagination.next), ctx, "next")
            if value and value != self.url:
                urls.append(value)
        if pagination.pages is not None:
            ctx = Context("css", self.selector, self.url)
            found = evaluate(_absolute(pagination.pages, "list"), ctx, "pages") or []
            urls.extend(u for u in found if u != self.url and u not in urls)
        step = param_next_url(self.url, pagination, len(self.records()))
        if step:
            urls.append(step)
        return urls


class DetailPage(HtmlPage):
    """A page (or an element of one) about a single record."""

    def __init__(self, url: str, body: bytes | str, spec: ExtractionSpec, *,
                 selector: Selector | None = None, scope: Any = None,
                 page_spec: PageSpec | None = None) -> None:
        super().__init__(url, body, spec, selector=selector)
        self.scope = scope
        self.page_spec = page_spec or spec.detail or PageSpec(())

    def record(self) -> Extracted | None:
        merged: Extracted | None = None
        for mspec in self.page_spec.methods:
            if self.scope is not None and mspec.method != "css":
                continue
            raw, root = self._records(mspec, scope=self.scope)
            if not raw:
                continue
            found = self._build(mspec, raw[0], root)
            if not found.fields:
                continue
            merged = found if merged is None else merged.merge(found)
        return merged


def _absolute(spec: FieldSpec, kind: str = "str") -> FieldSpec:
    alts = tuple(Alt(a.source, a.arg, a.regex, kind, a.join, a.split, True, a.invert,
                     a.default, a.fields) for a in spec.alts)
    return FieldSpec(alts)


_STATE_START = {}


def _state_json(selector: Selector, var: str) -> Any:
    pattern = _STATE_START.get(var)
    if pattern is None:
        pattern = re.compile(r"(?:window\.)?" + re.escape(var) + r"\s*=\s*")
        _STATE_START[var] = pattern
    for script in selector.xpath("//script[not(@src)]/text()").getall():
        if var not in script:
            continue
        match = pattern.search(script)
        if not match:
            continue
        text = script[match.end():]
        try:
            value, _ = json.JSONDecoder().raw_decode(text)
        except ValueError:
            continue
        return value
    return None
