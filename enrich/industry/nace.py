"""The NACE Rev. 2 hierarchy (section, division, group, class), read from the shipped code list.

Every one of the 996 items of ``enrich/codelists/nace_rev2.csv`` exists here, so every sector of
the economy (sections A to U) can be the answer. ``under`` is what an ICP rule asks: does a
company's code fall under a target section, division, group or class?
"""

from __future__ import annotations

import csv
import re
from dataclasses import dataclass
from functools import lru_cache
from pathlib import Path

CODELISTS = Path(__file__).resolve().parent.parent / "codelists"
NACE_REV2_FILE = CODELISTS / "nace_rev2.csv"
LEVELS = {1: "section", 2: "division", 3: "group", 4: "class"}


@dataclass(frozen=True)
class Activity:
    """One NACE Rev. 2 item: ``code`` is ``C``, ``10``, ``10.7`` or ``10.71``."""

    code: str
    level: int
    parent: str | None
    section: str
    title: str

    @property
    def label(self) -> str:
        """The title as a sentence (the code list writes section titles in capitals)."""
        return sentence_case(self.title) if self.level == 1 else self.title

    @property
    def level_name(self) -> str:
        return LEVELS[self.level]


def sentence_case(title: str) -> str:
    lower = title.lower()
    return lower[:1].upper() + lower[1:]


@lru_cache(maxsize=1)
def activities() -> dict[str, Activity]:
    """Code → Activity for all of NACE Rev. 2."""
    with NACE_REV2_FILE.open(encoding="utf-8", newline="") as fh:
        return {
            row["code"]: Activity(row["code"], int(row["level"]), row["parent"] or None,
                                  row["section"], row["title_en"])
            for row in csv.DictReader(fh)
        }


_DIGITS = re.compile(r"^(\d{2})\.?(\d)?(\d)?")


def normalise(code: str) -> str | None:
    """``C``, ``c``, ``10``, ``107``, ``10.7``, ``1071``, ``10.71`` → the dotted NACE form,
    or None when it is no NACE Rev. 2 code."""
    text = code.strip().upper()
    if len(text) == 1 and text in activities():
        return text
    m = _DIGITS.match(text.replace(" ", ""))
    if not m:
        return None
    division, group, klass = m.groups()
    out = division + (f".{group}" if group else "") + (klass or "")
    return out if out in activities() else None


def activity(code: str) -> Activity | None:
    norm = normalise(code)
    return activities()[norm] if norm else None


def lineage(code: str) -> list[Activity]:
    """The code and its ancestors, most specific first (class, group, division, section)."""
    out: list[Activity] = []
    item = activity(code)
    while item is not None:
        out.append(item)
        item = activities().get(item.parent) if item.parent else None
    return out


def section_of(code: str) -> str | None:
    item = activity(code)
    return item.section if item else None


def under(code: str | None, prefix: str) -> bool:
    """True when ``code`` is ``prefix`` or falls under it (``10.71`` is under ``C``, ``10``,
    ``10.7`` and ``10.71``; not under ``10.8``)."""
    if not code:
        return False
    target = normalise(prefix)
    if target is None:
        raise ValueError(f"not a NACE Rev. 2 code: {prefix!r}")
    return any(a.code == target for a in lineage(code))


def sections() -> list[Activity]:
    return [a for a in activities().values() if a.level == 1]


_DOING = (  # a title's opening words → what a salesperson would say the company does
    ("manufacture of ", "makes "), ("wholesale of ", "sells wholesale "),
    ("retail sale of ", "sells "), ("repair and maintenance of ", "repairs and maintains "),
    ("repair of ", "repairs "), ("production of ", "produces "),
    ("distribution of ", "distributes "), ("trade of ", "trades "),
    ("construction of ", "constructs "), ("growing of ", "grows "), ("raising of ", "raises "),
    ("mining of ", "mines "), ("publishing of ", "publishes "),
    ("renting and leasing of ", "rents out "), ("extraction of ", "extracts "),
)


def doing(code: str) -> str | None:
    """What the company with ``code`` does, in whole words: ``28.99`` → "makes special-purpose
    machinery" (the title without "n.e.c." or a leading "other"), "works in ..." otherwise."""
    item = activities().get(code) or activity(code)
    if item is None:
        return None
    title = re.sub(r"\s*\bn\.e\.c\.", "", item.title).strip().lower().replace(";", ",")
    for opening, verb in _DOING:
        if title.startswith(opening):
            rest = title[len(opening):]
            return verb + (rest[len("other "):] if rest.startswith("other ") else rest)
    return f"works in {title[len('other '):] if title.startswith('other ') else title}"
