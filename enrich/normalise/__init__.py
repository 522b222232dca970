"""Normalise organisation fields into comparable forms.

Pure functions, used across the project (spiders, resolution, enrichment, scoring, export), and
the one home of each normaliser: identifiers, countries, e-mail mailboxes, names, phones,
domains, addresses. This library imports nothing else from the project. The name, phone,
domain and address functions each have a vectorised twin (``*_array``) over pyarrow arrays,
and the scalar one is defined through the vectorised one so both always agree: resolution of a
million records uses the vectorised form, everything else the scalar one.

Legal forms come from cleanco's term list plus the forms of the markets we crawl; the form is kept
as a field (``NormalisedName.legal_form``), not thrown away.
"""

from enrich.normalise.addresses import (
    STREET_WORDS,
    key_clean,
    normalise_postcode,
    postcodes_array,
    street_key,
    street_keys_array,
)
from enrich.normalise.countries import country_code
from enrich.normalise.domains import (
    FREE_MAIL,
    FREE_MAIL_BRANDS,
    PLATFORM_BRANDS,
    hosts_array,
    registrable_domain,
    registrable_domains_array,
)
from enrich.normalise.emails import (
    ROLE_MAILBOXES,
    email_key,
    email_keys_array,
    is_role_mailbox,
    prefer_role_mailbox,
)
from enrich.normalise.identifiers import (
    eforms_company_id,
    identifier_keys_array,
    is_natural_person_id,
    is_natural_person_name,
    normalise_identifier,
    normalise_scheme,
    org_identifier,
)
from enrich.normalise.names import (
    ABBREVIATIONS,
    GENERIC_WORDS,
    LEGAL_CANONICAL,
    NameTokens,
    NormalisedName,
    canonical_legal_form,
    legal_terms,
    name_tokens_array,
    normalise_name,
    normalise_names_array,
)
from enrich.normalise.phones import normalise_phone, phone_key, phone_keys_array
from enrich.normalise.text import (
    _join_lists,
    fold_array,
    join_skip_nulls,
    strip_accents,
    tokenize_array,
)

__all__ = [
    "ABBREVIATIONS", "FREE_MAIL", "FREE_MAIL_BRANDS", "GENERIC_WORDS", "LEGAL_CANONICAL",
    "PLATFORM_BRANDS",
    "ROLE_MAILBOXES", "STREET_WORDS", "NameTokens", "NormalisedName", "canonical_legal_form",
    "country_code", "eforms_company_id", "email_key", "email_keys_array", "fold_array",
    "hosts_array", "identifier_keys_array", "is_natural_person_id",
    "is_natural_person_name", "is_role_mailbox", "join_skip_nulls", "key_clean", "legal_terms",
    "name_tokens_array", "normalise_identifier", "normalise_name", "normalise_names_array",
    "normalise_phone", "normalise_postcode", "normalise_scheme", "org_identifier",
    "phone_key", "phone_keys_array", "postcodes_array", "prefer_role_mailbox", "registrable_domain",
    "registrable_domains_array", "strip_accents", "street_key", "street_keys_array",
    "tokenize_array", "_join_lists",
]
