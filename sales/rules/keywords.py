"""Keywords: the profile's words appear in the company's name, categories or description."""

from __future__ import annotations

import re
from functools import cache

from sales.profile import IcpProfile
from sales.rules import CompanyRow, Reason, fit_rule

SHOWN = 3  # words named in the sentence


@cache
def _pattern(words: tuple[str, ...]) -> re.Pattern[str]:
    """Any of the words, whole, or its plural ("machine" finds "machines", never
    "machinery"); the longest first, so "machinery" wins over "machine"."""
    ordered = sorted(words, key=len, reverse=True)
    alternatives = "|".join(re.escape(w) for w in ordered)
    return re.compile(r"\b(" + alternatives + r")(?:s|es)?\b", re.I)


@fit_rule(code="keywords", order=20, reads=("name", "categories", "description", "listing_url"))
def keywords(row: CompanyRow, profile: IcpProfile) -> Reason | None:
    """The profile's keyword points per distinct whole word found, up to its maximum."""
    words = list(profile.keywords)
    if not words:
        return None
    text = " ".join(
        filter(None, [row.get("name"), " ".join(row.get("categories") or []),
                      row.get("description")])
    )
    by_lower = {w.lower(): w for w in words}
    hits = sorted({by_lower[m.lower()] for m in _pattern(tuple(words)).findall(text)})
    if not hits:
        return None
    points = min(profile.points.keywords_max, profile.points.keyword * len(hits))
    return Reason("keywords", f"mentions {', '.join(hits[:SHOWN])}", round(points, 3),
                  url=row.get("listing_url"))
