"""UK Contracts Finder: OCDS search, one date window at a time, each through links.next."""

from spiders.bases.tenders import POLITE_SETTINGS, DateWindowSpider


class UkContractsFinder(DateWindowSpider):
    """
    Domain
      Contracts Finder (Crown Commercial Service / Cabinet Office): English public contracts
      above GBP 12,000 (central government) / GBP 30,000 (others), as OCDS release packages.
      Licence: Open Government Licence v3.0.
    Caveats
      The search answers at most 100 releases a page and throttles bursts with HTTP 429, so
      the spider waits a second between requests and honours Retry-After. Identifier schemes
      are often empty; buyers then get a publisher-scoped id.
    Spider arguments
      since
        ISO date-time; only releases published after it (exclusive). Default: 7 days back.
      until
        ISO date-time; the end of the last window. Default: now.
      expect_min_items
        Fail the run when fewer items land (default: 1 for a run from scratch, unchecked when
        resuming from since).
    API documentation
      https://www.contractsfinder.service.gov.uk/apidocumentation/home
    """

    name = "uk_contracts_finder"
    base_url = "https://www.contractsfinder.service.gov.uk/Published/Notices/OCDS/Search"
    since_param, until_param = "publishedFrom", "publishedTo"
    page_size_param, page_size = "limit", 100
    window_days = 7
    default_days = 7
    # a week of a national platform without one notice: the API or its format changed
    expect_min_items = 1
    custom_settings = {**POLITE_SETTINGS, "DOWNLOAD_DELAY": 1.0}
