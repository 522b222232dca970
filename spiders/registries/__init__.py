"""Company registries: pure parsers (page objects, no I/O), one module per registry.

- ``companies_house``: UK Companies House API (profile, insolvency, charges, filing history,
  search) and the BasicCompanyData bulk CSV;
- ``brreg``: Norway's Enhetsregisteret (entity, search page, bulk JSON);
- ``sirene``: France's SIRENE (API unités légales, stock CSV);
- ``gleif``: GLEIF LEI records;
- ``cvr``: Denmark's CVR (Elasticsearch ``Vrvirksomhed``).

Each yields landing ``organisation`` items with the registry id as an identifier
(``GB-COH``, ``NO-BRC``, ``FR-SIREN``/``FR-SIRET``, ``XI-LEI``, ``DK-CVR``) and the registry
facts declared in ``spiders.landing_fields`` (``registry_status`` in plain words, dates,
accounts, charges, insolvency cases, industry codes, legal form, LEI status). Spiders for them
live in ``spiders/bases/registries.py`` and ``spiders/sources/``.
"""

from spiders.registries.common import RegistryParseError

__all__ = ["RegistryParseError"]
