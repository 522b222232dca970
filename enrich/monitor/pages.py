"""Which pages of a site are watched, and how a link or URL says which kind of page it is.

The home page is always fetched; a jobs/careers, a news/press and an imprint page are fetched
too when the home page links to them on the company's own domain (``enrich.pages.links`` picks
the links, with the contact and about pages). Product pages are only listed (their
links), never fetched: a new one is news enough.
"""

from __future__ import annotations

import re
from collections.abc import Mapping
from urllib.parse import urljoin, urlparse

import lxml.html
from lxml import etree

from enrich.pages import links

HOME, JOBS, NEWS, IMPRINT = "home", "jobs", "news", "imprint"
WATCHED = (JOBS, NEWS, IMPRINT)
PRODUCT_PATH = re.compile(r"/(?:products?|produkte?|produits?|producten|solutions)/[^/?#]+",
                          re.I)
# What every such path holds: a link (and home page address) without it is passed over
# before it is joined and parsed.
_PRODUCT_HINT = re.compile(r"produ|solutions", re.I)
MAX_PRODUCTS = 50


def _hrefs(page: str | lxml.html.HtmlElement | None) -> list[str]:
    """The ``href`` of every link on a page (its HTML, or the tree already parsed); none for
    a page lxml cannot read."""
    doc = page
    if isinstance(page, str):
        if not page.strip():
            return []
        try:
            doc = lxml.html.document_fromstring(page)
        except (etree.ParserError, ValueError):
            return []
    if doc is None:
        return []
    return [str(a.get("href")).strip() for a in doc.iter("a") if a.get("href") is not None]


def _same_host(base_url: str, href: str) -> str | None:
    try:
        url = urljoin(base_url, href).split("#")[0]
    except ValueError:  # e.g. an invalid IPv6 literal in the link
        return None
    return url if urlparse(url).netloc == urlparse(base_url).netloc else None


def page_kind(url: str, home: str, kinds: Mapping[str, str] | None = None) -> str | None:
    """The watched kind of a fetched page: what the fetch recorded (``SiteSignals.kinds``, the
    link's address and text read by ``enrich.pages.links``), else what its address says; the
    home page is the first one fetched. None for a page that is not watched (e.g. contact)."""
    if url == home:
        return HOME
    kind = (kinds or {}).get(url)
    if kind not in WATCHED:
        kind = links.page_kind(urlparse(url).path, "")
    return kind if kind in WATCHED else None


def product_pages(base_url: str, page: str | lxml.html.HtmlElement | None) -> list[str]:
    """Same-host links to product pages (``/products/<name>``), each once, in page order;
    ``page`` is the HTML or its parsed tree."""
    out: dict[str, None] = {}
    every = _PRODUCT_HINT.search(base_url) is not None
    for href in _hrefs(page):
        if not every and not _PRODUCT_HINT.search(href):
            continue
        url = _same_host(base_url, href)
        if url and PRODUCT_PATH.search(urlparse(url).path):
            out.setdefault(url.rstrip("/"), None)
    return list(out)[:MAX_PRODUCTS]
