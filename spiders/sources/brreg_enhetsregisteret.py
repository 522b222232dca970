"""Norway's Enhetsregisteret (Brønnøysund): entities by organisation number or name."""

from spiders.bases.registries import BrregSpider


class BrregEnhetsregisteret(BrregSpider):
    """
    Domain
      The Norwegian Central Coordinating Register for Legal Entities: organisation form,
      industry codes, employees, founding date, and the bankruptcy and winding-up flags.
      Licence: Norwegian Licence for Open Government Data (NLOD).
    Caveats
      Open, no key. The whole register is also a free daily bulk download (JSON), which
      ``spiders.registries.brreg.search_items`` reads as it is.
    Spider arguments
      ids
        Organisation numbers, comma-separated.
      names
        Names, separated by ``|``.
    API documentation
      https://data.brreg.no/enhetsregisteret/api/dokumentasjon/no/index.html
    """

    name = "brreg_enhetsregisteret"
    base_url = "https://data.brreg.no/enhetsregisteret/api"
