"""The demo world's tender platform: OCDS release packages followed through links.next."""

from spiders.bases.tenders import POLITE_SETTINGS, LinksNextSpider


class DemoTenders(LinksNextSpider):
    """
    Domain
      The demo world's public procurement portal (``leadpipe.demo.server``): one compiled OCDS
      1.1 release per tender, open tenders and awarded ones, 50 a page.
    Caveats
      Reachable only through the demo server used as HTTP proxy (``http_proxy``). Party ids
      (``ORG-NNNNNN``) are stable per registration and documented as the native id, so
      organisations are keyed by them, not by their registry identifier: two registrations of
      one company stay two records for entity resolution to merge.
    Spider arguments
      since
        ISO date-time or a mark from an earlier run; only releases dated after it.
      until
        ISO date or date-time; only releases dated up to it.
      cursor
        A links.next URL to resume from.
    API documentation
      ``leadpipe/demo/server.py`` (module docstring, host ``tenders.demo.leadpipe.test``).
    """

    name = "demo_tenders"
    base_url = "http://tenders.demo.leadpipe.test/api/releases"
    since_param, until_param = "since", "until"
    date_format = "%Y-%m-%dT%H:%M:%SZ"
    first_page_params = {"page": 1}
    party_native_ids = True
    custom_settings = {**POLITE_SETTINGS, "DOWNLOAD_DELAY": 0.0}
