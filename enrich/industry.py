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
def _patterns() -> dict[str, re.Pattern[str]]:
    return {
        name: re.compile(r"\b(" + "|".join(re.escape(k) for k in spec["keywords"]) + r")", re.I)
        for name, spec in taxonomy().items()
    }


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
    evidence: dict[str, list[str]] = {}
    for industry, pattern in _patterns().items():
        for where, text in texts.items():
            hits = {m.lower() for m in pattern.findall(text)}
            if hits:
                scores[industry] = scores.get(industry, 0.0) + WEIGHTS[where] * len(hits)
                evidence.setdefault(industry, []).append(f"{where}: {', '.join(sorted(hits)[:3])}")
    if not scores:
        return IndustryGuess(None, 0.0, "no industry words found")
    best = max(scores, key=lambda k: (scores[k], k))
    confidence = scores[best] / sum(scores.values())
    return IndustryGuess(best, round(confidence, 3), "; ".join(evidence[best]))
