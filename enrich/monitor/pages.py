"""Which pages of a site are watched, and how a link or URL says which kind of page it is.

The home page is always fetched; a jobs/careers, a news/press and an imprint page are fetched
too when the home page links to them on the same host. Product pages are only listed (their
links), never fetched: a new one is news enough.
"""

from __future__ import annotations

import re
from urllib.parse import urljoin, urlparse

import lxml.html
from lxml import etree

HOME, JOBS, NEWS, IMPRINT = "home", "jobs", "news", "imprint"
# Each watched kind, by words in a link's address or text (English, German, French, Dutch).
KIND_WORDS = {
    JOBS: re.compile(r"careers?|jobs?|vacanc|karriere|stellen|join[- ]us|emplois?|carri[eè]res?|"
                     r"recrutement|vacatures", re.I),
    NEWS: re.compile(r"news|press|presse|aktuelles|neuigkeiten|actualit[eé]s?|nieuws|media", re.I),
    IMPRINT: re.compile(r"imprint|impressum|mentions[- ]l[eé]gales|legal[- ]notice|colofon",
                        re.I),
}
WATCHED = (JOBS, NEWS, IMPRINT)
PRODUCT_PATH = re.compile(r"/(?:products?|produkte?|produits?|producten|solutions)/[^/?#]+",
                          re.I)
MAX_PRODUCTS = 50


def _anchors(html: str) -> list[tuple[str, str]]:
    """(href, text) of every link on a page; none for a page lxml cannot read."""
    if not html.strip():
        return []
    try:
        doc = lxml.html.document_fromstring(html)
    except (etree.ParserError, ValueError):
        return []
    return [(str(a.get("href")).strip(), a.text_content() or "") for a in doc.iter("a")
            if a.get("href") is not None]


def _same_host(base_url: str, href: str) -> str | None:
    try:
        url = urljoin(base_url, href).split("#")[0]
    except ValueError:  # e.g. an invalid IPv6 literal in the link
        return None
    return url if urlparse(url).netloc == urlparse(base_url).netloc else None


def watched_links(base_url: str, html: str) -> dict[str, str]:
    """The first same-host link of each watched kind on the home page, by kind."""
    found: dict[str, str] = {}
    for href, text in _anchors(html):
        url = _same_host(base_url, href)
        if url is None or url.rstrip("/") == base_url.rstrip("/"):
            continue
        for kind in WATCHED:
            if kind not in found and KIND_WORDS[kind].search(urlparse(url).path + " " + text):
                found[kind] = url
                break
    return found


def page_kind(url: str, home: str) -> str | None:
    """The kind of a fetched page, from its address (the home page is the first one fetched);
    None for a page that is not watched (e.g. a contact page)."""
    if url == home:
        return HOME
    path = urlparse(url).path
    for kind in WATCHED:
        if KIND_WORDS[kind].search(path):
            return kind
    return None


def product_pages(base_url: str, html: str) -> list[str]:
    """Same-host links to product pages (``/products/<name>``), each once, in page order."""
    out: dict[str, None] = {}
    for href, _ in _anchors(html):
        url = _same_host(base_url, href)
        if url and PRODUCT_PATH.search(urlparse(url).path):
            out.setdefault(url.rstrip("/"), None)
    return list(out)[:MAX_PRODUCTS]
