"""Registry identifiers: free-text schemes to org-id.guide codes, the 'SCHEME:ID' key, persons.

The one identifier normaliser of the project. ``org_identifier`` turns what a publisher printed
(a scheme label and an id) into the landing contract's ``{scheme, id}``; ``normalise_identifier``
turns such an identifier (or a 'SCHEME:ID' string) into the key that resolution compares,
punctuation removed: ``GB-COH:01234567``.

Publishers label the same registers in many ways ("Registro Federal de Contribuyentes de
México", "Nit de Persona Jurídica", an empty string, a wrong ``XM-EORI``); resolution can only
join firms across sources when the scheme is one code. Codes follow org-id.guide (GB-COH,
UA-EDR, MX-RFC, PY-RUC, BE-BCE_KBO, FI-PRO, ...). Registers without an org-id.guide list keep
the org-id.guide shape ``<country>-<register>`` (CO-NIT, PL-NIP, ``<cc>-VAT``) so they still join.
"""

from __future__ import annotations

import re
from typing import Any

import pyarrow as pa
import pyarrow.compute as pc

from enrich.normalise import register_courts
from enrich.normalise.text import strip_accents
from spiders.landing_fields import identifier_text

_SPACES = re.compile(r"[\s.]+")

# Free-text scheme labels (accents stripped, lower case) -> org-id.guide code.
# Patterns, not words: broken upstream encodings turn accented letters into U+FFFD.
_SCHEME_WORDS: tuple[tuple[re.Pattern[str], str], ...] = tuple(
    (re.compile(pattern), code) for pattern, code in (
        (r"registro federal de contribuyentes", "MX-RFC"),
        (r"registro .{1,2}nico de contribuyente", "PY-RUC"),
        (r"nit de persona (jur.{1,2}dica|natural)", "CO-NIT"),
        (r"c.{1,2}dula de ciudadan.{1,2}a", "CO-CC"),
        (r"c.{1,2}dula de extranjer.{1,2}a", "CO-CE"),
        (r"companies house", "GB-COH"),
        (r"edrpou|єдрпоу", "UA-EDR"),
    )
)
_SCHEME_EXACT = {
    "nit": "CO-NIT", "rfc": "MX-RFC", "ruc": "PY-RUC", "edr": "UA-EDR", "coh": "GB-COH",
}
_PERSON_SCHEMES = {"CO-CC", "CO-CE"}
_PERSON_SCHEME_WORDS = re.compile(r"persona natural|c.{1,2}dula")
_PERSON_NAME = re.compile(
    r"^(фоп|фізична особа|физическое лицо|фізична-особа|spp|sole trader)\b", re.IGNORECASE
)
_SCHEME_CODE = re.compile(r"[A-Z]{2}-[A-Z_]{2,12}")  # already an org-id.guide code
_RFC = re.compile(r"^[A-ZÑ&]{3,4}\d{6}[A-Z0-9]{3}$")


def normalise_scheme(scheme: Any, country: str | None = None) -> str | None:
    """A publisher's scheme label -> org-id.guide code (None when empty or unknown)."""
    if not scheme or not isinstance(scheme, str):
        return None
    text = scheme.strip()
    if not text:
        return None
    if _SCHEME_CODE.fullmatch(text):
        return text
    plain = strip_accents(text).lower()
    if plain in _SCHEME_EXACT:
        return _SCHEME_EXACT[plain]
    for pattern, code in _SCHEME_WORDS:
        if pattern.search(plain):
            return code
    if "compranet" in plain:
        return "MX-COMPRANET"
    return None


def clean_id(value: Any) -> str:
    return _SPACES.sub("", str(value)).strip().upper() if value is not None else ""


def org_identifier(
    scheme: Any, ident: Any, *, country: str | None = None
) -> dict[str, str] | None:
    """A publisher's (scheme label, id) -> {scheme, id} with an org-id.guide scheme, or None
    if unusable. ``country`` (ISO alpha-2) tells registers apart where labels are wrong."""
    raw_id = clean_id(ident)
    if not raw_id.strip("0-"):  # empty, or only zeros and dashes
        return None
    code = normalise_scheme(scheme, country)
    if code == register_courts.SCHEME:  # the court read from the words, before clean_id
        raw_id = register_courts.register_id(str(ident)) or raw_id
    if code == "XM-EORI" and raw_id.isdigit():
        # EORI numbers start with a country code; an all-digit "EORI" is a national register id.
        code = "UA-EDR" if country == "UA" and len(raw_id) in (8, 10) else None
    if code is None:
        return None
    if code == "MX-COMPRANET":
        # "INA450815GV1-048D00001": the agency's RFC, then its Compranet unit code.
        head = raw_id.split("-", 1)[0]
        return {"scheme": "MX-RFC", "id": head} if _RFC.match(head) else None
    if code == "CO-NIT":
        raw_id = raw_id.replace(",", "")
    return {"scheme": code, "id": raw_id}


# what the comparison key drops: any space in the scheme; spaces, dots, dashes, slashes in the id
_SCHEME_NOISE = r"\s+"
_ID_NOISE = r"[\s.\-/]+"


def identifier_keys_array(values: pa.Array) -> tuple[pa.Array, pa.Array]:
    """'SCHEME:ID' strings -> (scheme, key) arrays, the vectorised :func:`normalise_identifier`.

    ``key`` is 'GB-COH:01234567'; both are null where the value has no ':' or no id left
    after the punctuation is dropped (a value resolution cannot compare). ``scheme`` says which
    keys are comparable: two records with keys of one scheme and none equal are told apart.
    German register numbers keep their court (``enrich.normalise.register_courts``:
    'DE-CR:HRB12345@MUENCHEN'); one printed without its court has the scheme 'DE-CR' and one
    with it 'DE-CR@', so the same number with and without a court neither links nor separates
    two records (nobody knows whether the courts agree)."""
    values = values.cast(pa.string())
    scheme = pc.utf8_upper(pc.replace_substring_regex(
        pc.replace_substring_regex(values, r":.*$", ""), _SCHEME_NOISE, ""))
    raw = pc.replace_substring_regex(values, r"^[^:]*:", "")
    ident = pc.utf8_upper(pc.replace_substring_regex(raw, _ID_NOISE, ""))
    comparable, ident = _with_courts(scheme, raw, ident)
    valid = pc.fill_null(pc.and_(pc.match_substring(values, ":"),
                                 pc.greater(pc.utf8_length(ident), 0)), False)
    null = pa.scalar(None, pa.string())
    key = pc.if_else(valid, pc.binary_join_element_wise(scheme, ident, ":"), null)
    return pc.if_else(valid, comparable, null), key


def _with_courts(scheme: pa.Array, raw: pa.Array, ident: pa.Array
                 ) -> tuple[pa.Array, pa.Array]:
    """(comparable scheme, id) with the German register numbers among the ``raw`` ids in their
    court-keeping form; each distinct text is read once (few records carry one)."""
    german = pc.fill_null(pc.equal(scheme, register_courts.SCHEME), False)
    if not pc.any(german).as_py():
        return scheme, ident
    texts = pc.filter(raw, german).to_pylist()
    read: dict[str | None, str | None] = {}
    for text in texts:
        if text not in read:
            read[text] = register_courts.register_id(text) if text else None
    kept = pc.filter(ident, german).to_pylist()
    ids = [read[t] or k for t, k in zip(texts, kept, strict=True)]
    schemes = [register_courts.SCHEME + register_courts.COURT_MARK
               if register_courts.COURT_MARK in (v or "") else register_courts.SCHEME
               for v in ids]
    return (pc.replace_with_mask(scheme, german, pa.array(schemes, pa.string())),
            pc.replace_with_mask(ident, german, pa.array(ids, pa.string())))


def normalise_identifier(scheme: str | dict[str, Any], id: str | None = None) -> str:  # noqa: A002
    """The comparison key 'SCHEME:ID': ('gb-coh', ' 0123 4567 ') -> 'GB-COH:01234567'.

    Also accepts one 'SCHEME:ID' string or a landing ``{scheme, id}`` (made text by the landing
    contract's :func:`spiders.landing_fields.identifier_text`, as the warehouse stores it).
    Spaces, dots, dashes and slashes are dropped from the id, so '1234567-8' and '12345678'
    meet. Defined through :func:`identifier_keys_array` (what resolution uses), so the two
    always agree."""
    value = scheme if isinstance(scheme, dict) else (
        scheme if id is None else {"scheme": scheme, "id": id})
    text = identifier_text(value)
    _, key = identifier_keys_array(pa.array([text]))
    got = key[0].as_py()
    if got is None:  # no id left: the scheme alone, as before
        named = value.get("scheme") if isinstance(value, dict) else str(value).partition(":")[0]
        return f"{re.sub(_SCHEME_NOISE, '', str(named or '')).upper()}:"
    return got


def is_natural_person_id(scheme: str, ident: str, raw_scheme: Any = None) -> bool:
    """True when a registry id can only belong to a person (sole trader), not a company."""
    if scheme in _PERSON_SCHEMES:
        return True
    if raw_scheme and isinstance(raw_scheme, str):
        plain = strip_accents(raw_scheme).lower()
        if _PERSON_SCHEME_WORDS.search(plain):
            return True
    if scheme == "MX-RFC":
        return len(ident) == 13  # persons: 4 letters + date + 3; companies: 3 letters
    if scheme == "UA-EDR":
        return ident.isdigit() and len(ident) == 10  # RNOKPP (personal tax number), not EDRPOU
    if scheme == "PY-RUC":
        base = ident.split("-", 1)[0]
        return base.isdigit() and int(base) < 80_000_000  # companies are numbered from 80000000
    return False


def is_natural_person_name(name: str | None) -> bool:
    """Names that say "sole trader" outright (Ukrainian ФОП, "Фізична особа-підприємець")."""
    return bool(name and _PERSON_NAME.match(name.strip()))


# --- eForms: cac:PartyLegalEntity/cbc:CompanyID is free text; the country tells the register.

_VAT_PREFIX = re.compile(r"^([A-Z]{2})(\d[\dA-Z]{5,13})$")


def eforms_company_id(raw: str | None, country: str | None) -> list[dict[str, str]]:
    """A CompanyID as printed + the organisation's country -> identifiers (maybe none)."""
    if not raw:
        return []
    text = raw.strip().upper()
    compact = re.sub(r"[\s.\-/]", "", text)
    if not compact or set(compact) <= {"0"} or len(compact) < 5:
        return []
    vat = _VAT_PREFIX.match(compact)
    if vat and country and vat.group(1) in (country, "EL" if country == "GR" else country):
        # The register id first (it names the record), the VAT number after it.
        found = []
        if country == "FI" and len(vat.group(2)) == 8 and vat.group(2).isdigit():
            found.append({"scheme": "FI-PRO", "id": f"{vat.group(2)[:7]}-{vat.group(2)[7]}"})
        if country == "PL" and len(vat.group(2)) == 10:
            found.append({"scheme": "PL-NIP", "id": vat.group(2)})
        if country == "BE" and len(vat.group(2)) == 10:
            found.append({"scheme": "BE-BCE_KBO", "id": vat.group(2)})
        return found + [{"scheme": f"{country}-VAT", "id": compact}]
    if country == "GB" and re.fullmatch(r"(\d{8}|[A-Z]{2}\d{6})", compact):
        return [{"scheme": "GB-COH", "id": compact}]
    if country == "IE" and re.fullmatch(r"\d{5,6}", compact):
        return [{"scheme": "IE-CRO", "id": compact}]
    if country == "BE":
        head = re.match(r"^([01]\d{9}|\d{9})(?:_|$)", compact)
        if head:
            return [{"scheme": "BE-BCE_KBO", "id": head.group(1).zfill(10)}]
    if country == "FI" and re.fullmatch(r"\d{7}-\d", text.replace(" ", "")):
        return [{"scheme": "FI-PRO", "id": text.replace(" ", "")}]
    if country == "PL":
        if re.fullmatch(r"\d{10}", compact):
            return [{"scheme": "PL-NIP", "id": compact}]
        if re.fullmatch(r"\d{9}|\d{14}", compact):
            return [{"scheme": "PL-REGON", "id": compact}]
    if country == "FR" and re.fullmatch(r"\d{9}", compact):
        return [{"scheme": "FR-RCS", "id": compact}]
    if country == "AT" and re.fullmatch(r"(FN)?\d{1,6}[A-Z]", compact):
        return [{"scheme": "AT-FB", "id": compact.removeprefix("FN")}]
    return []
