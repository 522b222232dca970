"""Whether a site shows job openings: a growth signal.

A "Careers" or "Jobs" menu link is on nearly every site and says nothing; a jobs page that
lists openings, or a schema.org JobPosting, does (``enrich.pages.profile``)."""

from __future__ import annotations

import pyarrow as pa

from enrich.pages.profile import site_profile
from enrich.signals.base import Column, Provider
from enrich.website import SiteSignals


def hiring(site: SiteSignals) -> bool:
    return site_profile(site).hiring


PROVIDER = Provider(
    columns=(Column("website_growth", pa.bool_()),),
    read=lambda site: {"website_growth": hiring(site)},
)
