"""GLEIF LEI records (``api.gleif.org/api/v1/lei-records``) -> fields.

Two statuses: ``entity.status`` (ACTIVE, INACTIVE: the legal entity still exists or not) and
``registration.status`` (ISSUED, LAPSED: not renewed, RETIRED, ...), landed as
``registry_status`` and ``lei_status``. The LEI is an identifier (scheme ``XI-LEI``); the
entity's own register number (``registeredAs``) becomes a second one where the registration
authority is one the project knows (RA000585 = Companies House). Pure functions, no I/O.
"""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

from enrich.normalise.legal_forms import elf_name
from spiders.registries.common import (
    RegistryParseError,
    address_line,
    iso_date,
    organisation,
    plain_words,
    year_of,
)
from spiders.registries.companies_house import company_number

SCHEME = "XI-LEI"
API_URL = "https://api.gleif.org/api/v1/lei-records"
# GLEIF registration authority codes -> (org-id.guide scheme, id normaliser).
AUTHORITIES = {"RA000585": ("GB-COH", company_number)}
_ENTITY_STATUS = {"ACTIVE": "active", "INACTIVE": "inactive"}


def record_fields(doc: Any) -> dict[str, Any]:
    """One LEI record (a ``{data: {...}}`` response or the record itself) -> fields."""
    record = doc.get("data") if isinstance(doc, Mapping) and "data" in doc else doc
    if not isinstance(record, Mapping) or not isinstance(record.get("attributes"), Mapping):
        raise RegistryParseError("not a GLEIF LEI record (no data.attributes)")
    attrs = record["attributes"]
    lei = attrs.get("lei") or record.get("id")
    entity = attrs.get("entity") if isinstance(attrs.get("entity"), Mapping) else {}
    registration = attrs.get("registration") if isinstance(
        attrs.get("registration"), Mapping) else {}
    if not lei:
        raise RegistryParseError("not a GLEIF LEI record (no lei)")
    identifiers = [{"scheme": SCHEME, "id": lei}]
    authority = (entity.get("registeredAt") or {}).get("id")
    if authority in AUTHORITIES and entity.get("registeredAs"):
        scheme, normalise = AUTHORITIES[authority]
        identifiers.append({"scheme": scheme, "id": normalise(entity["registeredAs"])})
    address = entity.get("legalAddress") if isinstance(entity.get("legalAddress"),
                                                       Mapping) else {}
    lines = address.get("addressLines") or []
    form = entity.get("legalForm") if isinstance(entity.get("legalForm"), Mapping) else {}
    created = iso_date(entity.get("creationDate"))
    lei_status = plain_words(registration.get("status"))
    country = address.get("country") or str(entity.get("jurisdiction") or "")[:2] or None
    return {
        "name": (entity.get("legalName") or {}).get("name"),
        "identifiers": identifiers,
        "registry_status": _ENTITY_STATUS.get(str(entity.get("status"))),
        "lei_status": lei_status,
        "incorporated_on": created,
        "founded": year_of(created),
        "dissolved_on": iso_date((entity.get("expiration") or {}).get("date")),
        "legal_form": (elf_name(form.get("id")) if form.get("id") else None) or form.get("other"),
        "street": address_line(*lines),
        "postcode": address.get("postalCode"),
        "city": address.get("city"),
        "region": address.get("region"),
        "country": country if country and len(country) == 2 else None,
        "address": address_line(*lines, address.get("postalCode"), address.get("city")),
        "is_natural_person": True if entity.get("category") == "SOLE_PROPRIETOR" else None,
    }


def record_item(doc: Any, url: str | None = None) -> dict[str, Any]:
    fields = record_fields(doc)
    lei = fields["identifiers"][0]["id"]
    return organisation(lei, url or f"{API_URL}/{lei}", fields)


def page_items(doc: Any, url: str) -> list[dict[str, Any]]:
    """A list answer (``/lei-records?filter...``, ``/direct-children``) -> organisations."""
    if not isinstance(doc, Mapping) or not isinstance(doc.get("data"), list):
        raise RegistryParseError("not a GLEIF list answer (no data list)")
    return [record_item({"data": r}) for r in doc["data"] if isinstance(r, Mapping)]


def next_page(doc: Mapping[str, Any]) -> str | None:
    return (doc.get("links") or {}).get("next")
