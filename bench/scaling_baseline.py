"""Benchmark: how the machine's own primitives grow from 1,000,000 to 10,000,000 elements.

``bench/resolve.py`` shows how resolution's cost grows with the records. Part of that growth
is not the algorithm but the memory: at a million records most working arrays (4 to 8 MB)
stay in the processor's caches, at ten million (40 to 80 MB) they do not, and every first
touch of a fresh page is a fault the kernel serves. This benchmark measures the same kinds of
operation resolution is built of, on their own, at both sizes in one run, so the resolver's
10M / 1M ratio can be read against the machine's:

- a random gather (``a[idx]``): feature lookups of candidate pairs;
- a sort of int64 keys (``np.argsort``) and a stable sort: blocking, unions of pairs;
- a dictionary encoding of short strings (``pyarrow.compute.dictionary_encode``): feature
  codes;
- a fresh array filled once (``np.ones``): the page faults of a new allocation.

At the smaller size each measurement repeats the operation until it has covered as many
elements as one run at the bigger size (ten runs of a million against one of ten million), so
both are long enough to time. Each measurement is taken ``--repeat`` times; the table gives
the median CPU time (user + system, this process) per element and the ratio of one
run at the bigger size to one at the smaller.

    .venv/bin/python -m bench.scaling_baseline [--sizes 1000000 10000000] [--repeat 5]
"""

from __future__ import annotations

import argparse
import resource
import statistics
from collections.abc import Callable
from pathlib import Path

import numpy as np
import pyarrow as pa
import pyarrow.compute as pc


def _cpu() -> float:
    usage = resource.getrusage(resource.RUSAGE_SELF)
    return usage.ru_utime + usage.ru_stime


def _strings(n: int, rng: np.random.Generator) -> pa.Array:
    """``n`` short names, about one distinct in two (as feature columns are)."""
    words = np.array([f"w{k:07d}" for k in range(max(n // 2, 1))], dtype=object)
    return pa.array(words[rng.integers(0, len(words), n)], pa.string())


def operations(n: int, seed: int = 7) -> dict[str, Callable[[], object]]:
    """The measured operations at size ``n`` (their inputs made here, outside the timing)."""
    rng = np.random.default_rng(seed)
    values = rng.integers(0, 2**40, n, dtype=np.int64)
    idx = rng.integers(0, n, n, dtype=np.int64)
    names = _strings(n, rng)
    return {
        "random gather": lambda: values[idx],
        "argsort, int64": lambda: np.argsort(values),
        "stable argsort, int64": lambda: np.argsort(values, kind="stable"),
        "dictionary encode, strings": lambda: pc.dictionary_encode(names),
        "new array, filled": lambda: np.ones(n, np.int64),
    }


def measure(n: int, repeat: int, calls: int = 1) -> dict[str, float]:
    """Median CPU seconds of one call of each operation at size ``n`` (each measurement
    covering ``calls`` calls)."""
    out = {}
    for name, op in operations(n).items():
        op()  # once unmeasured: imports, first allocations
        runs = []
        for _ in range(repeat):
            c0 = _cpu()
            for _ in range(calls):
                op()
            runs.append((_cpu() - c0) / calls)
        out[name] = statistics.median(runs)
    return out


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--sizes", type=int, nargs=2, default=[1_000_000, 10_000_000])
    parser.add_argument("--repeat", type=int, default=5)
    ns = parser.parse_args()
    small, big = ns.sizes
    print("load average:", Path("/proc/loadavg").read_text().split()[:3])
    a, b = measure(small, ns.repeat, max(1, big // small)), measure(big, ns.repeat)
    print(f"\n| operation | CPU ns per element at {small:,} | CPU ns per element at {big:,} | "
          f"{big / small:g}x the elements: CPU ratio |")
    print("|---|---:|---:|---:|")
    for name in a:
        print(f"| {name} | {a[name] / small * 1e9:.1f} | {b[name] / big * 1e9:.1f} | "
              f"{b[name] / a[name]:.1f}x |")
    print("load average:", Path("/proc/loadavg").read_text().split()[:3])


if __name__ == "__main__":
    main()
