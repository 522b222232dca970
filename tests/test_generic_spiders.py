"""Generic spiders end to end: real fixtures served from 127.0.0.1, crawled in a subprocess
through ``spiders.crawl.run_crawl`` and landed as JSON Lines."""

from __future__ import annotations

import json
import time
from collections import Counter
from collections.abc import Callable
from pathlib import Path
from typing import Any

from localhttp import LocalServer, QuietHandler

from leadpipe.config import load_config
from leadpipe.runner import crawl_settings
from spiders import settings as spider_defaults
from spiders.crawl import run_crawl

WEB = Path(__file__).parent / "fixtures" / "web"
YP_PAGE1 = "/search/listings?clue=plumber&locationClue=cairns%2C+QLD&pageNumber=1"
YP_PAGE2 = "/search/listings?clue=plumber&locationClue=cairns%2C+QLD&pageNumber=2"
# The servers are on 127.0.0.1: the outbound-fetch policy refuses loopback unless allowed.
LOCAL = {"LEADPIPE_ALLOW_ADDRESSES": ["127.0.0.1"]}
FAST = {"AUTOTHROTTLE_ENABLED": False, "LOG_LEVEL": "INFO", **LOCAL}

Reply = tuple[int, dict[str, str], bytes]


class FixtureServer(LocalServer):
    """Routes (path + query) → reply, or a callable(hit number) → reply."""

    def __init__(self, routes: dict[str, Reply | Callable[[int], Reply]]) -> None:
        self.routes = dict(routes)
        self.hits: Counter[str] = Counter()
        self.log: list[tuple[float, str, str]] = []
        server = self

        class Handler(QuietHandler):
            def do_GET(self) -> None:  # noqa: N802
                server.hits[self.path] += 1
                server.log.append((time.monotonic(), self.path,
                                   self.headers.get("User-Agent", "")))
                route = server.routes.get(self.path)
                if route is None:
                    route = (404, {"Content-Type": "text/plain"}, b"not found")
                if callable(route):
                    route = route(server.hits[self.path])
                status, headers, body = route
                self.reply(status, body, headers)

        super().__init__(Handler)


def ok(body: bytes, content_type: str = "text/html; charset=utf-8") -> Reply:
    return (200, {"Content-Type": content_type}, body)


def landed(report) -> list[dict[str, Any]]:
    assert report.landing_file is not None, report.errors
    lines = report.landing_file.read_text(encoding="utf-8").splitlines()
    return [json.loads(line) for line in lines]


def yellowpages_last_page() -> bytes:
    """Page 2 derived from page 1: no organic results (in the state JSON nor as rendered
    cards) and no next link: the end of the list."""
    html = (WEB / "yellowpages_au/search_listings_plumber_cairns_p1.html").read_text("utf-8")
    html = html.replace("-listing.html", "-gone.html")
    start = html.index("{", html.index("window.__INITIAL_STATE__"))
    state, length = json.JSONDecoder().raw_decode(html[start:])
    state["model"]["inAreaResultViews"] = []
    state["model"]["pagination"]["nextPageLink"] = None
    html = html[:start] + json.dumps(state) + html[start + length:]
    return html.encode("utf-8")


def test_html_state_json_source_paginates_lands_and_identifies_itself(tmp_path):
    routes = {
        "/robots.txt": ok(b"User-agent: *\nDisallow: /private/\n", "text/plain"),
        YP_PAGE1: ok((WEB / "yellowpages_au/search_listings_plumber_cairns_p1.html").read_bytes()),
        YP_PAGE2: ok(yellowpages_last_page()),
    }
    with FixtureServer(routes) as srv:
        report = run_crawl("yellowpages_au", run_id="r1", landing_dir=tmp_path,
                           spider_args={"base_url": srv.url}, settings=FAST, timeout=120)
    assert report.ok, report.errors
    items = landed(report)
    assert len(items) == report.items == 35
    assert srv.hits[YP_PAGE1] == srv.hits[YP_PAGE2] == 1
    alex = next(i for i in items if i["native_id"] == "11973665")
    assert alex["source"] == "yellowpages_au" and alex["method"] == "state_json"
    assert alex["fields"]["email"] == "mrsa50@hotmail.com"
    assert alex["field_methods"]["email"] == "state_json"
    assert alex["fields"]["country"] == "AU" and alex["field_methods"]["country"] == "derived"
    agents = {ua for _, _, ua in srv.log}
    assert agents == {spider_defaults.USER_AGENT}   # no settings passed: the spiders' own
    assert report.stats["leadpipe/pages/listing"] == 2
    assert report.stats["leadpipe/pages/listing_empty"] == 1   # the end, not an error


def test_export_and_paginated_api_sources(tmp_path):
    records = json.loads((WEB / "gitex_africa_2026/exhibitors_derived_from_listing.json")
                         .read_bytes())
    api = "/gitex-africa-2026/Exhibitor/fetchExhibitors?limit=50&start="
    routes: dict[str, Any] = {
        f"{api}{start}": ok(json.dumps(records[start:start + 50]).encode(), "application/json")
        for start in range(0, len(records) + 50, 50)
    }
    routes["/en/search/export?category=ep"] = ok(
        (WEB / "hannover_messe/exhibitor_search_export_2026.csv").read_bytes(),
        "text/csv; charset=windows-1252")
    with FixtureServer(routes) as srv:
        gitex = run_crawl("gitex_africa_2026", run_id="r1", landing_dir=tmp_path,
                          spider_args={"base_url": srv.url}, settings=FAST, timeout=120)
        hm = run_crawl("hannover_messe", run_id="r1", landing_dir=tmp_path,
                       spider_args={"base_url": srv.url}, settings=FAST, timeout=120)
    assert gitex.ok, gitex.errors
    assert gitex.items == 871
    # 17 full pages and a short one: the pager stops without asking for an empty page
    assert sum(n for p, n in srv.hits.items() if p.startswith(api)) == 18
    assert srv.hits[f"{api}900"] == 0
    plastic = next(i for i in landed(gitex) if i["native_id"] == "GA-2025-53702")
    assert plastic["method"] == "api" and plastic["fields"]["hall"] == "20"
    assert hm.ok, hm.errors
    assert hm.items == 2739
    abat = next(i for i in landed(hm) if i["native_id"] == "N1606269")
    assert abat["method"] == "export" and abat["fields"]["booth"] == "E98"


def test_a_page_with_zero_items_fails_the_count_assertion(tmp_path):
    html = (WEB / "hostingcon_2012/exhibitors.html").read_bytes()
    empty = html[: html.index(b'<div id="slider">')] + b"</div></body></html>"
    with FixtureServer({"/exhibitors.html": ok(empty)}) as srv:
        report = run_crawl("hostingcon_2012", run_id="r1", landing_dir=tmp_path,
                           spider_args={"base_url": srv.url}, settings=FAST, timeout=120)
    assert not report.ok
    assert report.items == 0
    assert ("hostingcon_2012: 0 items, expected at least 60 (count assertion in "
            "spiders/sources/hostingcon_2012.yaml)") in report.errors
    assert any("answered 200 but no records were found (tried css)" in e for e in report.errors)
    stats = json.loads((tmp_path / "r1" / "hostingcon_2012.stats.json").read_text())
    assert stats["leadpipe/errors"] == report.errors


def test_500_429_and_timeouts_are_retried_a_bounded_number_of_times(tmp_path):
    html = (WEB / "hostingcon_2012/exhibitors.html").read_bytes()

    def throttled(hit: int) -> Reply:
        if hit == 1:
            return (429, {"Retry-After": "2", "Content-Type": "text/plain"}, b"slow down")
        return ok(html)

    def slow(hit: int) -> Reply:
        time.sleep(2.5)
        return ok(b"<html></html>")

    routes = {
        "/throttled.html": throttled,
        "/broken.html": (500, {"Content-Type": "text/plain"}, b"boom"),
        "/slow.html": slow,
    }
    settings = {**FAST, "RETRY_TIMES": 2, "DOWNLOAD_TIMEOUT": 1,
                "CONCURRENT_REQUESTS_PER_DOMAIN": 4, "LEADPIPE_BACKOFF_BASE": 0.2}
    with FixtureServer(routes) as srv:
        start_urls = ",".join(f"{srv.url}{p}" for p in routes)
        report = run_crawl("hostingcon_2012", run_id="r1", landing_dir=tmp_path,
                           spider_args={"start_url": start_urls}, settings=settings,
                           timeout=120)
    # 429 then 200: one retry, after the Retry-After wait, and the items landed
    times = [t for t, p, _ in srv.log if p == "/throttled.html"]
    assert len(times) == 2 and times[1] - times[0] >= 1.9
    assert report.items == 63
    assert report.stats["leadpipe/retry_after_honoured"] == 1
    # 500 for ever: 1 try + 2 retries, then the run reports it
    assert srv.hits["/broken.html"] == 3
    assert f"hostingcon_2012: {srv.url}/broken.html failed (HTTP 500) after 2 retries" \
        in report.errors
    # time-outs: retried as often, then reported
    assert srv.hits["/slow.html"] == 3
    assert any(e.startswith(f"hostingcon_2012: {srv.url}/slow.html failed (timed out")
               and e.endswith("after 2 retries") for e in report.errors)
    assert not report.ok and len(report.errors) == 2


def test_the_configured_user_agent_is_sent_through_the_runner(tmp_path):
    """Spiders never read the app config: the runner's crawl settings carry the user agent."""
    agent = "acme-leads/2.0 (+mailto:crawl-ops@acme.example)"
    path = tmp_path / "leadpipe.toml"
    path.write_text(f'[project]\ndata_dir = "data"\nuser_agent = "{agent}"\n', encoding="utf-8")
    config = load_config(path)
    routes = {
        "/robots.txt": ok(b"User-agent: *\nDisallow: /private/\n", "text/plain"),
        YP_PAGE1: ok((WEB / "yellowpages_au/search_listings_plumber_cairns_p1.html").read_bytes()),
        YP_PAGE2: ok(yellowpages_last_page()),
    }
    with FixtureServer(routes) as srv:
        report = run_crawl("yellowpages_au", run_id="r1", landing_dir=config.landing_dir,
                           spider_args={"base_url": srv.url},
                           settings={**crawl_settings(config, "yellowpages_au"), **FAST},
                           timeout=120)
    assert report.ok, report.errors
    assert {ua for _, _, ua in srv.log} == {agent}
    assert len(srv.log) == 3   # robots.txt and both listing pages


def gaps(log: list[tuple[float, str, str]], path: str) -> list[float]:
    """Seconds between successive requests for ``path``, as the server saw them."""
    times = [t for t, p, _ in log if p == path]
    return [b - a for a, b in zip(times, times[1:], strict=False)]


def test_429_and_5xx_bursts_back_off_with_jitter_and_no_retry_sooner_than_asked(tmp_path):
    """No retry at once: each one waits base * 2**(retry - 1) * [1, 1.5], at most the cap;
    a Retry-After above the cap is not retried (never sooner than the server asks) and the
    report says how long it asked; a 503 for ever stops after RETRY_TIMES."""
    html = (WEB / "hostingcon_2012/exhibitors.html").read_bytes()
    base, cap, slack = 0.3, 1.0, 0.5

    def throttled(hit: int) -> Reply:   # 429 without Retry-After, twice
        return (429, {"Content-Type": "text/plain"}, b"slow down") if hit <= 2 else ok(html)

    def told_to_wait(hit: int) -> Reply:  # asks for an hour
        return (429, {"Retry-After": "3600"}, b"later") if hit == 1 else ok(html)

    routes = {
        "/throttled.html": throttled,
        "/told.html": told_to_wait,
        "/down.html": (503, {"Content-Type": "text/plain"}, b"down"),
    }
    settings = {**FAST, "RETRY_TIMES": 3, "CONCURRENT_REQUESTS_PER_DOMAIN": 4,
                "LEADPIPE_BACKOFF_BASE": base, "LEADPIPE_RETRY_DELAY_MAX": cap}
    started = time.monotonic()
    with FixtureServer(routes) as srv:
        start_urls = ",".join(f"{srv.url}{p}" for p in routes)
        report = run_crawl("hostingcon_2012", run_id="r1", landing_dir=tmp_path,
                           spider_args={"start_url": start_urls}, settings=settings,
                           timeout=60)
    assert time.monotonic() - started < 30
    throttled_gaps = gaps(srv.log, "/throttled.html")
    assert len(throttled_gaps) == 2
    for retry, gap in enumerate(throttled_gaps, start=1):
        assert base * 2 ** (retry - 1) <= gap <= base * 2 ** (retry - 1) * 1.5 + slack, gap
    assert srv.hits["/told.html"] == 1          # asked for an hour: not retried after the cap
    down_gaps = gaps(srv.log, "/down.html")
    assert srv.hits["/down.html"] == 4          # the first try and 3 retries, no more
    assert down_gaps[0] >= base and down_gaps[1] >= 2 * base
    assert cap <= down_gaps[2] <= cap + slack   # 4 * base would exceed the cap
    assert report.items == 63                   # the throttled page landed in the end
    assert report.stats["leadpipe/retries"] == 2 + 3
    assert report.stats["leadpipe/retry_after_too_long"] == 1
    assert report.stats["leadpipe/retry_gave_up"] == 1
    failed = sorted(e for e in report.errors if " failed " in e)
    assert failed == [f"hostingcon_2012: {srv.url}/down.html failed (HTTP 503) after 3 retries",
                      f"hostingcon_2012: {srv.url}/told.html failed (HTTP 429, asks to wait "
                      "3600s)"]


def test_robots_disallow_is_obeyed_and_crawl_delay_spaces_requests(tmp_path):
    html = (WEB / "yellowpages_au/search_listings_plumber_cairns_p1.html").read_bytes()
    robots = b"User-agent: *\nCrawl-delay: 1.5\nDisallow: /private/\n"
    routes = {
        "/robots.txt": ok(robots, "text/plain"),
        "/private/listings?pageNumber=1": ok(html),
        "/a/listings?pageNumber=1": ok(html),
        "/b/listings?pageNumber=1": ok(html),
        YP_PAGE2: ok(yellowpages_last_page()),
    }
    settings = {**LOCAL, "AUTOTHROTTLE_ENABLED": True, "AUTOTHROTTLE_START_DELAY": 0.0,
                "DOWNLOAD_DELAY": 0.0}
    with FixtureServer(routes) as srv:
        starts = ",".join(f"{srv.url}{p}" for p in
                          ("/private/listings?pageNumber=1", "/a/listings?pageNumber=1",
                           "/b/listings?pageNumber=1"))
        report = run_crawl("yellowpages_au", run_id="r1", landing_dir=tmp_path,
                           spider_args={"start_url": starts, "base_url": srv.url},
                           settings=settings, timeout=120)
    assert srv.hits["/private/listings?pageNumber=1"] == 0
    assert report.stats["robotstxt/forbidden"] == 1
    assert report.items == 70 and report.ok, report.errors
    pages = [t for t, p, _ in srv.log if p != "/robots.txt"]
    assert len(pages) == 3          # /a, /b and the next page both link to
    gaps = [b - a for a, b in zip(pages, pages[1:], strict=False)]
    assert min(gaps) >= 1.4, gaps   # Crawl-delay 1.5 s per domain (no jitter below it)
