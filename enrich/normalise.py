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




def canonical_legal_form(term: str | None) -> str | None:
    """'sdn bhd' / 'Sdn. Bhd.' / 'sendirian berhad' -> 'Sdn Bhd'; unknown forms upper-cased."""
    if not term:
        return None
    folded = _fold(term)
    key = folded.replace(" ", "").replace("and", "and")
    return LEGAL_CANONICAL.get(key) or folded.upper()


# Business words and their abbreviations mapped to one full form, so "Intl"/"International"
# compare equal and a typo in the long form ("Internatonal") stays close to it.
_WORD_FORMS: dict[str, tuple[str, ...]] = {
    "international": ("intl", "internasional", "internacional", "int"),
    "manufacturing": ("mfg", "mfrs", "manufacturers", "manufacturer", "manuf"),
    "services": ("svc", "svcs", "service", "servs", "srvs"),
    "industrial": ("ind", "inds", "industries", "industry", "indus"),
    "technology": ("tech", "technologies", "technical", "techn", "technologie"),
    "engineering": ("eng", "engg", "engineers", "engr", "engrg"),
    "enterprises": ("ent", "enterprise", "ents"),
    "management": ("mgmt", "mgt"),
    "associates": ("assoc", "assocs", "association"),
    "holdings": ("hldgs", "hldg", "holding"),
    "brothers": ("bros",),
    "systems": ("sys", "system", "syst"),
    "solutions": ("soln", "solns", "solution"),
    "construction": ("constr", "const", "constructions"),
    "development": ("dev", "devt", "developments"),
    "distribution": ("dist", "distr", "distributors", "distributor", "distrib"),
    "trading": ("trdg",),
    "national": ("natl",),
    "products": ("prod", "prods", "product"),
    "supplies": ("supply", "supp", "suppl"),
    "laboratories": ("labs", "lab", "laboratory"),
    "logistics": ("logistic",),
    "centre": ("ctr", "center", "cntr"),
    "electrical": ("elec", "electric", "elect"),
    "equipment": ("equip", "eqpt"),
    "marketing": ("mktg",),
    "department": ("dept",),
    "saint": ("st",),
    "mount": ("mt",),
}
ABBREVIATIONS: dict[str, str] = {v: k for k, vs in _WORD_FORMS.items() for v in vs}
ABBREVIATIONS.update({"and": "", "the": "", "und": "", "et": ""})


# --- names -----------------------------------------------------------------------------------


@dataclass(frozen=True)
class NormalisedName:
    """A name folded for comparison, with its legal form kept aside."""

    clean: str
    legal_form: str | None
    tokens: tuple[str, ...]


def _fold_full(s: pa.Array) -> pa.Array:
    s = pc.replace_substring(s, "ß", "ss")
    s = pc.utf8_normalize(s, "NFKD")
    s = pc.replace_substring_regex(s, r"\p{Mn}+", "")
    s = pc.utf8_lower(s)
    s = pc.replace_substring_regex(s, r"['’`]", "")
    s = pc.replace_substring(s, "&", " and ")
    s = pc.replace_substring_regex(s, r"[^\p{L}\p{N}]+", " ")
    return pc.utf8_trim_whitespace(s)


def fold_array(values: pa.Array) -> pa.Array:
    """Unicode-fold, lower-case, drop apostrophes, turn punctuation into single spaces.

    Plain-ASCII values (nearly all, in most markets) take a fast path with a single regex pass;
    the others get full NFKD folding.
    """
    if isinstance(values, pa.ChunkedArray):
        values = values.combine_chunks()
    values = values.cast(pa.string())
    s = pc.ascii_lower(values)
    s = pc.replace_substring(s, "'", "")
    s = pc.replace_substring(s, "`", "")
    s = pc.replace_substring(s, "&", " and ")
    s = pc.utf8_trim_whitespace(pc.replace_substring_regex(s, r"[^a-z0-9]+", " "))
    other = pc.invert(pc.fill_null(pc.string_is_ascii(values), True))
    if pc.any(other).as_py():
        slow = _fold_full(pc.filter(values, other))
        s = pc.replace_with_mask(s, other, slow)
    return s


_SPACE, _DELETE = 0, 1
_LUT = np.zeros(256, np.uint8)  # 0: separator, 1: deleted, else the folded byte
for _b in range(256):
    _c = chr(_b)
    if _b >= 0x80:
        _LUT[_b] = _b  # bytes of non-ASCII letters (already folded) stay in the word
    elif _c.isalnum():
        _LUT[_b] = ord(_c.lower())
    elif _c in "'`":
        _LUT[_b] = _DELETE


def tokenize_array(values: pa.Array, chunk: int = 131_072) -> tuple[np.ndarray, pa.Array]:
    """Fold and split into words: (list offsets, flat words), with numpy over the UTF-8 bytes.

    Same result as ``fold_array`` then splitting on spaces, an order of magnitude faster:
    ASCII bytes go through a lookup table (lower-case, apostrophes dropped, anything else a
    separator); values with non-ASCII characters are folded by ``fold_array`` first.
    """
    if isinstance(values, pa.ChunkedArray):
        values = values.combine_chunks()
    if len(values) > chunk:  # bounded memory: the byte-level work runs per slice
        offsets, flats = [np.zeros(1, np.int64)], []
        for at in range(0, len(values), chunk):
            off, flat = tokenize_array(values.slice(at, chunk), chunk)
            offsets.append(off[1:] + offsets[-1][-1])
            flats.append(flat)
        return np.concatenate(offsets), pa.concat_arrays(flats)
    values = pc.fill_null(values.cast(pa.string()), "")
    other = pc.invert(pc.string_is_ascii(values))
    if pc.any(other).as_py():
        values = pc.replace_with_mask(values, other, _fold_full(pc.filter(values, other)))
    values = values.combine_chunks() if isinstance(values, pa.ChunkedArray) else values
    n = len(values)
    _, off_buf, data_buf = values.buffers()
    offs = np.frombuffer(off_buf, np.int32, n + 1, values.offset * 4).astype(np.int64)
    data = np.frombuffer(data_buf, np.uint8, offs[-1] - offs[0], offs[0]) if data_buf else \
        np.zeros(0, np.uint8)
    offs = offs - offs[0]
    mapped = _LUT[data]
    # drop deleted bytes, keeping string boundaries
    deleted = np.flatnonzero(mapped == _DELETE)
    if len(deleted):
        offs = offs - np.searchsorted(deleted, offs)
        mapped = np.delete(mapped, deleted)
    word = mapped != _SPACE
    prev = np.r_[False, word[:-1]]
    starts_mask = word & ~prev
    starts_mask[offs[:-1][offs[:-1] < len(word)]] |= word[offs[:-1][offs[:-1] < len(word)]]
    # a word also ends where its string ends
    nxt_boundary = np.zeros(len(word) + 1, bool)
    nxt_boundary[offs] = True
    ends_mask = word & (~np.r_[word[1:], False] | nxt_boundary[1:])
    starts = np.flatnonzero(starts_mask)
    ends = np.flatnonzero(ends_mask) + 1
    lengths = ends - starts
    chars = mapped[word]
    tok_off = np.r_[0, np.cumsum(lengths)].astype(np.int32)
    flat = pa.StringArray.from_buffers(len(starts), pa.py_buffer(tok_off),
                                       pa.py_buffer(chars.tobytes()))
    owner = np.searchsorted(offs, starts, side="right") - 1
    counts = np.bincount(owner, minlength=n)
    list_off = np.r_[0, np.cumsum(counts)].astype(np.int64)
    return list_off, flat




def _join_lists(offsets: np.ndarray, values: pa.Array, valid: pa.Array | None = None):
    lists = pa.ListArray.from_arrays(pa.array(offsets.astype(np.int32)), values)
    out = pc.binary_join(lists, " ")
    if valid is not None:
        out = pc.if_else(valid, out, pa.scalar(None, pa.string()))
    return out


@dataclass
class NameTokens:
    """Names as token codes: ``codes[offsets[i]:offsets[i+1]]`` index ``vocab`` for name i."""

    clean: pa.Array
    legal_form: pa.Array
    offsets: np.ndarray
    codes: np.ndarray
    vocab: pa.Array


@lru_cache(maxsize=1)
def _legal_index() -> tuple[dict[str, int], dict[int, dict[int, int]], list[str]]:
    """Legal terms as tuples of word ids: (word -> id, {k: {packed tuple: term id}}, terms)."""
    terms = list(legal_terms())
    words: dict[str, int] = {}
    by_len: dict[int, dict[int, int]] = {}
    for t_id, term in enumerate(terms):
        toks = term.split()
        if len(toks) > 4:
            continue
        code = 0
        for tok in toks:
            code = code * 1024 + words.setdefault(tok, len(words)) + 1
        by_len.setdefault(len(toks), {})[code] = t_id
    return words, by_len, terms


def _lookup(vocab: pa.Array, table: dict[str, object], dtype=None) -> pa.Array:
    """Per distinct word, its value in ``table`` (null when absent) — without Python loops."""
    keys = pa.array(list(table), pa.string())
    vals = pa.array(list(table.values()), dtype)
    return pc.take(vals, pc.index_in(vocab, value_set=keys))


def name_tokens_array(names: pa.Array) -> NameTokens:
    """Vectorised :func:`normalise_name`, keeping the tokens for blocking keys.

    Works on word codes: legal forms are found by looking up the last 1-4 words of each name
    (twice, for "Holdings Co. Ltd" style double forms, and leading forms like "PT"); business
    abbreviations are mapped once per distinct word.
    """
    if isinstance(names, pa.ChunkedArray):
        names = names.combine_chunks()
    n = len(names)
    offsets, flat = tokenize_array(names)
    enc = pc.dictionary_encode(flat)
    del flat
    idx = np.asarray(enc.indices, dtype=np.int32)
    vocab = enc.dictionary
    start = offsets[:-1].copy()
    end = offsets[1:].copy()
    empty_word = np.asarray(pc.equal(vocab, ""), dtype=bool)
    # legal forms at the end
    words, by_len, terms = _legal_index()
    lid = np.asarray(pc.fill_null(_lookup(vocab, words, pa.int64()), -1), dtype=np.int64)
    legal_term = np.full(n, -1, np.int64)
    for _ in range(2):
        found = np.full(n, -1, np.int64)
        found_k = np.zeros(n, np.int64)
        for k in (4, 3, 2, 1):
            table = by_len.get(k)
            if not table:
                continue
            cand = np.flatnonzero((end - start > k) & (found < 0))
            if len(cand) == 0:
                continue
            code = np.zeros(len(cand), np.int64)
            ok = np.ones(len(cand), bool)
            for q in range(k, 0, -1):
                w = lid[idx[end[cand] - q]]
                ok &= w >= 0
                code = code * 1024 + w + 1
            keys = np.fromiter(table.keys(), np.int64, len(table))
            vals = np.fromiter(table.values(), np.int64, len(table))
            order = np.argsort(keys)
            keys, vals = keys[order], vals[order]
            pos = np.clip(np.searchsorted(keys, code), 0, len(keys) - 1)
            hit = ok & (keys[pos] == code)
            found[cand[hit]] = vals[pos[hit]]
            found_k[cand[hit]] = k
        end = end - found_k
        legal_term = np.where(found >= 0, found, legal_term)
    # leading forms ("PT Maju Jaya", "OOO Romashka")
    lead_canon = _lookup(vocab, {w: canonical_legal_form(w) for w in _PREFIX_FORMS},
                         pa.string())
    prefix_word = np.asarray(pc.is_valid(lead_canon), dtype=bool)
    if len(idx):
        first_word = idx[np.minimum(start, len(idx) - 1)]
        has_lead = (end - start > 1) & prefix_word[first_word]
    else:
        first_word = np.zeros(n, np.int32)
        has_lead = np.zeros(n, bool)
    start = start + has_lead
    # abbreviations and filler words, once per distinct word
    mapped = pc.coalesce(_lookup(vocab, ABBREVIATIONS, pa.string()), vocab)
    filler = np.asarray(pc.equal(mapped, ""), dtype=bool) | empty_word
    # fillers map to themselves: ``keep`` drops them unless a name has no other word
    menc = pc.dictionary_encode(pc.if_else(pa.array(filler), vocab, mapped))
    remap = np.asarray(menc.indices, dtype=np.int32)
    mvocab = menc.dictionary
    lengths = np.diff(offsets)
    parent = np.repeat(np.arange(n, dtype=np.int32), lengths)
    flat_pos = np.arange(len(idx), dtype=np.int64)
    inside = (flat_pos >= start[parent]) & (flat_pos < end[parent])
    del flat_pos
    keep = inside & ~filler[idx]
    # a name made only of filler words keeps them
    kept_n = np.bincount(parent[keep], minlength=n)
    keep |= inside & (kept_n[parent] == 0) & ~empty_word[idx]
    del inside
    codes = remap[idx[keep]]
    counts = np.bincount(parent[keep], minlength=n)
    del parent, keep, idx
    new_off = np.r_[0, np.cumsum(counts)].astype(np.int64)
    valid = pc.is_valid(names)
    clean = _join_lists(new_off, pc.take(mvocab, pa.array(codes)), valid)
    clean = pc.if_else(pc.equal(clean, ""), pa.scalar(None, pa.string()), clean)
    # canonical legal form: the end form if any, else the leading one
    canon_terms = pa.array([canonical_legal_form(t) for t in terms], pa.string())
    legal = pc.take(canon_terms, pa.array(legal_term, mask=legal_term < 0))
    lead = pc.take(lead_canon, pa.array(first_word.astype(np.int64), mask=~has_lead))
    legal = pc.coalesce(legal, lead)
    legal = pc.if_else(valid, legal, pa.scalar(None, pa.string()))
    return NameTokens(clean, legal, new_off, codes.astype(np.int64), mvocab)




def normalise_names_array(names: pa.Array) -> tuple[pa.Array, pa.Array]:
    """Vectorised :func:`normalise_name`: (clean, canonical legal form) arrays."""
    tokens = name_tokens_array(names)
    return tokens.clean, tokens.legal_form


def normalise_name(name: str, country: str | None = None) -> NormalisedName:
    """Fold a company name and split off its legal form.

    >>> normalise_name("ACME Ind. Supplies SDN. BHD.")
    NormalisedName(clean='acme industrial supplies', legal_form='Sdn Bhd', tokens=(...))
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


@lru_cache(maxsize=1)
def _suffixes() -> tuple[pa.Array, pa.Array]:
    """Public suffixes from tldextract's bundled list (never fetched): plain and wildcard."""
    tlds = _extractor().tlds
    plain = [t for t in tlds if not t.startswith(("*", "!"))]
    wild = [t[2:] for t in tlds if t.startswith("*.")]
    return pa.array(plain, pa.string()), pa.array(wild, pa.string())


def _last_labels(hosts: pa.Array, k: int) -> pa.Array:
    pattern = r"(?P<s>[^.]+" + r"\.[^.]+" * (k - 1) + r")$"
    return pc.struct_field(pc.extract_regex(hosts, pattern), [0])


def _registrable_of_hosts(hosts: pa.Array) -> pa.Array:
    """Registrable domain = the public suffix plus one label (public-suffix-list rules)."""
    plain, wild = _suffixes()
    last = [None] + [_last_labels(hosts, k) for k in range(1, 5)]
    null = pa.scalar(None, pa.string())
    out = pa.nulls(len(hosts), pa.string())
    # shortest suffix first, so the longest matching suffix wins
    for k in (1, 2, 3):
        is_suffix = pc.fill_null(pc.is_in(last[k], value_set=plain), False)
        if k >= 2:
            parent = pc.struct_field(pc.extract_regex(last[k], r"^[^.]+\.(?P<p>.+)$"), [0])
            is_suffix = pc.or_(is_suffix, pc.fill_null(pc.is_in(parent, value_set=wild), False))
        out = pc.if_else(is_suffix, last[k + 1], out)
    label = pc.struct_field(pc.extract_regex(out, r"^(?P<l>[^.]+)\."), [0])
    excluded = pc.or_(
        pc.fill_null(pc.is_in(label, value_set=pa.array(sorted(FREE_MAIL_BRANDS |
                                                               PLATFORM_BRANDS))), False),
        pc.fill_null(pc.is_in(out, value_set=pa.array(sorted(FREE_MAIL))), False),
    )
    return pc.if_else(excluded, null, out)


def registrable_domains_array(values: pa.Array) -> pa.Array:
    """Vectorised :func:`registrable_domain`, worked out once per distinct host."""
    hosts = hosts_array(values)
    uniq = pc.unique(hosts)
    reg = _registrable_of_hosts(uniq)
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


_UNIT_WORDS = ("suite", "ste", "unit", "floor", "fl", "level", "lot", "room", "rm", "apt")


def _street_word(w: str) -> str:
    mapped = STREET_WORDS.get(w)
    if mapped is not None:
        return mapped
    if len(w) > 7 and w.endswith("strasse"):
        return w[:-7] + " st"
    if len(w) > 4 and w.endswith("str"):
        return w[:-3] + " st"
    return w


def street_keys_array(streets: pa.Array, with_words: bool = False) -> tuple[pa.Array, ...]:
    """(street key, house number) arrays: '435 S. La Cienega Blv.' -> ('435 s la cienega blvd',
    '435'), plus the street words without the number when ``with_words``. Suite/unit/floor
    numbers are dropped so only the building's number is kept; ordinal words become numbers."""
    if isinstance(streets, pa.ChunkedArray):
        streets = streets.combine_chunks()
    n = len(streets)
    offsets, flat = tokenize_array(streets)
    enc = pc.dictionary_encode(flat)
    idx = np.asarray(enc.indices, dtype=np.int64)
    vocab = enc.dictionary
    mapped = pa.array([_street_word(w) for w in vocab.to_pylist()], pa.string())
    is_num = np.asarray(pc.fill_null(pc.match_substring_regex(vocab, r"^[0-9]+[a-z]?$"),
                                     False), dtype=bool)
    numlike = np.asarray(pc.fill_null(pc.match_substring_regex(vocab, r"^[0-9]"), False),
                         dtype=bool)
    unit = np.asarray(pc.is_in(vocab, value_set=pa.array(_UNIT_WORDS)), dtype=bool)
    blank = np.asarray(pc.equal(mapped, ""), dtype=bool)
    lengths = np.diff(offsets)
    parent = np.repeat(np.arange(n, dtype=np.int64), lengths)
    pos = np.arange(len(idx), dtype=np.int64)
    first_in_list = pos == offsets[parent]
    after_unit = np.r_[False, unit[idx][:-1]] & ~first_in_list if len(idx) else first_in_list
    keep = ~(blank[idx] | unit[idx] | (after_unit & numlike[idx]))
    num_tok = keep & is_num[idx]
    big = np.iinfo(np.int64).max
    number_pos = np.full(n, -1, np.int64)
    nonempty = lengths > 0
    if len(idx):
        first_num = np.minimum.reduceat(np.where(num_tok, pos, big), offsets[:-1][nonempty])
        rows = np.flatnonzero(nonempty)
        ok = first_num < big
        number_pos[rows[ok]] = first_num[ok]
    number = pc.take(vocab, pa.array(np.where(number_pos >= 0, idx[np.maximum(number_pos, 0)]
                                              if len(idx) else 0, -1),
                                     mask=number_pos < 0))
    word_tok = keep & ~is_num[idx]
    counts = np.bincount(parent[word_tok], minlength=n)
    words = _join_lists(np.r_[0, np.cumsum(counts)], pc.take(mapped, pa.array(idx[word_tok])))
    words = pc.if_else(pc.equal(words, ""), pa.scalar(None, pa.string()), words)
    key = key_clean(join_skip_nulls([number, words], " "))
    if with_words:
        return key, number, words
    return key, number


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
