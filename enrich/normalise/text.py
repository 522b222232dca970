"""Folding and word splitting shared by the normalisers (vectorised over pyarrow)."""

from __future__ import annotations

import unicodedata

import numpy as np
import pyarrow as pa
import pyarrow.compute as pc


def strip_accents(text: str) -> str:
    """'México' -> 'Mexico': combining marks dropped after NFKD (scalar; see ``fold_array``)."""
    return "".join(
        ch for ch in unicodedata.normalize("NFKD", text) if not unicodedata.combining(ch)
    )


# Letters a case-blind pattern (``re.I``) takes for i, i and s that ``str.lower`` leaves alone
# (or, for the dotted capital I, turns into two characters).
_CASE_BLIND = str.maketrans({"\u0130": "i", "\u0131": "i", "\u017f": "s"})


def case_blind(text: str) -> str:
    """``text`` lower-cased so that a plain substring test finds what a case-blind pattern
    finds: a quick test before such a pattern, which tries every position of the text."""
    return (text if text.isascii() else text.translate(_CASE_BLIND)).lower()


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


def _transliterate(s: pa.Array) -> pa.Array:
    """Other scripts to ASCII with anyascii ("ООО Ромашка" -> "OOO Romashka"), once per
    distinct value that is still non-ASCII after accents are dropped."""
    from anyascii import anyascii

    other = pc.invert(pc.fill_null(pc.string_is_ascii(s), True))
    if not pc.any(other).as_py():
        return s
    enc = pc.dictionary_encode(pc.filter(s, other))
    words = pa.array([anyascii(v) for v in enc.dictionary.to_pylist()], pa.string())
    return pc.replace_with_mask(s, other, pc.take(words, enc.indices))


def _fold_full(s: pa.Array) -> pa.Array:
    s = pc.replace_substring(s, "ß", "ss")
    s = pc.utf8_normalize(s, "NFKD")
    s = pc.replace_substring_regex(s, r"\p{Mn}+", "")
    s = _transliterate(s)
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
