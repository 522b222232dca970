"""Benchmark: the CPU cost of *reading* a fetched company website, with no HTTP at all.

``bench.enrich_websites`` measures the whole enrichment (fetch, read, store) against a site
server on the same two cores, so on a shared machine its CPU figures move with the load. This
one takes the same generated sites (``bench.site_world``), picks the pages the fetch would
fetch (the home page and the pages it links to: ``enrich.pages.links``), and times only what a
worker does with them once fetched: parse and read the pages (``enrich.website.read_site``),
every signal provider and the site fingerprint (``enrich.site_pool.read_fetched``), in one
thread. The pages are built before the clock starts.

    .venv/bin/python -m bench.read_websites [--sites 1000] [--repeats 5]
"""

from __future__ import annotations

import argparse
import statistics
import time
from pathlib import Path
from urllib.parse import urlsplit

import lxml.html

from bench.site_world import host, pages
from enrich import signals
from enrich.pages.links import linked_pages
from enrich.site_pool import read_fetched
from enrich.website import read_site


def fetched_pages(n: int) -> tuple[dict[str, str], dict[str, str]]:
    """Site ``n``'s pages as the fetch keeps them ({url: html}) and what each page is."""
    home = f"http://{host(n)}/"
    raw = pages(n)
    html = {home: raw["/"].decode()}
    kinds = {home: "home"}
    for kind, url in linked_pages(home, lxml.html.document_fromstring(html[home])):
        path = urlsplit(url).path
        if path in raw:
            html[url], kinds[url] = raw[path].decode(), kind
    return html, kinds


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--sites", type=int, default=1000)
    parser.add_argument("--repeats", type=int, default=5)
    ns = parser.parse_args()
    sites = [fetched_pages(n) for n in range(ns.sites)]
    providers = signals.registered()

    def read_all() -> int:
        return sum(read_fetched(read_site(html, kinds=kinds), providers).status == "ok"
                   for html, kinds in sites)

    read_all()  # first use builds the phrase tables and compiles the patterns
    print("load average:", Path("/proc/loadavg").read_text().split()[:3])
    runs = []
    for _ in range(ns.repeats):
        start = time.process_time()
        ok = read_all()
        runs.append(1000 * (time.process_time() - start) / ns.sites)
    print(f"{ns.sites} sites ({ok} read ok), {ns.repeats} repeats: CPU ms per site "
          f"min {min(runs):.2f}, median {statistics.median(runs):.2f}")
    print("load average:", Path("/proc/loadavg").read_text().split()[:3])


if __name__ == "__main__":
    main()
