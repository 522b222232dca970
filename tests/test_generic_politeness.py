"""Politeness parts in isolation: Retry-After parsing, backoff, the cache policy's freshness."""

from __future__ import annotations

import random
import time
from email.utils import formatdate

from scrapy import Request
from scrapy.http import HtmlResponse
from scrapy.settings import Settings

from spiders import settings as base_settings
from spiders.middlewares import StaleAwareCachePolicy
from spiders.retry import backoff_seconds, retry_after_seconds


def policy() -> StaleAwareCachePolicy:
    settings = Settings()
    settings.setmodule(base_settings)
    return StaleAwareCachePolicy(settings)


def test_retry_after_in_seconds_or_as_a_date():
    assert retry_after_seconds(b"7") == 7.0
    now = time.time()
    assert 29 <= retry_after_seconds(formatdate(now + 30, usegmt=True), now=now) <= 31
    assert retry_after_seconds(formatdate(now - 30, usegmt=True), now=now) == 0.0
    assert retry_after_seconds(b"soon") is None
    assert retry_after_seconds(None) is None


def test_backoff_doubles_with_jitter_and_stays_under_the_cap():
    rng = random.Random(13)
    for retry in (1, 2, 3, 4):
        waits = [backoff_seconds(retry, 0.5, 0.5, 60.0, rng) for _ in range(200)]
        floor = 0.5 * 2 ** (retry - 1)
        assert floor <= min(waits) and max(waits) <= floor * 1.5
        assert len({round(w, 6) for w in waits}) > 100    # jittered, not one fixed wait
    assert {backoff_seconds(10, 0.5, 0.5, 60.0, rng) for _ in range(20)} == {60.0}
    assert backoff_seconds(1, 0.5, 0.0, 60.0) == 0.5


def test_one_retry_middleware_with_one_name_per_knob():
    settings = Settings()
    settings.setmodule(base_settings)
    middlewares = settings.getdict("DOWNLOADER_MIDDLEWARES")
    retry = {k: v for k, v in middlewares.items() if "retry" in k.lower()}
    assert retry == {"scrapy.downloadermiddlewares.retry.RetryMiddleware": None,
                     "spiders.retry.PoliteRetryMiddleware": 550}
    for knob in ("LEADPIPE_BACKOFF_BASE", "LEADPIPE_BACKOFF_JITTER", "LEADPIPE_RETRY_DELAY_MAX"):
        assert settings.getfloat(knob) > 0
    from spiders.registry import _python_spiders

    for name, cls in _python_spiders().items():   # no spider brings its own retry settings
        own = getattr(cls, "custom_settings", None) or {}
        assert not any("RETRY" in key for key in own), name
        assert "DOWNLOADER_MIDDLEWARES" not in own, name


def test_listing_pages_are_never_cached():
    listing = Request("https://fair.example/exhibitors?page=1", meta={"leadpipe_page": "listing"})
    detail = Request("https://fair.example/exhibitor/acme", meta={"leadpipe_page": "detail"})
    assert policy().should_cache_request(listing) is False
    assert policy().should_cache_request(detail) is True


def test_detail_pages_are_fresh_until_stale_after():
    day = 86400
    response = HtmlResponse("https://fair.example/exhibitor/acme", body=b"<html></html>")
    young = Request(response.url, meta={"leadpipe_stale_after": 30 * day,
                                        "cache_timestamp": time.time() - 2 * day})
    old = Request(response.url, meta={"leadpipe_stale_after": 30 * day,
                                      "cache_timestamp": time.time() - 31 * day})
    no_rule = Request(response.url, meta={"cache_timestamp": time.time() - 365 * day})
    assert policy().is_cached_response_fresh(response, young) is True
    assert policy().is_cached_response_fresh(response, old) is False
    assert policy().is_cached_response_fresh(response, no_rule) is True


def test_politeness_defaults():
    settings = Settings()
    settings.setmodule(base_settings)
    assert settings.getbool("ROBOTSTXT_OBEY") is True
    assert settings.getint("CONCURRENT_REQUESTS_PER_DOMAIN") == 1
    assert settings.getbool("AUTOTHROTTLE_ENABLED") is True
    assert settings.getbool("HTTPCACHE_ENABLED") is False
    assert settings.getint("RETRY_TIMES") > 0
    assert 429 in settings.getlist("RETRY_HTTP_CODES")
    assert settings["USER_AGENT"].startswith("leadpipe/")
