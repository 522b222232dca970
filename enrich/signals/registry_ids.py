"""Company registration numbers a site prints (imprint, footer): "Company No. 04567890"."""

from __future__ import annotations

import re

import pyarrow as pa

from enrich.signals.base import Column, Provider
from enrich.website import SiteSignals

REGISTRY_RE = re.compile(
    r"(?:company (?:registration )?(?:no|number)\.?|registered in england[^.]{0,80}?no\.?|"
    r"handelsregister|HRB|registration no\.?)\s*:?\s*([A-Z]{0,3}\s?\d[\d\s]{4,12}\d)",
    re.I,
)
KEEP = 3


def registry_ids(site: SiteSignals) -> list[str]:
    return list(dict.fromkeys(" ".join(m.split()) for m in REGISTRY_RE.findall(site.text)))


PROVIDER = Provider(
    columns=(Column("registry_ids", pa.list_(pa.string())),),
    read=lambda site: {"registry_ids": registry_ids(site)[:KEEP]},
)
