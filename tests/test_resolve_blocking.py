"""Blocking cost that does not depend on one distribution of names: adaptive windows, budgets."""

from __future__ import annotations

import numpy as np
import pyarrow as pa

from enrich.resolve import resolve
from enrich.resolve.blocking import _windowed, adaptive_windows, block_pair_count, key_pairs


def test_small_blocks_pair_all_to_all_and_big_ones_shrink_their_window():
    sizes = np.array([2, 6, 7, 60, 600, 6000])
    w = adaptive_windows(sizes, window=5)
    assert w.tolist()[:2] == [5, 5]  # up to window + 1 members: every pair
    assert list(w[2:]) == sorted(w[2:], reverse=True) and w[-1] == 1
    assert block_pair_count(np.array([6]), np.array([5]))[0] == 15
    # a block of 6,000 sharing a common word yields about 6,000 pairs, not 5 x 6,000
    assert block_pair_count(sizes[-1:], w[-1:])[0] < 6000


def test_a_budget_cuts_the_biggest_blocks_first():
    sizes = np.array([4, 50, 500])
    free = adaptive_windows(sizes, window=20)
    assert block_pair_count(sizes, free).sum() > 2000
    capped = adaptive_windows(sizes, window=20, budget=1200)
    assert capped[0] == free[0] and capped[1] == free[1] > 1 and capped[2] == 1
    assert block_pair_count(sizes, capped).sum() <= 1200


def test_over_budget_small_blocks_become_chains_and_then_the_biggest_drop_out():
    sizes = np.array([3, 4, 50])
    free = adaptive_windows(sizes, window=8)
    assert block_pair_count(sizes, free).sum() == 3 + 6 + 144
    # the big block goes down to a chain first, then the next biggest
    assert adaptive_windows(sizes, window=8, budget=58).tolist() == [8, 8, 1]
    assert adaptive_windows(sizes, window=8, budget=55).tolist() == [8, 1, 1]
    # even the chains (49 + 3 + 2 pairs) are over: the biggest block yields nothing
    tight = adaptive_windows(sizes, window=8, budget=20)
    assert tight.tolist() == [1, 1, 0]
    assert block_pair_count(sizes, tight).sum() <= 20


def test_a_dense_key_keeps_its_pairs_per_record_as_the_file_grows():
    """A key drawn from a fixed pool of values (5,000 postcodes): ten times the records put ten
    times the firms in every block, and all-to-all pairs would grow a hundredfold. Within the
    budget the pairs grow with the records, and every pair still shares the key."""
    rng = np.random.default_rng(5)
    per_record = []
    for n in (20_000, 200_000):
        key = rng.integers(0, 5000, n)
        free, _ = key_pairs(key, rng.permutation(n), window=8)
        a, b = key_pairs(key, rng.permutation(n), window=8, budget=n // 2)
        assert len(free) > n and len(a) <= n // 2
        assert np.all(key[a] == key[b]) and np.all(a != b)
        per_record.append(len(a) / n)
    assert abs(per_record[1] - per_record[0]) < 0.05


def test_key_pairs_obey_the_budget_and_keep_small_blocks_whole():
    rng = np.random.default_rng(3)
    # 20,000 records: half in 2-record blocks, half in five hub blocks (a common word)
    key = np.r_[np.repeat(np.arange(5000), 2), rng.integers(10_000, 10_005, 10_000)]
    order = rng.permutation(len(key))
    a, b = key_pairs(key, order, window=5, budget=len(key))
    assert len(a) <= len(key)
    small = (a < 10_000) & (b < 10_000)
    assert small.sum() == 5000  # every 2-record block kept its pair
    assert np.all(key[a] == key[b])


def test_common_surnames_and_trade_words_do_not_explode_the_rarest_word_key():
    """3,000 different firms whose names are all made of a few common words: the rarest-word
    key alone would pair each with its next 5 neighbours (~15,000 pairs); adaptively it stays
    near one pair per record, and the true duplicates (same phone) are still found."""
    surnames = ["Smith", "Jones", "Brown", "Taylor", "Wilson", "Evans"]
    trades = ["Building", "Plumbing", "Roofing", "Services", "Joinery"]
    rows = []
    for k in range(3000):
        name = f"{surnames[k % 6]} {trades[(k // 6) % 5]} {surnames[(k // 30) % 6]}"
        rows.append({"record_id": f"r{k}", "name": name, "country": "GB",
                     "phone": f"+44 113 {k:07d}", "street": f"{k} High Street"})
    for k in range(0, 3000, 100):  # a second record of every hundredth firm
        rows.append({"record_id": f"r{k}-dup", "name": rows[k]["name"].upper() + " LTD",
                     "country": "GB", "phone": f"0113 {k:07d}", "street": None})
    cols = ["record_id", "name", "country", "phone", "street"]
    res = resolve(pa.table({c: pa.array([r.get(c) for r in rows], pa.string())
                            for c in cols}))
    assert res.stats["pairs_by_key"]["name_rare1+country_key"] <= 2 * len(rows)
    groups = dict(zip(res.links.column("record_id").to_pylist(),
                      res.links.column("company_id").to_pylist(), strict=True))
    assert all(groups[f"r{k}"] == groups[f"r{k}-dup"] for k in range(0, 3000, 100))
    assert len(set(groups.values())) == 3000


def test_records_numbered_in_name_order_pair_as_the_stable_sort_pairs_them():
    """Where the records are already numbered in the name order (as ``resolve`` numbers
    them), key_pairs takes a faster sort; the pairs, in their order, are the ones the stable
    sort by (key, name, position) gives."""
    rng = np.random.default_rng(11)
    n = 30_000
    order = np.sort(rng.integers(0, 8_000, n))  # equal names side by side, as renumbered
    key = rng.integers(-1, 3_000, n)  # -1: no value
    key[rng.integers(0, n, 3_000)] = 7  # and one common value: a block the budget cuts
    a, b = key_pairs(key, order, window=6, budget=n // 3)
    idx = np.flatnonzero(key >= 0)
    stable = idx[np.argsort(key[idx].astype(np.int64) * 8_001 + order[idx], kind="stable")]
    want_a, want_b = _windowed(key[stable], stable, 6, n // 3)
    assert len(a) > n // 10
    assert np.array_equal(a, want_a) and np.array_equal(b, want_b)
