"""The headcount a site states: schema.org ``numberOfEmployees``, else its text ("a team of
140 people"); a lower bound ("over 500") is none.

A company's website is read by the provider below; the enrich stage reads the descriptions that
directories and exhibitor catalogues print with the same words (``stated_headcount``).
"""

from __future__ import annotations

import re

import pyarrow as pa

from enrich.pages.profile import site_profile
from enrich.signals.base import Column, Provider
from enrich.website import SiteSignals

EMPLOYEES_RE = re.compile(
    r"(over|more than|at least|\b)\s*([\d][\d,.\s]{0,8})\s*"
    r"(?:employees|staff|people|colleagues|team members|mitarbeiter(?:innen)?|medewerkers)",
    re.I,
)


def stated_headcount(text: str | None) -> int | None:
    """The largest headcount ``text`` states, ignoring lower bounds; None when it states none."""
    counts = []
    for bound, match in EMPLOYEES_RE.findall(text or ""):
        if bound.strip():  # "over 50 people" is a lower bound, not a headcount
            continue
        digits = re.sub(r"[^\d]", "", match)
        if digits and 0 < int(digits) < 10_000_000:
            counts.append(int(digits))
    return max(counts) if counts else None


def employees(site: SiteSignals) -> int | None:
    return site_profile(site).employees or stated_headcount(site.text)


PROVIDER = Provider(
    columns=(Column("website_employees", pa.int32()),),
    read=lambda site: {"website_employees": employees(site)},
)
