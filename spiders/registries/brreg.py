"""Norway: Brønnøysund Enhetsregisteret (``data.brreg.no/enhetsregisteret/api``) -> fields.

An ``/enheter/{orgnr}`` response, a search page (``_embedded.enheter``) and the bulk download
(the same JSON objects, a list of them) share one entity shape. Standing is a set of flags:
``konkurs`` (bankruptcy), ``underAvvikling`` (winding up), ``underTvangsavviklingEllerTvangs
opplosning`` (compulsory winding up or dissolution), ``slettedato`` (deleted); a konkursbo (form
KBO) is a bankruptcy estate. Industry codes (``naeringskode1-3``) are Norway's standard (SN2007,
from 2025 SN2025 = NACE Rev. 2.1) and are kept as given (scheme ``NO-SN``); the classification
stage knows the revisions. Pure functions, no I/O.
"""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

from spiders.registries.common import (
    RegistryParseError,
    address_line,
    industry_code,
    iso_date,
    organisation,
    year_of,
)

SCHEME = "NO-BRC"
INDUSTRY_SCHEME = "NO-SN"
API_URL = "https://data.brreg.no/enhetsregisteret/api/enheter"


def _unescape(text: Any) -> Any:
    """Files written by R carry '<U+00E5>' for 'å': read them as the letters they stand for."""
    if not isinstance(text, str) or "<U+" not in text:
        return text
    import re

    return re.sub(r"<U\+([0-9A-Fa-f]{4,6})>", lambda m: chr(int(m.group(1), 16)), text)


def registry_status(entity: Mapping[str, Any]) -> str:
    form = (entity.get("organisasjonsform") or {}).get("kode")
    if entity.get("konkurs") or form == "KBO":
        return "bankruptcy"
    if entity.get("slettedato"):
        return "dissolved"
    if entity.get("underTvangsavviklingEllerTvangsopplosning") or entity.get("underAvvikling"):
        return "liquidation"
    return "active"


def entity_fields(entity: Any) -> dict[str, Any]:
    """One Enhetsregisteret entity -> organisation fields."""
    if not isinstance(entity, Mapping) or not entity.get("organisasjonsnummer"):
        raise RegistryParseError("not a Brønnøysund entity (no organisasjonsnummer)")
    number = str(entity["organisasjonsnummer"]).replace(" ", "")
    address = entity.get("forretningsadresse") or entity.get("postadresse") or {}
    lines = [_unescape(x) for x in address.get("adresse") or [] if x]
    form = entity.get("organisasjonsform") or {}
    codes = [industry_code(INDUSTRY_SCHEME, (entity.get(f"naeringskode{i}") or {}).get("kode"),
                           _unescape((entity.get(f"naeringskode{i}") or {}).get("beskrivelse")))
             for i in (1, 2, 3)]
    founded = iso_date(entity.get("stiftelsesdato"))
    employees = entity.get("antallAnsatte")
    fields = {
        "name": _unescape(entity.get("navn")),
        "identifiers": [{"scheme": SCHEME, "id": number}],
        "registry_status": registry_status(entity),
        "incorporated_on": founded or iso_date(entity.get("registreringsdatoEnhetsregisteret")),
        "founded": year_of(founded),
        "dissolved_on": iso_date(entity.get("slettedato")),
        "industry_codes": [c for c in codes if c],
        "legal_form": _unescape(form.get("beskrivelse")) and
        f"{_unescape(form.get('beskrivelse'))} ({form.get('kode')})",
        "employees": employees if isinstance(employees, int) and (
            employees or entity.get("harRegistrertAntallAnsatte")) else None,
        "website": entity.get("hjemmeside"),
        "phone": entity.get("telefon") or entity.get("mobil"),
        "street": address_line(*lines),
        "postcode": address.get("postnummer"),
        "city": _unescape(address.get("poststed")),
        "country": address.get("landkode"),
        "address": address_line(*lines, address.get("postnummer"),
                                _unescape(address.get("poststed"))),
    }
    return fields


def entity_item(entity: Any, url: str | None = None) -> dict[str, Any]:
    fields = entity_fields(entity)
    number = fields["identifiers"][0]["id"]
    link = ((entity.get("_links") or {}).get("self") or {}).get("href")
    return organisation(number, url or link or f"{API_URL}/{number}", fields)


def search_items(doc: Any, url: str) -> list[dict[str, Any]]:
    """A search page (``/enheter?navn=...``) or a bulk download (a list of entities)."""
    if isinstance(doc, list):
        entities = doc
    elif isinstance(doc, Mapping) and ("_embedded" in doc or "page" in doc):
        entities = (doc.get("_embedded") or {}).get("enheter") or []
    else:
        raise RegistryParseError("not a Brønnøysund search page (no _embedded.enheter)")
    return [entity_item(e) for e in entities if isinstance(e, Mapping)]


def next_page(doc: Mapping[str, Any]) -> str | None:
    return ((doc.get("_links") or {}).get("next") or {}).get("href")
