"""The one retry middleware of every crawl: bounded, polite, and never at once.

Scrapy's RetryMiddleware re-sends a failed request immediately and ignores ``Retry-After``;
public procurement APIs, catalogues and directories answer bursts with 429/503 and say when to
come back. ``PoliteRetryMiddleware`` keeps Scrapy's bookkeeping (``retry_times`` in the request
meta, ``retry/*`` stats, the give-up log line) and adds the waiting:

- a retryable answer with ``Retry-After`` (seconds or an HTTP date): wait that long, at most
  ``LEADPIPE_RETRY_DELAY_MAX`` seconds;
- without it (a 429, a 5xx burst, a network error): exponential backoff with jitter,
  ``LEADPIPE_BACKOFF_BASE * 2**(retry - 1)`` times a random factor in
  ``[1, 1 + LEADPIPE_BACKOFF_JITTER]``, capped the same way;
- a ``Retry-After`` longer than ``LEADPIPE_RETRY_DELAY_MAX``: no retry (never sooner than the
  server asks), the failure reported with the wait it asked for;
- at most ``RETRY_TIMES`` retries of ``RETRY_HTTP_CODES`` and ``RETRY_EXCEPTIONS``, then the
  failure goes on to the spider's errback, which reports it (``describe_failure``).

Defaults live in ``spiders/settings.py``. The wait does not block the reactor: the retry is
returned after a timer fires, while other requests go on.
"""

from __future__ import annotations

import logging
import random
import time
from email.utils import parsedate_to_datetime

from scrapy import Request
from scrapy.crawler import Crawler
from scrapy.downloadermiddlewares.retry import RetryMiddleware
from scrapy.exceptions import IgnoreRequest
from scrapy.http import Response
from scrapy.spidermiddlewares.httperror import HttpError
from scrapy.utils.asyncio import sleep
from scrapy.utils.response import response_status_message
from twisted.python.failure import Failure

logger = logging.getLogger(__name__)


def retry_after_seconds(value: bytes | str | None, now: float | None = None) -> float | None:
    """Seconds to wait from a ``Retry-After`` header (delta seconds or an HTTP date)."""
    if not value:
        return None
    text = value.decode("latin-1") if isinstance(value, bytes) else value
    text = text.strip()
    if text.isdigit():
        return float(text)
    try:
        when = parsedate_to_datetime(text).timestamp()
    except (TypeError, ValueError, IndexError):
        return None
    return max(0.0, when - (time.time() if now is None else now))


def backoff_seconds(retry: int, base: float, jitter: float, cap: float,
                    rng: random.Random | None = None) -> float:
    """The wait before retry number ``retry`` (1, 2, …) when the server named none."""
    factor = 1.0 + (rng or random).uniform(0.0, max(0.0, jitter))
    return min(base * (2 ** max(0, retry - 1)) * factor, cap)


class PoliteRetryMiddleware(RetryMiddleware):
    """Scrapy's RetryMiddleware plus Retry-After and backoff before every retry."""

    def __init__(self, crawler: Crawler) -> None:
        super().__init__(crawler.settings)
        self.crawler = crawler
        s = crawler.settings
        self.backoff_base = s.getfloat("LEADPIPE_BACKOFF_BASE")
        self.backoff_jitter = s.getfloat("LEADPIPE_BACKOFF_JITTER")
        self.delay_max = s.getfloat("LEADPIPE_RETRY_DELAY_MAX")

    @classmethod
    def from_crawler(cls, crawler: Crawler) -> PoliteRetryMiddleware:
        return cls(crawler)

    def delay_for(self, retry: Request, response: Response | None) -> float:
        """Seconds to wait before sending ``retry`` (its meta holds the retry number)."""
        stats = self.crawler.stats
        told = None
        if response is not None:
            told = retry_after_seconds(response.headers.get(b"Retry-After"))
        if told is not None:
            stats.inc_value("leadpipe/retry_after_honoured")
            return min(told, self.delay_max)
        return backoff_seconds(int(retry.meta.get("retry_times", 1)), self.backoff_base,
                               self.backoff_jitter, self.delay_max)

    async def _wait_then(self, retry: Request | None, reason: str,
                         response: Response | None) -> Request | None:
        stats = self.crawler.stats
        if retry is None:
            stats.inc_value("leadpipe/retry_gave_up")
            return None
        delay = self.delay_for(retry, response)
        stats.inc_value("leadpipe/retries")
        stats.inc_value("leadpipe/retry_wait_seconds", round(delay, 3))
        logger.info("retrying %s in %.2fs (%s, retry %d)", retry.url, delay, reason,
                    retry.meta.get("retry_times", 1))
        if delay > 0:
            await sleep(delay)
        return retry

    async def process_response(  # type: ignore[override]
        self, request: Request, response: Response
    ) -> Request | Response:
        if request.meta.get("dont_retry", False) or response.status not in self.retry_http_codes:
            return response
        told = retry_after_seconds(response.headers.get(b"Retry-After"))
        if told is not None and told > self.delay_max:  # never sooner than the server asks
            self.crawler.stats.inc_value("leadpipe/retry_after_too_long")
            request.meta["leadpipe_asked_wait"] = told
            logger.info("not retrying %s: it asks to wait %.0fs (more than %.0fs)",
                        request.url, told, self.delay_max)
            return response
        reason = response_status_message(response.status)
        retry = await self._wait_then(self._retry(request, reason), reason, response)
        return retry or response

    async def process_exception(  # type: ignore[override]
        self, request: Request, exception: Exception
    ) -> Request | Response | None:
        if request.meta.get("dont_retry", False) or not isinstance(
                exception, self.exceptions_to_retry):
            return None
        reason = type(exception).__name__
        return await self._wait_then(self._retry(request, exception), reason, None)


def describe_failure(failure: Failure) -> str | None:
    """What went wrong with a request, for the run report: ``(HTTP 500) after 2 retries``.

    None for a request refused on purpose (robots.txt, an offsite link, the outbound-fetch
    policy): not an error. A gzip bomb and a redirect loop are errors."""
    if failure.check(HttpError):  # before IgnoreRequest, which it subclasses
        response = failure.value.response
        what = f"HTTP {response.status}"
        told = failure.request.meta.get("leadpipe_asked_wait")
        if told is not None:  # not retried: the server asked for longer than we wait
            what += f", asks to wait {told:.0f}s"
    elif failure.check(IgnoreRequest):
        message = str(failure.value)
        if "DOWNLOAD_MAXSIZE" in message:  # a gzip bomb, stopped while inflating
            what = "over the download max size once decompressed"
        elif "max redirections" in message:
            what = "redirect loop: max redirections reached"
        else:
            return None  # refused on purpose: robots.txt, the outbound policy, offsite
    elif any(w in type(failure.value).__name__ for w in ("Timeout", "TimedOut")):
        what = f"timed out: {type(failure.value).__name__}"
    else:
        what = f"{type(failure.value).__name__}: {failure.getErrorMessage()}"
    retries = int(failure.request.meta.get("retry_times", 0))
    return f"({what})" + (f" after {retries} retries" if retries else "")
