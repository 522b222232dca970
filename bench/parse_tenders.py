"""Parsing throughput of the tender parsers, and the memory a big package needs.

Run by hand: ``python -m bench.parse_tenders [--runs 5] [--min-docs 10000] [--big-mb 200]``.

Documents: the real fixture files, repeated until there are at least ``--min-docs`` documents
of each kind: every OCDS release on its own (as a bare-release JSON document) and every eForms
notice as it was published. Each run times, over the same bytes,

- the baseline: bare ``json.loads`` / ``lxml.etree.fromstring``;
- leadpipe: ``parse_bytes`` (detect + parse + normalise) and ``landing_items``.

One process, one core; the figures printed are CPU seconds (``time.process_time``), medians
over the runs, baseline and leadpipe alternating run by run.

Big package (``--big-mb``, 0 to skip): one release package of about that size, generated from
the same real releases (each copy with its own ocid), written to a temporary file. Each run
starts a fresh subprocess per reader and takes its wall time and peak RSS (``ru_maxrss``):

- the baseline: ``json.loads`` of the file's bytes;
- leadpipe: ``parse_stream`` over the open file + ``landing_items`` for every release;
- ``leadpipe parse``: the command's own loop (``parse_files``), JSON Lines written to
  ``os.devnull``.
"""

from __future__ import annotations

import argparse
import json
import os
import platform
import resource
import statistics
import subprocess
import sys
import tempfile
import time
from collections.abc import Callable
from pathlib import Path

from lxml import etree

from spiders.tenders import landing_items, parse_bytes
from spiders.tenders.ocds import iter_releases
from spiders.tenders.stream import parse_stream

FIX = Path(__file__).resolve().parent.parent / "tests" / "fixtures" / "tenders"


def corpus(min_docs: int) -> tuple[list[bytes], list[bytes]]:
    releases = [json.dumps(r, ensure_ascii=False).encode()
                for p in sorted(FIX.glob("ocds-*/*.json"))
                for r in iter_releases(json.loads(p.read_bytes()))]
    notices = [p.read_bytes() for p in sorted(FIX.glob("eforms-*/*.xml"))]
    grow = lambda docs: (docs * (min_docs // len(docs) + 1))[:max(min_docs, len(docs))]  # noqa: E731
    return grow(releases), grow(notices)


def timed(fn: Callable[[bytes], object], docs: list[bytes]) -> float:
    """CPU seconds (this process): steadier than wall time on a machine shared with others."""
    start = time.process_time()
    for doc in docs:
        fn(doc)
    return time.process_time() - start


def ours(doc: bytes) -> int:
    return sum(1 for _ in landing_items(parse_bytes(doc), url="bench", method="api"))


def write_big_package(path: Path, megabytes: int) -> int:
    """A release package of about ``megabytes`` MB from the fixtures' releases; returns count."""
    releases = [r for p in sorted(FIX.glob("ocds-*/*.json"))
                for r in iter_releases(json.loads(p.read_bytes()))]
    target, written, count = megabytes * 1_000_000, 0, 0
    with path.open("wb") as fh:
        fh.write(b'{"uri": "https://example.org/bench", "version": "1.1", '
                 b'"publisher": {"name": "bench"}, "releases": [\n')
        while written < target:
            release = dict(releases[count % len(releases)])
            release["ocid"] = f"{release.get('ocid') or 'ocds-bench'}-copy{count}"
            chunk = (b",\n" if count else b"") + json.dumps(release, ensure_ascii=False).encode()
            fh.write(chunk)
            written += len(chunk)
            count += 1
        fh.write(b"\n]}\n")
    return count


def child(reader: str, path: str) -> None:
    """One reader over the big file, in this (fresh) process: prints seconds, RSS, count."""
    from leadpipe.commands.parse import parse_files  # imported before the clock starts

    start, cpu = time.perf_counter(), time.process_time()
    if reader == "json.loads":
        count = len(json.loads(Path(path).read_bytes())["releases"])
    elif reader == "leadpipe parse":
        with open(os.devnull, "w", encoding="utf-8") as out:
            count, _ = parse_files([Path(path)], out, sys.stderr)  # records written
    else:
        count = 0
        with open(path, "rb") as fh:
            for part in parse_stream(fh):
                count += part.documents
                for _ in landing_items(part, url="bench", method="api"):
                    pass
    seconds, cpu = time.perf_counter() - start, time.process_time() - cpu
    rss = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024
    print(json.dumps({"seconds": seconds, "cpu": cpu, "rss_mb": rss, "releases": count}))


def run_child(reader: str, path: Path) -> dict[str, float]:
    cmd = [sys.executable, "-m", "bench.parse_tenders", "--child", reader, str(path)]
    proc = subprocess.run(cmd, capture_output=True, text=True, check=True,
                          cwd=Path(__file__).resolve().parent.parent)
    return json.loads(proc.stdout.strip().splitlines()[-1])


def big_package(megabytes: int, runs: int) -> None:
    with tempfile.TemporaryDirectory() as tmp:
        path = Path(tmp) / "package.json"
        count = write_big_package(path, megabytes)
        size = path.stat().st_size / 1e6
        print(f"big package: {size:.0f} MB, {count} releases, {runs} runs, medians "
              "(fresh process per reader and run)")
        results: dict[str, list[dict[str, float]]] = {}
        for _ in range(runs):
            for reader in ("json.loads", "parse_stream", "leadpipe parse"):
                results.setdefault(reader, []).append(run_child(reader, path))
        base = statistics.median(r["cpu"] for r in results["json.loads"])
        for reader, rows in results.items():
            sec = statistics.median(r["seconds"] for r in rows)
            cpu = statistics.median(r["cpu"] for r in rows)
            rss = statistics.median(r["rss_mb"] for r in rows)
            print(f"  {reader:15s} wall {sec:6.2f}s  CPU {cpu:6.2f}s ({size / cpu:5.1f} MB/s, "
                  f"{cpu / base:.2f}x json.loads)  peak RSS {rss:6.0f} MB "
                  f"({rss / size:.2f}x the file)  "
                  f"[CPU runs: {', '.join(format(r['cpu'], '.2f') for r in rows)}]")


def main(argv: list[str] | None = None) -> int:
    if argv is None and len(sys.argv) == 4 and sys.argv[1] == "--child":
        child(sys.argv[2], sys.argv[3])
        return 0
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--runs", type=int, default=5)
    ap.add_argument("--min-docs", type=int, default=10_000)
    ap.add_argument("--big-mb", type=int, default=200, help="0 skips the big package")
    ap.add_argument("--big-runs", type=int, default=3)
    ns = ap.parse_args(argv)
    ocds_docs, eforms_docs = corpus(ns.min_docs)
    parser = etree.XMLParser(resolve_entities=False, no_network=True)
    cases = {
        "ocds": (ocds_docs, json.loads, ours),
        "eforms": (eforms_docs, lambda d: etree.fromstring(d, parser), ours),
    }
    print(f"python {platform.python_version()} on {platform.machine()}, "
          f"{ns.runs} runs, median CPU seconds")
    for name, (docs, baseline, mine) in cases.items():
        base_t, our_t = [], []
        for _ in range(ns.runs):
            base_t.append(timed(baseline, docs))
            our_t.append(timed(mine, docs))
        b, o = statistics.median(base_t), statistics.median(our_t)
        mb = sum(map(len, docs)) / 1e6
        print(f"{name:6s} docs={len(docs):6d} ({mb:.0f} MB)  baseline {len(docs) / b:9.0f}/s "
              f"({b:.2f}s)  leadpipe {len(docs) / o:8.0f}/s ({o:.2f}s)  ratio {o / b:.1f}x "
              f"[runs: {', '.join(f'{t:.2f}' for t in our_t)}]")
    if ns.big_mb:
        big_package(ns.big_mb, ns.big_runs)
    return 0


if __name__ == "__main__":
    sys.exit(main())
