"""Normalised tender records -> landing items (see docs/contracts.md)."""

from __future__ import annotations

from collections.abc import Iterator
from typing import Any

from spiders.tenders.common import PARSER_VERSION, ParsedDocument


def landing_items(parsed: ParsedDocument, *, url: str, method: str) -> Iterator[dict[str, Any]]:
    """Organisations (role buyer/supplier/tenderer), tenders, then one award per winner."""
    for kind, records in (("organisation", parsed.organisations), ("tender", parsed.tenders),
                          ("award", parsed.awards)):
        for record in records:
            yield {
                "kind": kind,
                "native_id": record["native_id"],
                "url": url,
                "method": method,
                "parser_version": PARSER_VERSION,
                "fields": record["fields"],
            }
