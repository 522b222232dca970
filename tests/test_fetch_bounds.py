"""Website fetches, the parts the fault table (tests/test_faults.py) does not measure: the
memory a 50 MB page or a gzip bomb costs, Retry-After parsing, deflate and gzip decoding, and
the signal regexes on hostile text. The sites are played by the one fault-injection server
(tests/faultserver.py), reached as the client's HTTP proxy.
"""

from __future__ import annotations

import time
import tracemalloc
import zlib

import httpx
import pytest
from faultserver import FaultServer

from enrich import signals
from enrich.fetch import FetchLimits, Page, retry_after
from enrich.website import fetch_site, http_client, read_site

UA = "leadpipe-test"
LOCAL = ("127.0.0.1",)
MB = 1024 * 1024


@pytest.fixture()
def proxy():
    with FaultServer() as server:
        yield server.proxy


FAST = FetchLimits(fetch_seconds=2.0, site_seconds=4.0, retries=2, backoff_seconds=0.2,
                   max_wait=5.0, max_bytes=2_000_000)


def _fetch(proxy: str, host: str, limits: FetchLimits = FAST):
    with http_client(UA, proxy=proxy, limits=limits, allow_addresses=LOCAL) as client:
        start = time.monotonic()
        site = fetch_site(client, f"http://{host}/", UA, limits=limits)
        return site, time.monotonic() - start


@pytest.mark.parametrize("host,compressed", [("huge.test", False), ("bomb.test", True)])
def test_a_huge_page_or_gzip_bomb_is_read_only_up_to_the_cap(proxy, host, compressed):
    tracemalloc.start()
    try:
        site, took = _fetch(proxy, host)
        _, peak = tracemalloc.get_traced_memory()
    finally:
        tracemalloc.stop()
    print(f"\n{host}: {site.status}, peak {peak / MB:.1f} MB traced, {took:.2f}s")
    assert site.status == "ok"
    assert len(next(iter(site.pages.values()))) <= FAST.max_bytes
    assert peak < 40 * MB  # the page was 50 MB (or 256 MB once inflated)


def test_retry_after_reads_seconds_and_dates():
    assert retry_after("3") == 3.0
    assert retry_after("Wed, 21 Oct 2015 07:28:00 GMT") == 0.0  # in the past
    assert retry_after("soon") is None and retry_after(None) is None


@pytest.mark.parametrize("token", ["a." * 80_000, "a" * 160_000 + "@", ("x" * 63 + "!@") * 2500])
def test_signal_regexes_take_linear_time_on_hostile_text(token):
    warm = read_site({"http://x.test/": "<html><body><p>warm-up sales@x.test</p></body></html>"})
    for provider in signals.registered():   # first-call costs (code lists, compiled patterns)
        provider.values(warm)
    site = read_site({"http://x.test/": f"<html><body><p>{token} sales@x.test</p></body></html>"})
    start = time.process_time()
    values = {}
    for provider in signals.registered():
        values.update(provider.values(site))
    took = time.process_time() - start
    print(f"\nproviders on a {len(token) // 1000} KB token: {took:.3f}s CPU")
    assert took < 1.0
    assert values["website_emails"] == ["sales@x.test"]


def test_a_page_cut_at_the_byte_cap_inside_a_character_stays_utf8():
    page = Page("http://x.test/", 200, httpx.Headers({"Content-Type": "text/html; charset=utf-8"}),
                "Müller".encode()[:2], truncated=True)
    assert page.text == "M"  # the half character dropped, not the page read as cp1252


def test_a_whole_deflate_body_is_complete_and_a_cut_one_is_not():
    from enrich.fetch import _Decoder

    body = zlib.compress(b"<p>Welcome.</p>" * 100)
    whole, cut = _Decoder("deflate"), _Decoder("deflate")
    assert whole.decode(body, 10_000).startswith(b"<p>Welcome.") and whole.complete
    cut.decode(body[: len(body) // 2], 10_000)
    assert not cut.complete
