"""Whole-word reading of text for activity words (never word stems).

Phrases come from two places: the hand-kept list per NACE code in ``enrich/industries.toml``
(what people call an activity: "haulage", "bakery", "Maschinenbau") and the NACE class titles
themselves, for category labels that repeat a title ("Manufacture of dairy products"). Text is cut
into words; a phrase matches a run of whole words, and a word also matches in its English plural
("hotel" finds "Hotels"). Of overlapping phrases the longest wins.
"""

from __future__ import annotations

import re
import tomllib
from functools import lru_cache
from pathlib import Path

from enrich.industry import nace

TAXONOMY_FILE = Path(__file__).resolve().parent.parent / "industries.toml"
MAX_PHRASE = 5  # words
_WORD = re.compile(r"[^\W_]+(?:[-'&][^\W_]+)*|&|\d+[a-z]*", re.UNICODE)


@lru_cache(maxsize=1)
def taxonomy() -> dict:
    return tomllib.loads(TAXONOMY_FILE.read_text(encoding="utf-8"))


def words_of(text: str) -> list[str]:
    return list(map(str.lower, _WORD.findall(text or "")))


def _singular(word: str) -> list[str]:
    """The word and the singulars an English plural may stand for (exact words, not stems)."""
    out = [word]
    if len(word) > 3 and word.endswith("ies"):
        out.append(word[:-3] + "y")
    if len(word) > 3 and word.endswith("es"):
        out.append(word[:-2])
    if len(word) > 2 and word.endswith("s") and not word.endswith("ss"):
        out.append(word[:-1])
    return out


@lru_cache(maxsize=1)
def phrases() -> dict[tuple[str, ...], list[str]]:
    """Phrase (as a word tuple) → the NACE codes it names, from the hand-kept list."""
    out: dict[tuple[str, ...], list[str]] = {}
    for code, items in taxonomy()["words"].items():
        for item in items:
            key = tuple(words_of(item))
            if key and code not in out.setdefault(key, []):
                out[key].append(code)
    # A phrase listed under a code and under one of its sub-codes names the sub-code.
    return {key: [c for c in codes if not any(o != c and _below(o, c) for o in codes)]
            for key, codes in out.items()}


def _below(code: str, ancestor: str) -> bool:
    return nace.under(code, ancestor)


@lru_cache(maxsize=1)
def _openers() -> dict[str, int]:
    """Per word that can open a phrase, the longest phrase it opens (in words); the English
    plurals of a phrase's first word open it too (``_singular`` reads them back), for
    one-word phrases. Most words of a page open none and are passed over with one lookup."""
    out: dict[str, int] = {}
    for key in phrases():
        first = key[0]
        out[first] = max(out.get(first, 0), len(key))
        plurals = [first + "s", first + "es"] + ([first[:-1] + "ies"] if first.endswith("y")
                                                 else [])
        for plural in plurals:
            out.setdefault(plural, 1)
    return out


def find(text: str) -> list[tuple[str, list[str]]]:
    """(phrase as written in the list, its NACE codes) for every phrase in ``text``."""
    tokens = words_of(text)
    openers = _openers()
    hits: list[tuple[str, list[str]]] = []
    i, count = 0, len(tokens)
    while i < count:
        most = openers.get(tokens[i], 0)
        if not most:
            i += 1
            continue
        for size in range(min(most, MAX_PHRASE, count - i), 0, -1):
            found = _phrase(tuple(tokens[i:i + size]))
            if found is not None:
                hits.append(found)
                i += size
                break
        else:
            i += 1
    return hits


@lru_cache(maxsize=65_536)
def _phrase(window: tuple[str, ...]) -> tuple[str, list[str]] | None:
    """The listed phrase a run of words is (as written, and its codes), or None. Cached: the
    same runs of words ("precision machining", "food industry") recur on page after page."""
    table = phrases()
    found = _lookup(window, table)
    return None if found is None else (" ".join(found), table[found])


def _lookup(window: tuple[str, ...], table: dict[tuple[str, ...], list[str]]
            ) -> tuple[str, ...] | None:
    if window in table:
        return window
    for last in _singular(window[-1])[1:]:  # a plural on the last word of a phrase
        candidate = (*window[:-1], last)
        if candidate in table:
            return candidate
    return None


_TITLE_NOISE = frozenset(
    "of and the in for other n.e.c nec except activities activity products product related "
    "service services manufacture production n e c a an to on with or by from not".split()
)


@lru_cache(maxsize=1)
def _title_words() -> list[tuple[str, frozenset[str]]]:
    """(class code, its title's content words) for every NACE Rev. 2 class."""
    return [(a.code, frozenset(w for w in words_of(a.title) if w not in _TITLE_NOISE))
            for a in nace.activities().values() if a.level == 4]


def title_match(label: str) -> str | None:
    """The NACE code whose class titles hold every content word of ``label``: the class when one
    does, else the group or division all such classes share; None when none or too scattered."""
    wanted = [w for w in words_of(label) if w not in _TITLE_NOISE and w != "&"]
    if not wanted:
        return None
    options = [set(_singular(w)) for w in wanted]
    codes = [code for code, title in _title_words()
             if all(opt & title for opt in options)]
    if not codes:
        return None
    common = codes[0]
    for code in codes[1:]:
        while not code.startswith(common):
            common = common[:-1].rstrip(".")
    return common if len(common) >= 2 else None


def sector_name(section: str) -> str:
    """The readable sector name of a NACE section: the first ``[labels]`` name for it."""
    for label, target in taxonomy()["labels"].items():
        if target == section:
            return label
    return nace.activities()[section].label
