"""UK Find a Tender Service: OCDS release packages followed through links.next."""

from spiders.bases.tenders import POLITE_SETTINGS, LinksNextSpider


class UkFindATender(LinksNextSpider):
    """
    Domain
      Find a Tender Service (FTS), the UK's above-threshold notices since 2021 (Cabinet
      Office), as OCDS 1.1 release packages. Licence: Open Government Licence v3.0.
    Caveats
      Releases are filtered by their update time; the same ocid comes back whenever a notice
      changes, and later releases replace earlier ones record by record. Company numbers
      appear as GB-COH identifiers when the buyer or supplier gave one.
    Spider arguments
      since
        ISO date-time; only releases updated after it (exclusive). Default: 7 days back.
      until
        ISO date-time; only releases updated up to it.
      cursor
        A links.next URL to resume from (overrides since).
      expect_min_items
        Fail the run when fewer items land (default: 1 for a run from scratch, unchecked when
        resuming from since or cursor).
    API documentation
      https://www.find-tender.service.gov.uk/apidocumentation/1.0/GET-ocdsReleasePackages
    """

    name = "uk_find_a_tender"
    base_url = "https://www.find-tender.service.gov.uk/api/1.0/ocdsReleasePackages"
    since_param, until_param = "updatedFrom", "updatedTo"
    page_size_param, page_size = "limit", 100
    default_days = 7
    # a week of a national platform without one notice: the API or its format changed
    expect_min_items = 1
    custom_settings = {**POLITE_SETTINGS, "DOWNLOAD_DELAY": 1.0}
