"""Company websites: fetch a home page and its contact, imprint, about, jobs and news pages
(the last three also watched for change by ``enrich.monitor``), parse them once.

Fetching (``fetch_site``, over the client ``http_client`` builds) does the I/O, obeys
robots.txt and never follows links off the company's own domain (which links: see
``enrich.pages.links``); ``read_site`` is pure over saved HTML. What a site *says* (e-mails,
headcount, address, ...) is read by the providers in ``enrich/signals/``.
"""

from __future__ import annotations

import re
import time
from collections.abc import Callable, Sequence
from dataclasses import dataclass, field
from datetime import UTC, datetime
from typing import Any
from urllib.parse import urljoin, urlparse

import httpx
import lxml.html
from lxml import etree
from protego import Protego

from enrich.fetch import (
    Deadline,
    FetchLimits,
    Page,
    TransientFailure,
    get_with_retries,
    install_cookie_jar,
    install_deadlines,
    site_cookies,
)
from enrich.pages.links import linked_pages
from spiders.netpolicy import FetchRefused, OutboundPolicy

DEFAULT_LIMITS = FetchLimits()
TEMPORARY = "temporarily unreachable"  # a 429/5xx/timeout: fetched again soon, not in 30 days
# Visible text read per site, and the longest word kept: the signal regexes never see a
# 160 KB token or a megabyte of text, so no pattern can take long on what a site sends.
MAX_TEXT_CHARS = 300_000
MAX_WORD_CHARS = 100
# C0 control characters (never text in HTML; a page of NUL bytes is a gzip bomb's payload).
_CONTROL_CHARS = re.compile(r"[\x00-\x08\x0b\x0e-\x1f]+")
# ``SiteSignals.memo`` key: each parsed page's whole visible text (``visible_text``).
VISIBLE_TEXT = "visible_text"


@dataclass
class SiteSignals:
    """A fetched site as the signal providers read it (``enrich/signals/``).

    ``status`` says how the fetch went; ``pages`` holds each page's HTML by URL, ``text`` their
    visible text joined, ``links`` every ``href`` in page order, ``fetched_at`` when each page
    was fetched (UTC), ``kinds`` what each page is (home, contact, imprint, about, jobs) and
    ``documents`` each parsed page and ``texts`` its visible text. Parsed once, read by every
    provider, so a new signal needs no change here; ``memo`` keeps what providers work out
    once and share.
    """

    # ok, unreachable, temporarily unreachable, blocked, refused (private address), none
    status: str = "none"
    pages: dict[str, str] = field(default_factory=dict)
    text: str = ""
    links: list[str] = field(default_factory=list)
    fetched_at: dict[str, datetime] = field(default_factory=dict)
    kinds: dict[str, str] = field(default_factory=dict)
    documents: dict[str, lxml.html.HtmlElement] = field(default_factory=dict, repr=False)
    texts: dict[str, str] = field(default_factory=dict, repr=False)
    memo: dict[str, Any] = field(default_factory=dict, repr=False, compare=False)


_VISIBLE_TEXT = etree.XPath(
    "//text()[not(ancestor::script or ancestor::style or ancestor::noscript)]")


# lxml.html's own parser asks a Python method which class each element gets (forms and
# inputs have their own), once per element touched; no reader here uses those classes, so
# every element is an ``HtmlElement`` (``text_content`` and all) looked up in C.
_PARSER = etree.HTMLParser()
_PARSER.set_element_class_lookup(etree.ElementDefaultClassLookup(
    element=lxml.html.HtmlElement, comment=lxml.html.HtmlComment,
    pi=lxml.html.HtmlProcessingInstruction, entity=lxml.html.HtmlEntity))


def _document(html: str) -> lxml.html.HtmlElement | None:
    """The parsed page (lxml: a 2 MB page of tags parses in well under a second, where a
    Python tree builder takes tens of seconds); None for a page with nothing to parse."""
    html = _CONTROL_CHARS.sub("", html)
    if not html.strip():
        return None
    try:
        return lxml.html.document_fromstring(html, parser=_PARSER)
    except (etree.ParserError, ValueError):
        return None


def visible_text(doc: lxml.html.HtmlElement) -> str:
    """A parsed page's visible text (scripts and styles left out), whitespace folded: read
    once per page, by the providers (``SiteSignals.texts``, long words cut) and the site
    fingerprint (``enrich.monitor``, every word)."""
    return " ".join(" ".join(map(str, _VISIBLE_TEXT(doc))).split())


def _readable(text: str) -> str:
    """``text`` without its words longer than ``MAX_WORD_CHARS``, at most ``MAX_TEXT_CHARS``."""
    words = text.split(" ")
    if max(map(len, words), default=0) > MAX_WORD_CHARS:
        text = " ".join(w for w in words if len(w) <= MAX_WORD_CHARS)
    return text[:MAX_TEXT_CHARS]


def _anchors(doc: lxml.html.HtmlElement | None) -> list[lxml.html.HtmlElement]:
    return [] if doc is None else [a for a in doc.iter("a") if a.get("href") is not None]


def read_site(
    pages: dict[str, str], *, fetched_at: dict[str, datetime] | None = None,
    kinds: dict[str, str] | None = None,
    documents: dict[str, lxml.html.HtmlElement | None] | None = None,
) -> SiteSignals:
    """A site's pages ({url: html}) parsed for the providers; pure, no I/O. The first page is
    the home page unless ``kinds`` says otherwise; ``documents`` are pages already parsed."""
    texts: dict[str, str] = {}
    full: dict[str, str] = {}
    links, docs = [], {}
    for url, html in pages.items():
        doc = documents[url] if documents and url in documents else _document(html)
        links.extend(str(a.get("href")).strip() for a in _anchors(doc))
        if doc is not None:
            full[url] = visible_text(doc)
            texts[url] = _readable(full[url])
            docs[url] = doc
    now = datetime.now(UTC)
    return SiteSignals(
        status="ok" if pages else "none", pages=dict(pages),
        text=" ".join(texts.values())[:MAX_TEXT_CHARS], links=links,
        fetched_at={url: (fetched_at or {}).get(url, now) for url in pages},
        kinds={url: (kinds or {}).get(url, "home" if i == 0 else "page")
               for i, url in enumerate(pages)},
        documents=docs, texts=texts, memo={VISIBLE_TEXT: full},
    )


def contact_links(base_url: str, html: str) -> list[str]:
    """The contact, imprint, about and jobs pages a home page links to (``enrich.pages.links``)."""
    return [url for _, url in linked_pages(base_url, _document(html))]


def site_url(website: str) -> str:
    website = website.strip()
    if not re.match(r"^https?://", website, re.I):
        website = "http://" + website
    parts = urlparse(website)
    return f"{parts.scheme}://{parts.netloc}/"


def _home_candidates(website: str) -> list[str]:
    """The home page as printed, then over the other scheme (sites that print https but only
    answer http, or the reverse, are common)."""
    home = site_url(website)
    other = ("http://" + home[8:]) if home.startswith("https://") else ("https://" + home[7:])
    return [home, other]


def http_client(
    user_agent: str, *, proxy: str | None = None, workers: int = 8,
    limits: FetchLimits = DEFAULT_LIMITS, allow_addresses: Sequence[str] = (),
) -> httpx.Client:
    """The one HTTP client website fetches go through (headers, pool, bounded redirects).
    Nothing is fetched from private address space unless ``allow_addresses`` names it: every
    request and redirect goes through the outbound-fetch policy (``spiders.netpolicy``); every
    request ends by its deadline (``enrich.fetch``)."""
    pool = httpx.Limits(max_connections=workers * 2, max_keepalive_connections=workers)
    client = OutboundPolicy(allow_addresses).httpx_client(
        proxy=proxy,
        headers={"User-Agent": user_agent},
        timeout=limits.fetch_seconds,
        limits=pool,
        follow_redirects=True,
        max_redirects=limits.max_redirects,
    )
    return install_cookie_jar(install_deadlines(client))


# Failures that say "this site does not answer here" (try the other scheme, then give up).
_NOT_HERE = (httpx.ConnectError, httpx.ProxyError, httpx.UnsupportedProtocol, httpx.InvalidURL)
# Failures that say "this page cannot be read" (not worth a retry).
_UNREADABLE = (httpx.HTTPError, httpx.InvalidURL)


def fetch_site(
    client: httpx.Client, website: str, user_agent: str, *,
    limits: FetchLimits = DEFAULT_LIMITS, sleep: Callable[[float], None] = time.sleep,
) -> SiteSignals:
    """Fetch the home page, up to two contact pages and the pages site monitoring watches
    (jobs, news, imprint: ``enrich.monitor.pages``); obey robots.txt (and its Crawl-delay).

    Every request is bounded (``enrich.fetch``) and the whole site shares one deadline. A 429,
    5xx or timeout that outlasts the retries gives ``temporarily unreachable``, as does a
    robots.txt that answers 5xx (RFC 9309: disallow everything for now).
    """
    with site_cookies():  # this site's cookies go to this site only
        return _fetch_site(client, website, user_agent, limits, sleep)


def _fetch_site(
    client: httpx.Client, website: str, user_agent: str, limits: FetchLimits,
    sleep: Callable[[float], None],
) -> SiteSignals:
    site = Deadline(limits.site_seconds)
    for home in _home_candidates(website):
        try:
            robots = get_with_retries(client, urljoin(home, "/robots.txt"), limits, site, sleep)
        except FetchRefused:
            return SiteSignals(status="refused")
        except TransientFailure:
            return SiteSignals(status=TEMPORARY)
        except _NOT_HERE:
            continue  # InvalidURL: a host httpx cannot parse (e.g. 0177.0.0.1), not a crash
        except _UNREADABLE:
            return SiteSignals(status="unreachable")
        if robots.status_code >= 500:
            return SiteSignals(status=TEMPORARY)
        return _fetch_from(client, home, robots, user_agent, limits, site, sleep)
    return SiteSignals(status="unreachable")


def _fetch_from(
    client: httpx.Client, home: str, robots: Page, user_agent: str, limits: FetchLimits,
    site: Deadline, sleep: Callable[[float], None],
) -> SiteSignals:
    rules = Protego.parse(robots.text) if robots.status_code == 200 else None
    if rules is not None and not rules.can_fetch(home, user_agent):
        return SiteSignals(status="blocked")
    delay = float(rules.crawl_delay(user_agent) or 0) if rules is not None else 0.0
    try:
        if delay:
            _pause(delay, limits, site, sleep)
        response = get_with_retries(client, home, limits, site, sleep)
    except FetchRefused:
        return SiteSignals(status="refused")
    except (TransientFailure, _TooSlow):
        return SiteSignals(status=TEMPORARY)
    except _UNREADABLE:
        return SiteSignals(status="unreachable")
    if response.status_code >= 400:
        return SiteSignals(status="unreachable")
    pages = {response.url: response.text}
    fetched = {response.url: datetime.now(UTC)}
    kinds = {response.url: "home"}
    home_doc = _document(response.text)
    for kind, link in linked_pages(response.url, home_doc):
        if rules is not None and not rules.can_fetch(link, user_agent):
            continue
        try:
            _pause(delay, limits, site, sleep)
            extra = get_with_retries(client, link, limits, site, sleep)
        except (TransientFailure, _TooSlow, *_UNREADABLE):
            break  # keep what was read; the site's time or patience is used up
        if extra.status_code < 400 and extra.url not in pages:
            pages[extra.url] = extra.text
            fetched[extra.url] = datetime.now(UTC)
            kinds[extra.url] = kind
    return read_site(pages, fetched_at=fetched, kinds=kinds,
                     documents={response.url: home_doc})


class _TooSlow(Exception):
    """The wait a site asks for does not fit in its deadline."""


def _pause(delay: float, limits: FetchLimits, site: Deadline,
           sleep: Callable[[float], None]) -> None:
    """Wait a robots.txt Crawl-delay before the next request, when it fits."""
    if delay <= 0:
        return
    if delay > limits.max_wait or delay >= site.remaining():
        raise _TooSlow(f"Crawl-delay {delay:.0f}s")
    sleep(delay)
