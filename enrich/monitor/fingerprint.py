"""A site's fingerprint: which watched pages exist, a hash of each one's normalised text, and
the facts worth comparing (job openings and their titles, press items, product pages, legal
name, address, distress words). Pure: read from the pages of one fetch (``SiteSignals.pages``)."""

from __future__ import annotations

import hashlib
from dataclasses import dataclass, field

from enrich.monitor import facts, pages
from enrich.signals.distress import words_in
from enrich.website import VISIBLE_TEXT, SiteSignals


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
    job_titles: tuple[str, ...] = ()  # the openings' titles as printed (empty: none named)
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


def text_hash(page: facts.Page) -> str:
    """SHA-256 of the page's visible text, lower case, whitespace folded (markup, scripts and
    styles changing alone leave it as it was)."""
    return hashlib.sha256(page.text.lower().encode("utf-8")).hexdigest()


def fingerprint(site: SiteSignals) -> SiteFingerprint | None:
    """The fingerprint of one fetch; None when nothing was fetched (a failed fetch is not a
    site that lost its pages). Each page is parsed once: the tree the fetch parsed
    (``SiteSignals.documents``) and its visible text are read, not worked out again."""
    if site.status != "ok" or not site.pages:
        return None
    texts = site.memo.get(VISIBLE_TEXT, {})
    parsed = {url: facts.Page(url, html, site.documents[url], texts.get(url))
              if url in site.documents else facts.Page(url, html)
              for url, html in site.pages.items()}
    home = next(iter(parsed))
    marks: list[PageMark] = []
    kinds: dict[str, str] = {}
    for url, page in parsed.items():
        kind = pages.page_kind(url, home, site.kinds)
        if kind is None or kind in kinds:
            continue
        kinds[kind] = url
        marks.append(PageMark(kind, url, text_hash(page)))
    jobs, news = kinds.get(pages.JOBS), kinds.get(pages.NEWS)
    # legal name and address: the imprint says it best, else the home page
    sources = [parsed[u] for u in (kinds.get(pages.IMPRINT), home) if u]
    legal = next((n for p in sources if (n := facts.legal_name(p))), None)
    where = next((a for p in sources if (a := facts.address(p))), None)
    distress: dict[str, None] = {}
    distress_url = None
    for url, page in parsed.items():
        found = words_in(page.text)
        if found and distress_url is None:
            distress_url = url
        distress.update(dict.fromkeys(found))
    return SiteFingerprint(
        pages=tuple(marks),
        jobs_url=jobs,
        job_openings=facts.job_openings(parsed[jobs]) if jobs else None,
        job_titles=tuple(facts.job_titles(parsed[jobs])) if jobs else (),
        news_url=news,
        press_items=tuple(facts.press_items(parsed[news])) if news else (),
        product_pages=tuple(pages.product_pages(home, parsed[home].doc)),
        legal_name=legal,
        address=where,
        distress=tuple(distress),
        distress_url=distress_url,
        kinds=kinds,
    )
