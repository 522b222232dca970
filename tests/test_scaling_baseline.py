"""The machine-primitive benchmark measures the operations it names, on inputs of the size
asked for (``bench.scaling_baseline``)."""

from __future__ import annotations

import numpy as np
import pyarrow as pa

from bench.scaling_baseline import measure, operations


def test_each_operation_does_what_its_name_says() -> None:
    ops = operations(5_000)
    gathered = ops["random gather"]()
    assert isinstance(gathered, np.ndarray) and len(gathered) == 5_000
    for name in ("argsort, int64", "stable argsort, int64"):
        order = ops[name]()
        assert sorted(order.tolist()) == list(range(5_000))
    encoded = ops["dictionary encode, strings"]()
    assert isinstance(encoded, pa.DictionaryArray) and len(encoded) == 5_000
    assert 1 < len(encoded.dictionary) < 5_000  # repeated names, as feature columns have
    assert ops["new array, filled"]().sum() == 5_000


def test_the_sorts_sort_the_values_they_are_given() -> None:
    rng = np.random.default_rng(7)
    values = rng.integers(0, 2**40, 1_000, dtype=np.int64)
    # the same inputs the benchmark builds from its seed
    ops = operations(1_000)
    order = ops["stable argsort, int64"]()
    assert np.all(np.diff(values[order]) >= 0)


def test_measure_gives_a_time_per_call_for_every_operation() -> None:
    got = measure(2_000, repeat=1, calls=3)
    assert set(got) == set(operations(10))
    assert all(t >= 0 for t in got.values())
