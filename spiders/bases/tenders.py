"""Base spiders for tender platform APIs, in the manner of kingfisher-collect.

A source module subclasses one of these and sets a few class attributes:

- ``LinksNextSpider``: OCDS release/record packages that point at their next page through
  ``links.next`` (Find a Tender, the demo world);
- ``DateWindowSpider``: the same, one date window after another (Contracts Finder);
- ``IndexOffsetSpider``: an index of ids with an ``offset`` cursor, then each document
  (ProZorro);
- ``TedSearchSpider``: TED API v3 search (POST, ``ITERATION`` pagination with
  ``iterationNextToken``), then each notice's eForms XML.

Incremental crawling: every spider takes ``since``/``until`` (an ISO date, or the mark of an
earlier run) and reports its new high-water mark in the stats under
``leadpipe/high_water_mark`` (see ``ProgressMark``: the key of the last document landed with
nothing missing before it, plus any landed past a gap). An interrupted crawl resumed from the
mark lands every document exactly once. Spiders never open the warehouse.
"""

from __future__ import annotations

import json
from collections.abc import AsyncIterator, Iterable, Iterator
from datetime import UTC, datetime, timedelta
from typing import Any
from urllib.parse import urlencode

import scrapy
from scrapy import signals
from scrapy.crawler import Crawler
from scrapy.http import Request, Response
from twisted.python.failure import Failure

from spiders.landing import STAT_HIGH_WATER_MARK, items_landed
from spiders.retry import describe_failure
from spiders.tenders import TenderParseError, landing_items, parse_bytes
from spiders.tenders.common import iso_datetime
from spiders.tenders.ocds import iter_releases, parse_release

# Retries come from spiders/settings.py (spiders.retry.PoliteRetryMiddleware), as for every
# spider; a tender API is asked one request at a time.
POLITE_SETTINGS: dict[str, Any] = {
    "CONCURRENT_REQUESTS_PER_DOMAIN": 1,
}


class ProgressMark:
    """The high-water mark over documents that finish out of order.

    Every document has a sortable key (its date, then a tie-breaker such as its id) and is
    registered in feed order. The mark is the key of the last document such that it and
    every earlier one have been landed, plus the keys landed beyond that point
    ('<prefix>|<key>,<key>'): a run cut short resumes after the prefix, skips the listed keys,
    and so lands every document exactly once.
    """

    def __init__(self, since: str | None) -> None:
        prefix, _, extras = (since or "").partition("|")
        self.prefix: str | None = prefix or None
        self.extras: set[str] = {e for e in extras.split(",") if e}
        self.order: list[str] = []
        self.finished: set[str] = set()

    def seen(self, key: str) -> bool:
        """Landed by an earlier run."""
        return (self.prefix is not None and key <= self.prefix) or key in self.extras

    def open(self, key: str) -> None:
        self.order.append(key)

    def finish(self, key: str) -> None:
        self.finished.add(key)
        while self.order and self.order[0] in self.finished:
            done = self.order.pop(0)
            self.finished.discard(done)
            if self.prefix is None or done > self.prefix:
                self.prefix = done

    def mark(self) -> str | None:
        beyond = sorted(k for k in self.finished | self.extras
                        if self.prefix is None or k > self.prefix)
        if self.prefix is None and not beyond:
            return None
        return (self.prefix or "") + ("|" + ",".join(beyond) if beyond else "")


def mark_date(mark: str | None) -> str | None:
    """The date part of a mark (what an API's date filter understands)."""
    if not mark:
        return None
    return mark.partition("|")[0].partition("#")[0] or None


class TenderSpider(scrapy.Spider):
    """Common ground: arguments, politeness, parsing, landing items and the high-water mark."""

    custom_settings: dict[str, Any] = dict(POLITE_SETTINGS)
    default_days: int | None = None  # without since/cursor: start this many days back
    # A healthy run that starts from scratch (no since/cursor: the default window or
    # everything) lands at least this many items; fewer fails the run, as a YAML source's
    # count.min does. A run resuming from a mark may rightly find nothing new: not checked.
    expect_min_items: int | None = None

    def __init__(self, since: str | None = None, until: str | None = None,
                 cursor: str | None = None, expect_min_items: str | None = None,
                 **kwargs: Any) -> None:
        super().__init__(**kwargs)
        if expect_min_items is not None:
            self.expect_min: int | None = int(expect_min_items)
        else:
            self.expect_min = None if since or cursor else self.expect_min_items
        self._checked = False
        if not since and not cursor and self.default_days:
            since = (datetime.now(UTC) - timedelta(days=self.default_days)).strftime(
                "%Y-%m-%dT%H:%M:%SZ")
        self.since = self.normalise_since(since) if since else None
        if until and len(until) == 10:
            until = f"{until}T23:59:59Z"  # a bare date means the whole day
        self.until = iso_datetime(until) or until or None
        self.cursor = cursor or None
        self.progress = ProgressMark(self.since)
        self.leadpipe_errors: list[str] = []

    @staticmethod
    def normalise_since(since: str) -> str:
        """A mark from an earlier run stays as it is; a plain date becomes ISO UTC."""
        if "#" in since or "|" in since:
            return since
        return iso_datetime(since) or since

    @property
    def since_date(self) -> str | None:
        return mark_date(self.since)

    # --- the mark -----------------------------------------------------------------------

    def fresh(self, key: str | None, date: str | None) -> bool:
        """Not landed by an earlier run, and not past ``until``."""
        if key and self.progress.seen(key):
            return False
        return not (date and self.until and date > self.until)

    def landed(self, key: str | None) -> None:
        if key:
            self.progress.finish(key)
            self.crawler.stats.set_value(STAT_HIGH_WATER_MARK,
                                         self.progress.mark() or self.since or "")

    def closed(self, reason: str) -> None:
        self.crawler.stats.set_value(STAT_HIGH_WATER_MARK, self.progress.mark() or self.since or "")

    # --- the count assertion ------------------------------------------------------------

    @classmethod
    def from_crawler(cls, crawler: Crawler, *args: Any, **kwargs: Any) -> TenderSpider:
        spider = super().from_crawler(crawler, *args, **kwargs)
        crawler.signals.connect(spider.check_counts, signal=signals.spider_idle)
        return spider

    def check_counts(self, spider: scrapy.Spider | None = None) -> None:
        """Fewer items than ``expect_min_items``: an error naming the source (once, when the
        crawl has nothing left to do)."""
        if self._checked or self.expect_min is None:
            return
        self._checked = True
        items = items_landed(self.crawler.stats.get_stats())
        if items < self.expect_min:
            self.leadpipe_errors.append(
                f"{self.name}: {items} items, expected at least {self.expect_min} "
                f"(expect_min_items of spiders/sources/{self.name}.py); the API or its format "
                f"may have changed")

    # --- turning documents into items ---------------------------------------------------

    def items_from_bytes(self, data: bytes, url: str) -> list[dict[str, Any]]:
        """Any tender document (OCDS or eForms) -> items; a bad one is recorded, not fatal."""
        try:
            parsed = parse_bytes(data)
        except TenderParseError as exc:
            self.record_error(f"{url}: {exc}")
            return []
        method = "xml" if parsed.format == "eforms" else "api"
        self.crawler.stats.inc_value("leadpipe/documents", 1)
        return list(landing_items(parsed, url=url, method=method))

    def record_error(self, message: str) -> None:
        self.logger.error(message)
        self.crawler.stats.inc_value("leadpipe/document_errors")
        self.leadpipe_errors.append(message)

    def json_body(self, response: Response) -> Any | None:
        try:
            return json.loads(response.body)
        except (json.JSONDecodeError, UnicodeDecodeError) as exc:
            self.record_error(f"{response.url}: not valid JSON ({exc})")
            return None


def release_key(release: dict[str, Any]) -> tuple[str | None, str | None]:
    """(key, date) of an OCDS release: its date, then ocid/id to break ties."""
    date = iso_datetime(release.get("date"))
    if not date:
        return None, None
    return safe_key(f"{date}#{release.get('ocid') or ''}/{release.get('id') or ''}"), date


def failure_status(failure: Failure) -> int | None:
    """The HTTP status behind a failed request, if it got that far."""
    return getattr(getattr(failure.value, "response", None), "status", None)


def failure_text(failure: Failure) -> str:
    """``(HTTP 503) after 2 retries``, as every spider reports a failed request."""
    return describe_failure(failure) or f"(not fetched: {failure.getErrorMessage()})"


def safe_key(key: str) -> str:
    """Keys travel inside marks ('<prefix>|<key>,<key>'): keep the separators out of them."""
    return key.replace("|", "_").replace(",", "_")


class LinksNextSpider(TenderSpider):
    """OCDS packages that name their next page in ``links.next``.

    Class attributes: ``base_url``; ``since_param``/``until_param`` (query names of the date
    filter); ``page_size_param``/``page_size``; ``date_format`` (strftime of the filter).
    """

    base_url: str = ""
    since_param: str | None = None
    until_param: str | None = None
    page_size_param: str | None = None
    page_size: int = 100
    date_format: str = "%Y-%m-%dT%H:%M:%S"
    first_page_params: dict[str, Any] = {}
    party_native_ids: bool = False  # key organisations by party id (see parse_release)

    def fmt(self, mark: str) -> str:
        return datetime.fromisoformat(mark.replace("Z", "+00:00")).strftime(self.date_format)

    def first_url(self, since: str | None, until: str | None) -> str:
        params: dict[str, Any] = dict(self.first_page_params)
        if since and self.since_param:
            params[self.since_param] = self.fmt(since)
        if until and self.until_param:
            params[self.until_param] = self.fmt(until)
        if self.page_size_param:
            params[self.page_size_param] = self.page_size
        return f"{self.base_url}?{urlencode(params)}" if params else self.base_url

    async def start(self) -> AsyncIterator[Request]:
        yield self.page_request(self.cursor or self.first_url(self.since_date, self.until))

    def page_request(self, url: str, **meta: Any) -> Request:
        return Request(url, callback=self.parse_page, errback=self.page_failed,
                       headers={"Accept": "application/json"}, meta=meta)

    def parse_page(self, response: Response) -> Iterator[Any]:
        doc = self.json_body(response)
        if doc is None:
            return
        self.crawler.stats.inc_value("leadpipe/documents", 1)
        for release in iter_releases(doc):
            key, date = release_key(release)
            if not self.fresh(key, date):
                continue
            if key:
                self.progress.open(key)
            parsed = parse_release(release, party_ids=self.party_native_ids)
            yield from landing_items(parsed, url=response.url, method="api")
            self.landed(key)
        nxt = self.next_url(doc, response)
        if nxt:
            yield self.page_request(nxt, **self.carry_meta(response))
        else:
            yield from self.after_last_page(response)

    def next_url(self, doc: Any, response: Response) -> str | None:
        links = doc.get("links") if isinstance(doc, dict) else None
        nxt = links.get("next") if isinstance(links, dict) else None
        return response.urljoin(nxt) if nxt and response.urljoin(nxt) != response.url else None

    def carry_meta(self, response: Response) -> dict[str, Any]:
        return {}

    def after_last_page(self, response: Response) -> Iterable[Any]:
        return ()

    def page_failed(self, failure: Failure) -> None:
        self.record_error(f"{failure.request.url}: page failed {failure_text(failure)}")


class DateWindowSpider(LinksNextSpider):
    """Date windows of ``window_days``, oldest first, each followed through ``links.next``.

    Windows run one after another so the high-water mark only ever moves forward.
    """

    window_days: int = 7

    def windows(self) -> list[tuple[str, str]]:
        now = datetime.now(UTC)
        start = self.since_date or (now - timedelta(days=self.window_days)).strftime(
            "%Y-%m-%dT%H:%M:%SZ")
        end = self.until or now.strftime("%Y-%m-%dT%H:%M:%SZ")
        out = []
        cur = datetime.fromisoformat(start.replace("Z", "+00:00"))
        stop = datetime.fromisoformat(end.replace("Z", "+00:00"))
        while cur < stop:
            nxt = min(cur + timedelta(days=self.window_days), stop)
            out.append((cur.strftime("%Y-%m-%dT%H:%M:%SZ"), nxt.strftime("%Y-%m-%dT%H:%M:%SZ")))
            cur = nxt
        return out

    async def start(self) -> AsyncIterator[Request]:
        windows = self.windows()
        if windows:
            yield self.page_request(self.first_url(*windows[0]), window=0, windows=windows)

    def carry_meta(self, response: Response) -> dict[str, Any]:
        return {"window": response.meta["window"], "windows": response.meta["windows"]}

    def after_last_page(self, response: Response) -> Iterable[Any]:
        index, windows = response.meta["window"] + 1, response.meta["windows"]
        if index < len(windows):
            yield self.page_request(self.first_url(*windows[index]), window=index,
                                    windows=windows)


class _DetailSpider(TenderSpider):
    """Index pages list documents; each document is fetched and landed on its own."""

    def detail_request(self, url: str, key: str | None, headers: dict[str, str]) -> Request:
        if key:
            self.progress.open(key)
        return Request(url, callback=self.parse_detail, errback=self.detail_failed,
                       headers=headers, meta={"key": key})

    def parse_detail(self, response: Response) -> Iterator[Any]:
        yield from self.items_from_bytes(response.body, response.url)
        self.landed(response.meta.get("key"))

    def detail_failed(self, failure: Failure) -> None:
        status = failure_status(failure)
        self.record_error(f"{failure.request.url}: document failed {failure_text(failure)}")
        if status is not None and 400 <= status < 500 and status not in (408, 429):
            # Gone or forbidden for good: asking again next run would not help, and keeping
            # it open would hold the mark back forever.
            self.landed(failure.request.meta.get("key"))
        # Otherwise (5xx after retries, network): not landed, the mark stops before it and
        # the next run fetches it again.

    def page_failed(self, failure: Failure) -> None:
        self.record_error(f"{failure.request.url}: index page failed {failure_text(failure)}")


class IndexOffsetSpider(_DetailSpider):
    """An index of ``{id, dateModified}`` with an ``offset`` cursor, then each document.

    Class attributes: ``index_url``; ``offset_param``; ``detail_url`` (format string with
    ``{id}``); ``list_key`` ('data'); ``date_key`` ('dateModified').
    """

    index_url: str = ""
    offset_param: str = "offset"
    detail_url: str = ""
    list_key: str = "data"
    date_key: str = "dateModified"
    id_key: str = "id"

    def format_offset(self, date: str) -> str:
        return date.removesuffix("Z")

    async def start(self) -> AsyncIterator[Request]:
        url = self.index_url
        offset = self.cursor or (self.format_offset(self.since_date) if self.since_date else None)
        if offset:
            url = f"{url}?{urlencode({self.offset_param: offset})}"
        yield Request(url, callback=self.parse_index, errback=self.page_failed)

    def parse_index(self, response: Response) -> Iterator[Any]:
        doc = self.json_body(response)
        if not isinstance(doc, dict):
            return
        entries = [e for e in doc.get(self.list_key) or [] if isinstance(e, dict)]
        for entry in entries:
            date = iso_datetime(entry.get(self.date_key))
            key = safe_key(f"{date}#{entry.get(self.id_key)}") if date else None
            if self.fresh(key, date):
                yield self.detail_request(self.detail_url.format(id=entry[self.id_key]), key,
                                          {"Accept": "application/json"})
        next_page = doc.get("next_page") if isinstance(doc.get("next_page"), dict) else {}
        nxt = next_page.get("uri")
        if entries and nxt and response.urljoin(nxt) != response.url:
            yield Request(response.urljoin(nxt), callback=self.parse_index,
                          errback=self.page_failed)


class TedSearchSpider(_DetailSpider):
    """TED API v3: POST searches with iteration tokens, then each notice's eForms XML.

    Class attributes: ``search_url``; ``notice_xml_url`` (format string with
    ``{publication_number}``); ``page_size``; ``query`` (extra expert-query terms, e.g. CPV).
    """

    search_url: str = ""
    notice_xml_url: str = ""
    page_size: int = 100
    query: str = ""
    fields: tuple[str, ...] = ("publication-number", "publication-date", "notice-type")

    def __init__(self, *args: Any, query: str | None = None, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        if query:
            self.query = query

    @staticmethod
    def normalise_since(since: str) -> str:
        """Marks here are notice keys; a plain date means "from that day on"."""
        if "#" in since or "|" in since:
            return since
        return f"{(iso_datetime(since) or since)[:10]}#"

    @staticmethod
    def notice_key(date: Any, number: Any) -> str | None:
        """Sortable position of a notice: publication day, then its number within the year.

        TED filters by day and publishes thousands of notices a day, so a date alone cannot
        say where an interrupted crawl stopped; '2024-03-01#2024-00128154' can.
        """
        if not date or not isinstance(date, str):
            return None
        head, _, year = str(number or "").partition("-")
        if head.isdigit() and year.isdigit():
            return f"{date[:10]}#{year}-{int(head):08d}"
        return f"{date[:10]}#"

    def expert_query(self) -> str:
        terms = []
        if self.since_date:
            # A day-level filter: notices of the mark's day come again and are skipped.
            terms.append(f"PD>={self.since_date[:10].replace('-', '')}")
        if self.until:
            terms.append(f"PD<={self.until[:10].replace('-', '')}")
        if self.query:
            terms.append(f"({self.query})")
        text = " AND ".join(terms) or "PD>=20240101"
        return f"{text} SORT BY publication-number ASC"

    def search_request(self, token: str | None) -> Request:
        body: dict[str, Any] = {
            "query": self.expert_query(), "fields": list(self.fields),
            "limit": int(self.page_size), "paginationMode": "ITERATION",
        }
        if token:
            body["iterationNextToken"] = token
        return Request(self.search_url, method="POST", body=json.dumps(body),
                       headers={"Content-Type": "application/json", "Accept": "application/json"},
                       callback=self.parse_search, errback=self.page_failed, dont_filter=True)

    async def start(self) -> AsyncIterator[Request]:
        yield self.search_request(self.cursor)

    def parse_search(self, response: Response) -> Iterator[Any]:
        doc = self.json_body(response)
        if not isinstance(doc, dict):
            return
        notices = [n for n in doc.get("notices") or [] if isinstance(n, dict)]
        for notice in notices:
            date = notice.get("publication-date")
            key = self.notice_key(date, notice.get("publication-number"))
            if not self.fresh(key, None) or (
                    self.until and isinstance(date, str) and date[:10] > self.until[:10]):
                continue
            url = self.xml_link(notice) or self.notice_xml_url.format(
                publication_number=notice.get("publication-number"))
            yield self.detail_request(url, key, {"Accept": "application/xml"})
        token = doc.get("iterationNextToken")
        if notices and token:
            yield self.search_request(token)

    @staticmethod
    def xml_link(notice: dict[str, Any]) -> str | None:
        links = notice.get("links")
        xml = links.get("xml") if isinstance(links, dict) else None
        if isinstance(xml, dict):
            return xml.get("MUL") or next(iter(xml.values()), None)
        return None
