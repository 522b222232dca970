"""Search parameters of a directory: one definition, many searches (category × location).

A directory is searched, not read whole: "plumber in Cairns", "electrician in Townsville". A
definition's ``search:`` section holds the URL (and, for a form, the body) as a template with
``{category}``, ``{location}``, ``{page}`` or any other named placeholder, the values to use
when nobody says otherwise, and two mappings the application side reads to turn a sales
profile into searches: ``categories`` (a profile industry → this directory's category terms)
and ``locations`` (a profile region or country → this directory's location terms).

Which values a crawl uses is decided by the caller (``leadpipe crawl --param`` or the profile);
this module only expands values into searches and searches into request parts. Every item a
search finds keeps the category it was found under (see ``found_under``).
"""

from __future__ import annotations

import itertools
import string
from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field
from typing import Any
from urllib.parse import quote_plus

PAGE = "page"
CATEGORY = "category"
LOCATION = "location"


class SearchError(ValueError):
    """Search values that do not fit a definition's search template; the message says which."""


@dataclass(frozen=True)
class SearchSpec:
    """A definition's ``search:`` section, checked."""

    url: str | None = None                      # None: the definition's start URLs as templates
    defaults: dict[str, tuple[str, ...]] = field(default_factory=dict)
    categories: dict[str, tuple[str, ...]] = field(default_factory=dict)
    locations: dict[str, tuple[str, ...]] = field(default_factory=dict)


def placeholders_in(text: str) -> list[str]:
    """Named ``{placeholders}`` of one template text; raises ValueError on a broken one."""
    return [name for _, name, _, _ in string.Formatter().parse(text) if name]


def expand(spec: SearchSpec, values: Mapping[str, Sequence[str]],
           names: Sequence[str]) -> list[dict[str, str]]:
    """Every combination of the given values (else the spec's defaults) for ``names``.

    ``page`` is left to the pagination. A placeholder with no value at all is an error that
    says how to give one."""
    unknown = [k for k in values if k not in names]
    if unknown:
        raise SearchError(f"unknown search parameter {unknown[0]!r}; this source takes "
                          f"{', '.join(n for n in names if n != PAGE) or 'none'}")
    axes: list[tuple[str, tuple[str, ...]]] = []
    for name in names:
        if name == PAGE:
            continue
        chosen = tuple(dict.fromkeys(values.get(name) or spec.defaults.get(name) or ()))
        if not chosen:
            raise SearchError(f"search parameter {name!r} has no value: pass --param "
                              f"{name}=... or set search.defaults.{name} in the definition")
        axes.append((name, chosen))
    return [dict(zip([a for a, _ in axes], combo, strict=True))
            for combo in itertools.product(*(v for _, v in axes))]


def fill(template: str, search: Mapping[str, str], page: int, *, quote: bool) -> str:
    """The template with the search's values (URL-quoted when ``quote``) and the page number."""
    values: dict[str, Any] = {k: quote_plus(v) if quote else v for k, v in search.items()}
    values[PAGE] = page
    return template.format(**values)


def fill_body(body: Any, search: Mapping[str, str], page: int) -> Any:
    """A form or JSON body with every text's placeholders filled (``{page}`` alone → a number)."""
    if isinstance(body, str):
        if body == "{page}":
            return page
        return fill(body, search, page, quote=False)
    if isinstance(body, dict):
        return {k: fill_body(v, search, page) for k, v in body.items()}
    if isinstance(body, list):
        return [fill_body(v, search, page) for v in body]
    return body


def found_under(fields: dict[str, Any], search: Mapping[str, str] | None) -> dict[str, Any]:
    """The record's fields with the search category it was found under among its categories."""
    category = (search or {}).get(CATEGORY)
    if not category:
        return fields
    have = fields.get("categories") or []
    have = [have] if isinstance(have, str) else list(have)
    if category.casefold() not in {str(c).casefold() for c in have}:
        have.append(category)
    return {**fields, "categories": have}
