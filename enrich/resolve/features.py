"""Turn input records into comparable feature columns, vectorised over pyarrow arrays."""

from __future__ import annotations

from dataclasses import dataclass, field

import numpy as np
import pyarrow as pa
import pyarrow.compute as pc

from enrich import normalise as nz

INPUT_COLUMNS = (
    "record_id", "source", "name", "street", "postcode", "city", "address", "country", "phone",
    "website", "email", "identifiers", "first_seen_at",
)
_NULL = pa.scalar(None, pa.string())


@dataclass
class Features:
    """Feature columns (pyarrow string arrays) plus lazily built integer codes."""

    n: int
    cols: dict[str, pa.Array]
    _codes: dict[str, np.ndarray] = field(default_factory=dict)
    _objects: dict[str, np.ndarray] = field(default_factory=dict)

    def codes(self, name: str) -> np.ndarray:
        """int32 codes, equal values -> equal codes, code order = value order, null -> -1."""
        if name not in self._codes:
            self._codes[name] = value_codes(self.cols[name])
        return self._codes[name]

    def objects(self, name: str) -> np.ndarray:
        """The column as a numpy object array (for rapidfuzz)."""
        if name not in self._objects:
            self._objects[name] = np.asarray(
                self.cols[name].to_numpy(zero_copy_only=False), dtype=object
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
            for c in codes[1:]:
                missing |= c < 0
                combined = combined * (int(c.max(initial=0)) + 2) + (c + 1)
            _, inv = np.unique(combined, return_inverse=True)
            out = inv.astype(np.int32)
            out[missing] = -1
            self._codes[key] = out
        return self._codes[key]


def value_codes(arr: pa.Array) -> np.ndarray:
    if isinstance(arr, pa.ChunkedArray):
        arr = arr.combine_chunks()
    uniq = pc.drop_null(pc.unique(arr))
    if len(uniq) == 0:
        return np.full(len(arr), -1, np.int32)
    order = np.asarray(pc.sort_indices(uniq))
    rank = np.empty(len(uniq), np.int32)
    rank[order] = np.arange(len(uniq), dtype=np.int32)
    idx = pc.index_in(arr, uniq).to_numpy(zero_copy_only=False)
    idx = np.where(np.isnan(idx.astype(float)), -1, idx).astype(np.int64)
    return np.where(idx >= 0, rank[np.maximum(idx, 0)], -1).astype(np.int32)


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


def _rare_tokens(clean: pa.Array) -> tuple[pa.Array, pa.Array]:
    """The rarest and second-rarest token (2+ characters) of each name; ties alphabetical."""
    n = len(clean)
    lists = pc.split_pattern(clean, " ")
    flat = pc.list_flatten(lists)
    if len(flat) == 0:
        return pa.nulls(n, pa.string()), pa.nulls(n, pa.string())
    parents = np.asarray(pc.list_parent_indices(lists))
    enc = pc.dictionary_encode(flat)
    inv = np.asarray(enc.indices)
    uniq = enc.dictionary
    rank = np.empty(len(uniq), np.int64)
    rank[np.asarray(pc.sort_indices(uniq))] = np.arange(len(uniq))
    freq = np.bincount(inv, minlength=len(uniq))[inv]
    short = np.asarray(pc.utf8_length(uniq))[inv] <= 1
    keep = ~short
    parents, inv, freq = parents[keep], inv[keep], freq[keep]
    order = np.lexsort((rank[inv], freq, parents))
    p_sorted = parents[order]
    first = np.r_[True, p_sorted[1:] != p_sorted[:-1]] if len(p_sorted) else np.zeros(0, bool)
    second = np.r_[False, first[:-1]] & ~first if len(p_sorted) else first
    r1 = np.full(n, -1, np.int64)
    r2 = np.full(n, -1, np.int64)
    r1[p_sorted[first]] = inv[order[first]]
    r2[p_sorted[second]] = inv[order[second]]
    t1 = pc.take(uniq, pa.array(r1, mask=r1 < 0))
    t2 = pc.take(uniq, pa.array(r2, mask=r2 < 0))
    return t1, t2


def _numbers(clean: pa.Array) -> pa.Array:
    """The numbers inside a name, sorted ('3m 2000 services' -> '2000 3'); null when none."""
    only = pc.utf8_trim_whitespace(pc.replace_substring_regex(
        pc.replace_substring_regex(pc.fill_null(clean, ""), r"\D+", " "), r"\s+", " "))
    only = _sorted_tokens(only)
    return _blank_to_null(only)


def _sorted_tokens(clean: pa.Array) -> pa.Array:
    lists = pc.split_pattern(clean, " ")
    flat = pc.list_flatten(lists)
    parents = pc.list_parent_indices(lists)
    order = pc.sort_indices(pa.table({"p": parents, "t": flat}),
                            sort_keys=[("p", "ascending"), ("t", "ascending")])
    sorted_flat = pc.take(flat, order)
    rebuilt = pa.ListArray.from_arrays(lists.offsets, sorted_flat, mask=pc.is_null(lists))
    return pc.binary_join(rebuilt, " ")


def _first_identifier(idents: pa.Array) -> pa.Array:
    """The smallest normalised 'SCHEME:ID' of each record (one id per record is compared)."""
    if pa.types.is_list(idents.type) or pa.types.is_large_list(idents.type):
        flat = pc.list_flatten(idents).cast(pa.string())
        parents = pc.list_parent_indices(idents)
    else:  # a plain string column, several ids separated by ';' or ','
        lists = pc.split_pattern_regex(idents.cast(pa.string()), r"\s*[;,|]\s*")
        flat = pc.list_flatten(lists)
        parents = pc.list_parent_indices(lists)
    n = len(idents)
    if len(flat) == 0:
        return pa.nulls(n, pa.string())
    scheme = pc.utf8_upper(pc.replace_substring_regex(
        pc.replace_substring_regex(flat, r":.*$", ""), r"\s+", ""))
    ident = pc.utf8_upper(pc.replace_substring_regex(
        pc.replace_substring_regex(flat, r"^[^:]*:", ""), r"[\s.\-/]+", ""))
    norm = pc.binary_join_element_wise(scheme, ident, ":")
    valid = pc.and_(pc.match_substring(flat, ":"), pc.greater(pc.utf8_length(ident), 0))
    t = pa.table({"p": parents, "v": norm}).filter(valid)
    g = t.group_by("p").aggregate([("v", "min")])
    out = np.full(n, None, dtype=object)
    out[np.asarray(g.column("p"))] = np.asarray(g.column("v_min").to_numpy(zero_copy_only=False))
    return pa.array(out, pa.string())


def build_features(records: pa.Table) -> Features:
    """Normalise every input column into the feature columns comparisons and blocks use."""
    n = records.num_rows
    name = _col(records, "name")
    clean, legal = nz.normalise_names_array(pc.fill_null(name, ""))
    clean = _blank_to_null(clean)
    street = _col(records, "street")
    address = _col(records, "address")
    # a one-line address: its first part that carries a house number, else its first part
    addr_street = pc.coalesce(
        pc.struct_field(pc.extract_regex(address, r"(?P<s>[^,]*\d[^,]*)"), [0]),
        pc.struct_field(pc.extract_regex(address, r"^(?P<s>[^,]+)"), [0]),
    )
    street_key, number, street_words = nz.street_keys_array(
        pc.coalesce(street, addr_street), with_words=True
    )
    country = pc.utf8_upper(_col(records, "country"))
    website = _col(records, "website")
    email = pc.utf8_lower(_col(records, "email"))
    domain = nz.registrable_domains_array(pc.coalesce(website, email))
    rare1, rare2 = _rare_tokens(pc.fill_null(clean, ""))
    cols = {
        "name_clean": clean,
        "legal_form": legal,
        "name_sorted": _blank_to_null(_sorted_tokens(pc.fill_null(clean, ""))),
        "name_numbers": _numbers(clean),
        "name_rare1": rare1,
        "name_rare2": rare2,
        "phone": nz.phone_keys_array(_col(records, "phone")),
        "domain": domain,
        "email": pc.if_else(pc.match_substring(email, "@"), email, _NULL),
        "identifier": _first_identifier(
            records.column("identifiers").combine_chunks()
            if "identifiers" in records.column_names else pa.nulls(n, pa.string())
        ),
        "street_key": street_key,
        "house_number": number,
        "street_words": street_words,
        "postcode": nz.postcodes_array(_col(records, "postcode")),
        "city": _blank_to_null(nz.fold_array(_col(records, "city"))),
        "country": country,
    }
    return Features(n=n, cols=cols)
