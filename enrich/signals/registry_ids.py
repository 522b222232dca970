"""Company registration numbers a site prints (imprint, footer): "Company No. 04567890",
"HRB 12345" (the register's kind kept). The same ids with their schemes, VAT numbers too,
are in ``website_identifiers`` (``enrich.signals.site_profile``)."""

from __future__ import annotations

import pyarrow as pa

from enrich.pages.profile import site_profile
from enrich.signals.base import Column, Provider
from enrich.website import SiteSignals

KEEP = 3


def registry_ids(site: SiteSignals) -> list[str]:
    ids = site_profile(site).identifiers
    return list(dict.fromkeys(i.id for i in ids if not i.scheme.endswith("-VAT")))


PROVIDER = Provider(
    columns=(Column("registry_ids", pa.list_(pa.string())),),
    read=lambda site: {"registry_ids": registry_ids(site)[:KEEP]},
)
