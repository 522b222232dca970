"""A site's fingerprint: which watched pages exist, a hash of each one's normalised text, and
the facts worth comparing (job openings, press items, product pages, legal name, address,
distress words). Pure: read from the pages of one fetch (``SiteSignals.pages``)."""

from __future__ import annotations

import hashlib
from dataclasses import dataclass, field

from enrich.monitor import facts, pages
from enrich.signals.distress import words_in
from enrich.website import SiteSignals, read_site


@dataclass(frozen=True)
class PageMark:
    kind: str  # home, jobs, news, imprint
    url: str
    text_sha256: str


@dataclass(frozen=True)
class SiteFingerprint:
    pages: tuple[PageMark, ...]
    jobs_url: str | None = None
    job_openings: int | None = None  # None: no jobs page, or none that can be counted
    news_url: str | None = None
    press_items: tuple[facts.PressItem, ...] = ()
    product_pages: tuple[str, ...] = ()
    legal_name: str | None = None
    address: str | None = None
    distress: tuple[str, ...] = ()
    distress_url: str | None = None  # the first page that says it
    kinds: dict[str, str] = field(default_factory=dict)  # kind -> url

    def page(self, kind: str) -> str | None:
        return self.kinds.get(kind)


def text_hash(html: str) -> str:
    """SHA-256 of the page's visible text, lower case, whitespace folded (markup, scripts and
    styles changing alone leave it as it was)."""
    text = " ".join(read_site({"": html}).text.lower().split())
    return hashlib.sha256(text.encode("utf-8")).hexdigest()


def fingerprint(site: SiteSignals) -> SiteFingerprint | None:
    """The fingerprint of one fetch; None when nothing was fetched (a failed fetch is not a
    site that lost its pages)."""
    if site.status != "ok" or not site.pages:
        return None
    home = next(iter(site.pages))
    marks: list[PageMark] = []
    kinds: dict[str, str] = {}
    for url, html in site.pages.items():
        kind = pages.page_kind(url, home)
        if kind is None or kind in kinds:
            continue
        kinds[kind] = url
        marks.append(PageMark(kind, url, text_hash(html)))
    jobs, news = kinds.get(pages.JOBS), kinds.get(pages.NEWS)
    # legal name and address: the imprint says it best, else the home page
    sources = [u for u in (kinds.get(pages.IMPRINT), home) if u]
    legal = next((n for u in sources if (n := facts.legal_name(site.pages[u], u))), None)
    where = next((a for u in sources if (a := facts.address(site.pages[u], u))), None)
    distress: dict[str, None] = {}
    distress_url = None
    for url, html in site.pages.items():
        found = words_in(read_site({url: html}).text)
        if found and distress_url is None:
            distress_url = url
        distress.update(dict.fromkeys(found))
    return SiteFingerprint(
        pages=tuple(marks),
        jobs_url=jobs,
        job_openings=facts.job_openings(site.pages[jobs], jobs) if jobs else None,
        news_url=news,
        press_items=tuple(facts.press_items(site.pages[news], news)) if news else (),
        product_pages=tuple(pages.product_pages(home, site.pages[home])),
        legal_name=legal,
        address=where,
        distress=tuple(distress),
        distress_url=distress_url,
        kinds=kinds,
    )
