"""Normalise organisation fields into comparable forms.

Pure functions, used across the project (resolution, enrichment, scoring, export). Each scalar
function has a vectorised twin (``*_array``) over pyarrow arrays, and the scalar one is defined
through the vectorised one so both always agree: resolution of a million records uses the
vectorised form, everything else the scalar one.

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
from enrich.normalise.domains import (
    FREE_MAIL,
    FREE_MAIL_BRANDS,
    PLATFORM_BRANDS,
    hosts_array,
    registrable_domain,
    registrable_domains_array,
)
from enrich.normalise.identifiers import normalise_identifier
from enrich.normalise.names import (
    ABBREVIATIONS,
    LEGAL_CANONICAL,
    NameTokens,
    NormalisedName,
    canonical_legal_form,
    legal_terms,
    name_tokens_array,
    normalise_name,
    normalise_names_array,
)
from enrich.normalise.phones import normalise_phone, phone_keys_array
from enrich.normalise.text import _join_lists, fold_array, join_skip_nulls, tokenize_array

__all__ = [
    "ABBREVIATIONS", "FREE_MAIL", "FREE_MAIL_BRANDS", "LEGAL_CANONICAL", "PLATFORM_BRANDS",
    "STREET_WORDS", "NameTokens", "NormalisedName", "canonical_legal_form", "fold_array",
    "hosts_array", "join_skip_nulls", "key_clean", "legal_terms", "name_tokens_array",
    "normalise_identifier", "normalise_name", "normalise_names_array", "normalise_phone",
    "normalise_postcode", "phone_keys_array", "postcodes_array", "registrable_domain",
    "registrable_domains_array", "street_key", "street_keys_array", "tokenize_array",
    "_join_lists",
]
