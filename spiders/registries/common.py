"""What every registry parser shares: the status words, dates, industry codes, the item shape.

Registries print the same facts in many ways ("Liquidation", ``liquidation``, ``konkurs: true``,
``etatAdministratifUniteLegale: C``); the parsers turn each into one plain-word vocabulary
(``REGISTRY_STATUSES``, declared with the landing field in ``spiders.landing_fields``) so the
stages after them need to know no registry. Pure functions: no I/O.
"""

from __future__ import annotations

import re
from collections.abc import Iterable, Mapping
from datetime import date
from typing import Any

from spiders.landing_fields import REGISTRY_STATUSES

PARSER_VERSION = "1"

_DMY = re.compile(r"(\d{1,2})/(\d{1,2})/(\d{4})")
_YMD = re.compile(r"(\d{4})-(\d{2})-(\d{2})")
_COMPACT = re.compile(r"(\d{4})(\d{2})(\d{2})")


class RegistryParseError(ValueError):
    """A registry document that is not what its parser reads; the message says what is wrong."""


def iso_date(value: Any) -> str | None:
    """'29/07/2020', '2020-07-29', '2020-07-29T00:00:00Z' or '20200729' -> '2020-07-29'."""
    if not value or not isinstance(value, str):
        return None
    text = value.strip()
    for pattern, order in ((_YMD, (0, 1, 2)), (_DMY, (2, 1, 0)), (_COMPACT, (0, 1, 2))):
        match = pattern.match(text)
        if match:
            parts = [int(match.group(i + 1)) for i in order]
            try:
                return date(parts[0], parts[1], parts[2]).isoformat()
            except ValueError:
                return None
    return None


def year_of(iso: str | None) -> int | None:
    return int(iso[:4]) if iso else None


def status(word: str | None) -> str | None:
    """A status word of the vocabulary, or None (a parser bug shows up as a KeyError here)."""
    if word is None:
        return None
    if word not in REGISTRY_STATUSES:
        raise KeyError(f"{word!r} is not a registry status word")
    return word


def plain_words(text: Any) -> str | None:
    """'total-exemption-full' / 'TOTAL EXEMPTION FULL' -> 'total exemption full'."""
    if not text or not isinstance(text, str):
        return None
    words = " ".join(text.replace("-", " ").replace("_", " ").split()).lower()
    return words or None


def nace_from_digits(code: str) -> str | None:
    """A national code that equals NACE Rev. 2 to four digits -> the NACE class ('68100' ->
    '68.10', '642020' -> '64.20', '16.10A' -> '16.10'); None when it has fewer digits."""
    digits = re.sub(r"\D", "", code or "")
    if len(digits) < 4:
        return None
    return f"{digits[:2]}.{digits[2:4]}"


def industry_code(scheme: str, code: Any, description: Any = None) -> dict[str, str] | None:
    """A landing classification {scheme, id, description} (None when there is no code)."""
    text = str(code).strip() if code is not None else ""
    if not text:
        return None
    out = {"scheme": scheme, "id": text}
    if isinstance(description, str) and description.strip():
        out["description"] = description.strip()
    return out


def with_nace(codes: Iterable[dict[str, str] | None], nace_scheme: str = "NACE2",
              skip: Iterable[str] = ()) -> list[dict[str, str]]:
    """The codes as given, then the NACE class each one equals (once each), for schemes whose
    first four digits are NACE Rev. 2 (UK SIC 2007, NAF rév. 2, DB07)."""
    given = [c for c in codes if c]
    skipped = set(skip)
    derived: dict[str, dict[str, str]] = {}
    for c in given:
        nace = None if c["id"] in skipped else nace_from_digits(c["id"])
        if nace and nace not in derived:
            derived[nace] = {"scheme": nace_scheme, "id": nace}
    return given + list(derived.values())


def address_line(*parts: Any) -> str | None:
    text = ", ".join(str(p).strip() for p in parts if p and str(p).strip())
    return text or None


def organisation(native_id: str, url: str, fields: Mapping[str, Any],
                 method: str = "api") -> dict[str, Any]:
    """A landing ``organisation`` item as a spider yields it (the pipeline adds provenance)."""
    return {
        "kind": "organisation",
        "native_id": str(native_id),
        "url": url,
        "method": method,
        "parser_version": PARSER_VERSION,
        "fields": {k: v for k, v in fields.items() if v not in (None, "", [], {})},
    }
