"""Normalise organisation fields into comparable forms.

Pure functions, used across the project (resolution, enrichment, scoring, export). Each scalar
function has a vectorised twin (``*_array``) over pyarrow arrays, and the scalar one is defined
through the vectorised one so both always agree: resolution of a million records uses the
vectorised form, everything else the scalar one.

Legal forms come from cleanco's term list plus the forms of the markets we crawl; the form is kept
as a field (``NormalisedName.legal_form``), not thrown away.
"""

from __future__ import annotations

import re
import unicodedata
from dataclasses import dataclass
from functools import lru_cache

import numpy as np
import phonenumbers
import pyarrow as pa
import pyarrow.compute as pc
import tldextract


def join_skip_nulls(parts: list[pa.Array], sep: str) -> pa.Array:
    """Element-wise join that skips nulls; rows with no value at all give ''.

    (``binary_join_element_wise(null_handling="skip")`` drops such rows instead, which would
    misalign the columns.)
    """
    all_null = pc.is_null(parts[0])
    for p in parts[1:]:
        all_null = pc.and_(all_null, pc.is_null(p))
    first = pc.if_else(all_null, "", parts[0])
    return pc.binary_join_element_wise(first, *parts[1:], sep, null_handling="skip")


# --- legal forms -----------------------------------------------------------------------------

# Canonical spelling of a legal form, keyed by its folded tokens with the spaces removed.
LEGAL_CANONICAL: dict[str, str] = {
    "ltd": "Ltd", "limited": "Ltd", "coltd": "Co., Ltd.", "companylimited": "Co., Ltd.",
    "ltdco": "Co., Ltd.", "plc": "PLC", "publiclimitedcompany": "PLC", "llp": "LLP",
    "lp": "LP", "llc": "LLC", "limitedliabilitycompany": "LLC", "pllc": "PLLC",
    "inc": "Inc.", "incorporated": "Inc.", "corp": "Corp.", "corporation": "Corp.",
    "co": "Co.", "company": "Co.", "andco": "& Co.", "andcompany": "& Co.",
    "sdnbhd": "Sdn Bhd", "sendirianberhad": "Sdn Bhd", "bhd": "Bhd", "berhad": "Bhd",
    "ptetd": "Pte Ltd", "pteltd": "Pte Ltd", "pte": "Pte Ltd", "ptyltd": "Pty Ltd",
    "ptylimited": "Pty Ltd", "proprietarylimited": "Pty Ltd", "pty": "Pty Ltd",
    "pvtltd": "Pvt Ltd", "privatelimited": "Pvt Ltd",
    "gmbh": "GmbH", "mbh": "mbH", "gmbhandcokg": "GmbH & Co. KG", "gmbhcokg": "GmbH & Co. KG",
    "mbhandcokg": "mbH & Co. KG", "ag": "AG", "kg": "KG", "kgaa": "KGaA", "ohg": "OHG",
    "ug": "UG", "gbr": "GbR", "ev": "e.V.", "eg": "eG",
    "bv": "B.V.", "beslotenvennootschap": "B.V.", "nv": "N.V.",
    "naamlozevennootschap": "N.V.", "vof": "VOF", "bvba": "BVBA", "cvba": "CVBA",
    "sa": "S.A.", "sas": "SAS", "sasu": "SASU", "sarl": "SARL", "eurl": "EURL", "sca": "SCA",
    "snc": "SNC", "sl": "S.L.", "slu": "S.L.U.", "srl": "S.r.l.", "spa": "S.p.A.",
    "sapa": "S.a.p.A.", "sadecv": "S.A. de C.V.", "sderl": "S. de R.L.",
    "sderldecv": "S. de R.L. de C.V.", "ltda": "Ltda.", "lda": "Lda.", "eireli": "EIRELI",
    "sro": "s.r.o.", "spzoo": "Sp. z o.o.", "spolkazoo": "Sp. z o.o.", "as": "AS", "asa": "ASA",
    "aps": "ApS", "ab": "AB", "oy": "Oy", "oyj": "Oyj", "kft": "Kft.", "zrt": "Zrt.",
    "nyrt": "Nyrt.", "doo": "d.o.o.", "dd": "d.d.", "ooo": "OOO", "oao": "OAO", "zao": "ZAO",
    "pao": "PAO", "tov": "TOV", "pt": "PT", "tbk": "Tbk", "cv": "CV", "kk": "K.K.",
    "gk": "G.K.", "se": "SE", "uab": "UAB", "sia": "SIA", "ou": "OÜ",
}

# Forms that lead the name ("PT Maju Jaya", "OOO Romashka").
_PREFIX_FORMS = ("pt", "cv", "ooo", "oao", "zao", "pao", "tov", "uab", "sia", "pp")

# cleanco terms that are too often a real word of the name to strip.
_NOT_LEGAL = {
    "uk", "private", "at", "ok", "ent", "ca", "ba", "eu", "pc", "ss", "sp", "ec", "et", "ei",
    "ep", "ud", "sd", "da", "ad", "ae", "ee", "fa", "kt", "od", "ps", "cpt", "bl", "bm",
    "dat", "vat", "ij", "ik", "sf", "ko", "xt", "xk", "3at", "3ao", "aat", "sem", "ses", "sep",
    "sc", "ks", "kd", "kv", "ky", "nl", "fie", "coop", "koop", "scoop", "ong",
    "cic", "cio", "gte", "esv", "hf", "bt", "ay", "mb", "og", "oe", "ans", "aj", "sal",
}

_EXTRA_LEGAL = [
    "sendirian berhad", "berhad", "bhd", "sdn bhd", "co ltd", "company limited", "ltd co",
    "private limited", "pvt ltd", "pte ltd", "pty ltd", "pty limited", "proprietary limited",
    "limited liability company", "public limited company", "l l c", "l l p", "b v", "n v",
    "s a", "s l", "s l u", "slu", "s r l", "s p a", "s a s", "s a r l", "s r o", "a s", "p l c",
    "gmbh and co kg", "gmbh co kg", "mbh and co kg", "and co", "and company", "ug",
    "besloten vennootschap", "naamloze vennootschap", "sa de cv", "s a de c v", "s de r l",
    "s de r l de c v", "ltda", "eireli", "tbk", "pt tbk", "inc", "corp", "llc", "se",
    "spolka z oo", "sp z o o", "ab", "oy", "kft", "zrt",
]


def _fold(text: str) -> str:
    text = unicodedata.normalize("NFKD", text.replace("ß", "ss"))
    text = "".join(ch for ch in text if not unicodedata.combining(ch)).lower()
    text = re.sub(r"['’`]", "", text).replace("&", " and ")
    return " ".join(re.sub(r"[^\w]+|_", " ", text).split())


@lru_cache(maxsize=1)
def legal_terms() -> tuple[str, ...]:
    """Folded legal-form terms (cleanco's list plus ours), longest first."""
    from cleanco import prepare_default_terms

    terms = {_fold(" ".join(parts)) for _, parts in prepare_default_terms()}
    terms |= {_fold(t) for t in _EXTRA_LEGAL}
    terms = {t for t in terms if t and t not in _NOT_LEGAL and t.isascii()}
    return tuple(sorted(terms, key=lambda t: (-len(t), t)))


@lru_cache(maxsize=1)
def _legal_regex() -> str:
    alts = "|".join(re.escape(t).replace("\\ ", " ") for t in legal_terms())
    return rf"(?:^|\s)(?P<lf>(?:{alts}))$"


def canonical_legal_form(term: str | None) -> str | None:
    """'sdn bhd' / 'Sdn. Bhd.' / 'sendirian berhad' -> 'Sdn Bhd'; unknown forms upper-cased."""
    if not term:
        return None
    folded = _fold(term)
    key = folded.replace(" ", "").replace("and", "and")
    return LEGAL_CANONICAL.get(key) or folded.upper()


# Business abbreviations mapped to one short form, so "Intl"/"International" compare equal.
ABBREVIATIONS: dict[str, str] = {
    "international": "intl", "internasional": "intl", "manufacturing": "mfg",
    "manufacturers": "mfg", "manufacturer": "mfg", "services": "svc", "service": "svc",
    "svcs": "svc", "svc": "svc", "industrial": "ind", "industries": "ind", "industry": "ind",
    "inds": "ind", "technology": "tech", "technologies": "tech", "technical": "tech",
    "engineering": "eng", "engineers": "eng", "engg": "eng", "enterprises": "ent",
    "enterprise": "ent", "management": "mgmt", "mgt": "mgmt", "associates": "assoc",
    "association": "assoc", "holdings": "hldgs", "holding": "hldgs", "brothers": "bros",
    "systems": "sys", "system": "sys", "solutions": "soln", "solution": "soln",
    "construction": "constr", "development": "dev", "developments": "dev",
    "distribution": "dist", "distributors": "dist", "distributor": "dist",
    "trading": "trdg", "national": "natl", "products": "prod", "product": "prod",
    "supplies": "supply", "supplys": "supply", "laboratories": "labs", "laboratory": "labs",
    "lab": "labs", "logistic": "logistics", "centre": "ctr", "center": "ctr",
    "mount": "mt", "saint": "st", "electrical": "elec", "electric": "elec",
    "electronics": "elec", "equipment": "equip", "marketing": "mktg", "department": "dept",
    "and": "", "the": "", "und": "", "et": "",
}


# --- names -----------------------------------------------------------------------------------


@dataclass(frozen=True)
class NormalisedName:
    """A name folded for comparison, with its legal form kept aside."""

    clean: str
    legal_form: str | None
    tokens: tuple[str, ...]


def fold_array(values: pa.Array) -> pa.Array:
    """Unicode-fold, lower-case, drop apostrophes, turn punctuation into single spaces."""
    s = pc.replace_substring(values, "ß", "ss")
    s = pc.utf8_normalize(s, "NFKD")
    s = pc.replace_substring_regex(s, r"\p{Mn}+", "")
    s = pc.utf8_lower(s)
    s = pc.replace_substring_regex(s, r"['’`]", "")
    s = pc.replace_substring(s, "&", " and ")
    s = pc.replace_substring_regex(s, r"[^\p{L}\p{N}]+", " ")
    return pc.utf8_trim_whitespace(s)


def _map_tokens(folded: pa.Array, mapping: dict[str, str]) -> pa.Array:
    """Split on spaces, map each distinct token once (''=drop), join again."""
    lists = pc.split_pattern(folded, " ")
    flat = pc.list_flatten(lists)
    uniq = pc.unique(flat)
    mapped = pa.array([mapping.get(t, t) for t in uniq.to_pylist()], pa.string())
    idx = pc.index_in(flat, uniq)
    new_flat = pc.take(mapped, idx)
    keep = pc.not_equal(new_flat, "")
    keep_np = np.asarray(keep.to_numpy(zero_copy_only=False), dtype=bool)
    offsets = np.asarray(lists.offsets, dtype=np.int64)
    cs = np.r_[0, np.cumsum(keep_np, dtype=np.int64)]
    new_offsets = (cs[offsets] - cs[offsets[0]]).astype(np.int32)
    kept = pc.filter(new_flat, keep)
    rebuilt = pa.ListArray.from_arrays(pa.array(new_offsets), kept, mask=pc.is_null(lists))
    return pc.binary_join(rebuilt, " ")


def normalise_names_array(names: pa.Array) -> tuple[pa.Array, pa.Array]:
    """Vectorised :func:`normalise_name`: returns (clean, legal_form canonical) arrays."""
    if isinstance(names, pa.ChunkedArray):
        names = names.combine_chunks()
    names = names.cast(pa.string())
    folded = fold_array(names)
    pattern = _legal_regex()
    found = pc.extract_regex(folded, pattern)
    legal = pc.struct_field(found, [0])
    stripped = pc.utf8_trim_whitespace(pc.replace_substring_regex(folded, pattern, ""))
    # a second pass catches "Foo Holdings Co. Ltd" style double forms
    found2 = pc.extract_regex(stripped, pattern)
    legal2 = pc.struct_field(found2, [0])
    stripped2 = pc.utf8_trim_whitespace(pc.replace_substring_regex(stripped, pattern, ""))
    prefix = rf"^(?:{'|'.join(_PREFIX_FORMS)}) "
    legal_p = pc.struct_field(
        pc.extract_regex(stripped2, rf"^(?P<lf>{'|'.join(_PREFIX_FORMS)}) "), [0]
    )
    stripped3 = pc.replace_substring_regex(stripped2, prefix, "")
    # never strip a name down to nothing
    stripped3 = pc.if_else(pc.equal(stripped3, ""), stripped, stripped3)
    stripped3 = pc.if_else(pc.equal(stripped3, ""), folded, stripped3)
    clean = _map_tokens(stripped3, ABBREVIATIONS)
    clean = pc.if_else(pc.equal(clean, ""), stripped3, clean)
    raw_legal = pc.coalesce(legal, legal2, legal_p)
    uniq = pc.unique(raw_legal)
    canon = pa.array([canonical_legal_form(t) for t in uniq.to_pylist()], pa.string())
    legal_canon = pc.take(canon, pc.index_in(raw_legal, uniq))
    return clean, legal_canon


def normalise_name(name: str, country: str | None = None) -> NormalisedName:
    """Fold a company name and split off its legal form.

    >>> normalise_name("ACME Ind. Supplies SDN. BHD.")
    NormalisedName(clean='acme ind supply', legal_form='Sdn Bhd', tokens=('acme', 'ind', 'supply'))
    """
    clean, legal = normalise_names_array(pa.array([name or ""], pa.string()))
    text = clean[0].as_py() or ""
    return NormalisedName(clean=text, legal_form=legal[0].as_py(), tokens=tuple(text.split()))


# --- phones ----------------------------------------------------------------------------------


def normalise_phone(raw: str | None, country: str | None = None) -> str | None:
    """E.164 ('+60312345678') via phonenumbers, using the record's country; None if invalid."""
    if not raw or not str(raw).strip():
        return None
    region = (country or "").upper() or None
    try:
        num = phonenumbers.parse(str(raw), region)
    except phonenumbers.NumberParseException:
        return None
    if not phonenumbers.is_possible_number(num):
        return None
    return phonenumbers.format_number(num, phonenumbers.PhoneNumberFormat.E164)


def phone_keys_array(phones: pa.Array, digits: int = 8) -> pa.Array:
    """A format-proof match key: the last ``digits`` digits of the number (None if too short).

    Country code, trunk prefix and punctuation vary between sources ("+44 (0)20 7946 0958",
    "020-7946-0958"); the subscriber digits at the end do not. Cheaper than parsing a million
    numbers and robust when the country is unknown; the golden record keeps full E.164.
    """
    s = pc.replace_substring_regex(phones.cast(pa.string()), r"(?i)\s*(?:ext|x|#)\.?\s*\d+$", "")
    d = pc.replace_substring_regex(s, r"[^0-9]", "")
    n = pc.utf8_length(d)
    tail = pc.utf8_slice_codeunits(d, -digits)
    return pc.if_else(pc.greater_equal(n, 7), tail, pa.scalar(None, pa.string()))


# --- domains ---------------------------------------------------------------------------------

FREE_MAIL = {
    "gmail.com", "googlemail.com", "aol.com", "msn.com", "icloud.com", "me.com", "mac.com",
    "mail.com", "web.de", "mail.ru", "inbox.ru", "bk.ru", "list.ru", "qq.com", "163.com",
    "126.com", "sina.com", "proton.me", "protonmail.com", "zoho.com", "gmx.com", "gmx.de",
    "gmx.net", "t-online.de", "orange.fr", "free.fr", "laposte.net", "wanadoo.fr",
    "libero.it", "btinternet.com", "sky.com", "comcast.net", "verizon.net", "att.net",
    "tm.net.my", "streamyx.com", "ukr.net", "i.ua", "rediffmail.com", "naver.com",
    "hanmail.net", "uol.com.br", "bol.com.br", "terra.com.br", "prodigy.net.mx", "seznam.cz",
    "wp.pl", "o2.pl", "interia.pl", "tutanota.com", "fastmail.com", "hey.com", "ya.ru",
}
# whole brand families (any suffix): yahoo.co.uk, hotmail.fr, outlook.de, ...
FREE_MAIL_BRANDS = {"yahoo", "ymail", "hotmail", "outlook", "live", "yandex", "gmx", "rocketmail"}
# platforms that host pages for many firms: not a company's own domain
PLATFORM_BRANDS = {
    "facebook", "fb", "instagram", "linkedin", "twitter", "x", "youtube", "tiktok", "wa",
    "whatsapp", "google", "goo", "blogspot", "wordpress", "wixsite", "wix", "weebly",
    "squarespace", "godaddysites", "business", "amazon", "ebay", "alibaba", "aliexpress",
    "etsy", "shopee", "lazada", "tokopedia", "bukalapak", "mercadolibre", "mercadolivre",
    "yelp", "tripadvisor", "yellowpages", "yell", "bit", "linktr", "tinyurl", "europages",
    "kompass", "indiamart", "tradeindia", "made-in-china", "globalsources", "t", "telegram",
    "pinterest", "medium", "github", "sites", "carrd", "jimdo", "jimdosite", "webnode",
}


@lru_cache(maxsize=1)
def _extractor() -> tldextract.TLDExtract:
    return tldextract.TLDExtract(suffix_list_urls=())


def hosts_array(values: pa.Array) -> pa.Array:
    """URL, bare domain or e-mail -> lower-case host without 'www.' (vectorised)."""
    s = pc.utf8_lower(pc.utf8_trim_whitespace(values.cast(pa.string())))
    s = pc.replace_substring_regex(s, r"^mailto:", "")
    s = pc.replace_substring_regex(s, r"^[^@/]*@", "")  # e-mail: keep the part after '@'
    s = pc.replace_substring_regex(s, r"^[a-z][a-z0-9+.-]*://", "")
    s = pc.replace_substring_regex(s, r"^[^/@]*@", "")  # user:pass@
    s = pc.replace_substring_regex(s, r"[/:?#\s].*$", "")
    s = pc.replace_substring_regex(s, r"^www\d*\.", "")
    s = pc.replace_substring_regex(s, r"\.+$", "")
    ok = pc.match_substring_regex(s, r"^[a-z0-9\p{L}-]+(\.[a-z0-9\p{L}-]+)+$")
    return pc.if_else(ok, s, pa.scalar(None, pa.string()))


def _registrable(host: str | None) -> str | None:
    if not host:
        return None
    ext = _extractor()(host)
    if not ext.suffix or not ext.domain:
        return None
    if ext.domain in FREE_MAIL_BRANDS or ext.domain in PLATFORM_BRANDS:
        return None
    reg = f"{ext.domain}.{ext.suffix}"
    return None if reg in FREE_MAIL else reg


def registrable_domains_array(values: pa.Array) -> pa.Array:
    """Vectorised :func:`registrable_domain` (tldextract runs once per distinct host)."""
    hosts = hosts_array(values)
    uniq = pc.unique(hosts)
    reg = pa.array([_registrable(h) for h in uniq.to_pylist()], pa.string())
    return pc.take(reg, pc.index_in(hosts, uniq))


def registrable_domain(value: str | None) -> str | None:
    """'https://www.shop.acme.co.uk/x' / 'info@acme.co.uk' -> 'acme.co.uk'.

    Free-mail (gmail, yahoo.*, ...) and platform domains (facebook, linkedin, marketplaces,
    site builders) are not a company's domain and give None.
    """
    if not value:
        return None
    return registrable_domains_array(pa.array([value], pa.string()))[0].as_py()


# --- addresses -------------------------------------------------------------------------------

STREET_WORDS: dict[str, str] = {
    "street": "st", "str": "st", "strasse": "st", "road": "rd", "avenue": "ave", "av": "ave",
    "avenida": "ave", "boulevard": "blvd", "blv": "blvd", "bl": "blvd", "drive": "dr",
    "lane": "ln", "place": "pl", "court": "ct", "highway": "hwy", "parkway": "pkwy",
    "square": "sq", "terrace": "ter", "crescent": "cres", "jalan": "jln", "lorong": "lrg",
    "taman": "tmn", "north": "n", "south": "s", "east": "e", "west": "w", "no": "",
    "number": "", "nr": "", "the": "", "calle": "c", "plaza": "plz", "circle": "cir",
    "suite": "", "ste": "", "floor": "", "fl": "", "unit": "", "building": "bldg",
    "first": "1st", "second": "2nd", "third": "3rd", "fourth": "4th", "fifth": "5th",
    "sixth": "6th", "seventh": "7th", "eighth": "8th", "ninth": "9th", "tenth": "10th",
    "eleventh": "11th", "twelfth": "12th",
}


def street_keys_array(streets: pa.Array, with_words: bool = False) -> tuple[pa.Array, ...]:
    """(street key, house number) arrays: '435 S. La Cienega Blv.' -> ('435 s la cienega blvd',
    '435'), plus the street words without the number when ``with_words``. Suite/unit/floor
    numbers are dropped so only the building's number is kept; ordinal words become numbers."""
    s = fold_array(streets.cast(pa.string()))
    s = pc.replace_substring_regex(
        s, r"\b(?:suite|ste|unit|floor|fl|level|lot|room|rm|apt)\s*\d+\w*\b", " "
    )
    s = pc.replace_substring_regex(s, r"(\p{L})strasse\b", r"\1 st")
    s = pc.replace_substring_regex(s, r"(\p{L})str\b", r"\1 st")
    s = pc.utf8_trim_whitespace(pc.replace_substring_regex(s, r"\s+", " "))
    s = _map_tokens(s, STREET_WORDS)
    number = pc.struct_field(pc.extract_regex(s, r"(?:^|\s)(?P<n>\d+[a-z]?)(?:\s|$)"), [0])
    words = pc.utf8_trim_whitespace(
        pc.replace_substring_regex(s, r"(?:^|\s)\d+[a-z]?(?:\s|$)", " ")
    )
    words = pc.replace_substring_regex(words, r"\s+", " ")
    key = join_skip_nulls([number, words], " ")
    if with_words:
        words = pc.if_else(pc.equal(words, ""), pa.scalar(None, pa.string()), words)
        return key_clean(key), number, words
    return key_clean(key), number


def key_clean(key: pa.Array) -> pa.Array:
    key = pc.utf8_trim_whitespace(key)
    return pc.if_else(pc.equal(key, ""), pa.scalar(None, pa.string()), key)


def street_key(street: str | None) -> str | None:
    """Street + number in a comparable form ('Jalan Ampang No. 5' -> '5 jln ampang')."""
    if not street:
        return None
    return street_keys_array(pa.array([street], pa.string()))[0][0].as_py()


def postcodes_array(values: pa.Array) -> pa.Array:
    """Upper-case, letters and digits only; US ZIP+4 cut to the 5-digit ZIP."""
    s = pc.utf8_upper(pc.replace_substring_regex(values.cast(pa.string()), r"[^\p{L}\p{N}]", ""))
    s = pc.replace_substring_regex(s, r"^(\d{5})\d{4}$", r"\1")
    return pc.if_else(pc.equal(s, ""), pa.scalar(None, pa.string()), s)


def normalise_postcode(postcode: str | None, country: str | None = None) -> str | None:
    """'sw1a 1aa' -> 'SW1A1AA', '50450' -> '50450', '94105-1234' -> '94105'."""
    if not postcode:
        return None
    return postcodes_array(pa.array([postcode], pa.string()))[0].as_py()


# --- identifiers -----------------------------------------------------------------------------


def normalise_identifier(scheme: str, id: str | None = None) -> str:  # noqa: A002
    """('gb-coh', ' 0123 4567 ') -> 'GB-COH:01234567'; also accepts one 'SCHEME:ID' string."""
    if id is None:
        scheme, _, id = scheme.partition(":")
    scheme = re.sub(r"\s+", "", scheme).upper()
    ident = re.sub(r"[\s.\-/]+", "", id or "").upper()
    return f"{scheme}:{ident}"
