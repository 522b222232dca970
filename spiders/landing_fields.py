"""The landing fields, declared once: for every kind, each field's name, type, meaning and bounds.

Everything that needs to know the shape of a landing item derives from this module: the source
definitions' field checks (``spiders.definitions``), the page objects' default value types
(``spiders.pages.values``), the loader's line checks and Arrow schemas (``spiders.landing_check``,
``warehouse.load``), ``leadpipe dedupe --map`` and resolution's input columns
(``enrich.resolve``). ``docs/contracts.md`` shows the tables rendered by ``markdown_tables()``;
a test fails when the two drift (``python -m spiders.landing_fields --write docs/contracts.md``
brings the document back in line).

Bounds are the limits a real value never reaches (an organisation with more than ten million
employees is an extraction mistake): a landing line outside them is quarantined by the loader,
never loaded half-understood.
"""

from __future__ import annotations

import re
import sys
from collections.abc import Iterable
from dataclasses import dataclass
from pathlib import Path
from typing import Any


@dataclass(frozen=True)
class FieldType:
    """A value type of the contract: how the docs name it, and how a page object reads it."""

    name: str
    reads_as: str  # the page-object coercion (str, list, int, float, bool)
    meaning: str


TYPES: dict[str, FieldType] = {t.name: t for t in (
    FieldType("str", "str", "text"),
    FieldType("int", "int", "a whole number"),
    FieldType("float", "float", "a number"),
    FieldType("bool", "bool", "true or false"),
    FieldType("datetime", "str",
              "an ISO 8601 date (2026-03-01) or date and time (2026-03-01T12:00:00Z)"),
    FieldType("list[str]", "list", "a list of texts (one text counts as a list of one)"),
    FieldType("list[identifier]", "list",
              "a list of registry ids, each {scheme, id} or the text 'SCHEME:ID'"),
    FieldType("list[contact]", "list", "a list of people, each {name, role, email, phone}"),
    FieldType("list[classification]", "list",
              "a list of codes, each {scheme, id, description}"),
    FieldType("list[lot]", "list", "a list of lots, each {id, title, value, currency, deadline}"),
    FieldType("list[insolvency_case]", "list",
              "a list of insolvency cases, each {type, number, started_on, ended_on} (type in "
              "plain words, the dates ISO 8601)"),
)}


@dataclass(frozen=True)
class Field:
    """One landing field. ``in_definitions``: a YAML source definition may extract it;
    ``compared``: resolution compares it (and ``dedupe --map`` accepts it); ``on_company``:
    the company's golden record keeps it (picked from one member record)."""

    name: str
    type: str
    meaning: str
    max_length: int | None = None   # characters of a text, or of each text in a list
    max_items: int | None = None    # entries of a list
    minimum: float | None = None
    maximum: float | None = None
    pattern: str | None = None      # a text must match it whole
    choices: tuple[str, ...] = ()
    required: bool = False
    in_definitions: bool = True
    compared: bool = False
    on_company: bool = False

    def __post_init__(self) -> None:
        if self.type not in TYPES:
            raise ValueError(f"field {self.name}: unknown type {self.type!r}")

    @property
    def reads_as(self) -> str:
        return TYPES[self.type].reads_as

    @property
    def is_list(self) -> bool:
        return self.type.startswith("list[")

    def bounds(self) -> str:
        """The bounds in plain words (for the docs table)."""
        parts = []
        if self.required:
            parts.append("required")
        if self.choices:
            parts.append("one of " + ", ".join(self.choices))
        if self.pattern == _ISO2:
            parts.append("two letters")
        elif self.pattern == _ISO4217:
            parts.append("three letters")
        if self.minimum is not None and self.maximum is not None:
            parts.append(f"{_num(self.minimum)} to {_num(self.maximum)}")
        elif self.minimum is not None:
            parts.append(f"at least {_num(self.minimum)}")
        if self.max_length is not None:
            each = " each" if self.type.startswith("list") else ""
            parts.append(f"at most {self.max_length:,} characters{each}")
        if self.max_items is not None:
            parts.append(f"at most {self.max_items:,} entries")
        return "; ".join(parts)


def _num(value: float) -> str:
    if not float(value).is_integer():
        return f"{value:,}"
    return f"{int(value):,}" if abs(value) >= 10_000 else str(int(value))


_ISO2 = r"[A-Za-z]{2}"
_ISO4217 = r"[A-Za-z]{3}"
_NAME = 1_000
_TEXT = 2_000
_LONG = 100_000
_URL = 8_192
_LIST = 1_000

# What a company registry says about a firm's standing, in plain words (each registry's own
# statuses are mapped onto these by its parser in ``spiders/registries/``).
REGISTRY_STATUSES = (
    "active", "dissolved", "liquidation", "administration", "receivership",
    "voluntary arrangement", "proposal to strike off", "bankruptcy", "insolvency proceedings",
    "converted or closed", "removed", "inactive",
)
# GLEIF registration statuses of an LEI, in plain words.
LEI_STATUSES = (
    "issued", "lapsed", "retired", "pending validation", "pending transfer", "pending archival",
    "duplicate", "annulled", "cancelled", "merged", "transferred",
)

ORGANISATION: tuple[Field, ...] = (
    Field("name", "str", "the name as the source prints it (legal form included)",
          max_length=_NAME, required=True, compared=True, on_company=True),
    Field("role", "str", "buyer, supplier, tenderer, exhibitor or listing", max_length=100),
    Field("website", "str", "URL or bare domain as seen", max_length=_URL, compared=True,
          on_company=True),
    Field("email", "str", "best e-mail (role mailbox preferred)", max_length=320,
          compared=True, on_company=True),
    Field("phone", "str", "as printed", max_length=100, compared=True, on_company=True),
    Field("street", "str", "street and house number as printed", max_length=_NAME,
          compared=True, on_company=True),
    Field("postcode", "str", "postcode as printed", max_length=100, compared=True,
          on_company=True),
    Field("city", "str", "town or city as printed", max_length=_NAME, compared=True,
          on_company=True),
    Field("region", "str", "state, county or region as printed", max_length=_NAME),
    Field("address", "str", "the one-line address when the source does not split it",
          max_length=_TEXT, compared=True),
    Field("country", "str", "ISO 3166-1 alpha-2 country code (upper case) when known",
          pattern=_ISO2, compared=True, on_company=True),
    Field("categories", "list[str]", "industry or category labels as printed",
          max_length=_NAME, max_items=_LIST, on_company=True),
    Field("description", "str", "free text", max_length=_LONG, on_company=True),
    Field("identifiers", "list[identifier]",
          "registry ids, the scheme as an org-id.guide code (GB-COH, UA-EDR, MX-RFC, PY-RUC)",
          max_length=300, max_items=_LIST, compared=True, on_company=True),
    Field("employees", "int", "headcount (the lower bound of a band)", minimum=0,
          maximum=10_000_000, on_company=True),
    Field("founded", "int", "founding year", minimum=1000, maximum=2100, on_company=True),
    Field("accreditations", "list[str]", "certifications and memberships", max_length=_NAME,
          max_items=_LIST),
    Field("paid_listing", "bool", "a paid or premium directory or catalogue entry"),
    Field("booth", "str", "exhibition booth", max_length=200),
    Field("hall", "str", "exhibition hall", max_length=200),
    Field("event_name", "str", "the exhibition's name", max_length=_NAME),
    Field("event_date", "str", "the exhibition's dates as printed", max_length=200),
    Field("contacts", "list[contact]", "public business contacts", max_length=_NAME,
          max_items=_LIST),
    Field("is_natural_person", "bool", "a sole trader or a person, not a company"),
    Field("tender_ids", "list[str]", "tenders this party appears in (tender sources)",
          max_length=_TEXT, max_items=10_000, in_definitions=False),
    # What a company registry says (registry sources, spiders/registries/).
    Field("registry_status", "str", "the registry's status of the firm in plain words",
          choices=REGISTRY_STATUSES, in_definitions=False),
    Field("incorporated_on", "datetime", "when the registry registered (incorporated) the firm",
          in_definitions=False),
    Field("dissolved_on", "datetime", "when the firm was dissolved or ceased",
          in_definitions=False),
    Field("accounts_next_due", "datetime", "when the next annual accounts are due",
          in_definitions=False),
    Field("accounts_last_made_up_to", "datetime", "the end of the period of the last accounts "
          "filed", in_definitions=False),
    Field("accounts_overdue", "bool", "the annual accounts are overdue", in_definitions=False),
    Field("accounts_category", "str", "the kind of the last accounts filed, in plain words "
          "(full, small, micro entity, total exemption full, dormant, no accounts filed ...)",
          max_length=200, in_definitions=False),
    Field("charges_outstanding", "int", "registered charges (secured loans) not yet satisfied",
          minimum=0, maximum=1_000_000, in_definitions=False),
    Field("insolvency_cases", "list[insolvency_case]", "insolvency cases the registry records",
          max_length=_NAME, max_items=_LIST, in_definitions=False),
    Field("industry_codes", "list[classification]", "industry codes as the registry gives them "
          "(schemes UK-SIC2007, NO-SN, FR-NAF2, DK-DB07, ...), then the NACE Rev. 2 class "
          "(scheme NACE2) each equals", max_length=_NAME, max_items=_LIST, in_definitions=False),
    Field("legal_form", "str", "the legal form as the registry names it", max_length=_NAME,
          in_definitions=False),
    Field("lei_status", "str", "the registration status of the firm's LEI (GLEIF)",
          choices=LEI_STATUSES, in_definitions=False),
)

CONTACT: tuple[Field, ...] = (
    Field("name", "str", "the person's name", max_length=_NAME),
    Field("role", "str", "job title or role as printed", max_length=_NAME),
    Field("email", "str", "business e-mail", max_length=320),
    Field("phone", "str", "business phone as printed", max_length=100),
    Field("organisation_native_id", "str", "the native id of the organisation they work for",
          max_length=_TEXT),
)

TENDER_STATUSES = ("active", "complete", "cancelled", "unsuccessful", "planned")

TENDER: tuple[Field, ...] = (
    Field("tender_id", "str", "the platform's id of the tender (an OCDS ocid)",
          max_length=_TEXT),
    Field("title", "str", "the tender's title", max_length=_TEXT * 5),
    Field("description", "str", "what the buyer wants", max_length=_LONG),
    Field("buyer_native_id", "str", "the native id of the buyer's organisation item",
          max_length=_TEXT),
    Field("buyer_name", "str", "the buyer's name as printed", max_length=_NAME),
    Field("classifications", "list[classification]", "what is bought, scheme CPV or UNSPSC",
          max_length=_TEXT, max_items=_LIST),
    Field("value", "float", "estimated value", minimum=0, maximum=1e15),
    Field("currency", "str", "ISO 4217 currency code of the value", pattern=_ISO4217),
    Field("deadline", "datetime", "when tenders are due"),
    Field("status", "str", "where the tender stands", choices=TENDER_STATUSES),
    Field("published_at", "datetime", "when the notice was published"),
    Field("procedure", "str", "the procurement procedure as the platform names it",
          max_length=_NAME),
    Field("lots", "list[lot]", "the lots, when there are several", max_items=_LIST),
    Field("notice_type", "str", "the eForms notice type code", max_length=100),
    Field("notice_id", "str", "the eForms notice id", max_length=_NAME),
    Field("publication_number", "str", "the TED publication number", max_length=100),
    Field("language", "str", "the notice's language code", max_length=20),
)

AWARD: tuple[Field, ...] = (
    Field("tender_id", "str", "the tender the award belongs to", max_length=_TEXT),
    Field("award_id", "str", "the platform's id of the award", max_length=_TEXT),
    Field("supplier_native_id", "str", "the native id of the winner's organisation item",
          max_length=_TEXT),
    Field("supplier_name", "str", "the winner's name as printed", max_length=_NAME),
    Field("value", "float", "the awarded value", minimum=0, maximum=1e15),
    Field("currency", "str", "ISO 4217 currency code of the value", pattern=_ISO4217),
    Field("date", "datetime", "when the award was made"),
    Field("status", "str", "the award's status (only active, winning awards are emitted)",
          max_length=100),
)

KINDS = ("organisation", "contact", "tender", "award", "page")
METHODS = ("api", "export", "jsonld", "microdata", "state_json", "css", "html", "xml", "derived")

# The item around the fields: what a spider says about where it was seen, and what the
# landing pipeline adds (source, record id, run id, fetch time).
ENVELOPE: tuple[Field, ...] = (
    Field("kind", "str", "what the item describes", choices=KINDS, required=True),
    Field("source", "str", "the source definition id", max_length=200, required=True),
    Field("native_id", "str", "the record's stable key inside its source (a native id, or "
          "the URL)", max_length=_TEXT, required=True),
    Field("record_id", "str", "record_id(source, native_id), never random", max_length=100,
          required=True),
    Field("url", "str", "where it was seen", max_length=_URL),
    Field("fetched_at", "datetime", "when it was fetched (UTC)", required=True),
    Field("run_id", "str", "the crawl run that produced it", max_length=200, required=True),
    Field("method", "str", "how the fields were extracted", choices=METHODS),
    Field("parser_version", "str", "bumped when extraction changes meaning", max_length=100),
)

BY_KIND: dict[str, tuple[Field, ...]] = {
    "organisation": ORGANISATION,
    "contact": CONTACT,
    "tender": TENDER,
    "award": AWARD,
}

# The keys of the entries inside a list of contacts, classifications or insolvency cases.
CONTACT_ENTRY_KEYS = ("name", "role", "email", "phone")
IDENTIFIER_ENTRY_KEYS = ("scheme", "id")
# The scheme of an identifier whose source named none ('UNKNOWN:12345').
UNKNOWN_SCHEME = "UNKNOWN"
CLASSIFICATION_ENTRY_KEYS = ("scheme", "id", "description")
INSOLVENCY_CASE_ENTRY_KEYS = ("type", "number", "started_on", "ended_on")


def fields_of(kind: str) -> tuple[Field, ...]:
    """The declared fields of a landing kind (none for ``page``)."""
    return BY_KIND.get(kind, ())


def field_names(kind: str, *, in_definitions: bool | None = None) -> tuple[str, ...]:
    return tuple(f.name for f in fields_of(kind)
                 if in_definitions is None or f.in_definitions == in_definitions)


def find_field(kind: str, name: str) -> Field | None:
    return next((f for f in fields_of(kind) if f.name == name), None)


def organisation_fields(*, on_company: bool | None = None,
                        types: Iterable[str] | None = None) -> tuple[Field, ...]:
    """Organisation fields, e.g. those the company record keeps (for export columns)."""
    wanted = set(types) if types is not None else None
    return tuple(f for f in ORGANISATION
                 if (on_company is None or f.on_company == on_company)
                 and (wanted is None or f.type in wanted))


def compared_fields() -> tuple[str, ...]:
    """The organisation fields resolution compares (``dedupe --map`` accepts these)."""
    return tuple(f.name for f in ORGANISATION if f.compared)


def reads_as(name: str) -> str:
    """The page-object value type of an organisation or contact field (str when unknown)."""
    found = find_field("organisation", name) or find_field("contact", name)
    return found.reads_as if found else "str"


# --- the document -------------------------------------------------------------------------

DOC_BEGIN = "<!-- landing-fields:begin (generated by `python -m spiders.landing_fields`) -->"
DOC_END = "<!-- landing-fields:end -->"
_DOC_BLOCK = re.compile(re.escape(DOC_BEGIN) + r"\n(.*?)" + re.escape(DOC_END), re.S)


def _cell(text: str) -> str:
    return text.replace("|", "\\|")


def markdown_tables() -> str:
    """The field tables of docs/contracts.md, rendered from the declarations above."""
    out = ["Types:", *(f"- `{t.name}`: {t.meaning}" for t in TYPES.values()), "",
           "Leave a key out rather than writing an empty value. A line with a value of the wrong",
           "type or outside its bounds is quarantined by the loader (see the warehouse section);",
           "keys a kind does not declare are kept in the raw payload only.", ""]
    sections = [("The item around the fields", ENVELOPE)] + [
        (f"`fields` of {'an' if kind[0] in 'aeiou' else 'a'} `{kind}`", fields)
        for kind, fields in BY_KIND.items()]
    for title, fields in sections:
        out += [f"### {title}", "",
                "| field | type | meaning | bounds |", "|---|---|---|---|"]
        out += [f"| {f.name} | {_cell(f.type)} | {_cell(f.meaning)} | {_cell(f.bounds())} |"
                for f in fields]
        out.append("")
    return "\n".join(out).rstrip("\n")


def doc_block(text: str) -> str | None:
    """The generated part of a document (between the markers), or None when it has none."""
    match = _DOC_BLOCK.search(text)
    return match.group(1).rstrip("\n") if match else None


def write_doc(path: Path) -> bool:
    """Replace the generated part of ``path``; True when it changed."""
    text = path.read_text(encoding="utf-8")
    if doc_block(text) is None:
        raise SystemExit(f"{path}: no {DOC_BEGIN!r} ... {DOC_END!r} markers")
    new = _DOC_BLOCK.sub(lambda _m: f"{DOC_BEGIN}\n{markdown_tables()}\n{DOC_END}", text)
    if new != text:
        path.write_text(new, encoding="utf-8")
    return new != text


def identifier_text(value: Any) -> str | None:
    """A landing identifier in its text form 'SCHEME:ID', the one place that form is built.

    ``{scheme, id}`` becomes 'SCHEME:ID' (a missing scheme is ``UNKNOWN_SCHEME``); a text is
    already in that form and is kept; an identifier without an id identifies nothing (None).
    The warehouse stores this form; resolution's comparison key
    (``enrich.normalise.normalise_identifier``) is built from it.
    """
    if isinstance(value, dict):
        scheme, ident = (value.get(k) for k in IDENTIFIER_ENTRY_KEYS)
        if ident in (None, ""):
            return None
        return f"{scheme or UNKNOWN_SCHEME}:{ident}"
    return str(value) if value not in (None, "") else None


def identifier_text_sql(scheme: str, id_sql: str) -> str:
    """The SQL of :func:`identifier_text` for a fixed ``scheme`` and an id expression."""
    if not re.fullmatch(r"[A-Z]{2}-[A-Z_]{2,12}", scheme):
        raise ValueError(f"not an org-id.guide scheme code: {scheme!r}")
    return f"('{scheme}:' || {id_sql})"


if __name__ == "__main__":
    if len(sys.argv) == 3 and sys.argv[1] == "--write":
        print("updated" if write_doc(Path(sys.argv[2])) else "unchanged", sys.argv[2])
    else:
        print(markdown_tables())
