"""Company names: folding, legal forms kept as a field, business abbreviations."""

from __future__ import annotations

import re
import unicodedata
from dataclasses import dataclass
from functools import lru_cache

import numpy as np
import pyarrow as pa
import pyarrow.compute as pc
from anyascii import anyascii

from enrich.normalise.legal_forms import elf_forms
from enrich.normalise.text import _join_lists, tokenize_array

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
    "gmbh": "GmbH", "mbh": "mbH", "gesellschaftmbh": "GmbH", "gesmbh": "GmbH",
    "gmbhandcokg": "GmbH & Co. KG", "gmbhcokg": "GmbH & Co. KG",
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
    "spolka z oo", "sp z o o", "ab", "oy", "kft", "zrt", "mbh", "gesellschaft mbh",
    "gesmbh", "ges m b h",
]


def _fold(text: str) -> str:
    text = unicodedata.normalize("NFKD", text.replace("ß", "ss"))
    text = "".join(ch for ch in text if not unicodedata.combining(ch))
    text = (text if text.isascii() else anyascii(text)).lower()
    text = re.sub(r"['’`]", "", text).replace("&", " and ")
    return " ".join(re.sub(r"[^\w]+|_", " ", text).split())


@lru_cache(maxsize=1)
def legal_terms() -> tuple[str, ...]:
    """Folded legal-form terms (cleanco's list, the ISO 20275 ELF list, ours), longest first."""
    from cleanco import prepare_default_terms

    terms = {_fold(" ".join(parts)) for _, parts in prepare_default_terms()}
    terms |= {_fold(t) for t in _EXTRA_LEGAL}
    terms |= set(elf_forms())  # national forms of every country (ISO 20275)
    terms = {t for t in terms if t and t not in _NOT_LEGAL and t.isascii()}
    return tuple(sorted(terms, key=lambda t: (-len(t), t)))




def canonical_legal_form(term: str | None) -> str | None:
    """'sdn bhd' / 'Sdn. Bhd.' / 'sendirian berhad' -> 'Sdn Bhd'; unknown forms upper-cased."""
    if not term:
        return None
    folded = _fold(term)
    key = folded.replace(" ", "")
    return LEGAL_CANONICAL.get(key) or elf_forms().get(folded) or folded.upper()


# Business words and their abbreviations mapped to one full form, so "Intl"/"International"
# compare equal and a typo in the long form ("Internatonal") stays close to it.
_WORD_FORMS: dict[str, tuple[str, ...]] = {
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
    "saint": ("st", "sankt", "santo", "sainte"),
    # translations and transliterations of generic words
    "royal": ("koninklijke", "koninklijk", "royale", "konigliche", "koniglich", "kongelig",
              "kungliga", "reale", "regia"),
    "group": ("groep", "gruppe", "groupe", "grupo", "gruppo", "grupa"),
    "international": ("intl", "internasional", "internacional", "int", "internationale",
                      "internazionale", "mezhdunarodnyi"),
    "mount": ("mt",),
}
ABBREVIATIONS: dict[str, str] = {v: k for k, vs in _WORD_FORMS.items() for v in vs}
ABBREVIATIONS.update({"and": "", "the": "", "und": "", "et": ""})

# Words that say what kind of business a firm is, or where, rather than which firm it is:
# a name made only of these ("Global Services", "General Trading") is no evidence on its own.
# Full forms, as the abbreviations above map them.
GENERIC_WORDS: frozenset[str] = frozenset(_WORD_FORMS) | frozenset("""
    global general group united universal worldwide world euro european asia asian pacific
    american africa african continental metropolitan city regional local central north south
    east west northern southern eastern western new first best top prime premier star royal
    company companies partners partnership consulting consultants consultancy agency office
    business commercial trade traders store shop shops market media digital smart network
    networks services advisory care health medical home house design creative group
    software data info information energy power green food foods fresh auto motors capital
    finance financial investment investments insurance property properties real estate
    realty transport travel tours security resources research training education school
    studio studios works workshop factory import export imports exports sales supply
    solutions technology systems quality professional professionals expert experts express
    direct plus pro one all sons son family brothers co corporation
""".split())


@dataclass(frozen=True)
class NormalisedName:
    """A name folded for comparison, with its legal form kept aside."""

    clean: str
    legal_form: str | None
    tokens: tuple[str, ...]


@dataclass
class NameTokens:
    """Names as token codes: ``codes[offsets[i]:offsets[i+1]]`` index ``vocab`` for name i."""

    clean: pa.Array
    legal_form: pa.Array
    offsets: np.ndarray
    codes: np.ndarray
    vocab: pa.Array


_WORD_BASE = 1 << 14  # legal-term words are packed 4 to an int64: at most 16,383 of them


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
            code = code * _WORD_BASE + words.setdefault(tok, len(words)) + 1
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
                code = code * _WORD_BASE + w + 1
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
