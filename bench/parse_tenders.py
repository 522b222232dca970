"""Parsing throughput of the tender parsers: OCDS releases/s and eForms notices/s.

Run by hand: ``python -m bench.parse_tenders [--runs 5] [--min-docs 10000]``.

The corpus is the real fixture files, repeated until there are at least ``--min-docs``
documents of each kind: every OCDS release on its own (as a bare-release JSON document) and
every eForms notice as it was published. Each run times, over the same bytes,

- the baseline: bare ``json.loads`` / ``lxml.etree.fromstring``;
- leadpipe: ``parse_bytes`` (detect + parse + normalise) and ``landing_items``.

One process, one core; the figures printed are medians over the runs.
"""

from __future__ import annotations

import argparse
import json
import platform
import statistics
import sys
import time
from collections.abc import Callable
from pathlib import Path

from lxml import etree

from spiders.tenders import landing_items, parse_bytes
from spiders.tenders.ocds import iter_releases

FIX = Path(__file__).resolve().parent.parent / "tests" / "fixtures" / "tenders"


def corpus(min_docs: int) -> tuple[list[bytes], list[bytes]]:
    releases = [json.dumps(r, ensure_ascii=False).encode()
                for p in sorted(FIX.glob("ocds-*/*.json"))
                for r in iter_releases(json.loads(p.read_bytes()))]
    notices = [p.read_bytes() for p in sorted(FIX.glob("eforms-*/*.xml"))]
    grow = lambda docs: (docs * (min_docs // len(docs) + 1))[:max(min_docs, len(docs))]  # noqa: E731
    return grow(releases), grow(notices)


def timed(fn: Callable[[bytes], object], docs: list[bytes]) -> float:
    start = time.perf_counter()
    for doc in docs:
        fn(doc)
    return time.perf_counter() - start


def ours(doc: bytes) -> int:
    return sum(1 for _ in landing_items(parse_bytes(doc), url="bench", method="api"))


def main(argv: list[str] | None = None) -> int:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--runs", type=int, default=5)
    ap.add_argument("--min-docs", type=int, default=10_000)
    ns = ap.parse_args(argv)
    ocds_docs, eforms_docs = corpus(ns.min_docs)
    parser = etree.XMLParser(resolve_entities=False, no_network=True)
    cases = {
        "ocds": (ocds_docs, json.loads, ours),
        "eforms": (eforms_docs, lambda d: etree.fromstring(d, parser), ours),
    }
    print(f"python {platform.python_version()} on {platform.machine()}, "
          f"{ns.runs} runs, median seconds")
    for name, (docs, baseline, mine) in cases.items():
        base_t = [timed(baseline, docs) for _ in range(ns.runs)]
        our_t = [timed(mine, docs) for _ in range(ns.runs)]
        b, o = statistics.median(base_t), statistics.median(our_t)
        mb = sum(map(len, docs)) / 1e6
        print(f"{name:6s} docs={len(docs):6d} ({mb:.0f} MB)  baseline {len(docs) / b:9.0f}/s "
              f"({b:.2f}s)  leadpipe {len(docs) / o:8.0f}/s ({o:.2f}s)  ratio {o / b:.1f}x "
              f"[runs: {', '.join(f'{t:.2f}' for t in our_t)}]")
    return 0


if __name__ == "__main__":
    sys.exit(main())
