"""The generic spiders: HTML listing (+ detail pages), paginated JSON API, CSV/XLSX export."""

from __future__ import annotations

from collections.abc import Iterable
from typing import Any

from scrapy.http import Request, Response
from twisted.python.failure import Failure

from spiders.generic.base import DefinitionSpider
from spiders.pages import ApiPage, DetailPage, ExportPage, Extracted, ListingPage
from spiders.pages.records import same_document


class HtmlSpider(DefinitionSpider):
    """Listing pages (paginated) whose records may be completed from their detail pages.

    Spider argument ``stale_after_days`` overrides the definition's (0 = re-fetch every
    detail page even when the HTTP cache holds it).
    """

    def __init__(self, *args: Any, stale_after_days: str | None = None, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        stale = self.definition.stale_after_days
        self.stale_after_days = float(stale_after_days) if stale_after_days else stale

    def parse(self, response: Response, **kwargs: Any) -> Iterable[Any]:
        page = ListingPage(response.url, response.body, self.spec, selector=response.selector)
        records = self.keep_search(response, page.records())
        self.listing_done(response, len(records), page.method)
        detail = self.spec.detail
        for record in records:
            link = self._detail_link(record, response.url)
            if detail is None or detail.embedded or not link:
                yield from self.emit([record])
                continue
            meta: dict[str, Any] = {"leadpipe_page": "detail"}
            if self.stale_after_days is not None:
                meta["leadpipe_stale_after"] = self.stale_after_days * 86400
            yield Request(self.rebase(link), callback=self.parse_detail,
                          errback=self.on_detail_error, cb_kwargs={"record": record},
                          meta=meta, dont_filter=True)
        yield from self.next_listings(response, page.next_urls(), len(records))

    @staticmethod
    def _detail_link(record: Extracted, page_url: str) -> str | None:
        link = record.detail_url
        if not link and record.url != page_url:
            link = record.url
        if not link or same_document(link, page_url):
            return None
        return link

    def parse_detail(self, response: Response, record: Extracted) -> Iterable[Any]:
        self.crawler.stats.inc_value("leadpipe/pages/detail")
        found = DetailPage(response.url, response.body, self.spec,
                           selector=response.selector).record()
        if found is None:
            self.crawler.stats.inc_value("leadpipe/pages/detail_empty")
        else:
            record = record.merge(found)
        yield from self.emit([record])

    def on_detail_error(self, failure: Failure) -> Iterable[Any]:
        """A detail page that cannot be fetched still lands what its listing showed."""
        self.record_failure(failure)
        record = failure.request.cb_kwargs.get("record")
        if record is not None:
            yield from self.emit([record])


class ApiSpider(DefinitionSpider):
    """A JSON API paged by a counter parameter or a next link in the response."""

    def parse(self, response: Response, **kwargs: Any) -> Iterable[Any]:
        page = ApiPage(response.url, response.body, self.spec)
        try:
            records = self.keep_search(response, page.records())
        except ValueError as exc:
            self.leadpipe_errors.append(f"{self.source_id}: {response.url} is not JSON: {exc}")
            return
        self.listing_done(response, len(records), "api")
        yield from self.emit(records)
        yield from self.next_listings(response, page.next_urls(), len(records))


class ExportSpider(DefinitionSpider):
    """A catalogue's own export file (CSV in any encoding, or XLSX)."""

    def parse(self, response: Response, **kwargs: Any) -> Iterable[Any]:
        page = ExportPage(response.url, response.body, self.spec)
        try:
            records = self.keep_search(response, page.records())
        except (UnicodeDecodeError, ValueError) as exc:
            self.leadpipe_errors.append(
                f"{self.source_id}: {response.url} could not be read as "
                f"{self.spec.export.format} ({self.spec.export.encoding}): {exc}")
            return
        self.listing_done(response, len(records), "export")
        yield from self.emit(records)
