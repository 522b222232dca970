"""Tender documents (OCDS JSON, TED eForms XML) -> normalised records -> landing items.

Everything here is pure: functions over a document already in memory. Spiders fetch, the
``leadpipe parse`` command reads files; both call ``parse_bytes`` and ``landing_items``.
"""

from spiders.tenders.common import ParsedDocument
from spiders.tenders.detect import TenderParseError, detect_format, parse_bytes
from spiders.tenders.eforms import parse_eforms
from spiders.tenders.items import landing_items
from spiders.tenders.ocds import parse_ocds, parse_release

__all__ = [
    "ParsedDocument", "TenderParseError", "detect_format", "landing_items", "parse_bytes",
    "parse_eforms", "parse_ocds", "parse_release",
]
