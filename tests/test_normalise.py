"""Normalisation: legal forms kept aside, phones to E.164, registrable domains, address keys,
identifiers, countries and role mailboxes, each normaliser in one home."""

import ast
from pathlib import Path

import pyarrow as pa
import pytest

from enrich.normalise import (
    ROLE_MAILBOXES,
    country_code,
    normalise_identifier,
    normalise_name,
    normalise_phone,
    normalise_postcode,
    org_identifier,
    phone_keys_array,
    prefer_role_mailbox,
    registrable_domain,
    street_key,
)


@pytest.mark.parametrize(
    ("raw", "clean", "legal"),
    [
        ("ACME Industrial Supplies Sdn. Bhd.", "acme industrial supplies", "Sdn Bhd"),
        ("ACME IND. SUPPLIES SDN BHD", "acme industrial supplies", "Sdn Bhd"),
        ("Acme Industrial Supply", "acme industrial supplies", None),
        ("Acme Industrial Supplies Sendirian Berhad", "acme industrial supplies", "Sdn Bhd"),
        ("Müller & Söhne GmbH & Co. KG", "muller sohne", "GmbH & Co. KG"),
        ("Van Dijk Logistiek B.V.", "van dijk logistiek", "B.V."),
        ("Northwind Trdg LLC", "northwind trading", "LLC"),
        ("Northwind Intl Trading Limited", "northwind international trading", "Ltd"),
        ("Tokyo Seiki Co., Ltd.", "tokyo seiki", "Co., Ltd."),
        ("The Apple Pan", "apple pan", None),
    ],
)
def test_names_fold_and_keep_the_legal_form(raw, clean, legal):
    got = normalise_name(raw)
    assert got.clean == clean
    assert got.legal_form == legal
    assert got.tokens == tuple(clean.split())


def test_a_name_that_is_only_a_legal_form_is_not_emptied():
    assert normalise_name("Limited").clean != ""


def test_phones_to_e164_with_the_record_country():
    assert normalise_phone("03-1234 5678", "MY") == "+60312345678"
    assert normalise_phone("+60 3 1234 5678") == "+60312345678"
    assert normalise_phone("310/246-1501", "US") == "+13102461501"
    assert normalise_phone("12", "US") is None
    assert normalise_phone(None) is None


def test_phone_match_keys_ignore_format_and_prefix():
    raw = ["+44 (0)20 7946 0958", "020-7946-0958", "0207 946 0958 ext 12", "123", None]
    keys = phone_keys_array(pa.array(raw)).to_pylist()
    assert keys[0] == keys[1] == keys[2]
    assert keys[3] is None and keys[4] is None


@pytest.mark.parametrize(
    ("value", "domain"),
    [
        ("https://www.shop.acme.co.uk/about", "acme.co.uk"),
        ("acme.com.my", "acme.com.my"),
        ("sales@acme.de", "acme.de"),
        ("WWW.ACME.COM", "acme.com"),
        ("someone@gmail.com", None),
        ("https://yahoo.co.uk", None),
        ("https://www.facebook.com/acme", None),
        ("https://acme.wixsite.com/home", None),
        ("not a domain", None),
        (None, None),
    ],
)
def test_registrable_domain(value, domain):
    assert registrable_domain(value) == domain


def test_street_keys_compare_across_spellings():
    assert street_key("435 S. La Cienega Blv.") == street_key("435 s la cienega boulevard")
    assert street_key("Suite 200, 435 Main Street") == street_key("435 Main St")
    assert street_key("Hauptstraße 5") == street_key("Hauptstr. 5")
    assert street_key("747 Ninth Ave.") == street_key("747 9th Avenue")
    assert street_key("12 Main St") != street_key("14 Main St")


def test_postcodes_and_identifiers():
    assert normalise_postcode("sw1a 1aa") == "SW1A1AA"
    assert normalise_postcode("94105-1234") == "94105"
    assert normalise_postcode(" ") is None
    assert normalise_identifier("gb-coh", " 0123 4567 ") == "GB-COH:01234567"
    assert normalise_identifier("GB-COH:01234567") == "GB-COH:01234567"


def test_identifier_key_of_a_landing_identifier():
    printed = org_identifier("Registro Único de Contribuyente", "80.012.345-6")
    assert printed == {"scheme": "PY-RUC", "id": "80012345-6"}       # the landing form
    assert normalise_identifier(printed) == "PY-RUC:800123456"          # the comparison key
    assert normalise_identifier("PY-RUC", "80012345 6") == normalise_identifier(printed)
    assert normalise_identifier({"scheme": "gb-coh", "id": "0123 4567"}) == "GB-COH:01234567"


def test_resolution_keys_identifiers_as_the_one_normaliser_does():
    """Resolution's features use the vectorised normaliser: same keys, unusable values null."""
    import numpy as np

    from enrich.normalise import identifier_keys_array
    from enrich.resolve.features import _identifiers

    printed = ["gb-coh: 0123 4567", "PY-RUC:80.012.345-6", " nl-kvk :1234/5678", "no colon",
               "GB-COH: -. "]
    schemes, keys = identifier_keys_array(pa.array(printed))
    assert keys.to_pylist() == ["GB-COH:01234567", "PY-RUC:800123456", "NL-KVK:12345678",
                                None, None]
    assert schemes.to_pylist() == ["GB-COH", "PY-RUC", "NL-KVK", None, None]
    for raw, key in zip(printed[:3], keys.to_pylist()[:3], strict=True):
        assert normalise_identifier(raw) == key
    smallest, offsets, codes, _ = _identifiers(pa.array(["gb-coh:0123 4567; PY-RUC:80.012.345-6",
                                                         "no colon", None]))
    assert smallest.to_pylist() == ["GB-COH:01234567", None, None]
    assert np.diff(offsets).tolist() == [2, 0, 0] and len(set(codes.tolist())) == 2


@pytest.mark.parametrize(("printed", "code"), [
    ("UK", "GB"), ("uk", "GB"), ("United Kingdom", "GB"), ("Great Britain", "GB"),
    ("England", "GB"), ("Scotland", "GB"), ("GBR", "GB"), ("gb", "GB"), ("  Germany ", "DE"),
    ("Україна", "UA"), ("México", "MX"), ("Türkiye", "TR"), ("Turkey", "TR"), ("USA", "US"),
    ("EL", "GR"), ("Viet Nam", "VN"), ("Czech Republic", "CZ"),
    ("XX", None), ("Atlantis", None), ("", None), (None, None), (44, None),
])
def test_country_code(printed, code):
    assert country_code(printed) == code


def test_role_mailboxes():
    assert {"info", "sales", "kontakt"} <= ROLE_MAILBOXES
    assert prefer_role_mailbox(["jane.doe@acme.example", "mailto:Sales@acme.example?subject=x"]) \
        == "Sales@acme.example"
    assert prefer_role_mailbox(["jane.doe@acme.example", "no-address"]) == "jane.doe@acme.example"
    assert prefer_role_mailbox(["", "no-address"]) is None


ROOT = Path(__file__).resolve().parent.parent
NORMALISERS = {"normalise_identifier", "org_identifier", "normalise_scheme", "country_code",
               "country_iso2", "ROLE_MAILBOXES", "prefer_role_mailbox", "strip_accents"}


def test_each_normaliser_has_one_home():
    """Defined once, in enrich/normalise; everyone else imports it."""
    homes: dict[str, list[str]] = {}
    for folder in ("spiders", "enrich", "warehouse", "leadpipe", "flows", "sales"):
        for path in sorted((ROOT / folder).rglob("*.py")):
            tree = ast.parse(path.read_text(encoding="utf-8"))
            for node in tree.body:
                names = []
                if isinstance(node, ast.FunctionDef | ast.ClassDef):
                    names = [node.name]
                elif isinstance(node, ast.Assign):
                    names = [t.id for t in node.targets if isinstance(t, ast.Name)]
                for name in set(names) & NORMALISERS:
                    homes.setdefault(name, []).append(str(path.relative_to(ROOT)))
    assert all(len(where) == 1 and where[0].startswith("enrich/normalise/")
               for where in homes.values()), homes
    assert "country_iso2" not in homes


def test_national_legal_forms_translations_and_other_scripts_fold_to_one_name():
    from enrich.normalise import normalise_name

    variants = {
        "muller": ["Müller Gesellschaft mit beschränkter Haftung", "MÜLLER GmbH",
                   "Muller Gesellschaft mbH", "Müller Ges.m.b.H."],
        "romashka": ["ООО Ромашка", "OOO Romashka", "Romashka LLC"],
        "royal philips": ["Koninklijke Philips N.V.", "Royal Philips", "The Royal Philips"],
        "polmex": ["Polmex Sp. z o.o.", "POLMEX SP Z O O"],  # ISO 20275: Poland
        "kovacs": ["Kovács Kft.", "Kovacs KFT"],  # ISO 20275: Hungary
        "acme": ["The Acme & Co", "Acme Company"],
    }
    for clean, names in variants.items():
        assert {normalise_name(n).clean for n in names} == {clean}, names
    assert normalise_name("Gesellschaft mit beschränkter Haftung Müller").clean
    assert normalise_name("Müller Gesellschaft mit beschränkter Haftung").legal_form == "GmbH"
    # one-word ELF names that are often a company's own word stay in the name
    assert normalise_name("Northwind Trust").clean == "northwind trust"
    assert normalise_name("Smith & Son").clean == "smith son"
