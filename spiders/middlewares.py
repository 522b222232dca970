"""Politeness the stock Scrapy parts leave out (retries: ``spiders.retry``).

- ``RobotsCrawlDelay``: Scrapy parses robots.txt with protego but ignores ``Crawl-delay``;
  this extension sets it as the minimum delay of that domain's download slot and keeps
  AutoThrottle from going below it.
- ``PoliteRobotsTxtMiddleware``: Scrapy reads a robots.txt that answers 5xx as allow-all;
  RFC 9309 says a server error means "disallow everything for now", so the site is left
  alone for the rest of the crawl (stat ``leadpipe/robots_unavailable``, and an error in the
  crawl report).
- ``StaleAwareCachePolicy``: the development HTTP cache never stores listing pages (they must
  be fresh every run) and treats a cached detail page as fresh only for its definition's
  ``detail.stale_after_days``.
"""

from __future__ import annotations

import logging
import time
from typing import Any

from scrapy import Request, Spider, signals
from scrapy.crawler import Crawler
from scrapy.downloadermiddlewares.robotstxt import RobotsTxtMiddleware
from scrapy.extensions.httpcache import DummyPolicy
from scrapy.http import Response

logger = logging.getLogger(__name__)


class RobotsCrawlDelay:
    """Apply robots.txt ``Crawl-delay`` to the domain's download slot (a floor)."""

    def __init__(self, crawler: Crawler) -> None:
        self.crawler = crawler
        self.max_delay = crawler.settings.getfloat("CRAWL_DELAY_MAX", 60.0)
        self.user_agent = (crawler.settings.get("ROBOTSTXT_USER_AGENT")
                           or crawler.settings.get("USER_AGENT") or "*")
        self.floors: dict[str, float] = {}
        crawler.signals.connect(self.robots_parsed, signal=signals.robots_parsed)
        crawler.signals.connect(self.response_downloaded, signal=signals.response_downloaded)
        crawler.signals.connect(self.request_reached, signal=signals.request_reached_downloader)

    @classmethod
    def from_crawler(cls, crawler: Crawler) -> RobotsCrawlDelay:
        return cls(crawler)

    def _floor(self, key: str) -> None:
        delay = self.floors.get(key)
        downloader = self.crawler.engine.downloader if self.crawler.engine else None
        slot = downloader.slots.get(key) if downloader is not None else None
        if delay is None or slot is None:
            return
        if slot.delay < delay:
            slot.delay = delay
        if hasattr(slot, "jitter"):
            slot.jitter = 0.0

    def robots_parsed(self, robotparser: Any, request: Request) -> None:
        delay = robotparser.crawl_delay(self.user_agent)
        if not delay:
            return
        key = self.crawler.engine.downloader.get_slot_key(request)
        self.floors[key] = min(float(delay), self.max_delay)
        self.crawler.stats.set_value(f"leadpipe/crawl_delay/{key}", self.floors[key])
        self._floor(key)

    def request_reached(self, request: Request, spider: Spider) -> None:
        key = request.meta.get("download_slot")
        if key in self.floors:
            self._floor(key)

    def response_downloaded(self, response: Response, request: Request, spider: Spider) -> None:
        key = request.meta.get("download_slot")
        if key in self.floors:
            self._floor(key)


class PoliteRobotsTxtMiddleware(RobotsTxtMiddleware):
    """Scrapy's robots.txt middleware, reading a 5xx answer as ``Disallow: /``."""

    async def _parse_robots(self, response: Response, netloc: str, request: Request) -> None:
        if 500 <= response.status < 600:
            self.crawler.stats.inc_value("leadpipe/robots_unavailable")
            message = (f"{response.url} answered {response.status}: nothing fetched from "
                       f"{netloc} in this crawl (try again later)")
            logger.warning("%s", message)
            spider = self.crawler.spider
            errors = getattr(spider, "leadpipe_errors", None)
            if errors is not None:  # the crawl report lists them
                errors.append(f"{getattr(spider, 'source_id', None) or spider.name}: {message}")
            response = response.replace(body=b"User-agent: *\nDisallow: /\n")
        await super()._parse_robots(response, netloc, request)


class StaleAwareCachePolicy(DummyPolicy):
    """Cache detail pages until they are stale; never cache listing pages."""

    def should_cache_request(self, request: Request) -> bool:
        if request.meta.get("leadpipe_page") == "listing":
            return False
        if request.url.endswith("/robots.txt"):
            return False                     # robots.txt is read fresh every run
        return super().should_cache_request(request)

    def is_cached_response_valid(self, cachedresponse: Response, response: Response,
                                 request: Request) -> bool:
        # a stale page was fetched again: keep the new one unless the server said 304
        return response.status == 304

    def is_cached_response_fresh(self, cachedresponse: Response, request: Request) -> bool:
        max_age = request.meta.get("leadpipe_stale_after")
        if max_age is None:
            return True
        stored = request.meta.get("cache_timestamp")
        return stored is not None and time.time() - float(stored) < float(max_age)
