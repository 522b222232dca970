"""Addresses: street + house number keys, postcodes."""

from __future__ import annotations

import numpy as np
import pyarrow as pa
import pyarrow.compute as pc

from enrich.normalise.text import _join_lists, join_skip_nulls, tokenize_array

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
