"""Sectors as NACE Rev. 2 sections, so a manager's sectors and a company's industry compare.

A sector may be written as a section ("C"), a division ("28", which belongs to section C) or
one of enrichment's industry labels ("manufacturing", whose section the taxonomy names).
Companies are classified by label today, so a division covers its whole section.
"""

from __future__ import annotations

from functools import lru_cache

# NACE Rev. 2: the divisions (first two digits) of each section.
_SECTION_DIVISIONS: dict[str, tuple[int, int]] = {
    "A": (1, 3), "B": (5, 9), "C": (10, 33), "D": (35, 35), "E": (36, 39), "F": (41, 43),
    "G": (45, 47), "H": (49, 53), "I": (55, 56), "J": (58, 63), "K": (64, 66), "L": (68, 68),
    "M": (69, 75), "N": (77, 82), "O": (84, 84), "P": (85, 85), "Q": (86, 88), "R": (90, 93),
    "S": (94, 96), "T": (97, 98), "U": (99, 99),
}


class SectorError(ValueError):
    """A sector that is neither a NACE section, a NACE division nor an industry label."""


@lru_cache(maxsize=1)
def label_sections() -> dict[str, str]:
    """Industry label (as enrichment writes it) → its NACE section (the one home of the labels
    is ``[labels]`` in enrich/industries.toml; a label standing for divisions maps to theirs)."""
    from enrich.industry import profile_targets, section_of

    out: dict[str, str] = {}
    for label in taxonomy_labels():
        sections = {section_of(t) or t for t in profile_targets([label])}
        if len(sections) == 1:
            out[label] = sections.pop().upper()
    return out


def taxonomy_labels() -> list[str]:
    from enrich.industry import taxonomy

    return sorted(taxonomy()["labels"])


def section_of_division(division: int) -> str | None:
    for section, (lo, hi) in _SECTION_DIVISIONS.items():
        if lo <= division <= hi:
            return section
    return None


def sector_sections(sector: str) -> set[str]:
    """The NACE sections a written sector covers."""
    text = sector.strip()
    if len(text) == 1 and text.upper() in _SECTION_DIVISIONS:
        return {text.upper()}
    if text.isdigit() and len(text) == 2:
        section = section_of_division(int(text))
        if section:
            return {section}
    if text.lower() in label_sections():
        return {label_sections()[text.lower()]}
    labels = ", ".join(sorted(label_sections()))
    raise SectorError(f"sector {sector!r} is not a NACE section (A-U), a NACE division (01-99) "
                      f"or an industry ({labels})")


def company_section(industry: str | None) -> str | None:
    """The NACE section of a company's industry label; None when unclassified."""
    if not industry:
        return None
    return label_sections().get(industry.lower())
