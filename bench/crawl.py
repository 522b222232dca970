"""Benchmark: a full local crawl of the demo world's catalogue and directory through the
generic spiders (extraction, provenance, landing) against a bare Scrapy spider that only
follows links on the same server, in the same run, with the same settings.

Both run as subprocesses through the demo server (used as HTTP proxy); CPU is the children's
user+sys time (the server's own CPU stays in this process and is not counted).

    .venv/bin/python -m bench.crawl [--companies N] [--rounds 3]
"""

from __future__ import annotations

import argparse
import json
import os
import resource
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path

from leadpipe.demo.server import DemoServer
from leadpipe.demo.world import generate_world
from spiders.crawl import run_crawl
from spiders.definitions import load_definition, sources_dir

SOURCES = ("demo_expo", "demo_directory")
# Same for both sides: no AutoThrottle (it would measure its own pauses), quiet logs.
SETTINGS = {"AUTOTHROTTLE_ENABLED": False, "CONCURRENT_REQUESTS_PER_DOMAIN": 8,
            "LOG_LEVEL": "WARNING", "LOGSTATS_INTERVAL": 0}


def children_cpu() -> float:
    usage = resource.getrusage(resource.RUSAGE_CHILDREN)
    return usage.ru_utime + usage.ru_stime


def generic_crawl(proxy: str, landing: Path, run_id: str) -> tuple[int, int, float, float]:
    """(pages, items, wall s, cpu s) for the generic spiders over both demo sources."""
    pages = items = 0
    cpu0, wall0 = children_cpu(), time.perf_counter()
    for source in SOURCES:
        report = run_crawl(source, run_id=run_id, landing_dir=landing, settings=SETTINGS,
                           proxy=proxy, timeout=1800)
        if not report.ok:
            raise SystemExit(f"{source} failed: {report.errors}")
        pages += int(report.stats.get("response_received_count", 0))
        items += report.items
    return pages, items, time.perf_counter() - wall0, children_cpu() - cpu0


def bare_crawl(proxy: str) -> tuple[int, float, float]:
    """(pages, wall s, cpu s) for the link-following baseline."""
    starts = [u for s in SOURCES for u in load_definition(sources_dir() / f"{s}.yaml").start_urls]
    env = dict(os.environ, http_proxy=proxy, HTTP_PROXY=proxy,
               PYTHONPATH=str(Path(__file__).resolve().parent.parent))
    cmd = [sys.executable, "-m", "bench.crawl_bare", *starts]
    for key, value in SETTINGS.items():
        cmd += ["-s", f"{key}={json.dumps(value)}"]
    cpu0, wall0 = children_cpu(), time.perf_counter()
    out = subprocess.run(cmd, env=env, capture_output=True, text=True, check=True)
    wall, cpu = time.perf_counter() - wall0, children_cpu() - cpu0
    pages = json.loads(out.stdout.strip().splitlines()[-1])["pages"]
    return pages, wall, cpu


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--companies", type=int, default=12000)
    parser.add_argument("--seed", type=int, default=7)
    parser.add_argument("--rounds", type=int, default=3)
    ns = parser.parse_args()
    t0 = time.perf_counter()
    world = generate_world(companies=ns.companies, seed=ns.seed)
    print(f"world: {ns.companies} companies in {time.perf_counter() - t0:.1f}s")
    rows = []
    with DemoServer(world) as server, tempfile.TemporaryDirectory() as tmp:
        for i in range(ns.rounds):
            g_pages, items, g_wall, g_cpu = generic_crawl(server.proxy_url, Path(tmp), f"b{i}")
            b_pages, b_wall, b_cpu = bare_crawl(server.proxy_url)
            row = {
                "generic_pages": g_pages, "items": items, "generic_pps": g_pages / g_wall,
                "generic_cpu_ms": 1000 * g_cpu / g_pages,
                "bare_pages": b_pages, "bare_pps": b_pages / b_wall,
                "bare_cpu_ms": 1000 * b_cpu / b_pages,
            }
            row["ratio"] = row["generic_pps"] / row["bare_pps"]
            rows.append(row)
            print(json.dumps({k: round(v, 3) if isinstance(v, float) else v
                              for k, v in row.items()}))
    med = {k: statistics.median(r[k] for r in rows) for k in rows[0]}
    print("median:", json.dumps({k: round(v, 3) for k, v in med.items()}))


if __name__ == "__main__":
    main()
