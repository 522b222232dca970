"""Benchmark: website enrichment of 10,000 local company websites (``bench.site_world``) as
``leadpipe enrich`` runs it (``enrich.stage.refresh_websites``: robots.txt, home page and the
contact, imprint, about and careers pages it links to, one request at a time per host, every
signal provider, each batch written to a real DuckDB warehouse), against a bare baseline in
the same run: the same requests with plain httpx, in as many processes and threads as the
enricher uses, nothing parsed or stored.

The sites are served from a process of their own (started afresh for every round); its CPU
time is reported apart, so the enricher's figures are the enricher's. The enricher's CPU is
this process's plus its worker processes' (this process's own share, which stores each batch
in the warehouse, is printed too). Peak memory: this process's maximum resident set,
and the largest worker process's (the site server's own is printed too, as it is a child of
this process as well).

    .venv/bin/python -m bench.enrich_websites [--sites 10000] [--rounds 2]
"""

from __future__ import annotations

import argparse
import contextlib
import json
import multiprocessing
import resource
import statistics
import subprocess
import sys
import tempfile
import time
from collections.abc import Iterator
from concurrent.futures import ThreadPoolExecutor
from datetime import datetime
from pathlib import Path
from typing import Any

import httpx

from bench.site_world import host
from enrich.site_pool import default_processes
from enrich.stage import refresh_websites
from warehouse.db import connect

UA = "leadpipe-bench"
WORKERS = 8  # the enrich stage's default threads per process
PATHS = ("/robots.txt", "/", "/contact", "/imprint", "/about", "/careers")


def _children_cpu() -> float:
    usage = resource.getrusage(resource.RUSAGE_CHILDREN)
    return usage.ru_utime + usage.ru_stime


@contextlib.contextmanager
def site_server() -> Iterator[tuple[str, dict[str, float]]]:
    """The generated sites, as a proxy on 127.0.0.1 in its own process; on exit the dict holds
    the server's CPU seconds."""
    with tempfile.TemporaryDirectory() as tmp:
        port_file = Path(tmp) / "port"
        proc = subprocess.Popen([sys.executable, "-m", "bench.site_world", str(port_file)],
                                stdin=subprocess.PIPE, stdout=subprocess.PIPE, text=True)
        cost: dict[str, float] = {}
        try:
            while not port_file.exists() or not port_file.read_text():
                time.sleep(0.05)
            yield f"http://127.0.0.1:{port_file.read_text()}", cost
        finally:
            out, _ = proc.communicate(input="", timeout=60)
            report = json.loads(out.strip().splitlines()[-1])
            cost["cpu"], cost["rss_mb"] = report["cpu_seconds"], report["max_rss_mb"]


def build_warehouse(path: Path, sites: int) -> None:
    con = connect(path)
    try:
        now = datetime.now()
        con.executemany(
            "INSERT INTO companies (company_id, name, website, updated_at) VALUES (?, ?, ?, ?)",
            [(f"c{n:05d}", f"Firm {n:05d} Ltd", f"http://{host(n)}/", now)
             for n in range(sites)])
    finally:
        con.close()


def enrich_round(path: Path, proxy: str, processes: int) -> dict[str, float]:
    con = connect(path)
    con.execute("DELETE FROM enrichment")  # every site new: all fetched
    con.close()

    @contextlib.contextmanager
    def writer() -> Iterator[Any]:
        con = connect(path)
        try:
            yield con
        finally:
            con.close()

    cpu0, wall0, kids0 = time.process_time(), time.perf_counter(), _children_cpu()
    summary = refresh_websites(writer, user_agent=UA, proxy=proxy,
                               allow_addresses=("127.0.0.1",), workers=WORKERS,
                               processes=processes)
    wall, own = time.perf_counter() - wall0, time.process_time() - cpu0
    cpu = own + _children_cpu() - kids0  # the workers (the site server is not yet waited)
    con = connect(path)
    facts, hiring = con.execute(
        "SELECT sum(len(website_facts)), count(*) FILTER (WHERE website_growth) "
        "FROM enrichment").fetchone()
    con.close()
    return {"sites": summary.websites_fetched, "ok": summary.websites_ok, "wall": wall,
            "cpu": cpu, "own_cpu": own, "facts": facts, "hiring": hiring}


def _bare_share(sites: list[int], proxy: str) -> int:
    """One process's share of the bare fetch: plain httpx, ``WORKERS`` threads."""
    with httpx.Client(proxy=proxy, headers={"User-Agent": UA},
                      limits=httpx.Limits(max_connections=WORKERS * 2,
                                          max_keepalive_connections=WORKERS)) as client:
        def get(url: str) -> int:
            try:
                return len(client.get(url).content)
            except httpx.TransportError:  # once more: a figure must count every page
                return len(client.get(url).content)

        def one(n: int) -> int:
            return sum(get(f"http://{host(n)}{p}") for p in PATHS)

        with ThreadPoolExecutor(WORKERS) as pool:
            return sum(pool.map(one, sites))


def bare_round(sites: int, proxy: str, processes: int) -> dict[str, float]:
    """The same pages fetched with plain httpx, nothing parsed, checked or stored, in as many
    processes as the enricher uses."""
    cpu0, wall0, kids0 = time.process_time(), time.perf_counter(), _children_cpu()
    if processes <= 1:
        _bare_share(list(range(sites)), proxy)
    else:
        context = multiprocessing.get_context("spawn")
        workers = [context.Process(target=_bare_share,
                                   args=(list(range(i, sites, processes)), proxy))
                   for i in range(processes)]
        for worker in workers:
            worker.start()
        for worker in workers:
            worker.join()
        failed = [w.exitcode for w in workers if w.exitcode != 0]
        if failed:  # a share not fetched would flatter the baseline
            raise SystemExit(f"bare fetch: {len(failed)} worker process(es) failed "
                             f"(exit codes {failed}); no figure")
    wall, cpu = time.perf_counter() - wall0, time.process_time() - cpu0
    return {"sites": sites, "wall": wall, "cpu": cpu + _children_cpu() - kids0}


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--sites", type=int, default=10_000)
    parser.add_argument("--rounds", type=int, default=2)
    parser.add_argument("--processes", type=int, default=default_processes(),
                        help="worker processes (default: one per core, as leadpipe enrich)")
    ns = parser.parse_args()
    print(f"{ns.sites} sites, {ns.processes} process(es) x {WORKERS} threads")
    print("load average:", Path("/proc/loadavg").read_text().split()[:3])
    rows = []
    with tempfile.TemporaryDirectory() as tmp:
        warehouse = Path(tmp) / "warehouse.duckdb"
        build_warehouse(warehouse, ns.sites)
        for i in range(ns.rounds):
            with site_server() as (proxy, bare_cost):
                bare = bare_round(ns.sites, proxy, ns.processes)
            with site_server() as (proxy, enrich_cost):
                got = enrich_round(warehouse, proxy, ns.processes)
            row = {
                "enrich_sites_per_s": got["sites"] / got["wall"],
                "enrich_cpu_ms_per_site": 1000 * got["cpu"] / got["sites"],
                "enrich_own_cpu_ms_per_site": 1000 * got["own_cpu"] / got["sites"],
                "enrich_server_cpu_s": enrich_cost["cpu"],
                "server_rss_mb": enrich_cost["rss_mb"],
                "enrich_ok": got["ok"], "facts": got["facts"], "hiring": got["hiring"],
                "bare_sites_per_s": bare["sites"] / bare["wall"],
                "bare_cpu_ms_per_site": 1000 * bare["cpu"] / bare["sites"],
                "bare_server_cpu_s": bare_cost["cpu"],
                "enrich_wall_s": got["wall"], "bare_wall_s": bare["wall"],
            }
            rows.append(row)
            print(f"round {i + 1}:", json.dumps({k: round(v, 2) for k, v in row.items()}),
                  flush=True)
    med = {k: statistics.median(r[k] for r in rows) for k in rows[0]}
    print("median:", json.dumps({k: round(v, 2) for k, v in med.items()}))
    peak_mb = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024
    child_mb = resource.getrusage(resource.RUSAGE_CHILDREN).ru_maxrss / 1024
    print(f"peak memory (maximum resident set): enricher process {peak_mb:.0f} MB; largest "
          f"child process {child_mb:.0f} MB (a worker, or the site server, whose own peak "
          f"was {max(r['server_rss_mb'] for r in rows):.0f} MB)")
    print("load average:", Path("/proc/loadavg").read_text().split()[:3])


if __name__ == "__main__":
    main()
