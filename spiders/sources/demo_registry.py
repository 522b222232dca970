"""The demo world's company registry: Companies House-shaped profiles of every company."""

from spiders.bases.registries import CompaniesHouseSpider


class DemoRegistry(CompaniesHouseSpider):
    """
    Domain
      The demo world's register (``leadpipe.demo.server``, host
      ``registry.demo.leadpipe.test``): for every company a Companies House-shaped profile
      (status, incorporation date, accounts due and overdue, accounts category, SIC codes),
      its charges and, for every firm the world made insolvent, its insolvency case.
    Caveats
      Reachable only through the demo server used as HTTP proxy. One register serves every
      country's companies, so each profile names its register in ``registry_scheme``
      (GB-COH, DE-CR, NL-KVK ...), which becomes the identifier's scheme.
    Spider arguments
      ids
        Registry ids, comma-separated (default: the whole register, page by page).
    API documentation
      ``leadpipe/demo/server.py`` (module docstring, host ``registry.demo.leadpipe.test``).
    """

    name = "demo_registry"
    base_url = "http://registry.demo.leadpipe.test"
    scheme_key = "registry_scheme"
    custom_settings = {"CONCURRENT_REQUESTS_PER_DOMAIN": 8, "DOWNLOAD_DELAY": 0.0}
