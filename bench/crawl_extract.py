"""Benchmark: extraction alone (page objects on saved pages, no network, no Scrapy).

For each real source page: pages/s and CPU ms per page of ``page.records()``, against the
bare parse of the same bytes (lxml via parsel for HTML, ``json.loads``, ``csv``) measured in
the same run; medians over several rounds.

    .venv/bin/python -m bench.crawl_extract [--rounds 7]
"""

from __future__ import annotations

import argparse
import csv
import io
import json
import statistics
import time
from collections.abc import Callable
from pathlib import Path

from parsel import Selector

from spiders.definitions import load_definition, sources_dir
from spiders.pages import page_for

WEB = Path(__file__).resolve().parent.parent / "tests" / "fixtures" / "web"
PAGES = {
    "yellowpages_au": "yellowpages_au/search_listings_plumber_cairns_p1.html",
    "localsearch_au": "localsearch_au/find_plumber_bungalow-qld_p1.html",
    "hostingcon_2012": "hostingcon_2012/exhibitors.html",
    "hannover_messe": "hannover_messe/exhibitor_search_export_2026.csv",
    "gitex_africa_2026": "gitex_africa_2026/exhibitors_derived_from_listing.json",
    "dsei_2023": "caat_arms_fairs/dsei-2023.json",
}


def timed(fn: Callable[[], object], min_seconds: float = 0.5) -> tuple[float, float]:
    """(wall seconds per call, CPU seconds per call) over at least ``min_seconds``."""
    calls, wall0, cpu0 = 0, time.perf_counter(), time.process_time()
    while True:
        fn()
        calls += 1
        wall = time.perf_counter() - wall0
        if wall >= min_seconds:
            return wall / calls, (time.process_time() - cpu0) / calls


def bare_parse(kind: str, url: str, body: bytes, encoding: str) -> Callable[[], object]:
    if kind == "html":
        return lambda: Selector(text=body.decode("utf-8", "replace"), base_url=url).root
    if kind == "api":
        return lambda: json.loads(body)
    return lambda: list(csv.reader(io.StringIO(body.decode(encoding), newline=""),
                                   delimiter=";"))


def demo_pages() -> list[tuple[str, str, str, bytes, bool]]:
    """(label, source, url, body, is_detail) for demo-world pages (rendered, not fetched)."""
    from leadpipe.demo.server import respond
    from leadpipe.demo.world import generate_world

    world = generate_world(companies=600, seed=7)
    expo, directory = "expo.demo.leadpipe.test", "directory.demo.leadpipe.test"
    slug = world.records["demo_expo"][0].native_id
    pages = [("demo_expo listing", "demo_expo", expo, "/exhibitors?page=2", False),
             ("demo_expo detail", "demo_expo", expo, f"/exhibitors/{slug}", True),
             ("demo_directory", "demo_directory", directory, "/search?page=2", False)]
    return [(label, source, f"http://{host}{path}", respond(world, host, path)[2], detail)
            for label, source, host, path, detail in pages]


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--rounds", type=int, default=7)
    ns = parser.parse_args()
    print(f"{'page':18} {'bytes':>9} {'items':>6} {'pages/s':>8} {'cpu ms/page':>11} "
          f"{'parse-only ms':>13} {'extract/parse':>13}")
    cases = [(source, source, None, (WEB / rel).read_bytes(), False)
             for source, rel in PAGES.items()] + demo_pages()
    for label, source, page_url, body, detail in cases:
        definition = load_definition(sources_dir() / f"{source}.yaml")
        url = page_url or definition.start_urls[0]
        spec = definition.extraction
        if detail:
            items = 1 if page_for(spec, url, body, detail=True).record() else 0
        else:
            items = len(page_for(spec, url, body).records())
        extract_runs, parse_runs = [], []
        for _ in range(ns.rounds):
            if detail:
                extract_runs.append(timed(
                    lambda s=spec, u=url, b=body: page_for(s, u, b, detail=True).record()))
            else:
                extract_runs.append(timed(
                    lambda s=spec, u=url, b=body: page_for(s, u, b).records()))
            parse_runs.append(timed(bare_parse(definition.kind, url, body,
                                               spec.export.encoding)))
        wall = statistics.median(r[0] for r in extract_runs)
        cpu = statistics.median(r[1] for r in extract_runs)
        parse_cpu = statistics.median(r[1] for r in parse_runs)
        print(f"{label:18} {len(body):9d} {items:6d} {1 / wall:8.1f} {cpu * 1000:11.2f} "
              f"{parse_cpu * 1000:13.2f} {cpu / parse_cpu:13.2f}")


if __name__ == "__main__":
    main()
