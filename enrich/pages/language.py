"""A site's language: what its ``<html lang>`` says, else a cheap guess from common words."""

from __future__ import annotations

import re

import lxml.html

# The commonest short words of each language (articles, conjunctions, prepositions).
STOPWORDS: dict[str, frozenset[str]] = {
    "en": frozenset("the and of to in for with our is are we you on".split()),
    "de": frozenset("der die das und ist mit für wir sie ein eine zu von auf nicht".split()),
    "fr": frozenset("le la les et des est pour avec nous vous une un du dans sur".split()),
    "nl": frozenset("de het en van een is voor met wij zijn op te niet ons".split()),
    "es": frozenset("el la los las y de para con es una un nuestro que por en".split()),
    "it": frozenset("il la le e di per con è una un che della nostro sono".split()),
    "no": frozenset("og i er det som på for med til av en et ikke vi".split()),
    "da": frozenset("og i er det som på for med til af en et ikke vi".split()),
    "sv": frozenset("och i är det som på för med till av en ett inte vi".split()),
    "pt": frozenset("o a os as e de para com é uma um que do da em".split()),
}
_TAG = re.compile(r"^[A-Za-z]{2,3}(?:[-_][A-Za-z0-9]{2,8})*$")
_WORDS = re.compile(r"[^\W\d_]+")
MIN_HITS = 3


def declared(doc: lxml.html.HtmlElement) -> str | None:
    """The primary language subtag of ``<html lang>`` ("de-DE" -> "de"), if well formed."""
    value = (doc.get("lang") or doc.get("xml:lang") or "").strip()
    return value.split("-")[0].split("_")[0].lower() if _TAG.match(value) else None


def guessed(text: str) -> str | None:
    """The language whose common words occur most in ``text`` (None below ``MIN_HITS``)."""
    words = [w.lower() for w in _WORDS.findall(text[:5000])]
    scores = {lang: sum(w in stop for w in words) for lang, stop in STOPWORDS.items()}
    best = max(scores, key=lambda lang: scores[lang])
    return best if scores[best] >= MIN_HITS else None
