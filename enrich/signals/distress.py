"""Distress notices on a site: administration, insolvency, liquidation, closing down."""

from __future__ import annotations

import re

import pyarrow as pa

from enrich.signals.base import Column, Provider
from enrich.website import SiteSignals

DISTRESS_RE = re.compile(
    r"\b(in administration|insolven\w*|liquidation|receivership|winding[- ]up|"
    r"ceased trading|closing down|bankrupt\w*)\b",
    re.I,
)


def notices(site: SiteSignals) -> list[str]:
    return list(dict.fromkeys(m.lower() for m in DISTRESS_RE.findall(site.text)))


PROVIDER = Provider(
    columns=(Column("website_distress", pa.list_(pa.string())),),
    read=lambda site: {"website_distress": notices(site)},
)
