"""Ukraine ProZorro: the tenders index (offset cursor), then each tender as OCDS."""

from spiders.bases.tenders import POLITE_SETTINGS, IndexOffsetSpider


class UkraineProzorro(IndexOffsetSpider):
    """
    Domain
      ProZorro (ДП «Прозорро»), Ukraine's public procurement system: every tender, its
      bids and awards. Each tender is read in OCDS (``opt_schema=ocds``).
    Caveats
      The index is ordered by modification time and pages by an ``offset`` cursor; a tender
      reappears in the index whenever it changes. Suppliers include sole traders (ФОП, a
      10-digit personal tax number under UA-EDR): they are flagged as natural persons.
      Unsuccessful awards are not landed as awards. The API may answer 412 to unusual user
      agents; the crawl then reports the failure instead of pretending to be a browser.
    Spider arguments
      since
        ISO date-time; only tenders modified after it (exclusive). Default: 1 day back.
      until
        ISO date-time; tenders modified later are skipped.
      cursor
        An index ``offset`` value to resume from.
    API documentation
      https://prozorro-api-docs.readthedocs.io/uk/latest/tendering/index.html
    """

    name = "ukraine_prozorro"
    index_url = "https://public-api.prozorro.gov.ua/api/2.5/tenders"
    detail_url = "https://public-api.prozorro.gov.ua/api/2.5/tenders/{id}?opt_schema=ocds"
    offset_param = "offset"
    default_days = 1
    custom_settings = {**POLITE_SETTINGS, "DOWNLOAD_DELAY": 0.5}
