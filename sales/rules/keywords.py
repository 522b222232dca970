"""Keywords: the profile's words appear in the company's name, categories or description."""

from __future__ import annotations

import re

from sales.profile import IcpProfile
from sales.rules import CompanyRow, Reason, fit_rule

KEYWORD_POINTS = 0.1
KEYWORD_MAX = 0.2
SHOWN = 3  # words named in the sentence


@fit_rule(code="keywords", order=20, reads=("name", "categories", "description"))
def keywords(row: CompanyRow, profile: IcpProfile) -> Reason | None:
    """Points per distinct keyword found (a word start matches: "machine" finds "machinery")."""
    words = list(profile.keywords)
    if not words:
        return None
    text = " ".join(
        filter(None, [row.get("name"), " ".join(row.get("categories") or []),
                      row.get("description")])
    )
    hits = sorted({w for w in words if re.search(r"\b" + re.escape(w), text, re.I)})
    if not hits:
        return None
    return Reason("keywords", f"mentions {', '.join(hits[:SHOWN])}",
                  min(KEYWORD_MAX, KEYWORD_POINTS * len(hits)))
