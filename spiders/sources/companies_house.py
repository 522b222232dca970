"""UK Companies House: company profiles with insolvency cases and charges, by number or name."""

from spiders.bases.registries import CompaniesHouseSpider


class CompaniesHouse(CompaniesHouseSpider):
    """
    Domain
      The UK register of companies (Companies House Public Data API): status, incorporation
      and dissolution dates, accounts due and overdue, accounts category, SIC codes, charges
      and insolvency cases of every company in England, Wales, Scotland and Northern Ireland.
      Licence: Open Government Licence v3.0.
    Caveats
      The API needs a free key (spider argument ``api_key``) and allows 600 requests per five
      minutes; a company costs one to three requests. The whole register is better loaded
      from the free monthly bulk file (``leadpipe registry load-bulk``).
    Spider arguments
      ids
        Company numbers, comma-separated (``08957400,SC123456``).
      names
        Names, separated by ``|``: each search hit lands with what the search says.
      api_key
        The API key.
    API documentation
      https://developer-specs.company-information.service.gov.uk/
    """

    name = "companies_house"
    base_url = "https://api.company-information.service.gov.uk"
