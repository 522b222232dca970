"""What the tender parsers share: the record bundle, dates, statuses, classification codes."""

from __future__ import annotations

import re
import unicodedata
from dataclasses import dataclass, field
from datetime import datetime
from typing import Any

PARSER_VERSION = "1"

ROLE_ORDER = ("supplier", "tenderer", "buyer")  # the strongest role names the record


@dataclass
class ParsedDocument:
    """Normalised records from one document, already in landing ``fields`` shape.

    Each record is ``{"native_id": ..., "fields": {...}}``; organisations carry ``role``
    (buyer, supplier or tenderer) in their fields.
    """

    format: str
    tenders: list[dict[str, Any]] = field(default_factory=list)
    organisations: list[dict[str, Any]] = field(default_factory=list)
    awards: list[dict[str, Any]] = field(default_factory=list)
    high_water_mark: str | None = None  # the latest release/notice date seen
    documents: int = 0  # releases or notices read: 0 means the input held none

    def extend(self, other: ParsedDocument) -> None:
        self.documents += other.documents
        self.tenders += other.tenders
        self.organisations += other.organisations
        self.awards += other.awards
        if other.high_water_mark and (
            not self.high_water_mark or other.high_water_mark > self.high_water_mark
        ):
            self.high_water_mark = other.high_water_mark


def strongest_role(roles: set[str]) -> str | None:
    for role in ROLE_ORDER:
        if role in roles:
            return role
    return None


_DATE_ONLY = re.compile(r"^(\d{4}-\d{2}-\d{2})(Z|[+-]\d{2}:\d{2})?$")
_UTC_SECONDS = re.compile(r"\d{4}-\d{2}-\d{2}T\d{2}:\d{2}:\d{2}Z")  # already the output form
_FORMAT = "%04d-%02d-%02dT%02d:%02d:%02dZ"


def iso_datetime(value: Any, time_part: Any = None) -> str | None:
    """A publisher's date or date-time (with or without offset) -> UTC 'YYYY-MM-DDTHH:MM:SSZ'.

    eForms splits a deadline into a date and a time, each with an offset ('2024-05-01+01:00',
    '12:00:00+01:00'); ``time_part`` joins them. Unparseable text gives None, never an error.
    A value already in the output form is only checked (several per release: building the
    text again was the dearest part of reading a date).
    """
    if not value or not isinstance(value, str):
        return None
    text = value.strip()
    if len(text) == 20 and _UTC_SECONDS.fullmatch(text):
        try:
            datetime.fromisoformat(text[:19])  # a real day and time (no month 13)
        except ValueError:
            return None
        return text
    match = _DATE_ONLY.match(text)
    if match:
        day, offset = match.group(1), match.group(2) or ""
        if isinstance(time_part, str) and time_part.strip():
            text = f"{day}T{time_part.strip()}"
        else:
            text = f"{day}T00:00:00{offset}"
    text = text.replace(" ", "T", 1) if "T" not in text else text
    if text.endswith("Z"):
        text = text[:-1] + "+00:00"
    try:
        parsed = datetime.fromisoformat(text)
    except ValueError:
        try:  # over-long fractions like '.000000Z' or six+ digits with offsets
            parsed = datetime.fromisoformat(re.sub(r"\.(\d{6})\d+", r".\1", text))
        except ValueError:
            return None
    offset = parsed.utcoffset()
    if offset:
        try:
            parsed -= offset  # the UTC wall time (a naive time is taken as UTC)
        except OverflowError:  # '0001-01-01T00:00:00+01:00' is before the first UTC day
            return None
    return _FORMAT % (parsed.year, parsed.month, parsed.day, parsed.hour, parsed.minute,
                      parsed.second)


_STATUS = {
    "planning": "planned", "planned": "planned", "active": "active", "complete": "complete",
    "cancelled": "cancelled", "withdrawn": "cancelled", "unsuccessful": "unsuccessful",
}


def tender_status(value: Any) -> str | None:
    """OCDS tender status (also ProZorro's 'active.tendering' style) -> contract vocabulary."""
    if not value or not isinstance(value, str):
        return None
    head = value.strip().lower().split(".", 1)[0]
    return _STATUS.get(head)


_EIGHT_DIGITS = re.compile(r"\d{8}")


def cpv_code(value: Any) -> str | None:
    """'18100000-0' / '18100000' / 'CPV 18100000' -> '18100000' (8 digits, no check digit)."""
    if value is None:
        return None
    match = _EIGHT_DIGITS.search(str(value))
    return match.group(0) if match else None


def number(value: Any) -> float | None:
    if value is None or isinstance(value, bool):
        return None
    if isinstance(value, int | float):
        return float(value)
    try:
        return float(str(value).replace(",", "").strip())
    except ValueError:
        return None


def slug(text: str) -> str:
    """'Compañía Paraguaya (COPACO)' -> 'compania-paraguaya-copaco' (a stable id part)."""
    lower = text.lower()
    if lower.isascii():  # nothing to decompose: skip the per-character pass (most names)
        return _NOT_SLUG.sub("-", lower).strip("-")[:80]
    plain = "".join(c for c in unicodedata.normalize("NFKD", lower)
                    if not unicodedata.combining(c))
    return _NOT_SLUG.sub("-", plain).strip("-")[:80]


_NOT_SLUG = re.compile(r"[^0-9a-z\u0400-\u04ff]+")


def clean(value: Any) -> str | None:
    """Strip and collapse whitespace; empty or non-text values become None."""
    if value.__class__ is str:  # the common case first: this runs for every field read
        return " ".join(value.split()) or None
    if value is None or isinstance(value, dict | list):
        return None
    text = " ".join(str(value).split())
    return text or None
