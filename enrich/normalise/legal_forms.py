"""National legal forms from the ISO 20275 Entity Legal Forms list (GLEIF, CC0).

The list (``data/elf-code-list-2023-09-28.csv``, see ``data/PROVENANCE.md``) names every legal
form of every country with its local and transliterated abbreviations: "GmbH", "Sp. z o.o.",
"ООО" / "OOO", "Kft.", "d.o.o."... Each active row gives legal-form terms, folded to ASCII
(Cyrillic, Greek and other scripts transliterated by anyascii), and each term maps to the row's
first abbreviation as its canonical spelling, so "Gesellschaft mit beschränkter Haftung" and
"GmbH" are one form.
"""

from __future__ import annotations

import csv
import re
from functools import lru_cache
from pathlib import Path

from anyascii import anyascii

ELF_FILE = Path(__file__).parent / "data" / "elf-code-list-2023-09-28.csv"

_ABBREVIATION_COLUMNS = ("Abbreviations Local language", "Abbreviations transliterated")
_NAME_COLUMNS = ("Entity Legal Form name Local name",
                 "Entity Legal Form name Transliterated name (per ISO 01-140-10)")


# ELF terms that are too often a word of a company's own name ("Smith & Son", "Harbour Trust",
# "Civic Society", "Fab Lab") or a business word the names keep ("ctr" = centre)
NOT_LEGAL = frozenset("""
    association assoc assn bund canton cantone commune comune consorzio cooperative cooperatie
    cooperatif cooperation coop district distretto bezirk kanton fund gemeinde partnership
    society trust trustco procura procuration prokura son you per ming zhu gen fab pac sam ste
    soc ctr dba reit chartered undivided proprietary unlimited indivisioni indivisions orgen fon
    fdn gar tub ike enk company corporation societe einzelfirma zivnostnik
""".split())


def fold_term(text: str) -> str:
    """'Sp. z o.o.' -> 'sp z o o'; 'ООО' -> 'ooo' (ASCII, lower case, words only)."""
    text = anyascii(text).lower().replace("&", " and ")
    text = re.sub(r"['`]", "", text)
    return " ".join(re.sub(r"[^a-z0-9]+", " ", text).split())


@lru_cache(maxsize=1)
def elf_forms() -> dict[str, str]:
    """Folded legal-form term -> canonical abbreviation, for every active ELF row.

    Abbreviations of up to four words count; a full local name only when it has two words or
    more ("Gesellschaft mit beschrankter Haftung"), because one-word names ("Stiftung",
    "Foundation") are too often a word of the company's own name; one-word terms need three
    letters and must not be in ``NOT_LEGAL`` (two-letter forms come from cleanco's list)."""
    out: dict[str, str] = {}
    with ELF_FILE.open(newline="", encoding="utf-8-sig") as fh:
        for row in csv.DictReader(fh):
            if row.get("ELF Status ACTV/INAC") != "ACTV":
                continue
            abbrevs = [a.strip() for col in _ABBREVIATION_COLUMNS
                       for a in (row.get(col) or "").split(";") if a.strip()]
            if not abbrevs:
                continue
            canonical = anyascii(abbrevs[0]).strip()
            terms = [fold_term(a) for a in abbrevs]
            terms += [t for col in _NAME_COLUMNS
                      if len(t := fold_term(row.get(col) or "").strip()) and len(t.split()) >= 2]
            for term in terms:
                words = term.split()
                single_ok = len(term) >= 3 and term not in NOT_LEGAL
                if term and len(words) <= 4 and (len(words) > 1 or single_ok):
                    out.setdefault(term, canonical)
    return out


@lru_cache(maxsize=1)
def _elf_names() -> dict[str, str]:
    out: dict[str, str] = {}
    with ELF_FILE.open(newline="", encoding="utf-8-sig") as fh:
        for row in csv.DictReader(fh):
            code = row.get("ELF Code") or ""
            name = (row.get("Entity Legal Form name Local name") or "").strip()
            if code and name and code not in out:
                out[code] = name
    return out


def elf_name(code: str) -> str | None:
    """An ISO 20275 ELF code -> the legal form's local name ('B6ES' -> 'Public Limited
    Company'); None for unknown codes and the placeholder 8888."""
    return _elf_names().get(code.strip().upper()) if code else None
