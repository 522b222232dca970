"""Many company websites fetched and read at once: threads in this process, or, for a long
list, worker processes each with its own HTTP client and threads (a site's parsing and signal
reading is Python CPU work, so one process uses one core however many threads it runs).

The limits hold however the work is spread:

- **One request at a time per host.** The websites of one host (``www.`` aside) are one unit of
  work, fetched one after another by one thread of one process; within a site ``fetch_site``
  asks for one page at a time and waits what robots.txt's Crawl-delay asks.
- **Every other bound** (deadlines, size cap, redirects, retries, robots.txt, the
  outbound-fetch policy after DNS and on every redirect) is ``fetch_site``'s and the client's
  (``enrich.website.http_client``); each worker process builds the same client.

A worker process reads each site where it fetched it and sends back plain data (``ReadSite``:
the status, every provider's values and the site's fingerprint), never pages or parsed trees.
"""

from __future__ import annotations

import multiprocessing
import os
import queue
import time
from collections.abc import Callable, Iterator, Sequence
from concurrent.futures import ThreadPoolExecutor, as_completed
from dataclasses import dataclass, field
from typing import Any, TypeVar
from urllib.parse import urlsplit

from enrich import signals
from enrich.busy_limit import BusyLimit
from enrich.fetch import FetchLimits
from enrich.monitor.fingerprint import SiteFingerprint, fingerprint
from enrich.signals import Provider
from enrich.website import DEFAULT_LIMITS, SiteSignals, fetch_site, http_client, site_url

T = TypeVar("T")

# Below this many websites one process does it all: starting a worker (a fresh interpreter
# importing the enrich stage) costs about a second of CPU.
PROCESS_MIN_SITES = 400
SEND_SITES = 20  # a worker hands its results over every this many sites ...
SEND_SECONDS = 0.5  # ... or after this long, whichever comes first
_POLL_SECONDS = 1.0  # how often the parent checks that its workers are still alive


@dataclass(frozen=True)
class ReadSite:
    """One fetched site as the enrich stage stores it: how the fetch went, every provider's
    values (``enrich/signals/``) and the site's fingerprint (``enrich.monitor``)."""

    status: str
    values: dict[str, Any] = field(default_factory=dict)
    fingerprint: SiteFingerprint | None = None


def read_fetched(site: SiteSignals, providers: Sequence[Provider]) -> ReadSite:
    """What the warehouse keeps of a fetched site (the pages themselves are not kept)."""
    values: dict[str, Any] = {}
    for provider in providers:
        values.update(provider.values(site))
    return ReadSite(site.status, values, fingerprint(site))


def host_key(website: str) -> str:
    """The host a website is served from (``www.`` aside): sites that share it are fetched one
    after another, never at once."""
    try:
        host = urlsplit(site_url(website)).hostname
    except ValueError:  # a website httpx cannot read either; it fails on its own
        host = None
    return (host or website).lower().removeprefix("www.")


def host_groups(websites: Sequence[str]) -> list[list[str]]:
    """The websites grouped by host, groups and their members in the order given."""
    groups: dict[str, list[str]] = {}
    for website in websites:
        groups.setdefault(host_key(website), []).append(website)
    return list(groups.values())


@dataclass(frozen=True)
class FetchOptions:
    """How every worker fetches (plain data: it is handed to worker processes)."""

    user_agent: str
    proxy: str | None = None
    allow_addresses: tuple[str, ...] = ()
    limits: FetchLimits = DEFAULT_LIMITS
    workers: int = 8  # threads per process


def read_here(
    websites: Sequence[str], options: FetchOptions, read: Callable[[SiteSignals], T]
) -> Iterator[tuple[str, T]]:
    """(website, ``read`` of its fetched site) as each host's sites are done, fetched by up
    to ``options.workers`` threads of this process over one client: as many at once as keep
    the process busy (``enrich.busy_limit``)."""
    if not websites:
        return
    with http_client(options.user_agent, proxy=options.proxy, workers=options.workers,
                     limits=options.limits, allow_addresses=options.allow_addresses) as client:

        gate = BusyLimit(options.workers)

        def one(group: list[str]) -> list[tuple[str, T]]:
            done = []
            for site in group:
                with gate:
                    done.append((site, read(fetch_site(client, site, options.user_agent,
                                                       limits=options.limits))))
            return done

        with ThreadPoolExecutor(max_workers=options.workers) as pool:
            futures = [pool.submit(one, group) for group in host_groups(websites)]
            try:
                for future in as_completed(futures):
                    yield from future.result()
            finally:  # stopped early (an error, a kill): start nothing more
                for future in futures:
                    future.cancel()


def default_processes() -> int:
    """One worker process per core this process may run on."""
    try:
        return max(1, len(os.sched_getaffinity(0)))
    except AttributeError:  # not on Linux
        return max(1, os.cpu_count() or 1)


def read_websites(
    websites: Sequence[str], options: FetchOptions, providers: Sequence[Provider],
    processes: int | None = None,
) -> Iterator[tuple[str, ReadSite]]:
    """(website, ``ReadSite``) for every website, as each is done, read by ``processes``
    worker processes; by default one per core for ``PROCESS_MIN_SITES`` websites or more, else
    none. With none, or providers other than the registered ones (a worker process finds
    those itself), threads of this process do it all."""
    if processes is None:
        processes = default_processes() if len(websites) >= PROCESS_MIN_SITES else 1
    if processes <= 1 or tuple(providers) != signals.registered():
        yield from read_here(websites, options, lambda site: read_fetched(site, providers))
        return
    yield from _read_in_processes(websites, options, processes)


def _worker(index: int, websites: list[str], options: FetchOptions, results: Any) -> None:
    """One worker process: fetch and read its share, hand results over in small lots."""
    parent = os.getppid()
    try:
        providers = signals.registered()
        lot: list[tuple[str, ReadSite]] = []
        sent = time.monotonic()
        for item in read_here(websites, options, lambda site: read_fetched(site, providers)):
            lot.append(item)
            if len(lot) >= SEND_SITES or time.monotonic() - sent >= SEND_SECONDS:
                results.put(("sites", lot))
                lot, sent = [], time.monotonic()
            if os.getppid() != parent:  # the enrich run is gone: stop fetching
                return
        results.put(("sites", lot))
        results.put(("done", index))
    except BaseException as exc:  # noqa: BLE001 - reported to the parent, which raises it
        results.put(("error", f"{type(exc).__name__}: {exc}"))


def _read_in_processes(
    websites: Sequence[str], options: FetchOptions, processes: int
) -> Iterator[tuple[str, ReadSite]]:
    groups = host_groups(websites)
    shares = [share for i in range(processes)
              if (share := [site for group in groups[i::processes] for site in group])]
    context = multiprocessing.get_context("spawn")  # no fork of a process with threads
    results = context.Queue()
    workers = [context.Process(target=_worker, args=(i, share, options, results), daemon=True,
                               name=f"leadpipe-websites-{i}")
               for i, share in enumerate(shares)]
    for worker in workers:
        worker.start()
    done: set[int] = set()
    try:
        while len(done) < len(workers):
            try:
                kind, payload = results.get(timeout=_POLL_SECONDS)
            except queue.Empty:
                lost = [w for i, w in enumerate(workers)
                        if i not in done and w.exitcode is not None]
                if lost:
                    raise RuntimeError(f"website worker {lost[0].name} ended without "
                                       f"finishing (exit code {lost[0].exitcode})") from None
                continue
            if kind == "sites":
                yield from payload
            elif kind == "done":
                done.add(payload)
            else:
                raise RuntimeError(f"website worker failed: {payload}")
    finally:
        for worker in workers:
            if worker.is_alive() and worker.pid is not None:
                worker.terminate()
        for worker in workers:
            worker.join(timeout=10)
        results.close()
