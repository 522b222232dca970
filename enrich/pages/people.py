"""Named leadership a site prints: "Jane Doe, Managing Director", "Geschäftsführer: Max Muster".

Roles are given in plain English (a German "Geschäftsführer" is a managing director), the
name as printed. schema.org ``founder``/``employee`` items are read in ``enrich.pages.profile``.
"""

from __future__ import annotations

import re
from dataclasses import dataclass

from enrich.normalise.text import case_blind

# A person's name: two to four capitalised words, particles (von, van, de, ...) allowed.
_UPPER = "A-ZÄÖÜÅÆØÉÈÁÍÓÚČŠŽŁ"
_LOWER = "a-zäöüßåæøéèáíóúčšžłñç'’"
_WORD = rf"[{_UPPER}][{_LOWER}]+(?:-[{_UPPER}][{_LOWER}]+)?"
NAME = rf"{_WORD}(?:\s+(?:(?:von|van|de|der|den|du|le|la|di|da|ten|zu)\s+)*{_WORD}){{1,3}}"

# Role words as printed -> the role in plain words.
ROLES: dict[str, str] = {
    "geschäftsführerin": "Managing Director", "geschäftsführer": "Managing Director",
    "geschäftsführung": "Managing Director", "vertreten durch": "Managing Director",
    "gérant": "Managing Director", "gérante": "Managing Director",
    "directeur général": "Managing Director", "directrice générale": "Managing Director",
    "daglig leder": "Managing Director", "administrerende direktør": "Managing Director",
    "verkställande direktör": "Managing Director", "directeur": "Director",
    "vorstand": "Board member", "vorstandsvorsitzender": "Chair of the board",
    "président": "President", "présidente": "President",
    "managing director": "Managing Director", "chief executive officer": "Chief Executive Officer",
    "ceo": "Chief Executive Officer", "founder": "Founder", "co-founder": "Co-founder",
    "owner": "Owner", "inhaber": "Owner", "inhaberin": "Owner", "chairman": "Chair",
    "chairwoman": "Chair", "chair": "Chair", "president": "President",
    "chief operating officer": "Chief Operating Officer", "coo": "Chief Operating Officer",
    "chief financial officer": "Chief Financial Officer", "cfo": "Chief Financial Officer",
    "chief technology officer": "Chief Technology Officer", "cto": "Chief Technology Officer",
    "director": "Director", "partner": "Partner", "general manager": "General Manager",
}
_ROLE_WORDS = "|".join(sorted((re.escape(r) for r in ROLES), key=len, reverse=True))
# "Geschäftsführer: Max Muster, Erika Muster" (the role first, then one or more names).
ROLE_FIRST = re.compile(
    rf"(?i:\b(?P<role>{_ROLE_WORDS}))(?:\s*\((?:in|m/w/d)\))?\s*(?:der\s+\w+\s*)?[:\-–]\s*"
    rf"(?P<names>{NAME}(?:\s*(?:,|und|and|&|et|og)\s*{NAME})*)")
# "Jane Doe, Managing Director" / "Jane Doe – CEO" (the name first).
NAME_FIRST = re.compile(rf"(?P<name>{NAME})\s*[,–\-|]\s*(?P<role>(?i:{_ROLE_WORDS}))\b")
# Both need a role word: text without one (most blocks of a page) is passed over at once,
# first by a substring test for each role word that holds no other (ten times quicker than
# the case-blind pattern, which tries every position of the text).
_ANY_ROLE = re.compile(rf"(?i:\b(?:{_ROLE_WORDS}))")
_ROLE_STEMS = tuple(sorted(r for r in ROLES if not any(o != r and o in r for o in ROLES)))


# Capitalised words that are not names (menu, headings, company words).
NOT_NAMES = frozenset({
    "contact", "us", "our", "team", "the", "today", "home", "about", "company", "limited",
    "ltd", "gmbh", "group", "sales", "service", "services", "news", "careers", "jobs", "imprint",
    "impressum", "privacy", "policy", "terms", "welcome", "meet", "management", "board",
    "managing", "director", "registered", "office", "email", "phone", "telephone", "fax",
    "street", "road", "and", "und", "of", "for", "in", "at", "kontakt", "unsere",
})


def _is_name(text: str) -> bool:
    return re.fullmatch(NAME, text) is not None and not (
        {w.lower() for w in re.split(r"[\s\-]+", text)} & NOT_NAMES)


@dataclass(frozen=True)
class Leader:
    name: str
    role: str


def role_words(printed: str) -> str:
    """A printed role in plain words ("Geschäftsführer" -> "Managing Director")."""
    return ROLES.get(" ".join(printed.lower().split()), " ".join(printed.split()))


def leaders_in(text: str) -> list[Leader]:
    """Named people with a leadership role in running text, each once, in printed order."""
    folded = case_blind(text)
    if not any(role in folded for role in _ROLE_STEMS) or not _ANY_ROLE.search(text):
        return []
    found: list[tuple[int, Leader]] = []
    for m in ROLE_FIRST.finditer(text):
        role = role_words(m.group("role"))
        for name in re.split(r"\s*(?:,|\bund\b|\band\b|&|\bet\b|\bog\b)\s*", m.group("names")):
            if _is_name(name):
                found.append((m.start(), Leader(name, role)))
    for m in NAME_FIRST.finditer(text):
        if _is_name(m.group("name")):
            found.append((m.start(), Leader(m.group("name"), role_words(m.group("role")))))
    found.sort(key=lambda pair: pair[0])
    out: dict[str, Leader] = {}
    for _, leader in found:
        out.setdefault(leader.name, leader)
    return list(out.values())
