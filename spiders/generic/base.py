"""What every definition-driven spider shares: start URLs (overridable), errors the run
report turns into a failure, count assertions, and page/method statistics."""

from __future__ import annotations

import json
from collections.abc import AsyncIterator, Iterable, Iterator
from pathlib import Path
from typing import Any
from urllib.parse import urlsplit, urlunsplit

import scrapy
from scrapy import signals
from scrapy.crawler import Crawler
from scrapy.http import FormRequest, Request, Response
from twisted.python.failure import Failure

from spiders.definitions import SourceDefinition, load_definition, sources_dir
from spiders.landing import items_landed
from spiders.pages import Extracted
from spiders.pages.spec import next_page_number
from spiders.retry import describe_failure
from spiders.search import SearchError, expand, fill, fill_body, found_under


class DefinitionSpider(scrapy.Spider):
    """Base of the generic spiders; a subclass per source sets ``name``/``source_id``.

    Spider arguments: ``start_url`` (one or more, comma separated) replaces the definition's
    start URLs; ``base_url`` keeps the definition's paths but sends every request for the
    source's hosts to another origin (a local test server, a mirror); ``search`` (a JSON list
    of ``{"category": ..., "location": ...}`` objects) runs one search per object through the
    definition's ``search:`` templates (without it: the definition's search defaults).
    """

    name = "definition"
    source_id: str | None = None

    def __init__(self, definition_path: str, start_url: str | None = None,
                 base_url: str | None = None, search: str | None = None,
                 **kwargs: Any) -> None:
        super().__init__(**kwargs)
        self.definition: SourceDefinition = load_definition(definition_path)
        self.spec = self.definition.extraction
        self.source_id = self.definition.id
        self.leadpipe_errors: list[str] = []
        self.start_override = [u.strip() for u in start_url.split(",")] if start_url else None
        self.base_url = base_url.rstrip("/") if base_url else None
        self.searches = self._searches(search)
        self._checked = False
        self._listing_pages: dict[str, set[str]] = {}  # start URL -> listing pages requested

    def _searches(self, given: str | None) -> list[dict[str, str]] | None:
        """The searches to run (None: the definition declares none)."""
        if self.definition.search is None:
            if given:
                raise SearchError(f"{self.definition.id} declares no search parameters")
            return None
        names = self.definition.search_names()
        if not given:
            return expand(self.definition.search, {}, names)
        try:
            searches = json.loads(given)
        except ValueError as exc:
            raise SearchError(f"spider argument search is not JSON: {exc}") from exc
        if not isinstance(searches, list) or not all(isinstance(s, dict) for s in searches):
            raise SearchError("spider argument search must be a JSON list of objects")
        out = []
        for one in searches:
            out += expand(self.definition.search, {k: [str(v)] for k, v in one.items()}, names)
        return out

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
        if self.searches is None or self.start_override:
            for url in self.start_urls_effective():
                yield self.listing_request(url, first=True)
            return
        page = self.spec.pagination.start
        for search in self.searches:
            for template in self.definition.search_templates():
                yield self.listing_request(fill(template, search, page, quote=True), first=True,
                                           search=search, page=page)

    def listing_request(self, url: str, *, first: bool = False,
                        start: str | None = None, search: dict[str, str] | None = None,
                        page: int | None = None) -> Request:
        """A listing page request: GET, or POST with the definition's form or JSON body (its
        placeholders filled from the search, the page counter in ``pagination.param``)."""
        url = self.rebase(url)
        meta = {"leadpipe_page": "listing", "leadpipe_first": first, "dont_cache": True,
                "leadpipe_start": start or url, "leadpipe_search": search,
                "leadpipe_page_no": page}
        common = {"callback": self.parse, "errback": self.on_error, "meta": meta}
        req = self.definition.request
        if req.method == "GET":
            return Request(url, headers=req.headers or None, **common)
        number = self.spec.pagination.start if page is None else page
        param = self.spec.pagination.param
        if req.json is not None:
            body = fill_body(req.json, search or {}, number)
            if param and isinstance(body, dict):
                body[param] = number
            headers = {"Content-Type": "application/json", **req.headers}
            return Request(url, method="POST", body=json.dumps(body), headers=headers, **common)
        form = fill_body(req.form or {}, search or {}, number)
        if param:
            form[param] = str(number)
        return FormRequest(url, formdata={k: str(v) for k, v in form.items()},
                           headers=req.headers or None, **common)

    def next_listings(self, response: Response, urls: Iterable[str],
                      records: int) -> Iterator[Request]:
        """The listing pages after ``response``: its next links (GET), or, for a POST body,
        the page counter counted up while pages come back full; the search goes along. At
        most ``pagination.max_pages`` distinct pages per start URL and search, whatever the
        pagination method: a server that offers endless pages gets no more than that."""
        search = response.meta.get("leadpipe_search")
        start = response.meta.get("leadpipe_start") or response.url
        page_no = response.meta.get("leadpipe_page_no")
        key = start + ("#" + json.dumps(search, sort_keys=True) if search else "")
        here = response.url if page_no is None else f"{response.url}#{page_no}"
        by_links = self.definition.request.method == "GET" or not self.spec.pagination.param
        seen = self._listing_pages.setdefault(key, {start, here} if by_links else {here})
        if by_links:
            wanted = [(self.rebase(u), page_no) for u in urls]
            labels = [u for u, _ in wanted]
        else:
            number = next_page_number(page_no, self.spec.pagination, records)
            wanted = [] if number is None else [(response.request.url, number)]
            labels = [f"{u}#{n}" for u, n in wanted]
        limit = self.spec.pagination.max_pages
        for (url, number), label in zip(wanted, labels, strict=True):
            if label in seen:
                continue
            if len(seen) >= limit:
                self.crawler.stats.inc_value("leadpipe/pages/max_pages_reached")
                self.logger.info("%s: max_pages %d reached from %s; %s not followed",
                                 self.source_id, limit, start, label)
                return
            seen.add(label)
            yield self.listing_request(url, start=start, search=search, page=number)

    def keep_search(self, response: Response, records: list[Extracted]) -> list[Extracted]:
        """Each record keeps the search category it was found under (among its categories)."""
        search = response.meta.get("leadpipe_search")
        for record in records:
            record.fields = found_under(record.fields, search)
            if "categories" in record.fields:
                record.field_methods.setdefault("categories", "derived")
        return records

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
