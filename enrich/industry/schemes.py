"""Industry codes as registries and tender platforms give them, turned into NACE Rev. 2.

- UK SIC 2007 equals NACE Rev. 2 to four digits (``62012`` → ``62.01``).
- France's NAF rév. 2 is NACE Rev. 2 plus a letter (``62.01Z`` → ``62.01``); NAF rév. 1 codes
  (``75.1A``) predate NACE Rev. 2 and are not used.
- Norway's codes are NACE plus a fifth digit; since 2025 they follow NACE Rev. 2.1 (SN2025),
  before that NACE Rev. 2 (SN2007): a code that is no Rev. 2.1 code is read as Rev. 2.
  Rev. 2.1 maps to Rev. 2 by code where the Rev. 2 item with that code has the same title
  (walking up to the group, then the division, when it does not), except for the moves declared in
  ``codelists/nace_rev2_1_moves.toml``.
- CPV divisions (what a contract buys) map to the NACE division that makes or does it, by the
  table declared in ``codelists/cpv_to_nace.toml``.
"""

from __future__ import annotations

import csv
import re
import tomllib
from dataclasses import dataclass
from functools import lru_cache

from rapidfuzz import fuzz

from enrich.industry import nace

NACE_REV2_1_FILE = nace.CODELISTS / "nace_rev2_1.csv"
MOVES_FILE = nace.CODELISTS / "nace_rev2_1_moves.toml"
UK_SIC_FILE = nace.CODELISTS / "uk_sic2007_subclasses.csv"
CPV_FILE = nace.CODELISTS / "cpv2008.csv"
CPV_TABLE_FILE = nace.CODELISTS / "cpv_to_nace.toml"
SAME_TITLE = 80  # rapidfuzz token_set_ratio at or above which two titles name one activity

# Scheme spellings → the code list they use. Compared after dropping case, spaces and punctuation.
SCHEMES = {
    "uksic2007": "UK SIC 2007", "uksic": "UK SIC 2007", "sic2007": "UK SIC 2007",
    "sic": "UK SIC 2007", "gbsic": "UK SIC 2007", "gbcoh": "UK SIC 2007",
    "nace": "NACE Rev. 2", "nace2": "NACE Rev. 2", "nacerev2": "NACE Rev. 2",
    "sn2007": "NACE Rev. 2",
    "nace21": "NACE Rev. 2.1", "nacerev21": "NACE Rev. 2.1", "sn2025": "NACE Rev. 2.1",
    "nobrc": "NACE Rev. 2.1", "brreg": "NACE Rev. 2.1", "nonace": "NACE Rev. 2.1",
    "naf": "NAF rév. 2", "nafrev2": "NAF rév. 2", "frnaf": "NAF rév. 2", "naf2008": "NAF rév. 2",
    "frsiren": "NAF rév. 2", "frsiret": "NAF rév. 2",
    "nafrev1": "NAF rév. 1", "naf2003": "NAF rév. 1",
    "cpv": "CPV",
}


@dataclass(frozen=True)
class Mapped:
    """A source code and the NACE Rev. 2 code it stands for, with the words to explain it."""

    scheme: str
    code: str
    nace: str
    title: str  # the source's own title for its code (falls back to the NACE title)


def scheme_of(text: str | None) -> str | None:
    key = re.sub(r"[^a-z0-9]", "", (text or "").lower().replace("é", "e"))
    return SCHEMES.get(key)


@lru_cache(maxsize=1)
def _uk_sic_titles() -> dict[str, str]:
    with UK_SIC_FILE.open(encoding="utf-8", newline="") as fh:
        return {row["sic_code"]: row["description"] for row in csv.DictReader(fh)}


@lru_cache(maxsize=1)
def _rev21() -> dict[str, dict[str, str]]:
    with NACE_REV2_1_FILE.open(encoding="utf-8", newline="") as fh:
        return {row["code"]: row for row in csv.DictReader(fh, delimiter=";")}


@lru_cache(maxsize=1)
def _moves() -> dict[str, str]:
    return tomllib.loads(MOVES_FILE.read_text(encoding="utf-8"))["moves"]


def rev21_to_rev2(code: str) -> str | None:
    """A NACE Rev. 2.1 code (``62.10``, ``01.110``) → the Rev. 2 code of the same activity."""
    rows = _rev21()
    item = rows.get(code.strip())
    if item is None:
        return None
    while item is not None:
        moved = _moves().get(item["code"])
        if moved:
            return moved
        old = nace.activities().get(item["code"])
        if old and fuzz.token_set_ratio(item["name"].lower(), old.title.lower()) >= SAME_TITLE:
            return old.code
        if item["level"] == "2" and old:  # same division number, reworded title
            return old.code
        item = rows.get(item["parentCode"])
    return None


@lru_cache(maxsize=1)
def _cpv_titles() -> dict[str, str]:
    with CPV_FILE.open(encoding="utf-8", newline="") as fh:
        return {row["code8"]: row["label_en"] for row in csv.DictReader(fh)}


def cpv_title(prefix: str) -> str | None:
    """The title of the CPV code a prefix names (``42`` → "Industrial machinery"), or of its
    nearest named parent: what a tender buys, in words."""
    digits = re.sub(r"\D", "", prefix)[:8]
    while digits:
        title = _cpv_titles().get(digits.ljust(8, "0"))
        if title:
            return title
        digits = digits[:-1]
    return None


@lru_cache(maxsize=1)
def cpv_table() -> dict[str, str]:
    """CPV division (two digits) → NACE Rev. 2 division."""
    return tomllib.loads(CPV_TABLE_FILE.read_text(encoding="utf-8"))["divisions"]


def _lead(code: str) -> str:
    """``62012 - Business and domestic software development`` → ``62012``."""
    m = re.match(r"\s*([0-9][0-9.]*[A-Za-z]?)", code)
    return m.group(1) if m else ""


def to_nace(scheme: str | None, code: str | None) -> Mapped | None:
    """One code as given (``scheme`` spelled as the source spells it) → NACE Rev. 2, or None
    when the code is unknown, not an activity (UK SIC 99999 dormant, 74990 non-trading) or from
    a list older than NACE Rev. 2."""
    if not isinstance(code, str) or not code.strip():
        return None
    kind = scheme_of(scheme)
    lead = _lead(code)
    if kind == "UK SIC 2007":
        digits = lead.replace(".", "")
        title = _uk_sic_titles().get(digits.ljust(5, "0")) if len(digits) == 5 else None
        target = nace.activity(digits[:4]) if len(digits) >= 4 and digits != "99999" else None
        if target is None:
            return None
        return Mapped(kind, digits, target.code, title or target.title)
    if kind == "NAF rév. 2":
        m = re.fullmatch(r"(\d{2})\.?(\d{2})[A-Z]", lead.upper())
        target = nace.activity(f"{m.group(1)}.{m.group(2)}") if m else None
        return Mapped(kind, lead.upper(), target.code, target.title) if target else None
    if kind == "NACE Rev. 2.1":
        dotted = lead if "." in lead else (lead[:2] + "." + lead[2:] if len(lead) > 2 else lead)
        rev2 = rev21_to_rev2(dotted) or rev21_to_rev2(dotted[:5])
        if rev2 is None:  # not in Rev. 2.1: an older Norwegian code (SN2007 = NACE Rev. 2)
            return to_nace("NACE", dotted[:5])
        row = _rev21().get(dotted) or _rev21().get(dotted[:5])
        return Mapped(kind, dotted, rev2, row["name"] if row else nace.activities()[rev2].title)
    if kind == "NACE Rev. 2":
        target = nace.activity(lead)
        return Mapped(kind, target.code, target.code, target.title) if target else None
    if kind == "CPV":
        return cpv_to_nace(code)
    return None


def cpv_to_nace(code: str) -> Mapped | None:
    """A CPV code (``45210000-2`` or ``45210000``) → the NACE division that supplies it."""
    code8 = code.strip().split("-")[0]
    if not re.fullmatch(r"\d{8}", code8):
        return None
    division = cpv_table().get(code8[:2])
    if division is None:
        return None
    title = _cpv_titles().get(code8) or _cpv_titles().get(code8[:2] + "000000", "")
    return Mapped("CPV", code8, division, title)
