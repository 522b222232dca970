"""UK Companies House: Public Data API responses and the BasicCompanyData bulk CSV -> fields.

Page-object style, no I/O: each function takes one decoded document (or one CSV row) and returns
landing fields. ``organisation_fields`` merges a company profile with the answers of its
insolvency and charges endpoints into one ``organisation``; the filing history adds what its
gazette and insolvency filings tell (a dissolution date, a liquidation the profile may lag).

Statuses come in two spellings: the API's enumerations (``company_status`` ``liquidation``,
``company_status_detail`` ``active-proposal-to-strike-off``; see Companies House's
api-enumerations ``constants.yml``) and the bulk file's display texts ("Active - Proposal to
Strike off", "In Administration", "ADMINISTRATION ORDER"). Both map onto the plain words of
``spiders.landing_fields.REGISTRY_STATUSES``; the bulk patterns are also what the DuckDB bulk
loader (``warehouse.registry_bulk``) turns into SQL, so the two never disagree.

UK SIC 2007 equals NACE Rev. 2 to four digits: every SIC code is kept as given (scheme
``UK-SIC2007``; four-digit SIC 2003 codes ``UK-SIC2003``) and each SIC 2007 code is followed by
its NACE class (scheme ``NACE2``). 99999 "Dormant Company" and
74990 "Non-trading company" are no industry and get no NACE class.
"""

from __future__ import annotations

import re
from collections.abc import Mapping
from datetime import date
from typing import Any

from enrich.normalise.countries import country_code
from enrich.normalise.identifiers import clean_id
from spiders.registries.common import (
    RegistryParseError,
    address_line,
    industry_code,
    iso_date,
    organisation,
    plain_words,
    status,
    with_nace,
    year_of,
)

SCHEME = "GB-COH"
SIC_SCHEME = "UK-SIC2007"
SIC2003_SCHEME = "UK-SIC2003"  # four-digit codes of older records: NACE Rev. 1.1, not Rev. 2
NOT_AN_INDUSTRY = ("99999", "74990")  # dormant company, non-trading company
API_URL = "https://api.company-information.service.gov.uk"

# The API's company_status enumeration -> plain words.
API_STATUS = {
    "active": "active",
    "dissolved": "dissolved",
    "liquidation": "liquidation",
    "receivership": "receivership",
    "converted-closed": "converted or closed",
    "voluntary-arrangement": "voluntary arrangement",
    "insolvency-proceedings": "insolvency proceedings",
    "administration": "administration",
    "open": "active",
    "closed": "dissolved",
    "registered": "active",
    "removed": "removed",
}
# company_status_detail values that say more than the status.
API_STATUS_DETAIL = {"active-proposal-to-strike-off": "proposal to strike off"}

# The bulk file's CompanyStatus texts, by the first pattern a lower-cased text contains (order
# matters: "Active - Proposal to Strike off" is not "active"; "In Administration/Receiver
# Manager" is an administration).
BULK_STATUS_PATTERNS: tuple[tuple[str, str], ...] = (
    ("strike off", "proposal to strike off"),
    ("liquidation", "liquidation"),
    ("administrat", "administration"),   # In Administration, ADMINISTRATION ORDER
    ("voluntary arrangement", "voluntary arrangement"),
    ("receiver", "receivership"),       # Receiver Action, RECEIVER MANAGER / ADMINISTRATIVE ...
    ("receivership", "receivership"),
    ("insolvency", "insolvency proceedings"),
    ("dissolved", "dissolved"),
    ("converted", "converted or closed"),
    ("closed", "converted or closed"),
    ("removed", "removed"),
    ("active", "active"),
    ("live", "active"),
    ("open", "active"),
    ("registered", "active"),
)

# Insolvency case types (api-enumerations insolvency_case_type) in plain words.
_CASE_TYPES = {
    "compulsory-liquidation": "compulsory liquidation",
    "creditors-voluntary-liquidation": "creditors' voluntary liquidation",
    "members-voluntary-liquidation": "members' voluntary liquidation",
    "in-administration": "administration",
    "administration-order": "administration order",
    "corporate-voluntary-arrangement": "company voluntary arrangement",
    "corporate-voluntary-arrangement-moratorium": "company voluntary arrangement moratorium",
    "administrative-receiver": "administrative receivership",
    "receiver-manager": "receivership",
    "receivership": "receivership",
    "foreign-insolvency": "foreign insolvency",
    "moratorium": "moratorium",
    "court-order-to-fold-up": "court order to wind up",
}
# Case date types that end a case (the rest start or mark it).
_CASE_END_DATES = ("dissolved-on", "concluded-winding-up-on", "due-to-be-dissolved-on",
                   "administration-ended-on", "administration-discharged-on",
                   "voluntary-arrangement-ended-on", "moratorium-ended-on", "ceased-to-act-on")

# Bulk CSV columns (the header as published keeps leading spaces on some names).
BULK_COLUMNS = (
    "CompanyName", "CompanyNumber", "RegAddress.CareOf", "RegAddress.POBox",
    "RegAddress.AddressLine1", "RegAddress.AddressLine2", "RegAddress.PostTown",
    "RegAddress.County", "RegAddress.Country", "RegAddress.PostCode", "CompanyCategory",
    "CompanyStatus", "CountryOfOrigin", "DissolutionDate", "IncorporationDate",
    "Accounts.AccountRefDay", "Accounts.AccountRefMonth", "Accounts.NextDueDate",
    "Accounts.LastMadeUpDate", "Accounts.AccountCategory", "Returns.NextDueDate",
    "Returns.LastMadeUpDate", "Mortgages.NumMortCharges", "Mortgages.NumMortOutstanding",
    "Mortgages.NumMortPartSatisfied", "Mortgages.NumMortSatisfied", "SICCode.SicText_1",
    "SICCode.SicText_2", "SICCode.SicText_3", "SICCode.SicText_4",
    "LimitedPartnerships.NumGenPartners", "LimitedPartnerships.NumLimPartners", "URI",
    *(f"PreviousName_{i}.{part}" for i in range(1, 11) for part in ("CONDATE", "CompanyName")),
    "ConfStmtNextDueDate", "ConfStmtLastMadeUpDate",
)
BULK_REQUIRED = ("CompanyName", "CompanyNumber", "CompanyStatus")
SIC_COLUMNS = tuple(f"SICCode.SicText_{i}" for i in range(1, 5))
_SIC_TEXT = re.compile(r"^\s*(\d{4,5})\s*(?:-\s*(.*))?$")
_UK_NATIONS = ("england", "wales", "scotland", "northern ireland", "united kingdom", "uk",
               "great britain", "england and wales", "england & wales")


def company_number(value: Any) -> str:
    """'8209948' -> '08209948'; 'sc123456' -> 'SC123456' (Companies House pads to eight)."""
    text = clean_id(value)
    return text.zfill(8) if text.isdigit() else text


def bulk_status(text: Any) -> str | None:
    """A bulk file CompanyStatus text -> a plain status word (None when unknown or empty)."""
    plain = str(text or "").strip().lower()
    if not plain:
        return None
    return next((status(word) for pattern, word in BULK_STATUS_PATTERNS if pattern in plain),
                None)


def api_status(company_status: Any, detail: Any = None) -> str | None:
    if isinstance(detail, str) and detail in API_STATUS_DETAIL:
        return status(API_STATUS_DETAIL[detail])
    return status(API_STATUS.get(str(company_status or "").strip().lower()))


def sic_codes(values: list[Any]) -> list[dict[str, str]]:
    """SIC codes ('68100' or the bulk file's '68100 - Other letting ...') as given, each SIC
    2007 code then followed by its NACE Rev. 2 class. Four-digit codes are SIC 2003 (older
    records, "7499 - Non-trading company"): kept, with no NACE Rev. 2 class."""
    codes, old = [], []
    for value in values:
        match = _SIC_TEXT.match(str(value or ""))
        if not match:
            continue
        code, text = match.group(1), match.group(2)
        if len(code) == 5:
            codes.append(industry_code(SIC_SCHEME, code, text))
        else:
            old.append(industry_code(SIC2003_SCHEME, code, text))
    return with_nace(codes, skip=NOT_AN_INDUSTRY) + [c for c in old if c]


def _country(text: Any, *, abroad: bool = False) -> str | None:
    """Registered-office countries are nations of the UK, or a country name abroad: with
    ``abroad``, kept as its ISO code (so the record can match what other sources say about the
    firm); without, none (the bulk file's rows, which the streaming bulk load reads alike)."""
    plain = str(text or "").strip().lower()
    if not plain or plain in _UK_NATIONS:
        return "GB"
    return country_code(text) if abroad else None


def _office(address: Mapping[str, Any] | None) -> dict[str, Any]:
    if not isinstance(address, Mapping):
        return {}
    street = address_line(address.get("premises"), address.get("address_line_1"))
    return {
        "street": street,
        "city": address.get("locality"),
        "region": address.get("region"),
        "postcode": address.get("postal_code"),
        "address": address_line(street, address.get("address_line_2"),
                                address.get("locality"), address.get("region"),
                                address.get("postal_code")),
        "country": _country(address.get("country"), abroad=True),
    }


def profile_fields(doc: Any) -> dict[str, Any]:
    """A ``/company/{number}`` response -> organisation fields."""
    if not isinstance(doc, Mapping) or not doc.get("company_number"):
        raise RegistryParseError("not a Companies House company profile (no company_number)")
    number = company_number(doc["company_number"])
    accounts = doc.get("accounts") if isinstance(doc.get("accounts"), Mapping) else {}
    next_accounts = accounts.get("next_accounts") if isinstance(
        accounts.get("next_accounts"), Mapping) else {}
    last = accounts.get("last_accounts") if isinstance(
        accounts.get("last_accounts"), Mapping) else {}
    created = iso_date(doc.get("date_of_creation"))
    overdue = accounts.get("overdue", next_accounts.get("overdue"))
    fields: dict[str, Any] = {
        "name": doc.get("company_name"),
        "identifiers": [{"scheme": SCHEME, "id": number}],
        "registry_status": api_status(doc.get("company_status"),
                                      doc.get("company_status_detail")),
        "incorporated_on": created,
        "founded": year_of(created),
        "dissolved_on": iso_date(doc.get("date_of_cessation")),
        "accounts_next_due": iso_date(accounts.get("next_due") or next_accounts.get("due_on")),
        "accounts_last_made_up_to": iso_date(last.get("made_up_to")),
        "accounts_overdue": overdue if isinstance(overdue, bool) else None,
        "accounts_category": plain_words(last.get("type")),
        "industry_codes": sic_codes(doc.get("sic_codes") or []),
        "legal_form": plain_words(doc.get("type")),
        **_office(doc.get("registered_office_address")),
    }
    if fields["registry_status"] is None and doc.get("has_been_liquidated"):
        fields["registry_status"] = "liquidation"
    return fields


def insolvency_cases(doc: Any) -> list[dict[str, str]]:
    """A ``/company/{number}/insolvency`` response -> insolvency cases in plain words."""
    if not isinstance(doc, Mapping) or not isinstance(doc.get("cases"), list):
        raise RegistryParseError("not a Companies House insolvency response (no cases list)")
    out = []
    for case in doc["cases"]:
        if not isinstance(case, Mapping):
            continue
        dates = [d for d in case.get("dates") or [] if isinstance(d, Mapping)]
        starts = sorted(iso_date(d.get("date")) for d in dates
                        if d.get("type") not in _CASE_END_DATES and iso_date(d.get("date")))
        ends = sorted(iso_date(d.get("date")) for d in dates
                      if d.get("type") in _CASE_END_DATES and iso_date(d.get("date")))
        kind = str(case.get("type") or "")
        entry = {
            "type": _CASE_TYPES.get(kind) or plain_words(kind) or "insolvency case",
            "number": str(case["number"]) if case.get("number") else None,
            "started_on": starts[0] if starts else None,
            "ended_on": ends[-1] if ends else None,
        }
        out.append({k: v for k, v in entry.items() if v})
    return out


def charges_outstanding(doc: Any) -> int:
    """A ``/company/{number}/charges`` response -> how many charges are not yet satisfied."""
    if not isinstance(doc, Mapping) or not isinstance(doc.get("items"), list):
        raise RegistryParseError("not a Companies House charges response (no items list)")
    items = [i for i in doc["items"] if isinstance(i, Mapping)]
    if doc.get("total_count") is not None and len(items) < int(doc["total_count"]):
        # A truncated page: the counts the register keeps are the better answer.
        total = int(doc["total_count"])
        return max(0, total - int(doc.get("satisfied_count") or 0))
    return sum(1 for i in items if str(i.get("status", "")).startswith("outstanding")
               or i.get("status") == "part-satisfied")


def filing_history_fields(doc: Any) -> dict[str, Any]:
    """A ``/company/{number}/filing-history`` response -> what its gazette notices tell: a
    dissolution (GAZ2) and its date, or a liquidation under way (LIQ filings)."""
    if not isinstance(doc, Mapping) or not isinstance(doc.get("items"), list):
        raise RegistryParseError("not a Companies House filing history (no items list)")
    items = [i for i in doc["items"] if isinstance(i, Mapping)]
    dissolved = sorted(iso_date(i.get("date")) for i in items
                       if str(i.get("description", "")).startswith("gazette-dissolved")
                       and iso_date(i.get("date")))
    if dissolved:
        return {"registry_status": "dissolved", "dissolved_on": dissolved[-1]}
    if any(str(i.get("description", "")).startswith("liquidation") for i in items):
        return {"registry_status": "liquidation"}
    if any(str(i.get("description", "")).startswith("administration") for i in items):
        return {"registry_status": "administration"}
    return {}


def organisation_fields(profile: Any, insolvency: Any = None, charges: Any = None,
                        filing_history: Any = None) -> dict[str, Any]:
    """One organisation from a profile and, when fetched, its other endpoints' answers."""
    fields = profile_fields(profile)
    if filing_history is not None:
        told = filing_history_fields(filing_history)
        if fields.get("registry_status") in (None, "active") and told:
            fields.update(told)
        elif told.get("dissolved_on") and not fields.get("dissolved_on"):
            fields["dissolved_on"] = told["dissolved_on"]
    if insolvency is not None:
        fields["insolvency_cases"] = insolvency_cases(insolvency)
    if charges is not None:
        fields["charges_outstanding"] = charges_outstanding(charges)
    elif isinstance(profile, Mapping) and profile.get("has_charges") is False:
        fields["charges_outstanding"] = 0
    return fields


def profile_item(profile: Any, url: str, **others: Any) -> dict[str, Any]:
    """A landing organisation item for one company (native id: the company number)."""
    fields = organisation_fields(profile, **others)
    return organisation(fields["identifiers"][0]["id"], url, fields)


def search_items(doc: Any, url: str) -> list[dict[str, Any]]:
    """A ``/search/companies`` (or advanced search) page -> one organisation per company, with
    what a search result says (name, status, creation and cessation dates, address)."""
    if not isinstance(doc, Mapping) or not isinstance(doc.get("items"), list):
        raise RegistryParseError("not a Companies House search page (no items list)")
    out = []
    for hit in doc["items"]:
        if not isinstance(hit, Mapping) or not hit.get("company_number"):
            continue
        number = company_number(hit["company_number"])
        created = iso_date(hit.get("date_of_creation"))
        fields = {
            "name": (hit.get("title") or hit.get("company_name") or "").strip() or None,
            "identifiers": [{"scheme": SCHEME, "id": number}],
            "registry_status": api_status(hit.get("company_status")),
            "incorporated_on": created,
            "founded": year_of(created),
            "dissolved_on": iso_date(hit.get("date_of_cessation")),
            "legal_form": plain_words(hit.get("company_type")),
            **_office(hit.get("address") or hit.get("registered_office_address")),
        }
        if fields["name"]:
            out.append(organisation(number, url, fields))
    return out


def search_next_start(doc: Mapping[str, Any]) -> int | None:
    """The ``start_index`` of the next search page, or None after the last."""
    start = int(doc.get("start_index") or 0)
    per_page = int(doc.get("items_per_page") or len(doc.get("items") or []) or 0)
    total = int(doc.get("total_results") or doc.get("hits") or 0)
    nxt = start + per_page
    return nxt if per_page and nxt < total and doc.get("items") else None


# --- the bulk file ---------------------------------------------------------------------------

def bulk_header(header: list[str]) -> dict[str, int]:
    """The position of each known column in a bulk file's header (names stripped); a
    RegistryParseError names the required columns that are missing."""
    positions = {name.strip(): i for i, name in enumerate(header)}
    missing = [c for c in BULK_REQUIRED if c not in positions]
    if missing:
        raise RegistryParseError(
            f"not a Companies House BasicCompanyData file: no {', '.join(missing)} column")
    return positions


def _int(text: Any) -> int | None:
    text = str(text or "").strip()
    return int(text) if text.isdigit() else None


def bulk_fields(row: Mapping[str, Any], *, as_of: date | None = None) -> dict[str, Any]:
    """One BasicCompanyData row (column names stripped) -> organisation fields.

    ``accounts_overdue`` is the next due date before ``as_of`` (the day the file was made);
    without ``as_of`` it is left out, since an old file would call every company late."""
    get = {k.strip(): (v.strip() if isinstance(v, str) else v) for k, v in row.items()}
    created = iso_date(get.get("IncorporationDate"))
    due = iso_date(get.get("Accounts.NextDueDate"))
    outstanding = _int(get.get("Mortgages.NumMortOutstanding"))
    part = _int(get.get("Mortgages.NumMortPartSatisfied"))
    street = address_line(get.get("RegAddress.AddressLine1"), get.get("RegAddress.AddressLine2"))
    return {
        "name": get.get("CompanyName"),
        "identifiers": [{"scheme": SCHEME, "id": company_number(get.get("CompanyNumber"))}],
        "registry_status": bulk_status(get.get("CompanyStatus")),
        "incorporated_on": created,
        "founded": year_of(created),
        "dissolved_on": iso_date(get.get("DissolutionDate")),
        "accounts_next_due": due,
        "accounts_last_made_up_to": iso_date(get.get("Accounts.LastMadeUpDate")),
        "accounts_overdue": (due < as_of.isoformat()) if (due and as_of) else None,
        "accounts_category": plain_words(get.get("Accounts.AccountCategory")),
        "charges_outstanding": (outstanding or 0) + (part or 0)
        if outstanding is not None or part is not None else None,
        "industry_codes": sic_codes([get.get(c) for c in SIC_COLUMNS]),
        "legal_form": get.get("CompanyCategory") or None,
        "street": street,
        "city": get.get("RegAddress.PostTown") or None,
        "region": get.get("RegAddress.County") or None,
        "postcode": get.get("RegAddress.PostCode") or None,
        "address": address_line(street, get.get("RegAddress.PostTown"),
                                get.get("RegAddress.County"), get.get("RegAddress.PostCode")),
        "country": _country(get.get("RegAddress.Country")),
    }


def bulk_item(row: Mapping[str, Any], *, url: str = "", as_of: date | None = None
              ) -> dict[str, Any]:
    fields = bulk_fields(row, as_of=as_of)
    return organisation(fields["identifiers"][0]["id"], url or str(row.get("URI") or ""),
                        fields, method="export")
