"""Comparisons are declared classes: their levels decide, explain and carry the fitted model."""

from __future__ import annotations

import dataclasses

import numpy as np
import pyarrow as pa

from enrich.resolve import Comparison, Level, ResolveSettings, resolve
from enrich.resolve.compare import compare_pairs
from enrich.resolve.comparisons import Compared, ExactMatch, NameComparison
from enrich.resolve.features import Features, build_features
from enrich.resolve.settings import DEFAULT_COMPARISONS

COLS = ["record_id", "source", "name", "street", "postcode", "city", "address", "country",
        "phone", "website", "email"]


def _table(rows: list[dict]) -> pa.Table:
    return pa.table({c: pa.array([r.get(c) for r in rows], pa.string()) for c in COLS})


def _name_levels(pairs: list[tuple[str, str]], evidence: bool) -> list[str]:
    rows = [{"record_id": f"r{k}", "name": name} for k, pair in enumerate(pairs)
            for name in pair]
    feats = build_features(_table(rows))
    i = np.arange(0, 2 * len(pairs), 2)
    comp = NameComparison()
    got = comp.compare(feats, i, i + 1, np.full(len(pairs), evidence))
    return [comp.labels[k] if k >= 0 else "missing" for k in got.levels]


def test_name_levels_on_concrete_pairs():
    pairs = [
        ("Acme Trading Sdn Bhd", "ACME TRADING"),       # legal form and case only
        ("Unit 1 Trading", "Unit 2 Trading"),           # different numbers: different firms
        ("Brightpath Recruitment Leeds", "Brightpath Recruitment York"),  # a word of its own
        ("Northwind Traders", "Northwind Tradrs"),      # a typo
        ("Harbour View Dental", "Lion City Tax Advisory"),
    ]
    assert _name_levels(pairs, evidence=True) == [
        "exact", "different", "other words", "very similar", "different"]
    # without agreement beyond the name (it cannot link anyway) the costly other-words
    # check is not made and the similarity band stands
    assert _name_levels(pairs[2:3], evidence=False) == ["similar"]


class FirstWord(Comparison):
    """A comparison written outside the package: the first word of the cleaned name."""

    def __init__(self) -> None:
        self.name = "first_word"
        self.levels = (Level("same", 0.9, 0.01, says="same first word"),
                       Level("different", 0.1, says="first word differs"))

    def compare(self, feats: Features, i, j, evidence=None) -> Compared:
        words = np.array([None if n is None else n.split()[0]
                          for n in feats.objects("name_clean")], dtype=object)
        out = np.where(words[i] == words[j], 0, 1).astype(np.int8)
        return Compared(out)


ROWS = [
    {"record_id": "a", "name": "Orion Metal Works", "phone": "03 1111 2222", "country": "MY"},
    {"record_id": "b", "name": "Orion Metal Works Sdn Bhd", "phone": "0311112222",
     "country": "MY"},
    {"record_id": "c", "name": "Zenith Precision", "phone": "04 555 1212", "country": "SG"},
]


def test_a_new_comparison_is_one_class_registered_in_the_settings():
    settings = ResolveSettings(comparisons=DEFAULT_COMPARISONS + (
        FirstWord(), ExactMatch("country", m=0.95, u=0.3)))
    res = resolve(_table(ROWS), settings=settings)
    expl = dict(zip(res.links.column("record_id").to_pylist(),
                    res.links.column("explanation").to_pylist(), strict=True))
    assert "same first word" in expl["a"] and "same country" in expl["a"]
    assert expl["c"] == "single record: no match at or above the link weight"
    # m and u are fitted for its levels like for any other comparison
    assert res.params.m["first_word"].shape == (2,)
    assert res.params.weights("first_word")[0] > 0 > res.params.weights("first_word")[1]


def test_explanations_come_from_the_level_phrases():
    feats = build_features(_table(ROWS))
    i, j = np.array([0, 0]), np.array([1, 2])
    levels, scores = compare_pairs(feats, DEFAULT_COMPARISONS, i, j)
    phone = next(c for c in DEFAULT_COMPARISONS if c.name == "phone")
    assert phone.explain(levels["phone"], None).to_pylist() == ["same phone", "phone differs"]
    name = next(c for c in DEFAULT_COMPARISONS if c.name == "name")
    assert name.explain(levels["name"], scores["name"]).to_pylist()[0] == "name exact"
    street = next(c for c in DEFAULT_COMPARISONS if c.name == "street")
    assert street.explain(levels["street"], None).to_pylist() == [None, None]  # no streets


def test_the_version_follows_the_declaration():
    base = ResolveSettings()
    assert base.version == ResolveSettings().version
    assert len(base.version) == 12
    assert dataclasses.replace(base, link_weight=6.0).version != base.version
    tweaked = DEFAULT_COMPARISONS[:1] + (ExactMatch("phone", m=0.8, u=1e-5, tf=True,
                                                    evidence="phone"),) + DEFAULT_COMPARISONS[2:]
    assert dataclasses.replace(base, comparisons=tweaked).version != base.version
