"""Page objects: pure extraction from a URL and the bytes fetched from it (no I/O here).

``ListingPage``/``DetailPage`` read HTML (JSON-LD → microdata → state JSON → CSS),
``ApiPage`` reads JSON responses, ``ExportPage`` reads CSV/XLSX exports. Each returns
``Extracted`` records whose ``to_item()`` is what a spider yields.
"""

from spiders.pages.data import ApiPage, ExportPage, page_for
from spiders.pages.html import DetailPage, ListingPage
from spiders.pages.records import Extracted

__all__ = ["ApiPage", "DetailPage", "ExportPage", "Extracted", "ListingPage", "page_for"]
