"""GLEIF: Legal Entity Identifier records by LEI or legal name."""

from spiders.bases.registries import GleifSpider


class GleifLei(GleifSpider):
    """
    Domain
      The Global LEI Index: legal name, addresses, legal form (ISO 20275), entity status and
      the LEI's registration status (issued, lapsed, retired ...). Licence: CC0.
    Caveats
      Open, no key; 60 requests a minute. A lapsed LEI means the entity stopped renewing it.
    Spider arguments
      ids
        LEIs, comma-separated.
      names
        Legal names, separated by ``|``.
    API documentation
      https://www.gleif.org/en/lei-data/gleif-api
    """

    name = "gleif_lei"
    base_url = "https://api.gleif.org/api/v1"
