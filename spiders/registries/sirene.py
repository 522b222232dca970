"""France: INSEE SIRENE (API Sirene V3 ``unitesLegales``, and the stock CSV) -> fields.

A unité légale has periods (``periodesUniteLegale``, the current one first, ``dateFin`` null);
its state is ``etatAdministratifUniteLegale``: A active, C ceased (for a legal person, closed:
"dissolved"). The main activity is a NAF code (``16.10A``, NAF rév. 2 = NACE Rev. 2 plus a
letter), kept as given (scheme ``FR-NAF2``) and followed by its NACE class. Headcount bands
(``trancheEffectifs``) give their lower bound. SIRENE records no insolvency (that is BODACC).
Pure functions, no I/O.
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

SCHEME = "FR-SIREN"
SIRET_SCHEME = "FR-SIRET"
NAF_SCHEME = "FR-NAF2"
API_URL = "https://api.insee.fr/entreprises/sirene/V3/siren"

# INSEE tranche d'effectifs -> lower bound of the band.
HEADCOUNT_BANDS = {
    "00": 0, "01": 1, "02": 3, "03": 6, "11": 10, "12": 20, "21": 50, "22": 100, "31": 200,
    "32": 250, "41": 500, "42": 1000, "51": 2000, "52": 5000, "53": 10000,
}
_STATES = {"A": "active", "C": "dissolved", "F": "dissolved"}
_NAF_SCHEMES = {"NAFRev2": NAF_SCHEME, "NAFRev1": "FR-NAF1", "NAF1993": "FR-NAF1993",
                "NAP": "FR-NAP"}


def _current(periods: list[Any]) -> Mapping[str, Any]:
    live = [p for p in periods if isinstance(p, Mapping)]
    open_ = [p for p in live if not p.get("dateFin")]
    return (open_ or sorted(live, key=lambda p: p.get("dateDebut") or "", reverse=True) or [{}])[0]


def unite_legale_fields(doc: Any) -> dict[str, Any]:
    """One API unité légale (or a response wrapping one in ``uniteLegale``) -> fields."""
    if isinstance(doc, Mapping) and isinstance(doc.get("uniteLegale"), Mapping):
        doc = doc["uniteLegale"]
    if not isinstance(doc, Mapping) or not doc.get("siren"):
        raise RegistryParseError("not a SIRENE unité légale (no siren)")
    siren = str(doc["siren"]).replace(" ", "")
    period = _current(doc.get("periodesUniteLegale") or [])
    state = period.get("etatAdministratifUniteLegale") or doc.get(
        "etatAdministratifUniteLegale")
    naf = period.get("activitePrincipaleUniteLegale")
    naf_scheme = _NAF_SCHEMES.get(str(period.get("nomenclatureActivitePrincipaleUniteLegale")),
                                  NAF_SCHEME)
    codes = [industry_code(naf_scheme, naf)]
    created = iso_date(doc.get("dateCreationUniteLegale"))
    identifiers = [{"scheme": SCHEME, "id": siren}]
    if period.get("nicSiegeUniteLegale"):
        identifiers.append({"scheme": SIRET_SCHEME, "id": siren + period["nicSiegeUniteLegale"]})
    name = (period.get("denominationUniteLegale") or period.get("nomUniteLegale")
            or doc.get("denominationUniteLegale"))
    return {
        "name": name,
        "identifiers": identifiers,
        "registry_status": _STATES.get(str(state)),
        "incorporated_on": created,
        "founded": year_of(created),
        "dissolved_on": period.get("dateDebut") if state == "C" else None,
        "industry_codes": with_nace(codes) if naf_scheme == NAF_SCHEME else [c for c in codes
                                                                             if c],
        "legal_form": period.get("categorieJuridiqueUniteLegale") and
        f"catégorie juridique {period['categorieJuridiqueUniteLegale']}",
        "employees": HEADCOUNT_BANDS.get(str(doc.get("trancheEffectifsUniteLegale"))),
        "country": "FR",
        "is_natural_person": str(period.get("categorieJuridiqueUniteLegale") or "").startswith(
            "1") or None,
    }


def unite_legale_item(doc: Any, url: str | None = None) -> dict[str, Any]:
    fields = unite_legale_fields(doc)
    siren = fields["identifiers"][0]["id"]
    return organisation(siren, url or f"{API_URL}/{siren}", fields)


def page_items(doc: Any, url: str) -> list[dict[str, Any]]:
    """A ``/siren`` search answer (``unitesLegales``) -> one organisation per unité légale."""
    if not isinstance(doc, Mapping) or not isinstance(doc.get("unitesLegales"), list):
        raise RegistryParseError("not a SIRENE search answer (no unitesLegales list)")
    return [unite_legale_item(u, f"{API_URL}/{u.get('siren')}") for u in doc["unitesLegales"]
            if isinstance(u, Mapping) and u.get("siren")]


def stock_fields(row: Mapping[str, Any]) -> dict[str, Any]:
    """One row of the geo-sirene stock CSV (an établissement with its unité légale's columns)."""
    get = {k.strip(): (v.strip() if isinstance(v, str) else v) for k, v in row.items()}
    if not get.get("SIREN"):
        raise RegistryParseError("not a SIRENE stock row (no SIREN)")
    siren = get["SIREN"]
    created = iso_date(get.get("DCREN"))
    ape = get.get("APEN700") or get.get("APET700")
    naf = f"{ape[:2]}.{ape[2:]}" if ape and len(ape) == 5 and "." not in ape else ape
    tefen = get.get("TEFEN")
    street = address_line(get.get("NUMVOIE"), get.get("TYPVOIE"), get.get("LIBVOIE"))
    return {
        "name": get.get("NOMEN_LONG") or get.get("L1_NORMALISEE"),
        "identifiers": [{"scheme": SCHEME, "id": siren},
                        *([{"scheme": SIRET_SCHEME, "id": siren + get["NIC"]}]
                          if get.get("NIC") and get.get("SIEGE") == "1" else [])],
        "registry_status": "active",  # the stock lists living établissements only
        "incorporated_on": created,
        "founded": year_of(created),
        "industry_codes": with_nace([industry_code(NAF_SCHEME, naf, get.get("LIBAPEN"))]),
        "legal_form": (get.get("LIBNJ") or "").strip() or None,
        "employees": HEADCOUNT_BANDS.get(tefen) if tefen else None,
        "street": street,
        "postcode": get.get("CODPOS"),
        "city": get.get("LIBCOM"),
        "region": get.get("LIBREG"),
        "country": "FR",
    }


def stock_item(row: Mapping[str, Any], url: str = "") -> dict[str, Any]:
    fields = stock_fields(row)
    native = fields["identifiers"][0]["id"]
    return organisation(native, url or f"{API_URL}/{native}", fields, method="export")
