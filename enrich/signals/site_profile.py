"""What a company's own pages say about it (``enrich.pages.profile``): address, schema.org
Organization data, social profiles, VAT and registration ids, language, description and
named leadership, plus ``website_facts``: every value with its source URL and fetch time."""

from __future__ import annotations

from typing import Any

import pyarrow as pa

from enrich.pages.profile import site_profile
from enrich.signals.base import Column, Provider
from enrich.website import SiteSignals

LEADER = pa.struct([("name", pa.string()), ("role", pa.string())])
FACT = pa.struct([("field", pa.string()), ("value", pa.string()), ("url", pa.string()),
                  ("fetched_at", pa.timestamp("us"))])


def values(site: SiteSignals) -> dict[str, Any]:
    profile = site_profile(site)
    return {
        "website_address": profile.address,
        "website_legal_name": profile.legal_name,
        "website_founded": profile.founded,
        "website_same_as": profile.same_as,
        "website_social": profile.social,
        "website_identifiers": [i.key for i in profile.identifiers],
        "website_language": profile.language,
        "website_description": profile.description,
        "website_leadership": [{"name": p.name, "role": p.role} for p in profile.leadership],
        "website_facts": [
            {"field": f.field, "value": f.value, "url": f.url,
             "fetched_at": f.fetched_at.replace(tzinfo=None)}
            for f in profile.facts
        ],
    }


PROVIDER = Provider(
    columns=(
        Column("website_address", pa.string()),
        Column("website_legal_name", pa.string()),
        Column("website_founded", pa.string()),
        Column("website_same_as", pa.list_(pa.string())),
        Column("website_social", pa.list_(pa.string())),
        Column("website_identifiers", pa.list_(pa.string())),
        Column("website_language", pa.string()),
        Column("website_description", pa.string()),
        Column("website_leadership", pa.list_(LEADER)),
        Column("website_facts", pa.list_(FACT)),
    ),
    read=values,
)
