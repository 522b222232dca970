"""Distress notices on a site: administration, insolvency, liquidation, closing down.

The one home of the distress words (the website signal and site monitoring both read them).
Words that state proceedings ("insolvency proceedings", "in administration", "Insolvenzverfahren",
"redressement judiciaire") knock a company out; a bare mention ("insolvency", "closing down")
only counts against it, since a law firm or an auction house names them as services.
"""

from __future__ import annotations

import re

import pyarrow as pa

from enrich.normalise.text import case_blind
from enrich.signals.base import Column, Provider
from enrich.website import SiteSignals

# Stated proceedings, in English, German and French (matched before the bare mentions).
PROCEEDINGS = (
    r"insolvency proceedings|insolvenzverfahren\w*|redressement judiciaire|"
    r"liquidation judiciaire|proc[ée]dure collective|in administration|entered administration|"
    r"administrators? (?:have been |were |has been )?appointed|in liquidation|receivership|"
    r"winding[- ]up|bankrupt\w*|ceased trading"
)
MENTIONS = r"insolven\w*|liquidation|closing down"
DISTRESS_RE = re.compile(rf"\b({PROCEEDINGS}|{MENTIONS})\b", re.I)
PROCEEDINGS_RE = re.compile(rf"^(?:{PROCEEDINGS})$", re.I)
# A piece of every word above, lower case: a text holding none of them holds no distress word,
# which a substring test finds about ten times faster than the pattern (most pages hold none).
STEMS = ("insolven", "liquidation", "redressement judiciaire", "dure collective",
         "administrat", "receivership", "winding", "bankrupt", "ceased trading", "closing down")


def notices(site: SiteSignals) -> list[str]:
    return words_in(site.text)


def words_in(text: str) -> list[str]:
    """The distress words ``text`` holds, lower case, each once, in order."""
    folded = case_blind(text)
    if not any(stem in folded for stem in STEMS):
        return []
    return list(dict.fromkeys(" ".join(m.lower().split()) for m in DISTRESS_RE.findall(text)))


def states_proceedings(words: list[str]) -> bool:
    """Whether any of the words found states proceedings (a knock-out), not a bare mention."""
    return any(PROCEEDINGS_RE.match(w) for w in words)


PROVIDER = Provider(
    columns=(Column("website_distress", pa.list_(pa.string())),),
    read=lambda site: {"website_distress": notices(site)},
)
