"""Whether a site advertises jobs (careers, vacancies, "we're hiring"): a growth signal."""

from __future__ import annotations

import re

import pyarrow as pa

from enrich.signals.base import Column, Provider
from enrich.website import SiteSignals

GROWTH_RE = re.compile(r"\b(careers|we.?re hiring|join our team|vacancies|jobs)\b", re.I)


def hiring(site: SiteSignals) -> bool:
    return bool(GROWTH_RE.search(site.text))


PROVIDER = Provider(
    columns=(Column("website_growth", pa.bool_()),),
    read=lambda site: {"website_growth": hiring(site)},
)
