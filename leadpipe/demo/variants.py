"""How sources print the same company differently: names, phones, websites, addresses.

Every function takes its randomness from the caller (a ``random.Random`` seeded per record), so
one record always prints the same way and two records of one company usually do not.
"""

from __future__ import annotations

import random
from functools import lru_cache
from typing import Protocol

import phonenumbers

from leadpipe.demo import words as W


class NamedCompany(Protocol):
    """What a name variant needs of a company (the world's ``TrueCompany`` has it); declared
    here so that the variants do not import the world that uses them."""

    base_name: str
    country: str
    legal_form: str


PHONE_STYLES = ("e164", "international", "national", "brackets", "intl_trunk")


def _typo(rng: random.Random, word: str) -> str:
    """Drop one letter or swap two neighbours (never the first letter)."""
    if len(word) < 5 or not word.isalpha():
        return word
    i = rng.randrange(1, len(word) - 1)
    if rng.random() < 0.5:
        return word[:i] + word[i + 1:]
    return word[:i] + word[i + 1] + word[i] + word[i + 2:]


def name_variant(company: NamedCompany, rng: random.Random, formal: bool = False) -> str:
    """The company's name as one source record prints it.

    ``formal`` sources (tender platforms, registries) keep the legal form more often and make
    fewer typos than hand-typed catalogues and directories.
    """
    words = company.base_name.split(" ")
    if rng.random() < (0.08 if formal else 0.18):
        words = [W.ABBREVIATIONS.get(w, w) for w in words]
    if rng.random() < (0.015 if formal else 0.05):
        candidates = [i for i, w in enumerate(words) if len(w) >= 5 and w.isalpha()]
        if candidates:
            i = rng.choice(candidates)
            words[i] = _typo(rng, words[i])
    name = " ".join(words)
    if company.country == "DE" and rng.random() < 0.05:
        name = name.replace("ä", "ae").replace("ö", "oe").replace("ü", "ue").replace("ß", "ss")
    legal = company.legal_form
    if legal:
        r = rng.random()
        if r < (0.03 if formal else 0.10):
            legal = ""
        elif r < (0.25 if formal else 0.38):
            legal = rng.choice(W.LEGAL_VARIANTS.get(legal, (legal,)))
    if legal:
        name = f"{name}, {legal}" if (company.country == "US" and rng.random() < 0.2) else \
            f"{name} {legal}"
    r = rng.random()
    if r < (0.12 if formal else 0.07):
        name = name.upper()
    elif r < (0.13 if formal else 0.09):
        name = name.title() if company.country != "NL" else name
    return name


@lru_cache(maxsize=8192)
def _parsed(e164: str) -> phonenumbers.PhoneNumber:
    return phonenumbers.parse(e164)


def phone_variant(e164: str, rng: random.Random, style: str | None = None) -> str:
    """Print a phone the way people do: E.164, spaced international, national, brackets."""
    style = style or rng.choices(PHONE_STYLES, weights=(15, 35, 30, 10, 10))[0]
    if style == "e164":
        return e164
    number = _parsed(e164)
    intl = phonenumbers.format_number(number, phonenumbers.PhoneNumberFormat.INTERNATIONAL)
    national = phonenumbers.format_number(number, phonenumbers.PhoneNumberFormat.NATIONAL)
    if style == "international":
        return intl
    if style == "national":
        return national
    if style == "brackets":
        head, _, tail = national.partition(" ")
        if not (head.startswith("0") and head.isdigit() and tail):
            return national
        return f"({head}) {tail}"
    # "+44 (0)161 ..." where the country uses a trunk zero, else dotted US style.
    cc, rest = intl.split(" ", 1)
    if national.startswith("0"):
        return f"{cc} (0){rest}"
    return intl.replace(" ", ".").replace("-", ".")


def website_variant(domain: str, rng: random.Random) -> str:
    """A website as sources print it: with or without scheme, www and a trailing path."""
    r = rng.random()
    if r < 0.22:
        return f"www.{domain}"
    if r < 0.50:
        return f"https://www.{domain}/"
    if r < 0.62:
        return f"http://www.{domain}"
    if r < 0.74:
        return domain
    if r < 0.86:
        return f"https://{domain}"
    return f"https://www.{domain}/{rng.choice(('en/', 'home', 'index.html', 'en/home'))}"


_STREET_ABBR = (
    ("Road", "Rd"), ("Street", "St"), ("Avenue", "Ave"), ("Drive", "Dr"), ("Boulevard", "Blvd"),
    ("Straße", "Str."), ("straße", "str."), ("Jalan", "Jln"), ("Industrial", "Ind."),
)


def street_variant(street: str, rng: random.Random) -> str:
    """Abbreviate street words now and then (Road → Rd, Straße → Str.)."""
    if rng.random() < 0.3:
        for long, short in _STREET_ABBR:
            if long in street:
                return street.replace(long, short)
    return street


EMPLOYEE_BANDS = ((1, 9), (10, 49), (50, 249), (250, 999), (1000, 4999), (5000, None))


def employee_band(employees: int) -> tuple[int, int | None]:
    """The size band a directory would show (lower bound, upper bound or None)."""
    for lo, hi in EMPLOYEE_BANDS:
        if hi is None or employees <= hi:
            return lo, hi
    return EMPLOYEE_BANDS[-1]  # pragma: no cover


def band_label(employees: int) -> str:
    lo, hi = employee_band(employees)
    return f"{lo:,}+ employees" if hi is None else f"{lo:,}–{hi:,} employees"
