"""Retries that respect the server: Retry-After honoured, backoff on 429 without it, bounded.

Scrapy's RetryMiddleware retries at once and ignores ``Retry-After``; public procurement APIs
(Find a Tender, Contracts Finder, TED) answer bursts with 429/503 and say when to come back.
This middleware replaces it for the tender spiders:

- 429/503 with ``Retry-After`` (seconds or an HTTP date): wait that long (capped by
  ``LEADPIPE_RETRY_AFTER_MAX``), then retry;
- 429 without it, other retryable codes and network errors: exponential backoff
  ``LEADPIPE_BACKOFF_BASE * 2**attempt`` (capped the same way);
- at most ``RETRY_TIMES`` retries per request, then the failure is recorded in the spider's
  ``leadpipe_errors`` (the run report) and the response passes on as a failure.

The wait does not block the reactor: the request is re-issued after a timer fires.
"""

from __future__ import annotations

import logging
from typing import Any

from scrapy import Request
from scrapy.crawler import Crawler
from scrapy.http import Response
from scrapy.utils.defer import maybe_deferred_to_future
from scrapy.utils.misc import load_object
from twisted.internet import reactor
from twisted.internet.task import deferLater

from spiders.middlewares import retry_after_seconds

logger = logging.getLogger(__name__)


class PoliteRetryMiddleware:
    def __init__(self, crawler: Crawler) -> None:
        s = crawler.settings
        self.crawler = crawler
        self.max_retries = s.getint("RETRY_TIMES", 3)
        self.codes = {int(c) for c in s.getlist("RETRY_HTTP_CODES", [429, 500, 502, 503, 504])}
        self.base = s.getfloat("LEADPIPE_BACKOFF_BASE", 2.0)
        self.cap = s.getfloat("LEADPIPE_RETRY_AFTER_MAX", 300.0)
        # Network failures worth another try: the same list Scrapy's own retry uses.
        self.exceptions = tuple(load_object(e) if isinstance(e, str) else e
                                for e in s.getlist("RETRY_EXCEPTIONS"))

    @classmethod
    def from_crawler(cls, crawler: Crawler) -> PoliteRetryMiddleware:
        return cls(crawler)

    def _delay(self, attempt: int, response: Response | None) -> float:
        if response is not None and response.status in (429, 503):
            told = retry_after_seconds(response.headers.get(b"Retry-After"))
            if told is not None:
                self.crawler.stats.inc_value("leadpipe/retry_after_honoured")
                return min(told, self.cap)
        return min(self.base * (2 ** attempt), self.cap)

    async def _retry(self, request: Request, reason: str, response: Response | None = None
                     ) -> Request | Response | None:
        attempt = int(request.meta.get("leadpipe_retries", 0))
        stats = self.crawler.stats
        if attempt >= self.max_retries or request.meta.get("dont_retry"):
            stats.inc_value("leadpipe/retry_gave_up")
            message = f"gave up on {request.url} after {attempt} retries: {reason}"
            logger.error(message)
            spider = self.crawler.spider
            if spider is not None and hasattr(spider, "leadpipe_errors"):
                spider.leadpipe_errors.append(message)
            return response
        delay = self._delay(attempt, response)
        stats.inc_value("leadpipe/retries")
        logger.info("retrying %s in %.2fs (%s, attempt %d)", request.url, delay, reason,
                    attempt + 1)
        if delay > 0:
            await maybe_deferred_to_future(deferLater(reactor, delay, lambda: None))
        retry = request.replace(dont_filter=True)
        retry.meta["leadpipe_retries"] = attempt + 1
        retry.priority = request.priority + 1
        return retry

    async def process_response(self, request: Request, response: Response) -> Any:
        if response.status in self.codes:
            result = await self._retry(request, f"HTTP {response.status}", response)
            return result if result is not None else response
        return response

    async def process_exception(self, request: Request, exception: Exception) -> Any:
        if isinstance(exception, self.exceptions):
            result = await self._retry(request, type(exception).__name__)
            if result is not None:
                return result
        return None
