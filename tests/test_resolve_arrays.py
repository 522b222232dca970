"""The sort-based set operations give what NumPy's own give, on pair codes like resolve's."""

from __future__ import annotations

import numpy as np
import pytest

from enrich.resolve.arrays import (
    contains_sorted,
    intersect_sorted,
    setdiff_sorted,
    sorted_positions,
    union_sorted,
    unique_sorted,
)


@pytest.fixture(params=[0, 1, 2, 1000])
def codes(request) -> tuple[np.ndarray, np.ndarray]:
    """Two arrays of pair codes (lo * n + hi) with repeats and overlap, of varied length."""
    rng = np.random.default_rng(request.param)
    n = 500
    size = request.param
    i, j = rng.integers(0, n, size), rng.integers(0, n, size)
    a = np.minimum(i, j) * n + np.maximum(i, j)
    b = np.concatenate([a[: size // 2], rng.integers(0, n * n, size)])
    return a.astype(np.int64), b.astype(np.int64)


def test_same_answers_as_numpy(codes):
    a, b = codes
    np.testing.assert_array_equal(unique_sorted(a), np.unique(a))
    np.testing.assert_array_equal(union_sorted(a, b), np.union1d(a, b))
    np.testing.assert_array_equal(setdiff_sorted(a, b), np.setdiff1d(a, b))
    np.testing.assert_array_equal(intersect_sorted(a, b), np.intersect1d(a, b))
    np.testing.assert_array_equal(contains_sorted(np.unique(b), a), np.isin(a, b))


def test_contains_in_an_empty_set_and_past_its_end():
    assert not contains_sorted(np.zeros(0, np.int64), np.array([1, 2])).any()
    np.testing.assert_array_equal(contains_sorted(np.array([3, 5]), np.array([1, 3, 5, 9])),
                                  [False, True, True, False])


def test_sorted_positions_match_searchsorted_in_the_values_order():
    rng = np.random.default_rng(3)
    hay = np.unique(rng.integers(0, 10_000, 3_000))
    values = rng.integers(-5, 10_005, 2_000)  # unsorted, some beyond either end
    assert np.array_equal(sorted_positions(hay, values), np.searchsorted(hay, values))
    asc = np.sort(values)
    assert np.array_equal(sorted_positions(hay, asc), np.searchsorted(hay, asc))
    grid = values.reshape(40, 50)
    assert np.array_equal(contains_sorted(hay, grid), np.isin(grid, hay))
