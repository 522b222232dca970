"""Benchmark: demo world generation at several sizes, and how fast the demo server answers.

Generation: median wall time of ``generate_world(n)`` for each size; the per-company cost is
compared with the smallest size's (a ratio near 1 means the generator scales linearly).
Serving: pages per second through the server used as an HTTP proxy by one keep-alive httpx
client, per page kind, against ``/robots.txt`` on the same server in the same run (a constant
body: the HTTP layer's own cost), so the ratio shows what rendering a page adds. Each pass
starts from a cold render cache, as a crawl does.

    .venv/bin/python -m bench.demo_world [--sizes 1000 10000 100000] [--rounds 3]
"""

from __future__ import annotations

import argparse
import statistics
import time

import httpx

from leadpipe.demo.hosts import DIRECTORY_HOST, EXPO_HOST, TENDERS_HOST
from leadpipe.demo.server import DemoServer
from leadpipe.demo.world import SOURCE_EXPO, generate_world


def time_generation(sizes: list[int], rounds: int) -> list[tuple[int, float]]:
    out = []
    for n in sizes:
        runs = []
        for _ in range(rounds):
            start = time.perf_counter()
            generate_world(n, 7)
            runs.append(time.perf_counter() - start)
        out.append((n, statistics.median(runs)))
    return out


def time_pages(client: httpx.Client, urls: list[str], rounds: int, world) -> float:
    """Median pages/s over ``rounds`` passes of ``urls``, each from a cold render cache."""
    rates = []
    for _ in range(rounds):
        world.render_cache.clear()
        start = time.perf_counter()
        for url in urls:
            response = client.get(url)
            assert response.status_code == 200, (url, response.status_code)
        rates.append(len(urls) / (time.perf_counter() - start))
    return statistics.median(rates)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--sizes", type=int, nargs="+", default=[1000, 10000, 100000])
    parser.add_argument("--rounds", type=int, default=3)
    parser.add_argument("--pages", type=int, default=200)
    ns = parser.parse_args()

    print("| companies | median s | µs per company | per-company cost vs smallest |")
    print("|---:|---:|---:|---:|")
    results = time_generation(ns.sizes, ns.rounds)
    base = results[0][1] / results[0][0]
    for n, seconds in results:
        per = seconds / n
        print(f"| {n:,} | {seconds:.2f} | {per * 1e6:.0f} | {per / base:.2f} |")

    world = generate_world(5000, 7)
    with DemoServer(world) as server, httpx.Client(proxy=server.proxy_url) as client:
        k = ns.pages
        slugs = [r.native_id for r in world.records[SOURCE_EXPO][:k]]
        sites = [c.domain for c in world.companies if c.website_state == "ok"][:k]
        kinds = {
            "robots.txt (baseline)": [f"http://{EXPO_HOST}/robots.txt"] * k,
            "OCDS page (50 releases)": [f"http://{TENDERS_HOST}/api/releases?page={i % 100 + 1}"
                                        for i in range(k // 4)],
            "expo listing (24 cards)": [f"http://{EXPO_HOST}/exhibitors?page={i % 100 + 1}"
                                        for i in range(k)],
            "expo detail": [f"http://{EXPO_HOST}/exhibitors/{s}" for s in slugs],
            "directory page (20 cards)": [f"http://{DIRECTORY_HOST}/search?page={i % 100 + 1}"
                                          for i in range(k)],
            "company home page": [f"http://www.{d}/" for d in sites],
        }
        rates = {name: time_pages(client, urls, ns.rounds, world)
                 for name, urls in kinds.items()}
    baseline = rates["robots.txt (baseline)"]
    print()
    print("| page | pages/s (median) | vs robots.txt |")
    print("|---|---:|---:|")
    for name, rate in rates.items():
        print(f"| {name} | {rate:,.0f} | {rate / baseline:.2f} |")


if __name__ == "__main__":
    main()
