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
MAX_PRODUCTS = 50


def _anchors(page: str | lxml.html.HtmlElement | None) -> list[tuple[str, str]]:
    """(href, text) of every link on a page (its HTML, or the tree already parsed); none for
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
    return [(str(a.get("href")).strip(), a.text_content() or "") for a in doc.iter("a")
            if a.get("href") is not None]


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
    for href, _ in _anchors(page):
        url = _same_host(base_url, href)
        if url and PRODUCT_PATH.search(urlparse(url).path):
            out.setdefault(url.rstrip("/"), None)
    return list(out)[:MAX_PRODUCTS]
