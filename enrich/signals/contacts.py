"""E-mail addresses and phone numbers a site publishes, role mailboxes (sales@, info@) first."""

from __future__ import annotations

import re

import pyarrow as pa

from enrich.normalise.emails import ROLE_MAILBOXES, addresses_in
from enrich.signals.base import Column, Provider
from enrich.website import SiteSignals

PHONE_RE = re.compile(r"(?:\+|00)?\(?\d[\d\s().\-/]{6,}\d")
KEEP = 5


def emails(site: SiteSignals) -> list[str]:
    found = [h[7:].split("?")[0].strip() for h in site.links if h.startswith("mailto:")]
    found += addresses_in(site.text)
    unique = list(dict.fromkeys(e.lower().rstrip(".") for e in found))
    return sorted(unique, key=lambda e: (0 if e.split("@")[0] in ROLE_MAILBOXES else 1, e))


def phones(site: SiteSignals) -> list[str]:
    """``tel:`` links; failing those, numbers in the text that look international or spaced."""
    found = [h[4:].strip() for h in site.links if h.startswith("tel:")]
    if not found:
        found = [
            m.strip()
            for m in PHONE_RE.findall(site.text)
            if sum(c.isdigit() for c in m) >= 9 and (m.startswith(("+", "00", "(")) or " " in m)
        ]
    return list(dict.fromkeys(found))


PROVIDER = Provider(
    columns=(
        Column("website_emails", pa.list_(pa.string())),
        Column("website_phones", pa.list_(pa.string())),
    ),
    read=lambda site: {
        "website_emails": emails(site)[:KEEP],
        "website_phones": phones(site)[:KEEP],
    },
)
