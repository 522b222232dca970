"""The demo world's catalogue and directory crawled through the same machinery as the real
sources: YAML definitions, generic spiders, the demo server as HTTP proxy; counts and values
checked against the world that generated the pages."""

from __future__ import annotations

import json
from collections import Counter

import pytest

from leadpipe.demo.server import DemoServer
from leadpipe.demo.views import record_view
from leadpipe.demo.world import SOURCE_DIRECTORY, SOURCE_EXPO, generate_world
from spiders.crawl import run_crawl

# The demo server (the proxy) is on 127.0.0.1: allowed through the outbound-fetch policy.
SETTINGS = {"AUTOTHROTTLE_ENABLED": False, "CONCURRENT_REQUESTS_PER_DOMAIN": 4,
            "LEADPIPE_ALLOW_ADDRESSES": ["127.0.0.1"]}


@pytest.fixture(scope="module")
def world():
    return generate_world(companies=90, seed=11)


@pytest.fixture(scope="module")
def server(world):
    with DemoServer(world) as srv:
        yield srv


def items_of(report) -> list[dict]:
    assert report.landing_file is not None, report.errors
    return [json.loads(line) for line in report.landing_file.read_text().splitlines()]


def test_demo_expo_listing_and_detail_pages(world, server, tmp_path):
    report = run_crawl("demo_expo", run_id="d1", landing_dir=tmp_path, settings=SETTINGS,
                       proxy=server.proxy_url, timeout=120)
    assert report.ok, report.errors
    expected = world.records[SOURCE_EXPO]
    items = items_of(report)
    assert len(items) == len(expected) >= 20
    assert {i["native_id"] for i in items} == {r.native_id for r in expected}
    pages = -(-len(expected) // 24)
    assert report.stats["leadpipe/pages/listing"] == pages
    assert report.stats["leadpipe/pages/detail"] == len(expected)
    by_id = {i["native_id"]: i for i in items}
    methods = Counter()
    for rec in expected:
        item = by_id[rec.native_id]
        view = record_view(world, rec)
        fields = item["fields"]
        assert world.truth_for_record(SOURCE_EXPO, item["native_id"]) == rec.true_id
        assert fields["name"] == view.name
        assert fields["country"] == view.country
        assert fields["paid_listing"] is rec.paid
        assert fields["event_name"] == "Industrial Futures Expo 2026"
        assert fields["event_date"] == "2026-09-15/2026-09-17"
        assert fields.get("email") == view.email
        assert fields.get("city") == view.city
        assert fields.get("founded") == view.founded
        assert fields.get("employees") == view.employees_min
        assert [c["email"] for c in fields.get("contacts", [])] == \
            [c.email for c in view.contacts]
        methods[item["field_methods"]["description"]] += 1
    # about half the detail pages carry JSON-LD: those fields say so, the rest came from CSS
    assert methods["jsonld"] > 0 and methods["css"] > 0
    assert set(methods) == {"jsonld", "css"}


def test_demo_directory_combines_microdata_and_css(world, server, tmp_path):
    report = run_crawl("demo_directory", run_id="d1", landing_dir=tmp_path, settings=SETTINGS,
                       proxy=server.proxy_url, timeout=120)
    assert report.ok, report.errors
    expected = world.records[SOURCE_DIRECTORY]
    items = items_of(report)
    assert len(items) == len(expected) >= 20
    assert Counter(i["native_id"] for i in items) == Counter(r.native_id for r in expected)
    by_id = {i["native_id"]: i for i in items}
    for rec in expected:
        item = by_id[rec.native_id]
        view = record_view(world, rec)
        assert item["fields"]["name"] == view.name
        assert item["fields"].get("phone") == view.phone
        assert item["fields"]["paid_listing"] is rec.paid
        shows_address = bool(view.street or view.city)   # the card prints the country there
        assert item["fields"].get("country") == (view.country if shows_address else None)
        assert item["fields"].get("email") == view.email
    assert Counter(i["method"] for i in items).keys() == {"microdata", "css"}


def test_http_cache_keeps_details_until_stale_and_never_listings(world, server, tmp_path):
    settings = {**SETTINGS, "HTTPCACHE_ENABLED": True,
                "HTTPCACHE_DIR": str(tmp_path / "httpcache")}
    runs = {}
    for run_id, args in (("c1", {}), ("c2", {}), ("c3", {"stale_after_days": "0"})):
        report = run_crawl("demo_expo", run_id=run_id, landing_dir=tmp_path / "landing",
                           spider_args=args, settings=settings, proxy=server.proxy_url,
                           timeout=120)
        assert report.ok, report.errors
        runs[run_id] = report.stats
    details = len(world.records[SOURCE_EXPO])
    pages = -(-details // 24)
    assert runs["c1"].get("httpcache/hit", 0) == 0
    assert runs["c1"]["httpcache/firsthand"] == details          # details stored

    def fetched(stats: dict) -> int:     # responses that came over the network
        return stats["downloader/response_count"] - stats.get("httpcache/hit", 0)

    assert fetched(runs["c1"]) == pages + 1 + details                # + robots.txt
    # second run: every detail page from the cache, every listing page (and robots) fetched
    assert runs["c2"]["httpcache/hit"] == details
    assert fetched(runs["c2"]) == pages + 1
    # stale (0 days): details fetched again and the cache refreshed
    assert runs["c3"].get("httpcache/invalidate", 0) == details
    assert fetched(runs["c3"]) == pages + 1 + details
