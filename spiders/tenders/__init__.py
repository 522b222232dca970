"""Tender documents (OCDS JSON, TED eForms XML) -> normalised records -> landing items.

Everything here is pure: functions over a document already in memory, or (``stream``) over a
binary stream the caller opened. Spiders fetch and call ``parse_bytes``; the ``leadpipe parse``
command opens files and calls ``parse_stream``; both turn the records into ``landing_items``.
"""

from spiders.tenders.common import ParsedDocument
from spiders.tenders.detect import TenderParseError, detect_format, parse_bytes
from spiders.tenders.eforms import parse_eforms
from spiders.tenders.items import landing_items
from spiders.tenders.ocds import parse_ocds, parse_release
from spiders.tenders.stream import parse_stream

__all__ = [
    "ParsedDocument", "TenderParseError", "detect_format", "landing_items", "parse_bytes",
    "parse_eforms", "parse_ocds", "parse_release", "parse_stream",
]
