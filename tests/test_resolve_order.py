"""Records renumbered in name order, and explanations built once per pattern, change nothing
a caller sees: the same features per record, the same strings per pair."""

from __future__ import annotations

import numpy as np
import pyarrow as pa

from enrich.resolve import resolve
from enrich.resolve.explain import _explain, explain_pairs
from enrich.resolve.features import build_features
from enrich.resolve.settings import DEFAULT_COMPARISONS

NAMES = ["Zeta Works Ltd", "Acme Trading", "Mango Foods", "acme trading ltd", "Zeta Works",
         None, "Brightpath Recruitment"]


def _records() -> pa.Table:
    n = len(NAMES)
    return pa.table({
        "record_id": pa.array([f"r{k}" for k in range(n)]),
        "name": pa.array(NAMES, pa.string()),
        "phone": pa.array(["+44 20 7946 0000", "03-1234 5678", None, "03 1234 5678", None,
                           "+44 20 7946 0001", None], pa.string()),
        "identifiers": pa.array([["GB-COH:123"], [], ["GB-COH:9", "GB-VAT:GB1"], None, [],
                                 ["GB-COH:5"], []], pa.list_(pa.string())),
    })


def test_renumber_keeps_every_feature_with_its_record():
    records = _records()
    plain = build_features(records)
    moved = build_features(records)
    perm = np.argsort(moved.codes("name_sorted"), kind="stable")
    moved.renumber(perm)
    for name in ("name_sorted", "phone", "name_rare1"):
        assert moved.col(name).to_pylist() == [plain.cols[name].to_pylist()[k] for k in perm]
        assert (moved.codes(name) == plain.codes(name)[perm]).all()
    assert (moved.name_bits == plain.name_bits[perm]).all()
    for new, old in enumerate(perm):
        got = moved.ident_codes[moved.ident_offsets[new]:moved.ident_offsets[new + 1]]
        want = plain.ident_codes[plain.ident_offsets[old]:plain.ident_offsets[old + 1]]
        assert got.tolist() == want.tolist()
    assert (moved.codes("name_sorted")[1:] >= moved.codes("name_sorted")[:-1]).all()


def test_links_come_back_in_input_order():
    records = _records()
    res = resolve(records)
    assert res.links.column("record_id").to_pylist() == records.column("record_id").to_pylist()
    company = dict(zip(res.links.column("record_id").to_pylist(),
                       res.links.column("company_id").to_pylist(), strict=True))
    assert company["r1"] == company["r3"]  # same name and phone, wherever the name sorts
    assert company["r1"] != company["r2"]


def test_explanations_per_pattern_equal_explanations_per_pair():
    rng = np.random.default_rng(3)
    m = 20_000
    levels = {c.name: (rng.integers(0, 2, m) - (rng.random(m) < 0.2)).astype(np.int8)
              for c in DEFAULT_COMPARISONS}
    scores = {"name": (rng.integers(0, 20, m) / 20).astype(np.float32),
              "street": (rng.integers(0, 5, m) / 5).astype(np.float32)}
    weight = np.round(rng.normal(0, 0.5, m), 1) + rng.choice([0.0, 0.04, -0.04], m)
    weight[:4] = [np.inf, -np.inf, np.nan, -0.04]
    alone = rng.random(m) < 0.1
    sel = rng.integers(0, 2_000, 15_000)  # few distinct patterns
    sel[:4] = [0, 1, 2, 3]
    got = explain_pairs(DEFAULT_COMPARISONS, levels, scores, weight, sel, alone).to_pylist()
    assert got == _explain(DEFAULT_COMPARISONS, levels, scores, weight, sel, alone).to_pylist()
    assert len(set(got)) <= 2_000
