"""TED (Tenders Electronic Daily): API v3 search with iteration tokens, then each eForms XML."""

from spiders.bases.tenders import POLITE_SETTINGS, TedSearchSpider


class Ted(TedSearchSpider):
    """
    Domain
      Tenders Electronic Daily, the EU Official Journal S: contract notices, contract award
      notices and VEAT from every EU/EEA buyer, read as eForms UBL XML (SDK 1.x).
    Caveats
      The search filters by publication day only, so the high-water mark is the publication
      day plus the publication number; notices of the mark's day are fetched again and
      skipped. CompanyID is free text: national numbers become org-id.guide identifiers only
      where the country's format is recognised. Notices before eForms (2023) are not eForms
      XML and are reported as errors.
    Spider arguments
      since
        A date (from that day on) or a mark from an earlier run. Default: 1 day back.
      until
        A date; notices published up to that day.
      query
        Extra expert-query terms, e.g. ``classification-cpv IN (48000000 72000000)``.
      cursor
        An iterationNextToken to resume a search from.
    API documentation
      https://docs.ted.europa.eu/api/latest/search.html
    """

    name = "ted"
    search_url = "https://api.ted.europa.eu/v3/notices/search"
    notice_xml_url = "https://ted.europa.eu/en/notice/{publication_number}/xml"
    page_size = 100
    default_days = 1
    custom_settings = {**POLITE_SETTINGS, "DOWNLOAD_DELAY": 0.5}
