"""The industry-taxonomy words a site mentions; kept small, the full text is not stored."""

from __future__ import annotations

import pyarrow as pa

from enrich import industry
from enrich.signals.base import Column, Provider
from enrich.website import SiteSignals

KEEP = 40
READ_CHARS = 20000


def keywords(site: SiteSignals) -> list[str]:
    found = dict.fromkeys(word for _, word in industry.keyword_hits(site.text[:READ_CHARS]))
    return list(found)[:KEEP]


PROVIDER = Provider(
    columns=(Column("website_text_keywords", pa.list_(pa.string())),),
    read=lambda site: {"website_text_keywords": keywords(site)},
)
