"""Turn input records into comparable feature columns, vectorised over pyarrow arrays."""

from __future__ import annotations

from dataclasses import dataclass, field

import numpy as np
import pyarrow as pa
import pyarrow.compute as pc

from enrich import normalise as nz
from spiders.landing_fields import compared_fields

# What resolution reads from each record: its id and source, the landing fields it compares
# (declared in spiders.landing_fields), and when the record was first seen.
INPUT_COLUMNS = ("record_id", "source", *compared_fields(), "first_seen_at")
_NULL = pa.scalar(None, pa.string())
_ORDERED = {"name_sorted"}  # sort keys inside hub blocks


@dataclass
class Features:
    """Feature columns (pyarrow string arrays) plus lazily built integer codes."""

    n: int
    cols: dict[str, pa.Array]
    # every registry id of every record, CSR: ids of record k at ident_offsets[k]:[k+1]
    ident_offsets: np.ndarray = field(default_factory=lambda: np.zeros(1, np.int64))
    ident_codes: np.ndarray = field(default_factory=lambda: np.zeros(0, np.int64))
    ident_schemes: np.ndarray = field(default_factory=lambda: np.zeros(0, np.int64))
    # how distinctive each record's name is, in bits (see ``name_distinctiveness``)
    name_bits: np.ndarray = field(default_factory=lambda: np.zeros(0, np.float32))
    _codes: dict[str, np.ndarray] = field(default_factory=dict)
    _objects: dict[str, np.ndarray] = field(default_factory=dict)
    # set by ``renumber``: the string columns still in input order are permuted on first use
    _perm: np.ndarray | None = None
    _stale: set[str] = field(default_factory=set)

    def renumber(self, perm: np.ndarray) -> None:
        """Put the records in the order ``perm`` (new record k = old record ``perm[k]``).

        Resolution renumbers records in name order before blocking: most candidate pairs
        then join records with nearby numbers, so the gathers of both records' features
        (compare, model, clustering) read nearby memory. A random gather from a
        10-million-long array misses the cache at nearly every element. Integer codes are
        permuted at once (cheap); string columns only when something reads them."""
        perm = np.asarray(perm, np.int64)
        for name in list(self._stale):  # a second renumbering: settle the first one
            self.col(name)
        self._codes = {k: v[perm] for k, v in self._codes.items()}
        self._objects = {k: v[perm] for k, v in self._objects.items()}
        if len(self.name_bits) == self.n:
            self.name_bits = self.name_bits[perm]
        if len(self.ident_offsets) != self.n + 1:  # no registry ids at all
            self.ident_offsets = np.zeros(self.n + 1, np.int64)
        counts = np.diff(self.ident_offsets)[perm]
        if len(self.ident_codes):
            start = self.ident_offsets[:-1][perm]
            pos = np.repeat(start - np.r_[0, np.cumsum(counts)[:-1]], counts) + np.arange(
                int(counts.sum()), dtype=np.int64)
            self.ident_codes = self.ident_codes[pos]
            self.ident_schemes = self.ident_schemes[pos]
        self.ident_offsets = np.r_[0, np.cumsum(counts)].astype(np.int64)
        self._perm = perm
        self._stale = set(self.cols)

    def col(self, name: str) -> pa.Array:
        """A string column in the current record order."""
        if name in self._stale:
            self.cols[name] = pc.take(self.cols[name], pa.array(self._perm))
            self._stale.discard(name)
        return self.cols[name]

    def release(self, keep_codes: tuple[str, ...] = ()) -> None:
        """Drop what comparisons no longer need (memory), keeping the named code columns."""
        self.cols.clear()
        self._stale.clear()
        self._objects.clear()
        for key in list(self._codes):
            if key not in keep_codes:
                del self._codes[key]

    def codes(self, name: str) -> np.ndarray:
        """int32 codes, equal values -> equal codes, null -> -1 (in value order for names)."""
        if name not in self._codes:
            self._codes[name] = value_codes(self.col(name), ordered=name in _ORDERED)
        return self._codes[name]

    def objects(self, name: str) -> np.ndarray:
        """The column as a numpy object array (for rapidfuzz)."""
        if name not in self._objects:
            self._objects[name] = np.asarray(
                self.col(name).to_numpy(zero_copy_only=False), dtype=object
            )
        return self._objects[name]

    def combined_codes(self, parts: tuple[str, ...]) -> np.ndarray:
        """Codes of a multi-part key; -1 when any part is missing."""
        key = "+".join(parts)
        if key not in self._codes:
            if len(parts) == 1:
                return self.codes(parts[0])
            codes = [self.codes(p).astype(np.int64) for p in parts]
            combined = codes[0].copy()
            missing = codes[0] < 0
            bound = int(combined.max(initial=0)) + 1
            for c in codes[1:]:
                missing |= c < 0
                width = int(c.max(initial=0)) + 2
                bound *= width
                combined = combined * width + (c + 1)
            if bound >= 2**40:  # keep codes small enough to sort with the name order
                _, combined = np.unique(combined, return_inverse=True)
            out = combined.astype(np.int64)
            out[missing] = -1
            self._codes[key] = out
        return self._codes[key]


def value_codes(arr: pa.Array, ordered: bool = False) -> np.ndarray:
    """int32 codes: equal values get equal codes, null gets -1; with ``ordered`` the codes also
    follow the value order (one hash pass, plus a sort of the distinct values)."""
    if isinstance(arr, pa.ChunkedArray):
        arr = arr.combine_chunks()
    enc = pc.dictionary_encode(arr)
    idx = np.asarray(pc.fill_null(enc.indices, -1), dtype=np.int32)
    if ordered and len(enc.dictionary):
        rank = np.empty(len(enc.dictionary), np.int32)
        rank[np.asarray(pc.sort_indices(enc.dictionary))] = np.arange(len(enc.dictionary),
                                                                       dtype=np.int32)
        idx = np.where(idx >= 0, rank[np.maximum(idx, 0)], -1).astype(np.int32)
    return idx


def _col(table: pa.Table, name: str) -> pa.Array:
    if name not in table.column_names:
        return pa.nulls(table.num_rows, pa.string())
    col = table.column(name).combine_chunks()
    if name == "identifiers":
        return col
    if not pa.types.is_string(col.type) and not pa.types.is_large_string(col.type):
        col = col.cast(pa.string())
    col = pc.utf8_trim_whitespace(col)
    return pc.if_else(pc.equal(col, ""), _NULL, col)


def _blank_to_null(arr: pa.Array) -> pa.Array:
    return pc.if_else(pc.equal(arr, ""), _NULL, arr)


def _name_token_features(nt: nz.NameTokens) -> dict[str, pa.Array]:
    """Sorted-word name, rarest word, numbers in the name — from the name's word codes."""
    n = len(nt.offsets) - 1
    codes = nt.codes
    vocab = nt.vocab
    lengths = np.diff(nt.offsets)
    parent = np.repeat(np.arange(n, dtype=np.int64), lengths)
    nv = len(vocab)
    rank = np.empty(nv, np.int64)
    if nv:
        rank[np.asarray(pc.sort_indices(vocab))] = np.arange(nv)
    # words sorted within each name: word order does not matter ("Supplies Acme" = "Acme ...");
    # one stable sort of a combined key (already in name order: short runs) instead of a
    # lexsort, which costs ten times more on tens of millions of words
    order = (np.argsort(parent * max(nv, 1) + rank[codes], kind="stable") if len(codes)
             else np.zeros(0, np.int64))
    sorted_codes = codes[order]
    valid = pc.is_valid(nt.clean)
    name_sorted = nz._join_lists(nt.offsets, pc.take(vocab, pa.array(sorted_codes)), valid)
    # numbers in the name, sorted
    digits = np.asarray(pc.fill_null(pc.match_substring_regex(vocab, r"^[0-9]+$"), False))
    is_num = digits[sorted_codes] if len(codes) else np.zeros(0, bool)
    num_counts = np.bincount(parent[is_num], minlength=n) if len(codes) else np.zeros(n, int)
    numbers = nz._join_lists(np.r_[0, np.cumsum(num_counts)],
                             pc.take(vocab, pa.array(sorted_codes[is_num])))
    numbers = pc.if_else(pc.greater(pa.array(num_counts), 0), numbers, _NULL)
    # the rarest word of 2+ characters (ties: alphabetical) is a blocking key
    freq = np.bincount(codes, minlength=nv)
    short = np.asarray(pc.utf8_length(vocab)) <= 1 if nv else np.zeros(0, bool)
    key = freq[codes] * (nv + 1) + rank[codes]
    key = np.where(short[codes], np.iinfo(np.int64).max, key)
    rare = np.full(n, -1, np.int64)
    nonempty = lengths > 0
    if len(codes):
        mins = np.minimum.reduceat(key, nt.offsets[:-1][nonempty])
        ok = mins < np.iinfo(np.int64).max
        rows = np.flatnonzero(nonempty)[ok]
        rare[rows] = rank_to_code(rank, mins[ok] % (nv + 1))
    rare1 = pc.take(vocab, pa.array(rare, mask=rare < 0))
    return {
        "name_sorted": _blank_to_null(name_sorted),
        "name_numbers": numbers,
        "name_rare1": rare1,
    }, {"name_rare1": rare.astype(np.int32)}


# pseudo-names in which any word not known to be generic is assumed absent: on a small file
# every word looks rare, and this keeps the bits of a word from depending on the file's size
NAME_BITS_PRIOR = 1000


def name_distinctiveness(nt: nz.NameTokens, name_sorted_codes: np.ndarray) -> np.ndarray:
    """Bits of evidence a name's own words carry: the sum over its words of
    log2((distinct names + prior) / distinct names holding the word). Generic words
    ("services", "global", "trading"), numbers and single letters carry none, so "Global
    Services" is 0 bits and "Brightpath Recruitment" about 10. Each distinct name counts once:
    one company listed under seven categories does not make its own name look common."""
    n = len(nt.offsets) - 1
    nv = len(nt.vocab)
    out = np.zeros(n, np.float32)
    if nv == 0 or len(nt.codes) == 0:
        return out
    vocab = nt.vocab
    generic = np.asarray(pc.fill_null(pc.is_in(vocab, pa.array(sorted(nz.GENERIC_WORDS))),
                                      False))
    generic |= np.asarray(pc.fill_null(pc.match_substring_regex(vocab, r"^[0-9]+$"), False))
    generic |= np.asarray(pc.utf8_length(vocab)) <= 1
    lengths = np.diff(nt.offsets)
    parent = np.repeat(np.arange(n, dtype=np.int64), lengths)
    codes = nt.codes
    # a word repeated inside one name counts once: compare each word with the words before
    # it in its name (names are short; no sort of millions of words)
    first = np.ones(len(codes), bool)
    for d in range(1, int(lengths.max(initial=1))):
        same = parent[d:] == parent[:-d]
        if not same.any():
            break
        first[d:] &= ~(same & (codes[d:] == codes[:-d]))
    # each distinct name counts once: its first record stands for it
    owner = name_sorted_codes.astype(np.int64)
    distinct = int(owner.max(initial=-1)) + 1
    head = np.full(distinct + 1, -1, np.int64)
    rows = np.arange(n, dtype=np.int64)
    head[owner[::-1]] = rows[::-1]  # the last write wins: the first record of each name
    stands = (owner >= 0) & (head[owner] == rows)
    counted = first & stands[parent]
    df = np.bincount(codes[counted], minlength=nv).astype(np.float64)
    bits = np.log2((distinct + NAME_BITS_PRIOR) / np.maximum(df, 1.0))
    bits[generic] = 0.0
    return np.bincount(parent[first], weights=bits[codes[first]], minlength=n).astype(
        np.float32)


def rank_to_code(rank: np.ndarray, ranks: np.ndarray) -> np.ndarray:
    inverse = np.empty(len(rank), np.int64)
    inverse[rank] = np.arange(len(rank))
    return inverse[ranks]


def _on_distinct(arr: pa.Array, fn, codes_out: list | None = None):
    """Apply a vectorised normaliser once per distinct value.

    With ``codes_out``, also append the integer codes of each result column (equal results,
    equal codes; null -1), worked out on the distinct values and spread with numpy — far
    cheaper than hashing a million strings again later.
    """
    if isinstance(arr, pa.ChunkedArray):
        arr = arr.combine_chunks()
    enc = pc.dictionary_encode(arr)
    out = fn(enc.dictionary)
    outs = out if isinstance(out, tuple) else (out,)
    idx = np.asarray(pc.fill_null(enc.indices, -1), dtype=np.int64)
    if codes_out is not None:
        for o in outs:
            dcodes = value_codes(o).astype(np.int64)
            codes_out.append(np.where(idx >= 0, dcodes[np.maximum(idx, 0)] if len(dcodes)
                                      else -1, -1).astype(np.int32))
    spread = tuple(pc.take(o, enc.indices) for o in outs)
    return spread if isinstance(out, tuple) else spread[0]


def _identifiers(idents: pa.Array) -> tuple[pa.Array, np.ndarray, np.ndarray, np.ndarray]:
    """Registry ids keyed as ``normalise_identifier`` keys them ('SCHEME:ID'): the smallest id
    per record, and in CSR form offsets per record, id codes, scheme codes. A record may carry
    several (company number, VAT)."""
    n = len(idents)
    if pa.types.is_list(idents.type) or pa.types.is_large_list(idents.type):
        flat = pc.list_flatten(idents).cast(pa.string())
        parents = np.asarray(pc.list_parent_indices(idents), dtype=np.int64)
    else:  # a plain string column, several ids separated by ';' or ','
        lists = pc.split_pattern_regex(idents.cast(pa.string()), r"\s*[;,|]\s*")
        flat = pc.list_flatten(lists)
        parents = np.asarray(pc.list_parent_indices(lists), dtype=np.int64)
    empty = (pa.nulls(n, pa.string()), np.zeros(n + 1, np.int64), np.zeros(0, np.int64),
             np.zeros(0, np.int64))
    if len(flat) == 0:
        return empty
    scheme, norm = nz.identifier_keys_array(flat)  # the one identifier normaliser
    valid = np.asarray(pc.is_valid(norm))
    if not valid.any():
        return empty
    norm = pc.filter(norm, pa.array(valid))
    scheme = pc.filter(scheme, pa.array(valid))
    parents = parents[valid]
    codes = value_codes(norm, ordered=True).astype(np.int64)
    schemes = value_codes(scheme).astype(np.int64)
    order = np.lexsort((codes, parents))
    parents, codes, schemes = parents[order], codes[order], schemes[order]
    keep = np.r_[True, (parents[1:] != parents[:-1]) | (codes[1:] != codes[:-1])]
    parents, codes, schemes = parents[keep], codes[keep], schemes[keep]
    offsets = np.r_[0, np.cumsum(np.bincount(parents, minlength=n))].astype(np.int64)
    first_pos = offsets[:-1][np.diff(offsets) > 0]
    first = np.full(n, -1, np.int64)
    first[parents[first_pos]] = first_pos
    norm_sorted = pc.take(norm, pa.array(order[keep]))
    smallest = pc.take(norm_sorted, pa.array(first, mask=first < 0))
    return smallest, offsets, codes, schemes


def _name_part(records: pa.Table):
    nt = nz.name_tokens_array(_col(records, "name"))
    name_feats, name_codes = _name_token_features(nt)
    name_codes["name_sorted"] = value_codes(name_feats["name_sorted"], ordered=True)
    name_codes["name_bits"] = name_distinctiveness(nt, name_codes["name_sorted"])
    clean = nt.clean
    cols = {
        "name_clean": clean,
        "name_prefix": pc.utf8_slice_codeunits(clean, 0, 5),
        "sorted_prefix": pc.utf8_slice_codeunits(name_feats["name_sorted"], 0, 5),
        "legal_form": nt.legal_form,
        **name_feats,
    }
    return cols, name_codes


def _contact_part(records: pa.Table):
    n = records.num_rows
    codes: dict[str, np.ndarray] = {}

    def distinct(name: str | tuple[str, ...], arr: pa.Array, fn):
        got: list[np.ndarray] = []
        out = _on_distinct(arr, fn, got)
        for key, c in zip((name,) if isinstance(name, str) else name, got, strict=True):
            codes[key] = c
        return out

    street = _col(records, "street")
    address = _col(records, "address")
    if pc.any(pc.is_valid(address)).as_py():
        # a one-line address: its first part carrying a house number, else its first part
        addr_street = pc.coalesce(
            pc.struct_field(pc.extract_regex(address, r"(?P<s>[^,]*\d[^,]*)"), [0]),
            pc.struct_field(pc.extract_regex(address, r"^(?P<s>[^,]+)"), [0]),
        )
        street = pc.coalesce(street, addr_street)
    ident_first, *ident_csr = _identifiers(
        records.column("identifiers").combine_chunks()
        if "identifiers" in records.column_names else pa.nulls(n, pa.string()))
    street_key, number, street_words = distinct(
        ("street_key", "house_number", "street_words"), street,
        lambda v: nz.street_keys_array(v, with_words=True))
    email = _on_distinct(_col(records, "email"), pc.utf8_lower)
    cols = {
        "phone": distinct("phone", _col(records, "phone"), nz.phone_keys_array),
        "domain": distinct("domain", pc.coalesce(_col(records, "website"), email),
                           nz.registrable_domains_array),
        "email": pc.if_else(pc.match_substring(email, "@"), email, _NULL),
        "identifier": ident_first,
        "street_key": street_key,
        "house_number": number,
        "street_words": street_words,
        "postcode": distinct("postcode", _col(records, "postcode"), nz.postcodes_array),
        "city": distinct("city", _col(records, "city"),
                         lambda v: _blank_to_null(nz.fold_array(v))),
        "country": distinct("country", _col(records, "country"), pc.utf8_upper),
    }
    # blocking: records without a country meet each other (never one with a country)
    codes["country_key"] = np.where(codes["country"] >= 0, codes["country"],
                                    int(codes["country"].max(initial=-1)) + 1).astype(np.int32)
    return cols, codes, ident_csr


def build_features(records: pa.Table) -> Features:
    """Normalise every input column into the feature columns comparisons and blocks use.

    Names and the other fields are independent: two threads (Arrow and numpy release the GIL
    for most of the work) — 1.6x faster on an idle 2-core box, no gain when it is busy."""
    from concurrent.futures import ThreadPoolExecutor

    with ThreadPoolExecutor(max_workers=2) as pool:
        names = pool.submit(_name_part, records)
        contact = pool.submit(_contact_part, records)
        name_cols, name_codes = names.result()
        cols, codes, (ident_off, ident_codes, ident_schemes) = contact.result()
    feats = Features(n=records.num_rows, cols={**name_cols, **cols}, ident_offsets=ident_off,
                     ident_codes=ident_codes, ident_schemes=ident_schemes)
    feats.name_bits = name_codes.pop("name_bits")
    feats._codes.update(codes)
    feats._codes.update(name_codes)
    return feats
