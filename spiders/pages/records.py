"""One extracted record: contract fields, the method behind each, and how to merge two."""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any
from urllib.parse import urldefrag

from enrich.normalise.countries import country_code
from enrich.normalise.emails import clean_email, prefer_role_mailbox
from spiders.pages import values as V
from spiders.pages.spec import (
    METHOD_RANK,
    PSEUDO_FIELDS,
    Context,
    ExtractionSpec,
    MethodSpec,
    evaluate,
    render_template,
)


@dataclass
class Extracted:
    """A record as a page object returns it; ``to_item()`` gives what a spider yields."""

    method: str
    url: str
    fields: dict[str, Any] = field(default_factory=dict)
    field_methods: dict[str, str] = field(default_factory=dict)
    native_id: str | None = None
    detail_url: str | None = None
    warnings: list[str] = field(default_factory=list)

    def merge(self, other: Extracted) -> Extracted:
        """Combine two sightings of one record; per field the better method wins.

        Better means earlier in the extraction order (api/export, JSON-LD, microdata, state
        JSON, CSS); on a tie the value already present stays.
        """
        fields, methods = dict(self.fields), dict(self.field_methods)
        for name, value in other.fields.items():
            theirs = METHOD_RANK.get(other.field_methods.get(name, other.method), 9)
            ours = METHOD_RANK.get(methods.get(name, self.method), 9)
            if name not in fields or theirs < ours:
                fields[name] = value
                methods[name] = other.field_methods.get(name, other.method)
        return Extracted(
            method=self.method,
            url=self.url,
            fields=fields,
            field_methods=methods,
            native_id=self.native_id or other.native_id,
            detail_url=self.detail_url,
            warnings=self.warnings + other.warnings,
        )

    def to_item(self, spec: ExtractionSpec) -> dict[str, Any]:
        methods = {k: v for k, v in self.field_methods.items() if k in self.fields}
        return {
            "kind": spec.record_kind,
            "native_id": self.native_id or self.url,
            "url": self.url,
            "method": self.method,
            "parser_version": spec.parser_version,
            "fields": dict(self.fields),
            "field_methods": methods,
        }


def build_record(mspec: MethodSpec, ctx: Context, spec: ExtractionSpec,
                 skip: frozenset[str] | set[str] = frozenset()) -> Extracted:
    """Evaluate every field of ``mspec`` (but those in ``skip``) on one record and clean it."""
    raw: dict[str, Any] = {}
    methods: dict[str, str] = {}
    templates = {}
    for name, fspec in mspec.fields.items():
        if name in skip:
            continue
        if fspec.is_template:
            templates[name] = fspec
            continue
        value = evaluate(fspec, ctx, name)
        if value is None and fspec.has_template:
            templates[name] = fspec
            continue
        if value is not None:
            raw[name] = value
            methods[name] = "derived" if fspec.only_const else ctx.method
    for name, fspec in templates.items():
        value = render_template(fspec, raw)
        if value is not None:
            raw[name] = value
            methods[name] = "derived"
    native_id = raw.pop("native_id", None)
    url = raw.pop("url", None) or ctx.page_url
    detail_url = raw.pop("detail_url", None)
    record = Extracted(method=ctx.method, url=str(url), native_id=_str(native_id),
                       detail_url=_str(detail_url))
    for name, value in raw.items():
        record.fields[name] = value
        record.field_methods[name] = methods[name]
    return finish(record, spec)


def finish(record: Extracted, spec: ExtractionSpec) -> Extracted:
    """Definition-wide cleaning: defaults, lookups, ISO2 countries, role mailboxes."""
    for name, value in spec.defaults.items():
        if name not in record.fields and name not in PSEUDO_FIELDS:
            record.fields[name] = value
            record.field_methods[name] = "derived"
    looked_up = set()
    for name in list(record.fields):
        hit, value = V.apply_lookup(record.fields[name], spec.lookups.get(name))
        if hit:
            looked_up.add(name)
            if value in (None, "", []):
                del record.fields[name]
                continue
            record.fields[name] = value
    email = record.fields.get("email")
    if isinstance(email, list):
        record.fields["email"] = prefer_role_mailbox(email)
    elif isinstance(email, str):
        record.fields["email"] = clean_email(email)
    country = record.fields.get("country")
    if isinstance(country, str) and "country" in looked_up:
        record.fields["country"] = country.upper()
    elif isinstance(country, str):
        iso2 = country_code(country)
        if iso2:
            record.fields["country"] = iso2
        else:
            record.warnings.append(f"unknown country {country!r} (add a lookup)")
            del record.fields["country"]
    for name in [k for k, v in record.fields.items() if v in (None, "", [])]:
        del record.fields[name]
    return record


def same_document(url: str, page_url: str) -> str | None:
    """The fragment when ``url`` points into the page itself (embedded detail blocks)."""
    base, frag = urldefrag(url)
    if frag and (not base or base == urldefrag(page_url)[0]):
        return frag
    return None


def _str(value: Any) -> str | None:
    if value in (None, ""):
        return None
    return str(value)
