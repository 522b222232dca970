"""Every fault kind of the fault-injection server (``tests/faultserver.py``) against both
fetchers: the website enricher (``enrich.website.fetch_site``) and a YAML spider (a crawl of
the demo directory's definition, one start URL per faulty site, in one Scrapy subprocess).

Each test asserts what the fetcher now does with one fault; ``-s`` prints the table of
RELIABILITY.md ("Faults injected") at the end:

    .venv/bin/python -m pytest tests/test_faults.py -q -s
"""

from __future__ import annotations

import json
import re
import time
from concurrent.futures import ThreadPoolExecutor
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import pytest
from faultserver import CHARSET_NAME, FAULTS, PRIVATE_TARGETS, FaultServer

from enrich.fetch import FetchLimits
from enrich.website import TEMPORARY, fetch_site, http_client
from spiders.crawl import CrawlReport, run_crawl
from spiders.registry import SOURCES_DIR

UA = "leadpipe-test"
LOCAL = ["127.0.0.1"]
# Enrichment's bounds, shortened for the test (the defaults: enrich.fetch.FetchLimits).
LIMITS = FetchLimits(fetch_seconds=2.0, site_seconds=4.0, retries=2, backoff_seconds=0.2,
                     max_wait=5.0, max_bytes=2_000_000)
# The crawl's bounds, shortened the same way (the defaults: spiders/settings.py).
CRAWL = {"AUTOTHROTTLE_ENABLED": False, "RETRY_TIMES": 2, "LEADPIPE_BACKOFF_BASE": 0.2,
         "LEADPIPE_BACKOFF_JITTER": 0.0, "LEADPIPE_RETRY_DELAY_MAX": 5.0, "DOWNLOAD_TIMEOUT": 4,
         "CONCURRENT_REQUESTS": 32}
HOSTS = [h for h in FAULTS if h != "hang.test"]  # hang.test is for the kill tests
ROWS: dict[str, dict[str, str]] = {}  # host -> {"enrich": ..., "crawl": ...}


@dataclass
class Fetched:
    status: str
    seconds: float
    text: str
    pages: int


@dataclass
class Crawled:
    report: CrawlReport
    items: list[dict[str, Any]]
    seconds: float
    again: CrawlReport  # a second crawl of robotschange.test, after its robots.txt changed


@pytest.fixture(scope="module")
def server():
    with FaultServer() as srv:
        yield srv
    if ROWS:
        print("\n\n| fault injected | website enrichment | YAML spider crawl |\n|---|---|---|")
        for host in HOSTS:
            row = ROWS.get(host, {})
            print(f"| {FAULTS[host]} | {row.get('enrich', '')} | {row.get('crawl', '')} |")


@pytest.fixture(scope="module")
def enriched(server) -> dict[str, Fetched]:
    """Every faulty site fetched once by the enricher, eight at a time."""

    def fetch(host: str) -> Fetched:
        with http_client(UA, proxy=server.proxy, limits=LIMITS, allow_addresses=LOCAL) as client:
            start = time.monotonic()
            site = fetch_site(client, f"http://{host}/", UA, limits=LIMITS)
            return Fetched(site.status, time.monotonic() - start, site.text, len(site.pages))

    with ThreadPoolExecutor(8) as pool:
        return dict(zip(HOSTS, pool.map(fetch, HOSTS), strict=True))


def _definition(tmp: Path) -> Path:
    """The demo directory's definition with next-link and numbered pagination, at most 3
    pages per start URL, and no minimum item count."""
    text = (SOURCES_DIR / "demo_directory.yaml").read_text(encoding="utf-8")
    text = re.sub(r"pagination:\n(  .*\n)+",
                  'pagination:\n  next: {css: "nav.pagination a[rel=next]::attr(href)"}\n'
                  '  pages: {css: "nav.pagination a.page::attr(href)"}\n  max_pages: 3\n', text)
    text = re.sub(r"count:\n(  .*\n)+", "count:\n  min: 1\n", text)
    path = tmp / "demo_directory.yaml"
    path.write_text(text, encoding="utf-8")
    return path


@pytest.fixture(scope="module")
def crawled(server, enriched, tmp_path_factory) -> Crawled:
    """One crawl with every faulty site as a start URL (after the enricher's fetches, whose
    requests are then forgotten), and a second crawl of robotschange.test."""
    server.reset_log()
    tmp = tmp_path_factory.mktemp("faults")
    definition = _definition(tmp)

    def crawl(run_id: str, hosts: list[str]) -> CrawlReport:
        urls = ",".join(f"http://{h}/search?page=1" for h in hosts)
        return run_crawl("demo_directory", run_id=run_id, landing_dir=tmp / "landing",
                         spider_args={"definition_path": str(definition), "start_url": urls},
                         settings=CRAWL, proxy=server.proxy, allow_addresses=LOCAL,
                         timeout=120)

    start = time.monotonic()
    report = crawl("r1", HOSTS)
    seconds = time.monotonic() - start
    lines = report.landing_file.read_text(encoding="utf-8").splitlines()
    return Crawled(report, [json.loads(line) for line in lines], seconds,
                   crawl("r2", ["robotschange.test"]))


def _items(crawled: Crawled, host: str) -> list[dict[str, Any]]:
    return [i for i in crawled.items if i["url"].split("/")[2] == host]


def _errors(crawled: Crawled, host: str) -> list[str]:
    return [e for e in crawled.report.errors if f"//{host}/" in e]


def _gaps(times: list[float]) -> list[float]:
    return [round(b - a, 2) for a, b in zip(times, times[1:], strict=False)]


def _row(host: str, column: str, text: str) -> None:
    ROWS.setdefault(host, {})[column] = text


# --- the enricher ---------------------------------------------------------------------------


def test_enrich_reads_a_healthy_site_and_a_gzip_one(enriched, server):
    for host in ("ok.test", "gzipok.test", "badcharset.test"):
        assert enriched[host].status == "ok" and "sales@example.org" in enriched[host].text
    _row("ok.test", "enrich", "`ok`, home and contact page read")
    _row("gzipok.test", "enrich", "`ok`")
    assert CHARSET_NAME in enriched["badcharset.test"].text
    _row("badcharset.test", "enrich", "read as UTF-8, `ok`, the name intact")


@pytest.mark.parametrize("host,retried", [("burst.test", 2), ("ratelimited.test", 1),
                                          ("ratelimited-bare.test", 1), ("reset.test", 1)])
def test_enrich_retries_a_transient_failure_and_keeps_the_whole_page(enriched, server, host,
                                                                     retried):
    site = enriched[host]
    homes = server.times(host, "/")
    gaps = _gaps(homes)
    assert site.status == "ok" and site.pages == 2 and "sales@example.org" in site.text
    assert len(homes) == retried + 1
    floor = {"ratelimited.test": [0.95]}.get(host, [0.19, 0.39][:retried])
    assert all(g >= f for g, f in zip(gaps, floor, strict=True)), gaps
    _row(host, "enrich", f"retried {retried}× ({', '.join(f'{g}s' for g in gaps)} apart), `ok`")


def test_enrich_gives_up_on_a_site_that_stays_down_as_temporary(enriched, server):
    site = enriched["down.test"]
    assert site.status == TEMPORARY and len(server.times("down.test", "/")) == 3
    _row("down.test", "enrich", f"3 attempts, `{TEMPORARY}` (fetched again in an hour)")
    site = enriched["waitlong.test"]
    assert site.status == TEMPORARY and server.paths("waitlong.test") == ["/robots.txt", "/"]
    _row("waitlong.test", "enrich", f"not waited, not retried, `{TEMPORARY}` at once")


@pytest.mark.parametrize("host", ["slowloris.test", "slowheaders.test", "timeout.test"])
def test_enrich_ends_a_slow_site_by_its_deadline(enriched, host):
    site = enriched[host]
    assert site.status == TEMPORARY
    assert site.seconds < LIMITS.site_seconds + 1.0
    _row(host, "enrich", f"given up after {site.seconds:.1f}s (site deadline "
                         f"{LIMITS.site_seconds:.0f}s), `{TEMPORARY}`")


def test_enrich_never_keeps_a_truncated_gzip_page(enriched, server):
    site = enriched["gzipcut.test"]
    assert site.status == TEMPORARY and site.text == ""
    attempts = len(server.times("gzipcut.test", "/"))
    assert attempts == LIMITS.retries + 1
    _row("gzipcut.test", "enrich", f"the cut stream is an incomplete body: {attempts} attempts, "
                                   f"`{TEMPORARY}`, nothing of it kept")


@pytest.mark.parametrize("host", ["bomb.test", "huge.test"])
def test_enrich_reads_a_huge_page_or_bomb_only_to_the_cap(enriched, host):
    site = enriched[host]
    assert site.status == "ok" and site.seconds < 4
    _row(host, "enrich", f"read to the {LIMITS.max_bytes // 1_000_000} MB cap "
                         f"(decompressed) and kept truncated, {site.seconds:.1f}s")


def test_enrich_reads_a_page_whose_charset_label_is_wrong(enriched):
    site = enriched["charset.test"]
    assert site.status == "ok" and CHARSET_NAME in site.text and "\ufffd" not in site.text
    _row("charset.test", "enrich", "not UTF-8: read as cp1252, the name intact")


def test_enrich_stops_a_redirect_loop(enriched, server):
    hops = [p for p in server.paths("loop.test") if p != "/robots.txt"]
    assert enriched["loop.test"].status == "unreachable" and len(hops) <= 6
    _row("loop.test", "enrich", f"stopped after {len(hops) - 1} redirects, `unreachable`")


@pytest.mark.parametrize("host", sorted(PRIVATE_TARGETS))
def test_enrich_refuses_a_redirect_into_private_space(enriched, server, host):
    assert enriched[host].status == "refused"
    target = PRIVATE_TARGETS[host].split("/")[2]
    assert target not in server.log  # never sent on, not even to the proxy
    _row(host, "enrich", "the hop is refused before any connection, `refused`")


def test_enrich_reads_one_of_endless_contact_pages(enriched, server):
    paths = server.paths("endless.test")
    assert enriched["endless.test"].status == "ok"
    assert paths == ["/robots.txt", "/", "/contact/1"]  # at most one page of each kind
    _row("endless.test", "enrich", "home page and 1 of its 1,000 contact links")


def test_enrich_follows_robots_txt_as_it_is_now(enriched, server):
    assert enriched["robotschange.test"].status == "ok"
    with http_client(UA, proxy=server.proxy, limits=LIMITS, allow_addresses=LOCAL) as client:
        again = fetch_site(client, "http://robotschange.test/", UA, limits=LIMITS)
    assert again.status == "blocked"
    _row("robotschange.test", "enrich", "first fetch `ok`; the next fetch reads the new "
                                        "robots.txt: `blocked`, nothing else requested")


def test_enrich_robots_5xx_and_crawl_delay(enriched, server):
    assert enriched["robots5xx.test"].status == TEMPORARY
    assert set(server.paths("robots5xx.test")) == {"/robots.txt"}
    _row("robots5xx.test", "enrich", f"nothing else requested (disallow for now), `{TEMPORARY}`")
    site = enriched["crawldelay.test"]
    gaps = _gaps(server.times("crawldelay.test", "/") + server.times("crawldelay.test",
                                                                     "/contact"))
    assert site.status == "ok" and gaps[0] >= 0.95
    _row("crawldelay.test", "enrich", f"home and contact page {gaps[0]}s apart, `ok`")


# --- the YAML spider ----------------------------------------------------------------------


def test_crawl_reads_a_healthy_site_and_a_gzip_one(crawled):
    for host in ("ok.test", "gzipok.test", "badcharset.test", "timeout.test"):
        assert len(_items(crawled, host)) == 1 and not _errors(crawled, host), host
    assert _items(crawled, "badcharset.test")[0]["fields"]["name"] == CHARSET_NAME
    _row("ok.test", "crawl", f"1 item (the whole crawl of {len(HOSTS)} sites: "
                             f"{crawled.seconds:.0f}s)")
    _row("gzipok.test", "crawl", "1 item")
    _row("badcharset.test", "crawl", "read as UTF-8, 1 item, the name intact")
    _row("timeout.test", "crawl", "1 item (inside the 4 s download timeout)")


@pytest.mark.parametrize("host,retried", [("burst.test", 2), ("ratelimited.test", 1),
                                          ("ratelimited-bare.test", 1), ("reset.test", 1)])
def test_crawl_retries_a_transient_failure_politely(crawled, server, host, retried):
    times = server.times(host, "/search?page=1")
    gaps = _gaps(times)
    assert len(_items(crawled, host)) == 1 and not _errors(crawled, host)
    assert len(times) == retried + 1
    floor = {"ratelimited.test": [0.95]}.get(host, [0.19, 0.39][:retried])
    assert all(g >= f for g, f in zip(gaps, floor, strict=True)), gaps
    _row(host, "crawl", f"retried {retried}× ({', '.join(f'{g}s' for g in gaps)} apart), "
                        "1 item")


def test_crawl_reports_a_site_that_stays_down(crawled, server):
    assert not _items(crawled, "down.test")
    assert _errors(crawled, "down.test") and "(HTTP 503) after 2 retries" in \
        _errors(crawled, "down.test")[0]
    _row("down.test", "crawl", "3 attempts, 0 items, the error in the crawl report")
    errors = _errors(crawled, "waitlong.test")
    assert server.paths("waitlong.test") == ["/robots.txt", "/search?page=1"]
    assert errors and "HTTP 429" in errors[0] and "86400" in errors[0], errors
    _row("waitlong.test", "crawl", "not retried before the time asked; the error says how long")


@pytest.mark.parametrize("host", ["slowloris.test", "slowheaders.test"])
def test_crawl_ends_a_slow_site_by_the_download_timeout(crawled, host):
    errors = _errors(crawled, host)
    assert not _items(crawled, host) and errors and "timed out" in errors[0]
    _row(host, "crawl", "cut at the 4 s download timeout, 3 attempts, 0 items, reported")


@pytest.mark.parametrize("host", ["bomb.test", "huge.test"])
def test_crawl_refuses_a_huge_page_or_bomb_and_says_so(crawled, host):
    errors = _errors(crawled, host)
    assert not _items(crawled, host) and errors and "max size" in errors[0], errors
    _row(host, "crawl", "refused at `DOWNLOAD_MAXSIZE` (32 MiB, decompressed), 0 items, "
                        "reported")


def test_crawl_never_lands_a_truncated_gzip_page(crawled):
    errors = _errors(crawled, "gzipcut.test")
    assert not _items(crawled, "gzipcut.test") and errors and "gzip" in errors[0], errors
    _row("gzipcut.test", "crawl", "an incomplete body: 0 items, reported")


def test_crawl_reads_a_page_whose_charset_label_is_wrong(crawled):
    (item,) = _items(crawled, "charset.test")
    assert item["fields"]["name"] == CHARSET_NAME
    _row("charset.test", "crawl", "not UTF-8: read as cp1252, the name intact")


def test_crawl_stops_a_redirect_loop_and_says_so(crawled, server):
    hops = [p for p in server.paths("loop.test") if p != "/robots.txt"]
    errors = _errors(crawled, "loop.test")
    assert not _items(crawled, "loop.test") and len(hops) <= 21
    assert errors and "redirect" in errors[0], errors
    _row("loop.test", "crawl", f"stopped after {len(hops) - 1} redirects, 0 items, reported")


@pytest.mark.parametrize("host", sorted(PRIVATE_TARGETS))
def test_crawl_refuses_a_redirect_into_private_space(crawled, server, host):
    target = PRIVATE_TARGETS[host].split("/")[2]
    assert not _items(crawled, host) and target not in server.log
    assert crawled.report.stats.get("leadpipe/refused_private", 0) >= len(PRIVATE_TARGETS)
    _row(host, "crawl", "the hop is refused before any connection, counted "
                        "(`leadpipe/refused_private`)")


def test_crawl_fetches_at_most_max_pages_of_endless_pagination(crawled, server):
    listing = [p for p in server.paths("endless.test") if p.startswith("/search")]
    assert len(listing) == 3 and len(_items(crawled, "endless.test")) == 3
    _row("endless.test", "crawl", "3 pages (`max_pages: 3`), 3 items")


def test_crawl_follows_robots_txt_as_it_was_read_then_as_it_is_now(crawled, server):
    assert len(_items(crawled, "robotschange.test")) == 1
    assert crawled.again.items == 0
    assert server.paths("robotschange.test")[-1] == "/robots.txt"  # nothing after it
    _row("robotschange.test", "crawl", "the crawl keeps the robots.txt it read at its start "
                                       "(RFC 9309 allows 24 h); the next crawl: 0 items")


def test_crawl_robots_5xx_disallows_and_crawl_delay_is_applied(crawled, server):
    assert not _items(crawled, "robots5xx.test")
    assert set(server.paths("robots5xx.test")) == {"/robots.txt"}
    errors = [e for e in crawled.report.errors if "robots5xx.test/robots.txt answered 503" in e]
    assert len(errors) == 1, crawled.report.errors
    _row("robots5xx.test", "crawl", "nothing else requested (disallow for this crawl), "
                                    "reported")
    assert crawled.report.stats.get("leadpipe/crawl_delay/crawldelay.test") == 1.0
    _row("crawldelay.test", "crawl", "1 s set as the site's download delay")
