"""demo_tenders against the demo world's server (used as HTTP proxy), checked against its truth."""

from __future__ import annotations

import json
from collections import Counter

import pytest

from spiders.crawl import run_crawl

demo_server = pytest.importorskip("leadpipe.demo.server")
from leadpipe.demo.world import generate_world  # noqa: E402

# The demo server (the proxy) is on 127.0.0.1: allowed through the outbound-fetch policy.
FAST = {"DOWNLOAD_DELAY": 0, "AUTOTHROTTLE_ENABLED": False,
        "LEADPIPE_ALLOW_ADDRESSES": ["127.0.0.1"]}


@pytest.fixture(scope="module")
def world_and_proxy():
    world = generate_world(companies=300, seed=7)
    with demo_server.DemoServer(world) as server:
        yield world, server.proxy_url


def items(report) -> list[dict]:
    if report.landing_file is None:
        return []
    return [json.loads(x) for x in report.landing_file.read_text("utf-8").splitlines()]


def test_demo_tenders_full_then_incremental(world_and_proxy, tmp_path):
    world, proxy = world_and_proxy
    dates = sorted(t.release_date_iso for t in world.tenders)
    cut = dates[len(dates) // 2]
    first = run_crawl("demo_tenders", run_id="d1", landing_dir=tmp_path, proxy=proxy,
                      spider_args={"until": cut}, settings=FAST, timeout=60)
    assert first.ok, first.errors
    mark = first.stats["leadpipe/high_water_mark"]
    second = run_crawl("demo_tenders", run_id="d2", landing_dir=tmp_path, proxy=proxy,
                       spider_args={"since": mark}, settings=FAST, timeout=60)
    assert second.ok, second.errors
    landed = items(first) + items(second)
    tenders = Counter(i["native_id"] for i in landed if i["kind"] == "tender")
    assert set(tenders) == {t.ocid for t in world.tenders}
    assert set(tenders.values()) == {1}  # each release landed once across the two runs

    for item in landed:  # every native id is one the world's truth knows
        world.truth_for_record("demo_tenders", item["native_id"])
    awards = [i for i in landed if i["kind"] == "award"]
    assert len(awards) == sum(len(a.suppliers) for t in world.tenders for a in t.awards)
    one = next(t for t in world.tenders if t.awards)
    award = one.awards[0]
    mine = [a["fields"] for a in awards if a["fields"]["award_id"] == award.award_id]
    assert {a["supplier_native_id"] for a in mine} == {r.native_id for r in award.suppliers}
    assert {(a["value"], a["currency"]) for a in mine} == {(award.amount, one.currency)}
    buyer = next(i for i in landed if i["kind"] == "organisation"
                 and i["native_id"] == one.buyer.native_id)
    assert buyer["fields"]["role"] == "buyer"
    open_ones = [i["fields"] for i in landed if i["kind"] == "tender"
                 and i["fields"]["status"] == "active"]
    assert open_ones and all(f["deadline"] > "2026-06-30" for f in open_ones)
    assert all(f["classifications"][0]["scheme"] == "CPV" for f in open_ones)
