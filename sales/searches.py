"""Which searches a directory crawl runs for sales: the profile's industries and regions, or
`--param`.

A directory definition (``search:`` in its YAML) maps profile industries (labels such as
``construction`` or NACE codes such as ``43.22``) to its own category terms and profile regions
or countries to its location terms. Here, beside the profiles (spiders never read the
config), a profile and the explicit ``--param NAME=VALUE`` arguments become the list of
searches handed to the spider: explicit values win per parameter, the profile fills the rest,
the definition's defaults whatever is still open.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from typing import Protocol

from enrich.industry import profile_targets
from enrich.industry.nace import under
from spiders.definitions import SourceDefinition
from spiders.search import CATEGORY, LOCATION, SearchError, expand


class SearchProfile(Protocol):
    """What a directory search reads from a profile (``leadpipe.config.Profile`` has it)."""

    @property
    def industries(self) -> Sequence[str]: ...
    @property
    def regions(self) -> Sequence[str]: ...
    @property
    def countries(self) -> Sequence[str]: ...


def parse_params(pairs: Sequence[str]) -> dict[str, list[str]]:
    """``["category=plumber", "location=Cairns", "category=electrician"]`` → values per name."""
    out: dict[str, list[str]] = {}
    for pair in pairs:
        name, sep, value = pair.partition("=")
        if not sep or not name.strip() or not value.strip():
            raise SearchError(f"--param {pair!r} is not NAME=VALUE (e.g. category=plumber)")
        out.setdefault(name.strip(), []).append(value.strip())
    return out


def _related(a: str, b: str) -> bool:
    return under(a, b) or under(b, a)


def categories_for(mapping: Mapping[str, Sequence[str]], industries: Sequence[str]) -> list[str]:
    """The directory's category terms for the profile's industries: a mapping key applies when
    its NACE code and one of the profile's lie one under the other (``construction`` takes the
    terms of ``43.22``, and ``43.22`` those of ``construction``)."""
    wanted = profile_targets(list(industries))
    out: list[str] = []
    for key, terms in mapping.items():
        try:
            targets = profile_targets([key])
        except ValueError:
            continue  # a key no profile can name never applies
        if any(_related(t, w) for t in targets for w in wanted):
            out.extend(t for t in terms if t not in out)
    return out


def locations_for(mapping: Mapping[str, Sequence[str]], regions: Sequence[str],
                  countries: Sequence[str]) -> list[str]:
    """The directory's location terms: each profile region through the mapping (an unmapped
    region is searched as written), then the countries the mapping knows when no region did."""
    folded = {k.casefold(): v for k, v in mapping.items()}
    out: list[str] = []
    for region in regions:
        for term in folded.get(region.casefold(), [region]):
            if term not in out:
                out.append(term)
    if not out:
        for country in countries:
            out.extend(t for t in folded.get(country.casefold(), []) if t not in out)
    return out


def searches_for(definition: SourceDefinition, profile: SearchProfile | None,
                 params: Mapping[str, Sequence[str]] | None = None) -> list[dict[str, str]]:
    """Every search (one value per placeholder) this crawl of ``definition`` runs."""
    spec = definition.search
    params = dict(params or {})
    if spec is None:
        if params:
            raise SearchError(f"{definition.id} declares no search parameters "
                              f"(no search: section in its definition)")
        return []
    names = definition.search_names()
    values: dict[str, list[str]] = {k: list(v) for k, v in params.items()}
    if profile is not None:
        if CATEGORY in names and CATEGORY not in values and profile.industries:
            found = categories_for(spec.categories, profile.industries)
            if found:
                values[CATEGORY] = found
        if LOCATION in names and LOCATION not in values:
            found = locations_for(spec.locations, profile.regions, profile.countries)
            if found:
                values[LOCATION] = found
    return expand(spec, values, names)
