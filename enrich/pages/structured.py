"""schema.org data a page carries, as JSON-LD and microdata (read by extruct).

Both syntaxes come out as plain dicts in one shape: ``{"@type": "Organization", "name": ...}``
with nested items the same way, so the readers in ``enrich.pages.profile`` need not care which
syntax a site used. Only pages that mention either syntax are handed to extruct.
"""

from __future__ import annotations

from collections.abc import Iterator
from typing import Any

import lxml.html
from extruct.jsonld import JsonLdExtractor
from extruct.w3cmicrodata import MicrodataExtractor

_JSONLD = JsonLdExtractor()
_MICRODATA = MicrodataExtractor()

# schema.org types that are an organisation (Organization and the subtypes sites use most);
# any other type carrying an organisation's properties counts too (``is_organisation``).
ORGANISATION_TYPES = frozenset({
    "Organization", "Corporation", "LocalBusiness", "Company", "NGO", "OnlineBusiness",
    "ProfessionalService", "Store", "AutomotiveBusiness", "HomeAndConstructionBusiness",
    "Plumber", "Electrician", "GeneralContractor", "RoofingContractor", "HVACBusiness",
    "FoodEstablishment", "Restaurant", "LodgingBusiness", "Hotel", "MedicalBusiness",
    "LegalService", "FinancialService", "AccountingService", "EmploymentAgency",
    "TravelAgency", "RealEstateAgent", "EducationalOrganization", "GovernmentOrganization",
    "MedicalOrganization", "SportsOrganization", "Manufacturer", "Airline",
})
NOT_ORGANISATION = frozenset({
    "Person", "Product", "WebSite", "WebPage", "BreadcrumbList", "ListItem", "Review",
    "AggregateRating", "Offer", "ImageObject", "SearchAction", "JobPosting", "Event",
    "Article", "BlogPosting", "FAQPage", "Question", "Answer", "SiteNavigationElement",
})
ORGANISATION_KEYS = ("legalName", "vatID", "taxID", "foundingDate", "numberOfEmployees",
                     "founder", "leiCode", "duns")


def _type_name(value: Any) -> list[str]:
    values = value if isinstance(value, list) else [value]
    return [str(v).rstrip("/").rsplit("/", 1)[-1] for v in values if v]


def _from_microdata(item: Any) -> Any:
    """extruct's microdata item ({type, properties}) as a JSON-LD-shaped dict."""
    if isinstance(item, list):
        return [_from_microdata(i) for i in item]
    if not isinstance(item, dict) or "properties" not in item:
        return item
    out: dict[str, Any] = {"@type": _type_name(item.get("type"))}
    for key, value in (item.get("properties") or {}).items():
        out[key] = _from_microdata(value)
    return out


def _walk(item: Any) -> Iterator[dict[str, Any]]:
    """Every item inside ``item`` (``@graph`` members and nested values included)."""
    if isinstance(item, list):
        for value in item:
            yield from _walk(value)
    elif isinstance(item, dict):
        if "@type" in item:
            yield item
        for key, value in item.items():
            if isinstance(value, dict | list) and key != "@context":
                yield from _walk(value)


def items(doc: lxml.html.HtmlElement, html: str, base_url: str) -> list[dict[str, Any]]:
    """Every schema.org item on a page, nested ones too, in page order."""
    found: list[Any] = []
    if "ld+json" in html:
        try:
            found += _JSONLD.extract_items(doc, base_url=base_url)
        except ValueError:  # JSON that even jstyleson cannot read
            pass
    if "itemscope" in html:
        found += [_from_microdata(i) for i in _MICRODATA.extract_items(doc, base_url)]
    return list(_walk(found))


def types(item: dict[str, Any]) -> list[str]:
    return _type_name(item.get("@type"))


def is_organisation(item: dict[str, Any]) -> bool:
    kinds = set(types(item))
    if kinds & ORGANISATION_TYPES:
        return True
    return not (kinds & NOT_ORGANISATION) and any(k in item for k in ORGANISATION_KEYS)


def text(value: Any) -> str | None:
    """A property as one line of text (the first of a list; ``@value``/``name`` of an item)."""
    if isinstance(value, list):
        value = next((v for v in value if v not in (None, "")), None)
    if isinstance(value, dict):
        value = value.get("@value") or value.get("name") or value.get("value")
    if value is None or isinstance(value, dict | list):
        return None
    out = " ".join(str(value).split())
    return out or None


def texts(value: Any) -> list[str]:
    values = value if isinstance(value, list) else [value]
    return [t for t in (text(v) for v in values) if t]
