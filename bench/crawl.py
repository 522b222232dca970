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
# The demo server (the proxy) is on 127.0.0.1, allowed through the outbound-fetch policy.
SETTINGS = {"AUTOTHROTTLE_ENABLED": False, "CONCURRENT_REQUESTS_PER_DOMAIN": 8,
            "LOG_LEVEL": "WARNING", "LOGSTATS_INTERVAL": 0,
            "LEADPIPE_ALLOW_ADDRESSES": ["127.0.0.1"]}


def children_cpu() -> float:
    usage = resource.getrusage(resource.RUSAGE_CHILDREN)
    return usage.ru_utime + usage.ru_stime


def generic_crawl(source: str, proxy: str, landing: Path, run_id: str
                  ) -> tuple[int, int, float, float]:
    """(pages, items, wall s, cpu s) for the generic spider of one demo source."""
    cpu0, wall0 = children_cpu(), time.perf_counter()
    report = run_crawl(source, run_id=run_id, landing_dir=landing, settings=SETTINGS,
                       proxy=proxy, timeout=1800)
    wall, cpu = time.perf_counter() - wall0, children_cpu() - cpu0
    if not report.ok:
        raise SystemExit(f"{source} failed: {report.errors}")
    return int(report.stats.get("response_received_count", 0)), report.items, wall, cpu


def bare_crawl(source: str, proxy: str) -> tuple[int, float, float]:
    """(pages, wall s, cpu s) for the link-following baseline on the same host."""
    starts = load_definition(sources_dir() / f"{source}.yaml").start_urls
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
    parser.add_argument("--companies", type=int, default=17000,
                        help="17,000 companies give about 10,000 pages in the two sources")
    parser.add_argument("--seed", type=int, default=7)
    parser.add_argument("--rounds", type=int, default=3)
    ns = parser.parse_args()
    t0 = time.perf_counter()
    world = generate_world(companies=ns.companies, seed=ns.seed)
    print(f"world: {ns.companies} companies in {time.perf_counter() - t0:.1f}s")
    rows: list[dict[str, float]] = []
    with DemoServer(world) as server, tempfile.TemporaryDirectory() as tmp:
        for i in range(ns.rounds):
            total = dict.fromkeys(("g_pages", "items", "g_wall", "g_cpu", "b_pages", "b_wall",
                                   "b_cpu"), 0.0)
            for source in SOURCES:
                g_pages, items, g_wall, g_cpu = generic_crawl(source, server.proxy_url,
                                                              Path(tmp), f"b{i}")
                b_pages, b_wall, b_cpu = bare_crawl(source, server.proxy_url)
                print(f"  round {i + 1} {source}: generic {g_pages} pages {g_pages / g_wall:.1f}"
                      f" p/s {1000 * g_cpu / g_pages:.2f} ms cpu/page | bare {b_pages} pages "
                      f"{b_pages / b_wall:.1f} p/s {1000 * b_cpu / b_pages:.2f} ms cpu/page")
                for key, value in (("g_pages", g_pages), ("items", items), ("g_wall", g_wall),
                                   ("g_cpu", g_cpu), ("b_pages", b_pages), ("b_wall", b_wall),
                                   ("b_cpu", b_cpu)):
                    total[key] += value
            row = {
                "generic_pages": total["g_pages"], "items": total["items"],
                "generic_pps": total["g_pages"] / total["g_wall"],
                "generic_cpu_ms": 1000 * total["g_cpu"] / total["g_pages"],
                "bare_pages": total["b_pages"], "bare_pps": total["b_pages"] / total["b_wall"],
                "bare_cpu_ms": 1000 * total["b_cpu"] / total["b_pages"],
            }
            row["ratio_pps"] = row["generic_pps"] / row["bare_pps"]
            row["ratio_cpu"] = row["bare_cpu_ms"] / row["generic_cpu_ms"]
            rows.append(row)
            print(json.dumps({k: round(v, 3) for k, v in row.items()}))
    med = {k: statistics.median(r[k] for r in rows) for k in rows[0]}
    print("median:", json.dumps({k: round(v, 3) for k, v in med.items()}))


if __name__ == "__main__":
    main()
