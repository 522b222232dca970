"""Industry classification from what a company says about itself, with a readable reason.

A keyword taxonomy (``industries.toml``) scored over categories (strongest evidence), the name,
and free text (description, website). Replaceable: anything with ``classify(...)`` will do.
"""

from __future__ import annotations

import re
import tomllib
from dataclasses import dataclass
from functools import lru_cache
from pathlib import Path

TAXONOMY_FILE = Path(__file__).with_name("industries.toml")
WEIGHTS = {"categories": 3.0, "name": 2.0, "description": 1.0, "website": 0.5}


@dataclass(frozen=True)
class IndustryGuess:
    industry: str | None
    confidence: float
    reason: str


@lru_cache(maxsize=1)
def taxonomy() -> dict[str, dict]:
    return tomllib.loads(TAXONOMY_FILE.read_text(encoding="utf-8"))


@lru_cache(maxsize=1)
def _keywords() -> list[tuple[str, str]]:
    """(keyword, industry), longest first, so one alternation prefers the longer keyword."""
    pairs = [(k.lower(), name) for name, spec in taxonomy().items() for k in spec["keywords"]]
    return sorted(pairs, key=lambda p: (-len(p[0]), p[0]))


@lru_cache(maxsize=1)
def _pattern() -> re.Pattern[str]:
    return re.compile(r"\b(" + "|".join(re.escape(k) for k, _ in _keywords()) + r")", re.I)


@lru_cache(maxsize=1)
def _industry_of() -> dict[str, str]:
    return {k: name for k, name in reversed(_keywords())}


def keyword_hits(text: str) -> list[tuple[str, str]]:
    """(industry, keyword) for every non-overlapping keyword in ``text``, longest match first."""
    industry_of = _industry_of()
    return [(industry_of[m.group(1).lower()], m.group(1).lower())
            for m in _pattern().finditer(text)]


def classify(
    *,
    name: str | None = None,
    categories: list[str] | None = None,
    description: str | None = None,
    website_text: str | None = None,
) -> IndustryGuess:
    """Best industry, a confidence in [0, 1] and the evidence that decided it."""
    texts = {
        "categories": " | ".join(categories or []),
        "name": name or "",
        "description": description or "",
        "website": (website_text or "")[:5000],
    }
    scores: dict[str, float] = {}
    evidence: dict[str, dict[str, set[str]]] = {}
    for where, text in texts.items():
        seen: dict[str, set[str]] = {}
        for industry, word in keyword_hits(text):
            seen.setdefault(industry, set()).add(word)
        for industry, words in seen.items():
            scores[industry] = scores.get(industry, 0.0) + WEIGHTS[where] * len(words)
            evidence.setdefault(industry, {})[where] = words
    if not scores:
        return IndustryGuess(None, 0.0, "no industry words found")
    best = max(scores, key=lambda k: (scores[k], k))
    confidence = scores[best] / sum(scores.values())
    # The two strongest places, two words each: a reason a salesperson reads at a glance.
    reason = "; ".join(f"{where}: {', '.join(sorted(words)[:2])}"
                       for where, words in list(evidence[best].items())[:2])
    return IndustryGuess(best, round(confidence, 3), reason)
