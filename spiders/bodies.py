"""Response bodies a page object can trust: complete, and decoded in the right charset.

Scrapy is lenient where a crawl should not be: it inflates a gzip body that was cut short
and hands the spider whatever came out (a listing card cut mid-name lands as the company
"Comp"), and it decodes a page in the charset its headers name even when the bytes are not
that charset (a Latin-1 page labelled UTF-8 lands as "M\ufffdller"). Two downloader
middlewares close those gaps:

- ``CompleteBodyMiddleware`` (before decompression) fails a gzip or deflate response whose
  stream ends early with ``IncompleteBody``; the spider's errback reports it, nothing lands.
  It inflates at most ``DOWNLOAD_MAXSIZE`` bytes to find out (a bomb is left to Scrapy's cap).
- ``CharsetFallbackMiddleware`` (after decompression) re-reads a text response whose bytes
  are not its declared charset as cp1252 (what such pages almost always are), and counts it
  (``leadpipe/charset_fallback``).
"""

from __future__ import annotations

import codecs
import logging
import zlib
from typing import Any

from scrapy import Request
from scrapy.http import Response, TextResponse

logger = logging.getLogger(__name__)
_CHUNK = 1 << 20


class IncompleteBody(Exception):
    """A compressed body that ends before its stream does."""


def stream_complete(body: bytes, encoding: str, max_size: int) -> bool | None:
    """Whether a gzip/deflate ``body`` holds a whole stream; None when it inflates past
    ``max_size`` before its end (too big to tell, and refused by Scrapy's size cap)."""
    if encoding in ("gzip", "x-gzip"):
        z = zlib.decompressobj(16 + zlib.MAX_WBITS)
    else:
        z = zlib.decompressobj(zlib.MAX_WBITS if body[:1] and body[0] & 0x0F == 8
                               else -zlib.MAX_WBITS)
    data, inflated = body, 0
    try:
        while data and not z.eof:
            inflated += len(z.decompress(data, _CHUNK))
            data = z.unconsumed_tail
            if max_size and inflated > max_size:
                return None
    except zlib.error:
        return True  # corrupt, not short: Scrapy's decompression reports it
    return z.eof


class CompleteBodyMiddleware:
    """Fail a gzip or deflate response whose compressed stream is cut short."""

    def __init__(self, max_size: int) -> None:
        self.max_size = max_size

    @classmethod
    def from_crawler(cls, crawler: Any) -> CompleteBodyMiddleware:
        return cls(crawler.settings.getint("DOWNLOAD_MAXSIZE"))

    def process_response(self, request: Request, response: Response,
                         spider: Any = None) -> Response:
        encodings = [e.strip().lower() for e in response.headers.getlist(b"Content-Encoding")]
        last = encodings[-1].decode("latin-1") if encodings else ""
        if last in ("gzip", "x-gzip", "deflate") and response.body:
            if stream_complete(response.body, last, self.max_size) is False:
                raise IncompleteBody(f"the {last} body ends before its stream does "
                                     f"({len(response.body)} bytes received)")
        return response


class CharsetFallbackMiddleware:
    """Read a text response whose bytes are not its declared charset as cp1252."""

    def __init__(self, crawler: Any) -> None:
        self.crawler = crawler

    @classmethod
    def from_crawler(cls, crawler: Any) -> CharsetFallbackMiddleware:
        return cls(crawler)

    def process_response(self, request: Request, response: Response,
                         spider: Any = None) -> Response:
        if not isinstance(response, TextResponse) or not response.body:
            return response
        encoding = response.encoding
        try:
            codecs.lookup(encoding).decode(response.body)
        except LookupError:
            return response
        except UnicodeDecodeError:
            if self.crawler.stats is not None:
                self.crawler.stats.inc_value("leadpipe/charset_fallback")
            logger.warning("%s: not %s as its headers say; read as cp1252", response.url,
                           encoding)
            return response.replace(encoding="cp1252")
        return response
