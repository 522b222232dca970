"""Denmark: CVR (Erhvervsstyrelsen's System-til-System Elasticsearch, ``Vrvirksomhed``) -> fields.

The newest values sit in ``virksomhedMetadata`` (``nyesteNavn``, ``nyesteHovedbranche``,
``nyesteVirksomhedsform``, ``nyesteBeliggenhedsadresse``, ``sammensatStatus``). Industry codes
are DB07 (Dansk Branchekode 2007 = NACE Rev. 2 to four digits), kept as given (scheme
``DK-DB07``) and followed by their NACE class. Pure functions, no I/O.
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
    with_nace,
    year_of,
)

SCHEME = "DK-CVR"
INDUSTRY_SCHEME = "DK-DB07"
_STATUS = {
    "NORMAL": "active", "AKTIV": "active", "UNDER KONKURS": "bankruptcy",
    "UNDER FRIVILLIG LIKVIDATION": "liquidation", "UNDER TVANGSOPLØSNING": "liquidation",
    "UNDER REKONSTRUKTION": "administration", "OPLØST EFTER KONKURS": "dissolved",
    "OPLØST EFTER FRIVILLIG LIKVIDATION": "dissolved", "OPLØST EFTER ERKLÆRING": "dissolved",
    "OPLØST EFTER FUSION": "dissolved", "OPLØST EFTER SPALTNING": "dissolved",
    "TVANGSOPLØST": "dissolved", "OPHØRT": "dissolved", "SLETTET": "dissolved",
}


def hits(doc: Any) -> list[Mapping[str, Any]]:
    """The ``Vrvirksomhed`` objects of a ``_search`` answer."""
    if not isinstance(doc, Mapping) or not isinstance((doc.get("hits") or {}).get("hits"), list):
        raise RegistryParseError("not a CVR search answer (no hits.hits)")
    return [h["_source"]["Vrvirksomhed"] for h in doc["hits"]["hits"]
            if isinstance((h.get("_source") or {}).get("Vrvirksomhed"), Mapping)]


def company_fields(company: Mapping[str, Any]) -> dict[str, Any]:
    meta = company.get("virksomhedMetadata") or {}
    if not company.get("cvrNummer"):
        raise RegistryParseError("not a CVR company (no cvrNummer)")
    branch = meta.get("nyesteHovedbranche") or {}
    codes = [industry_code(INDUSTRY_SCHEME, branch.get("branchekode"), branch.get("branchetekst"))]
    for i in (1, 2, 3):
        extra = meta.get(f"nyesteBibranche{i}") or {}
        codes.append(industry_code(INDUSTRY_SCHEME, extra.get("branchekode"),
                                   extra.get("branchetekst")))
    form = meta.get("nyesteVirksomhedsform") or {}
    address = meta.get("nyesteBeliggenhedsadresse") or {}
    number = address.get("husnummerFra")
    street = address_line(" ".join(str(p) for p in (address.get("vejnavn"), number,
                                                    address.get("bogstavFra")) if p))
    founded = iso_date(meta.get("stiftelsesDato"))
    raw_status = str(meta.get("sammensatStatus") or "").upper()
    return {
        "name": (meta.get("nyesteNavn") or {}).get("navn"),
        "identifiers": [{"scheme": SCHEME, "id": str(company["cvrNummer"])}],
        "registry_status": _STATUS.get(raw_status),
        "incorporated_on": founded,
        "founded": year_of(founded),
        "industry_codes": with_nace(codes),
        "legal_form": form.get("langBeskrivelse") and
        f"{form['langBeskrivelse']} ({form.get('kortBeskrivelse')})",
        "street": street,
        "postcode": str(address["postnummer"]) if address.get("postnummer") else None,
        "city": address.get("postdistrikt"),
        "country": address.get("landekode"),
    }


def search_items(doc: Any, url: str) -> list[dict[str, Any]]:
    out = []
    for company in hits(doc):
        fields = company_fields(company)
        out.append(organisation(fields["identifiers"][0]["id"], url, fields))
    return out
