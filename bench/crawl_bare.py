"""The baseline of the crawl benchmark: a bare Scrapy spider that only follows links.

It fetches the same start URLs through the same proxy and settings as the generic spider and
follows every link on the same host, extracting and landing nothing. Run as a subprocess:

    python -m bench.crawl_bare URL [URL ...] [-s SETTING=json ...]
"""

from __future__ import annotations

import argparse
import json
import sys
from collections.abc import Iterable
from typing import Any
from urllib.parse import urlsplit

import scrapy


class LinkSpider(scrapy.Spider):
    name = "bare_links"

    def __init__(self, urls: list[str], **kwargs: Any) -> None:
        super().__init__(**kwargs)
        self.urls = urls
        self.hosts = {urlsplit(u).netloc for u in urls}

    async def start(self):
        for url in self.urls:
            yield scrapy.Request(url)

    def parse(self, response: scrapy.http.Response, **kwargs: Any) -> Iterable[scrapy.Request]:
        for href in response.css("a::attr(href)").getall():
            url = response.urljoin(href)
            if urlsplit(url).netloc in self.hosts:
                yield scrapy.Request(url.split("#", 1)[0])


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(prog="python -m bench.crawl_bare", description=__doc__)
    parser.add_argument("urls", nargs="+")
    parser.add_argument("-s", dest="settings", action="append", default=[])
    ns = parser.parse_args(argv)

    from scrapy.crawler import CrawlerProcess
    from scrapy.settings import Settings

    from spiders import settings as base_settings

    settings = Settings()
    settings.setmodule(base_settings)
    settings.set("ITEM_PIPELINES", {}, priority="cmdline")
    settings.set("EXTENSIONS", {"spiders.middlewares.RobotsCrawlDelay": 510}, priority="cmdline")
    for pair in ns.settings:
        key, value = pair.split("=", 1)
        settings.set(key, json.loads(value), priority="cmdline")
    process = CrawlerProcess(settings)
    crawler = process.create_crawler(LinkSpider)
    process.crawl(crawler, urls=ns.urls)
    process.start()
    stats = crawler.stats.get_stats() if crawler.stats else {}
    print(json.dumps({"pages": stats.get("response_received_count", 0),
                      "finish_reason": stats.get("finish_reason")}))
    return 0


if __name__ == "__main__":
    sys.exit(main())
