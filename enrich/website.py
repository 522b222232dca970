"""Company websites: fetch a home page and its contact/imprint pages, parse them once.

Fetching (``fetch_site``, over the client ``http_client`` builds) does the I/O, obeys
robots.txt and never follows links off the company's own domain; ``read_site`` is pure over
saved HTML. What a site *says* (e-mails, headcount, ...) is read by the providers in
``enrich/signals/``.
"""

from __future__ import annotations

import re
from collections.abc import Iterable, Sequence
from dataclasses import dataclass, field
from urllib.parse import urljoin, urlparse

import httpx
from bs4 import BeautifulSoup
from protego import Protego

from spiders.netpolicy import FetchRefused, OutboundPolicy

CONTACT_LINK_RE = re.compile(r"contact|kontakt|imprint|impressum|about", re.I)


@dataclass
class SiteSignals:
    """A fetched site as the signal providers read it (``enrich/signals/``).

    ``status`` says how the fetch went; ``pages`` holds each page's HTML by URL, ``text`` their
    visible text joined, ``links`` every ``href`` in page order. Parsed once, read by every
    provider, so a new signal needs no change here.
    """

    status: str = "none"  # ok, unreachable, blocked, refused (private address), none
    pages: dict[str, str] = field(default_factory=dict)
    text: str = ""
    links: list[str] = field(default_factory=list)


def _unique(values: Iterable[str]) -> list[str]:
    seen: dict[str, None] = {}
    for value in values:
        seen.setdefault(value, None)
    return list(seen)


def _visible_text(soup: BeautifulSoup) -> str:
    for tag in soup(["script", "style", "noscript"]):
        tag.decompose()
    return " ".join(soup.get_text(" ").split())


def read_site(pages: dict[str, str]) -> SiteSignals:
    """A site's pages ({url: html}) parsed for the providers; pure, no I/O."""
    texts, links = [], []
    for html in pages.values():
        soup = BeautifulSoup(html, "lxml")
        links.extend(str(a["href"]) for a in soup.find_all("a", href=True))
        texts.append(_visible_text(soup))
    return SiteSignals(
        status="ok" if pages else "none", pages=dict(pages), text=" ".join(texts), links=links
    )


def contact_links(base_url: str, html: str) -> list[str]:
    """Links on the same host that look like contact / imprint / about pages."""
    soup = BeautifulSoup(html, "lxml")
    host = urlparse(base_url).netloc
    out = []
    for a in soup.find_all("a", href=True):
        url = urljoin(base_url, a["href"])
        if urlparse(url).netloc == host and CONTACT_LINK_RE.search(a["href"] + " " + a.get_text()):
            out.append(url.split("#")[0])
    return _unique(out)[:2]


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
    user_agent: str, *, proxy: str | None = None, workers: int = 8, timeout: float = 10.0,
    allow_addresses: Sequence[str] = (),
) -> httpx.Client:
    """The one HTTP client website fetches go through (headers, timeouts, pool, redirects).
    Nothing is fetched from private address space unless ``allow_addresses`` names it: every
    request and redirect goes through the outbound-fetch policy (``spiders.netpolicy``)."""
    limits = httpx.Limits(max_connections=workers * 2, max_keepalive_connections=workers)
    return OutboundPolicy(allow_addresses).httpx_client(
        proxy=proxy,
        headers={"User-Agent": user_agent},
        timeout=timeout,
        limits=limits,
        follow_redirects=True,
    )


def fetch_site(client: httpx.Client, website: str, user_agent: str) -> SiteSignals:
    """Fetch the home page and up to two contact pages; obey robots.txt."""
    for home in _home_candidates(website):
        try:
            robots = client.get(urljoin(home, "/robots.txt"))
        except FetchRefused:
            return SiteSignals(status="refused")
        except (httpx.ConnectError, httpx.ProxyError, httpx.UnsupportedProtocol, httpx.InvalidURL):
            continue  # InvalidURL: a host httpx cannot parse (e.g. 0177.0.0.1), not a crash
        except httpx.HTTPError:
            return SiteSignals(status="unreachable")
        return _fetch_from(client, home, robots, user_agent)
    return SiteSignals(status="unreachable")


def _fetch_from(
    client: httpx.Client, home: str, robots: httpx.Response, user_agent: str
) -> SiteSignals:
    try:
        rules = Protego.parse(robots.text) if robots.status_code == 200 else None
        if rules is not None and not rules.can_fetch(home, user_agent):
            return SiteSignals(status="blocked")
        response = client.get(home)
        if response.status_code >= 400:
            return SiteSignals(status="unreachable")
        pages = {str(response.url): response.text}
        for link in contact_links(str(response.url), response.text):
            if rules is not None and not rules.can_fetch(link, user_agent):
                continue
            extra = client.get(link)
            if extra.status_code < 400:
                pages[str(extra.url)] = extra.text
    except FetchRefused:
        return SiteSignals(status="refused")
    except (httpx.HTTPError, httpx.InvalidURL):
        return SiteSignals(status="unreachable")
    return read_site(pages)
