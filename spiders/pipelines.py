"""Scrapy plumbing that turns yielded items into landing files and a run report.

Spiders yield plain dicts with ``kind``, ``native_id``, ``url``, ``method`` and ``fields``
(optionally ``parser_version``, ``field_methods``, ``fetched_at``); the pipeline adds the
provenance (source, run id, record id) so no spider can forget it.
"""

from __future__ import annotations

import json
from typing import Any

from scrapy import signals
from scrapy.crawler import Crawler
from scrapy.exceptions import DropItem

from spiders.landing import (
    STAT_ERRORS,
    STAT_FINISH_REASON,
    STAT_ITEMS_INVALID,
    LandingWriter,
    items_stat,
    landing_root,
    make_item,
    report_path,
)


def source_id(spider: Any) -> str:
    return getattr(spider, "source_id", None) or spider.name


class LandingPipeline:
    """Write every item to ``<LANDING_DIR>/<LEADPIPE_RUN_ID>/<source>.jsonl``."""

    def __init__(self, crawler: Crawler) -> None:
        self.crawler = crawler
        self.landing_dir = landing_root(crawler.settings.get("LANDING_DIR", "data/landing"))
        self.run_id = crawler.settings.get("LEADPIPE_RUN_ID", "adhoc")
        self.writer: LandingWriter | None = None

    @classmethod
    def from_crawler(cls, crawler: Crawler) -> LandingPipeline:
        return cls(crawler)

    def process_item(self, item: dict[str, Any]) -> dict[str, Any]:
        spider = self.crawler.spider
        try:
            landed = make_item(
                kind=item["kind"],
                source=source_id(spider),
                native_id=item["native_id"],
                url=item["url"],
                run_id=self.run_id,
                method=item["method"],
                fields=item.get("fields", {}),
                parser_version=str(item.get("parser_version", "1")),
                fetched_at=item.get("fetched_at"),
                field_methods=item.get("field_methods"),
            )
        except (KeyError, ValueError) as exc:
            spider.crawler.stats.inc_value(STAT_ITEMS_INVALID)
            raise DropItem(f"invalid landing item from {item.get('url')}: {exc}") from exc
        if self.writer is None:
            self.writer = LandingWriter(self.landing_dir, self.run_id, source_id(spider))
        self.writer.write(landed)
        spider.crawler.stats.inc_value(items_stat(landed["kind"]))
        return item

    def close_spider(self) -> None:
        if self.writer is not None:
            self.writer.close()


class RunReport:
    """Write the crawl's stats as ``<run>/<source>.stats.json`` when the spider closes."""

    def __init__(self, crawler: Crawler) -> None:
        self.crawler = crawler
        crawler.signals.connect(self.spider_closed, signal=signals.spider_closed)

    @classmethod
    def from_crawler(cls, crawler: Crawler) -> RunReport:
        return cls(crawler)

    def spider_closed(self, spider: Any, reason: str) -> None:
        settings = self.crawler.settings
        path = report_path(landing_root(settings.get("LANDING_DIR", "data/landing")),
                           settings.get("LEADPIPE_RUN_ID", "adhoc"), source_id(spider))
        path.parent.mkdir(parents=True, exist_ok=True)
        stats = {k: v for k, v in (self.crawler.stats.get_stats() or {}).items()}
        stats[STAT_FINISH_REASON] = reason
        stats[STAT_ERRORS] = list(getattr(spider, "leadpipe_errors", []))
        path.write_text(json.dumps(stats, default=str, indent=1, sort_keys=True), encoding="utf-8")
