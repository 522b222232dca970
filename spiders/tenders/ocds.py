"""OCDS (1.0 and 1.1) -> normalised tender, organisation and award records. Pure: no I/O.

Accepted shapes: release packages, record packages (the ``compiledRelease`` of each record;
when that is missing or empty, its ``versionedRelease`` compiled to the latest values, else its
embedded releases in date order), bare records, bare releases, and a JSON list of any of these.
OCDS 1.0 publishers without ``parties`` (Paraguay) carry the buyer, tenderers and suppliers
inline; both shapes give the same records.

Texts are looked up the way OCDS 1.1 localises them: ``name``, else ``name_<language>`` (a
BCP 47 tag after an underscore: ``name_fr``, ``legalName_en``), the release's own ``language``
first, then English, then the first one printed.

Winning awards become award records: status ``active``, or no status at all. The awards
section lists the awards made; OCDS 1.2 deprecates ``awards[].status`` altogether (whether an
award is in force follows from its dates), so a missing status is an award made, not an award
in doubt (Compranet and others leave it out, with or without a contract pointing at it).
``pending``, ``cancelled`` and ``unsuccessful`` awards name tenderers, never winners.
"""

from __future__ import annotations

import re
from collections.abc import Iterator
from functools import lru_cache
from typing import Any

from enrich.normalise.countries import country_code
from enrich.normalise.identifiers import (
    is_natural_person_id,
    is_natural_person_name,
    normalise_scheme,
)
from enrich.normalise.identifiers import org_identifier as normalise_identifier
from spiders.landing_fields import identifier_text
from spiders.tenders.common import (
    ParsedDocument,
    clean,
    cpv_code,
    iso_datetime,
    number,
    slug,
    strongest_role,
    tender_status,
)

_PREFIX = re.compile(r"^(ocds-[0-9a-z]{6})", re.IGNORECASE)
_ROLE_WORDS = {"buyer": "buyer", "procuringentity": "buyer", "tenderer": "tenderer",
               "supplier": "supplier"}
_SCHEME_PREFIX = {"UA-EDR": "UA", "MX-RFC": "MX", "PY-RUC": "PY", "CO-NIT": "CO", "CO-CC": "CO",
                  "GB-COH": "GB"}
# The part after "name_" in a localised key: a BCP 47 tag (en, fr, es-MX, zh-Hant-TW).
_LANGUAGE_TAG = re.compile(r"[A-Za-z]{2,8}(?:-[A-Za-z0-9]{1,8})*")
_CONTENT_KEYS = ("tender", "awards", "parties", "contracts", "buyer", "planning")
_VERSION_KEYS = frozenset({"releaseID", "releaseDate", "releaseTag", "value"})


def _list(value: Any) -> list[Any]:
    """A JSON array, or nothing: publishers put null, "", objects or numbers where lists go."""
    return value if isinstance(value, list) else []


@lru_cache(maxsize=1024)
def _suffixed(key: str, tag: str) -> str:
    return f"{key}_{tag}"


def localised(obj: dict[str, Any], key: str, lang: str | None = None, *,
              any_tag: bool = False) -> str | None:
    """A text field as OCDS 1.1 localises it: ``key``, else ``key_<lang>``, ``key_en``, then
    (``any_tag``) the first ``key_<tag>`` printed.

    Publishers that print names only in ``name_en`` / ``name_fr`` (no plain ``name``) would
    otherwise yield no organisation at all. Scanning every key is kept for names and tender
    texts: an absent optional field (a region, a lot title) is common, and scanning for it each
    time is not free.
    """
    # Absent keys are the common case for optional fields: no ``clean`` call for them.
    raw = obj.get(key)
    if raw is not None:
        value = " ".join(raw.split()) if raw.__class__ is str else clean(raw)
        if value:
            return value
    if lang:
        raw = obj.get(_suffixed(key, lang))
        if raw is not None:
            value = clean(raw)
            if value:
                return value
    raw = obj.get(_suffixed(key, "en"))
    value = clean(raw) if raw is not None else None
    if value or not any_tag:
        return value
    prefix = key + "_"
    for name, raw in obj.items():
        if name.startswith(prefix) and _LANGUAGE_TAG.fullmatch(name, len(prefix)):
            value = clean(raw)
            if value:
                return value
    return None


def has_content(release: Any) -> bool:
    """A release (or compiled release) that says something: not {} or a bare ocid."""
    return isinstance(release, dict) and any(k in release for k in _CONTENT_KEYS)


def compile_versioned(versioned: dict[str, Any]) -> dict[str, Any]:
    """A ``versionedRelease`` -> the compiled release it stands for (each field's latest value).

    In a versioned release every leaf is a list of ``{releaseID, releaseDate, releaseTag,
    value}``, oldest first; objects and arrays of objects with ids keep their shape. It has no
    ``date`` of its own: the compiled release's date is that of its latest version.
    """
    dates: list[str] = []

    def latest(node: Any) -> Any:
        if isinstance(node, dict):
            return {k: latest(v) for k, v in node.items()}
        if isinstance(node, list):
            if node and all(isinstance(v, dict) and "value" in v and v.keys() <= _VERSION_KEYS
                            for v in node):
                pick = max(range(len(node)),
                           key=lambda i: (str(node[i].get("releaseDate") or ""), i))
                dates.append(str(node[pick].get("releaseDate") or ""))
                return node[pick]["value"]
            return [latest(v) for v in node]
        return node

    compiled = latest(versioned)
    if not compiled.get("date") and any(dates):
        compiled["date"] = max(dates)
    return compiled


def iter_releases(doc: Any) -> Iterator[dict[str, Any]]:
    """Every release worth parsing in an OCDS document, whatever its packaging."""
    if isinstance(doc, list):
        for part in doc:
            yield from iter_releases(part)
        return
    if not isinstance(doc, dict):
        return
    if isinstance(doc.get("records"), list):
        for record in doc["records"]:
            yield from iter_releases(record)
        return
    compiled = doc.get("compiledRelease")
    if has_content(compiled):
        yield compiled
        return
    if isinstance(doc.get("versionedRelease"), dict):
        versioned = compile_versioned(doc["versionedRelease"])
        if has_content(versioned):
            yield versioned
            return
    if isinstance(doc.get("releases"), list):
        embedded = [r for r in doc["releases"] if isinstance(r, dict) and
                    ("tender" in r or "awards" in r or "parties" in r or "contracts" in r)]
        yield from sorted(embedded, key=lambda r: str(r.get("date") or ""))
        return
    if isinstance(compiled, dict) and compiled:
        yield compiled
        return
    if "ocid" in doc or "tender" in doc or "awards" in doc:
        yield doc


def looks_like_ocds(doc: Any) -> bool:
    if isinstance(doc, list):
        return any(looks_like_ocds(d) for d in doc[:3])
    return isinstance(doc, dict) and (
        "releases" in doc or "records" in doc or "compiledRelease" in doc or "ocid" in doc
    )


@lru_cache(maxsize=4096)
def _scheme_code(label: Any, country: str | None) -> str | None:
    """A publisher's scheme label -> its org-id.guide code, worked out once per label.

    Labels are a small vocabulary ("Registro Federal de Contribuyentes", "UA-EDR") repeated on
    every party; normalising the text each time was a fifth of the parse time.
    """
    return normalise_scheme(label, country)


@lru_cache(maxsize=4096)
def _person_label(label: Any) -> bool:
    """Whether a scheme label itself says "natural person" (Colombia's "Cédula ...")."""
    return is_natural_person_id("", "", label)


def _identifiers(party: dict[str, Any], country: str | None) -> tuple[list[dict], bool]:
    found: list[dict[str, str]] = []
    person = False
    more = party.get("additionalIdentifiers")
    raw_ids = [party.get("identifier"), *more] if more and isinstance(more, list) else \
        (party.get("identifier"),)
    for raw in raw_ids:
        if not isinstance(raw, dict):
            continue
        label = raw.get("scheme")
        label = label if isinstance(label, str) else None
        # The org-id.guide code normalises to itself, so this is normalise_identifier(label).
        ident = normalise_identifier(_scheme_code(label, country), raw.get("id"), country=country)
        if ident and ident not in found:
            found.append(ident)
            person = person or is_natural_person_id(ident["scheme"], ident["id"]) \
                or _person_label(label)
    return found, person


class _Release:
    """One release's parties, resolved once: party refs anywhere -> one organisation record."""

    def __init__(self, release: dict[str, Any], party_ids: bool = False) -> None:
        self.r = release
        self.party_ids = party_ids
        lang = release.get("language")
        self.lang = lang.strip() if isinstance(lang, str) and lang.strip() else None
        self.ocid = str(release.get("ocid") or release.get("id") or "")
        match = _PREFIX.match(self.ocid)
        self.publisher = match.group(1).lower() if match else "ocds"
        self.parties = {str(p["id"]): p for p in _list(release.get("parties"))
                        if isinstance(p, dict) and p.get("id") is not None}
        self.orgs: dict[str, dict[str, Any]] = {}
        self.roles: dict[str, set[str]] = {}
        # party id (or, for inline refs, the ref object's identity) -> native id: resolved once
        self.resolved: dict[str | int, str] = {}

    def text(self, obj: Any, key: str, any_tag: bool = False) -> str | None:
        return localised(obj, key, self.lang, any_tag=any_tag) if isinstance(obj, dict) else None

    def full_party(self, ref: dict[str, Any]) -> dict[str, Any]:
        listed = self.parties.get(str(ref.get("id"))) if ref.get("id") is not None else None
        if listed is None:
            return ref
        merged = dict(ref)
        merged.update({k: v for k, v in listed.items() if v not in (None, "", [], {})})
        return merged

    def org(self, ref: Any, role: str | None) -> str | None:
        """Register a party reference (with its role); return its organisation native id."""
        if not isinstance(ref, dict):
            return None
        pid = ref.get("id")
        key: str | int = id(ref)
        if pid is not None:
            text = pid if pid.__class__ is str else str(pid)
            if text in self.parties:
                key = text
        native = self.resolved.get(key)
        if native is None:
            native = self._register(ref)
            if native is None:
                return None
            self.resolved[key] = native
        if role:
            self.roles[native].add(role)
        return native

    def _register(self, ref: dict[str, Any]) -> str | None:
        """The organisation record behind one party reference; its native id (None: no name)."""
        party = self.full_party(ref)
        lang = self.lang
        name = localised(party, "name", lang, any_tag=True)
        if not name:
            ident = party.get("identifier")
            name = localised(ident, "legalName", lang, any_tag=True) \
                if isinstance(ident, dict) else None
            if not name:
                return None
        address = party.get("address")
        if not isinstance(address, dict):
            address = {}
        country = country_code(address.get("countryName"))
        if not country:
            code = address.get("countryCode")
            country = country_code(code) if isinstance(code, str) else None
        identifiers, person = _identifiers(party, country)
        if not country and identifiers:
            country = _SCHEME_PREFIX.get(identifiers[0]["scheme"])
        pid = party.get("id")
        if self.party_ids and pid not in (None, ""):
            native = str(pid)  # the publisher keeps party ids stable: they are the key
        elif identifiers:
            native = identifier_text(identifiers[0])
        elif pid not in (None, ""):
            native = f"{self.publisher}:{pid}"
        else:
            native = f"{self.publisher}:{slug(name)}"
        if native not in self.orgs:
            self.orgs[native] = self._org_fields(party, address, name, identifiers, country,
                                                 person)
            self.roles[native] = set()
        return native

    def _org_fields(self, party: dict[str, Any], address: dict[str, Any], name: str,
                    identifiers: list[dict], country: str | None,
                    person: bool) -> dict[str, Any]:
        """An organisation's landing fields, absent ones left out (built as they are read:
        no copy filtered afterwards)."""
        lang = self.lang
        fields: dict[str, Any] = {"name": name}
        if identifiers:
            fields["identifiers"] = identifiers
        for field_name, value in (
            ("street", localised(address, "streetAddress", lang)),
            ("postcode", clean(address.get("postalCode"))),
            ("city", localised(address, "locality", lang)),
            ("region", localised(address, "region", lang)),
            ("country", country),
        ):
            if value:
                fields[field_name] = value
        contact = party.get("contactPoint")
        email = phone = None
        if isinstance(contact, dict):
            email, phone = clean(contact.get("email")), clean(contact.get("telephone"))
            for field_name, value in (("email", email), ("phone", phone),
                                      ("website", clean(contact.get("url")))):
                if value:
                    fields[field_name] = value
        fields["is_natural_person"] = person or is_natural_person_name(name)
        if self.ocid:
            fields["tender_ids"] = [self.ocid]
        if isinstance(contact, dict):
            person_name = localised(contact, "name", lang)
            if person_name or email:
                entry = {"name": person_name,
                         "role": clean(contact.get("role")) or "contact point",
                         "email": email, "phone": phone}
                fields["contacts"] = [{k: v for k, v in entry.items() if v}]
        return fields


@lru_cache(maxsize=256)
def _class_scheme(label: str) -> str | None:
    """A classification scheme label -> 'CPV', 'UNSPSC' or None (a scheme we do not read)."""
    upper = label.upper()
    if upper.startswith("CPV"):
        return "CPV"
    if "UNSPSC" in upper or "CATÁLOGO" in upper or "CATALOGO" in upper:
        return "UNSPSC"  # DNCP's catalogue is UNSPSC class + a local suffix ('43222825-002')
    return None


_EIGHT_DIGITS = re.compile(r"\d{8}")


def _classifications(tender: dict[str, Any], lang: str | None) -> list[dict[str, str]]:
    out: list[dict[str, str]] = []
    seen: set[tuple[str, str]] = set()
    candidates: list[Any] = [tender.get("classification")]
    for item in _list(tender.get("items")):
        if isinstance(item, dict):
            candidates.append(item.get("classification"))
            extra = item.get("additionalClassifications")
            if extra:
                candidates.extend(_list(extra))
    coded: set[tuple[str, str]] = set()  # (scheme label, id) already read to a code
    for c in candidates:
        if not isinstance(c, dict):
            continue
        label, ident = c.get("scheme") or c.get("schema") or "", c.get("id")
        raw = (label, ident) if label.__class__ is str and ident.__class__ is str else None
        if raw in coded:
            continue  # items repeat their tender's code: read it (and its text) once
        scheme = _class_scheme(label if label.__class__ is str else str(label))
        if scheme is None:
            continue
        if scheme == "CPV":
            code = cpv_code(ident)
        else:
            match = _EIGHT_DIGITS.match(ident if ident.__class__ is str else str(ident or ""))
            code = match.group(0) if match else None
        if code and raw is not None:
            coded.add(raw)
        if code and (scheme, code) in seen:
            continue
        description = localised(c, "description", lang)
        key = (scheme, code or description or "")
        if key in seen or not (code or description):
            continue
        seen.add(key)
        entry = {"scheme": scheme}
        if code:
            entry["id"] = code
        if description:
            entry["description"] = description
        out.append(entry)
    return out


def parse_release(release: dict[str, Any], *, party_ids: bool = False) -> ParsedDocument:
    """One OCDS release (or compiled release) -> normalised records.

    Organisations are keyed by their registry identifier ('GB-COH:01234567'), else by
    publisher + party id. ``party_ids=True`` keys them by party id alone, for publishers whose
    party ids are stable across releases and documented as the key (the demo world).
    """
    rel = _Release(release, party_ids)
    out = ParsedDocument(format="ocds", documents=1)
    tender = release.get("tender") if isinstance(release.get("tender"), dict) else {}
    awards = [a for a in _list(release.get("awards")) if isinstance(a, dict)]
    contracts = [c for c in _list(release.get("contracts")) if isinstance(c, dict)]

    buyer_ref = release.get("buyer") or tender.get("procuringEntity")
    buyer_id = rel.org(buyer_ref, "buyer")
    if tender.get("procuringEntity") and release.get("buyer"):
        rel.org(tender["procuringEntity"], "buyer")
    for t in _list(tender.get("tenderers")):
        rel.org(t, "tenderer")

    winners: set[str] = set()
    for award in awards:
        winning = str(award.get("status") or "active").lower() == "active"  # see the module doc
        suppliers = [s for s in _list(award.get("suppliers")) if isinstance(s, dict)]
        done: set[str] = set()
        for supplier in suppliers:
            native = rel.org(supplier, "supplier" if winning else "tenderer")
            if not winning or not native or native in done:
                continue
            done.add(native)
            winners.add(native)
            value = award.get("value") if isinstance(award.get("value"), dict) else {}
            amount = number(value.get("amount"))
            currency = value.get("currency")
            if len(suppliers) > 1:  # shared award value: take this supplier's contract if known
                amount, currency = _contract_value(rel, contracts, award, native)
            out.awards.append(_award(rel, award.get("id"), native, supplier, amount, currency,
                                     award.get("date"), "active"))
    known_awards = {str(a.get("id")) for a in awards}
    for contract in contracts:  # OCDS 1.0 contract releases name the supplier on the contract
        sup = contract.get("suppliers")
        refs = [sup] if isinstance(sup, dict) else [s for s in _list(sup) if isinstance(s, dict)]
        if str(contract.get("awardID")) in known_awards or not refs:
            continue
        if str(contract.get("status") or "active").lower() not in ("active", "terminated"):
            continue
        for ref in refs:
            native = rel.org(ref, "supplier")
            if native:
                winners.add(native)
                value = contract.get("value") if isinstance(contract.get("value"), dict) else {}
                out.awards.append(_award(
                    rel, contract.get("awardID") or contract.get("id"), native, ref,
                    number(value.get("amount")), value.get("currency"),
                    contract.get("dateSigned"), "active"))

    for pid, party in rel.parties.items():
        roles = {_ROLE_WORDS.get(str(r).lower()) for r in _list(party.get("roles"))} - {None}
        if "supplier" in roles and awards:
            roles.discard("supplier")  # only winners of active awards are suppliers
            roles.add("tenderer")
        for role in roles or {None}:
            rel.org({"id": pid}, role)

    for native, fields in rel.orgs.items():
        roles = rel.roles[native]
        role = "supplier" if native in winners else strongest_role(roles)
        if role:
            fields["role"] = role  # the release's own record: no copy needed
            out.organisations.append({"native_id": native, "fields": fields})

    if tender or buyer_id:
        out.tenders.append(_tender(rel, tender, buyer_id))
    out.awards = _dedupe(out.awards)
    out.high_water_mark = iso_datetime(release.get("date"))
    return out


def _contract_value(rel: _Release, contracts: list[dict], award: dict, native: str
                    ) -> tuple[float | None, str | None]:
    """Sum of this supplier's contracts under the award (DNCP: one contract per lot won)."""
    total, currency, found = 0.0, None, False
    for contract in contracts:
        if str(contract.get("awardID")) != str(award.get("id")):
            continue
        sup = contract.get("suppliers")
        refs = [sup] if isinstance(sup, dict) else [s for s in _list(sup) if isinstance(s, dict)]
        if any(rel.org(ref, None) == native for ref in refs):
            value = contract.get("value") if isinstance(contract.get("value"), dict) else {}
            amount = number(value.get("amount"))
            if amount is not None:
                total, currency, found = total + amount, value.get("currency"), True
    return (total, currency) if found else (None, None)


def _award(rel: _Release, award_id: Any, native: str, ref: dict, amount: float | None,
           currency: Any, date: Any, status: str) -> dict[str, Any]:
    award_id = str(award_id) if award_id not in (None, "") else "award"
    fields = {
        "tender_id": rel.ocid, "award_id": award_id, "supplier_native_id": native,
        "supplier_name": rel.orgs.get(native, {}).get("name") or rel.text(ref, "name", True),
        "value": amount, "currency": clean(currency), "date": iso_datetime(date),
        "status": status,
    }
    return {"native_id": f"{rel.ocid}/{award_id}/{native}",
            "fields": {k: v for k, v in fields.items() if v not in (None, "")}}


def _tender(rel: _Release, tender: dict[str, Any], buyer_id: str | None) -> dict[str, Any]:
    value = tender.get("value") if isinstance(tender.get("value"), dict) else {}
    period = tender.get("tenderPeriod") if isinstance(tender.get("tenderPeriod"), dict) else {}
    lots = []
    for lot in _list(tender.get("lots")):
        if isinstance(lot, dict) and lot.get("id") is not None:
            lot_value = lot.get("value") if isinstance(lot.get("value"), dict) else {}
            entry = {"id": str(lot["id"]), "title": rel.text(lot, "title"),
                     "value": number(lot_value.get("amount")),
                     "currency": lot_value.get("currency")}
            lots.append({k: v for k, v in entry.items() if v not in (None, "")})
    amount = number(value.get("amount"))
    fields = {
        "tender_id": rel.ocid,
        "title": rel.text(tender, "title", True),
        "description": rel.text(tender, "description", True),
        "buyer_native_id": buyer_id,
        "buyer_name": rel.orgs.get(buyer_id, {}).get("name") if buyer_id else None,
        "classifications": _classifications(tender, rel.lang),
        "value": amount if amount else None,  # 0 means "not published" (Compranet)
        "currency": clean(value.get("currency")) if amount else None,
        "deadline": iso_datetime(period.get("endDate")),
        "status": tender_status(tender.get("status")),
        "published_at": iso_datetime(tender.get("datePublished") or rel.r.get("date")),
        "procedure": rel.text(tender, "procurementMethodDetails") or
        clean(tender.get("procurementMethod")),
        "lots": lots,
    }
    return {"native_id": rel.ocid,
            "fields": {k: v for k, v in fields.items() if v not in (None, "", [])}}


def parse_ocds(doc: Any, *, party_ids: bool = False) -> ParsedDocument:
    """Any OCDS document (package, record, release, list) -> all its normalised records."""
    out = ParsedDocument(format="ocds")
    for release in iter_releases(doc):
        out.extend(parse_release(release, party_ids=party_ids))
    return out


def _dedupe(records: list[dict[str, Any]]) -> list[dict[str, Any]]:
    """One record per native id (a supplier listed twice on one award, say); last one wins."""
    return list({r["native_id"]: r for r in records}.values())
