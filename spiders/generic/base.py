"""What every definition-driven spider shares: start URLs (overridable), errors the run
report turns into a failure, count assertions, and page/method statistics."""

from __future__ import annotations

from collections.abc import AsyncIterator, Iterable, Iterator
from pathlib import Path
from typing import Any
from urllib.parse import urlsplit, urlunsplit

import scrapy
from scrapy import signals
from scrapy.crawler import Crawler
from scrapy.http import Request, Response
from twisted.python.failure import Failure

from spiders.definitions import SourceDefinition, load_definition, sources_dir
from spiders.landing import items_landed
from spiders.pages import Extracted
from spiders.retry import describe_failure


class DefinitionSpider(scrapy.Spider):
    """Base of the generic spiders; a subclass per source sets ``name``/``source_id``.

    Spider arguments: ``start_url`` (one or more, comma separated) replaces the definition's
    start URLs; ``base_url`` keeps the definition's paths but sends every request for the
    source's hosts to another origin (a local test server, a mirror).
    """

    name = "definition"
    source_id: str | None = None

    def __init__(self, definition_path: str, start_url: str | None = None,
                 base_url: str | None = None, **kwargs: Any) -> None:
        super().__init__(**kwargs)
        self.definition: SourceDefinition = load_definition(definition_path)
        self.spec = self.definition.extraction
        self.source_id = self.definition.id
        self.leadpipe_errors: list[str] = []
        self.start_override = [u.strip() for u in start_url.split(",")] if start_url else None
        self.base_url = base_url.rstrip("/") if base_url else None
        self._checked = False
        self._listing_pages: dict[str, set[str]] = {}  # start URL -> listing pages requested

    @classmethod
    def from_crawler(cls, crawler: Crawler, *args: Any, **kwargs: Any) -> DefinitionSpider:
        spider = super().from_crawler(crawler, *args, **kwargs)
        crawler.signals.connect(spider.check_counts, signal=signals.spider_idle)
        return spider

    # -- URLs ---------------------------------------------------------------------------
    def rebase(self, url: str) -> str:
        """Send a URL on one of the source's hosts to ``base_url`` when one is given."""
        if not self.base_url:
            return url
        parts = urlsplit(url)
        if parts.netloc not in self.definition.hosts:
            return url
        base = urlsplit(self.base_url)
        return urlunsplit((base.scheme, base.netloc, parts.path, parts.query, parts.fragment))

    def start_urls_effective(self) -> list[str]:
        urls = self.start_override or list(self.definition.start_urls)
        return [self.rebase(u) for u in urls]

    async def start(self) -> AsyncIterator[Request]:
        for url in self.start_urls_effective():
            yield self.listing_request(url, first=True)

    def listing_request(self, url: str, *, first: bool = False,
                        start: str | None = None) -> Request:
        url = self.rebase(url)
        return Request(url, callback=self.parse, errback=self.on_error,
                       meta={"leadpipe_page": "listing", "leadpipe_first": first,
                             "leadpipe_start": start or url, "dont_cache": True})

    def follow_listing(self, response: Response, urls: Iterable[str]) -> Iterator[Request]:
        """Requests for the next listing pages, at most ``pagination.max_pages`` distinct
        pages per start URL whatever the pagination method (next link, numbered page links,
        a counter): a server that offers endless pages gets no more than that."""
        start = response.meta.get("leadpipe_start") or response.url
        seen = self._listing_pages.setdefault(start, {start, response.url})
        limit = self.spec.pagination.max_pages
        for url in urls:
            url = self.rebase(url)
            if url in seen:
                continue
            if len(seen) >= limit:
                self.crawler.stats.inc_value("leadpipe/pages/max_pages_reached")
                self.logger.info("%s: max_pages %d reached from %s; %s not followed",
                                 self.source_id, limit, start, url)
                return
            seen.add(url)
            yield self.listing_request(url, start=start)

    # -- items and errors ------------------------------------------------------------------
    def emit(self, records: Iterable[Extracted]) -> Iterable[dict[str, Any]]:
        stats = self.crawler.stats
        for record in records:
            for warning in record.warnings:
                stats.inc_value("leadpipe/warnings")
                self.logger.warning("%s: %s", record.url, warning)
            stats.inc_value(f"leadpipe/record_method/{record.method}")
            yield record.to_item(self.spec)

    def listing_done(self, response: Response, count: int, method: str | None) -> None:
        stats = self.crawler.stats
        stats.inc_value("leadpipe/pages/listing")
        if count:
            return
        stats.inc_value("leadpipe/pages/listing_empty")
        if response.meta.get("leadpipe_first"):
            tried = ", ".join(m.method for m in self.spec.listing.methods)
            self.leadpipe_errors.append(
                f"{self.source_id}: {response.url} answered {response.status} but no records "
                f"were found (tried {tried}); the page layout may have changed"
            )

    def on_error(self, failure: Failure) -> None:
        self.record_failure(failure)

    def record_failure(self, failure: Failure) -> None:
        request = failure.request
        what = describe_failure(failure)
        if what is None:
            self.crawler.stats.inc_value("leadpipe/ignored_requests")
            self.logger.info("not fetched: %s (%s)", request.url, failure.value)
            return
        self.crawler.stats.inc_value("leadpipe/failed_requests")
        self.leadpipe_errors.append(f"{self.source_id}: {request.url} failed {what}")

    def definition_display(self) -> str:
        path = Path(self.definition.path)
        if path.resolve().parent == sources_dir().resolve():
            return f"spiders/sources/{path.name}"
        return str(path)

    def check_counts(self, spider: scrapy.Spider | None = None) -> None:
        """Count assertions, once the crawl has nothing left to do (before it closes)."""
        if self._checked:
            return
        self._checked = True
        stats = self.crawler.stats.get_stats()
        items = items_landed(stats)
        where = f"count assertion in {self.definition_display()}"
        low, high = self.definition.count_min, self.definition.count_max
        if low is not None and items < low:
            self.leadpipe_errors.append(
                f"{self.source_id}: {items} items, expected at least {low} ({where})")
        if high is not None and items > high:
            self.leadpipe_errors.append(
                f"{self.source_id}: {items} items, expected at most {high} ({where})")
