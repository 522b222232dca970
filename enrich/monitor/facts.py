"""The few facts of a watched page worth comparing between fetches; pure, over saved HTML.

Job openings and press items are read from schema.org JSON-LD when a page has it (``JobPosting``,
``NewsArticle`` ...), else from the page's own structure (links below the jobs or news page,
``<article>`` blocks, a stated count); the legal name and address from JSON-LD, else the
imprint's text (a name ending in a legal form, an ``<address>`` block).
"""

from __future__ import annotations

import re
from collections.abc import Iterator
from dataclasses import dataclass
from functools import cached_property
from typing import Any
from urllib.parse import urljoin, urlparse

import lxml.html
from lxml import etree

MAX_ITEMS = 30
MAX_TEXT = 300  # characters kept of a title, name or address

NO_OPENINGS_RE = re.compile(
    r"\b(?:no|keine) (?:current |open |offenen |aktuellen )?(?:vacancies|openings|"
    r"open positions|positions|jobs|stellen(?:angebote)?)\b|\bpas d'offres?\b", re.I)
STATED_OPENINGS_RE = re.compile(
    r"\b(\d{1,4}) (?:open |current |offene )?(?:positions|vacancies|openings|jobs|roles|"
    r"stellen|postes)\b", re.I)
JOB_BLOCK_RE = re.compile(r"job|vacanc|position|opening|stelle|poste|career", re.I)
JOB_TYPES = {"JobPosting"}
NEWS_TYPES = {"NewsArticle", "Article", "BlogPosting", "PressRelease", "Report"}
ORG_TYPES = {"Organization", "Corporation", "LocalBusiness", "Company"}
LEGAL_FORM = (r"Ltd\.?|Limited|plc|PLC|LLP|GmbH(?: & Co\.? KG)?|AG|KG|SE|SAS|SARL|S\.A\.S?\.?|"
              r"SA|B\.V\.|N\.V\.|BV|NV|Inc\.?|LLC|Oy|AB|ApS|A/S|AS")
_WORD = r"[A-ZÄÖÜÉÈ][\w&'’.\-]*"  # a capitalised word of a name
LEGAL_NAME_RE = re.compile(
    rf"({_WORD}\s+(?:(?:{_WORD}|&|and|und|et|of)\s+){{0,5}}(?:{LEGAL_FORM}))(?![\w])")
# Elements read one by one for the legal name (a heading "Imprint" never joins the name).
TEXT_BLOCKS = ("p", "li", "td", "address", "footer", "small", "span", "strong", "b", "h1", "h2",
               "h3", "h4", "div")


@dataclass(frozen=True)
class PressItem:
    title: str
    published: str | None = None
    url: str | None = None


_VISIBLE_TEXT = etree.XPath(
    "//text()[not(ancestor::script or ancestor::style or ancestor::noscript)]")
_JSON_LD = etree.XPath("//script[@type='application/ld+json']")


_UNPARSED: Any = object()


class Page:
    """One fetched page, parsed once for every fact read from it: ``doc`` is the tree the
    fetch already parsed (``SiteSignals.documents``) and ``text`` its visible text as the
    fetch read it (``enrich.website.visible_text``), each worked out here when not given."""

    def __init__(self, url: str, html: str, doc: Any = _UNPARSED,
                 text: str | None = None) -> None:
        self.url, self.html = url, html
        if doc is not _UNPARSED:
            self.doc = doc
        if text is not None:
            self.text = text

    @cached_property
    def doc(self) -> lxml.html.HtmlElement | None:
        if not self.html.strip():
            return None
        try:
            return lxml.html.document_fromstring(self.html)
        except (etree.ParserError, ValueError):
            return None

    @cached_property
    def text(self) -> str:
        """The visible text, whitespace folded (scripts and styles left out)."""
        if self.doc is None:
            return ""
        return " ".join(" ".join(str(t) for t in _VISIBLE_TEXT(self.doc)).split())

    @cached_property
    def json_ld(self) -> list[dict[str, Any]]:
        return json_ld(self.doc, self.url)


def _clean(text: str | None) -> str:
    return " ".join((text or "").split())[:MAX_TEXT]


def json_ld(doc: lxml.html.HtmlElement | None, url: str) -> list[dict[str, Any]]:
    """Every JSON-LD object on the page, ``@graph`` members and nested objects included."""
    if doc is None or not _JSON_LD(doc):
        return []
    from extruct.jsonld import JsonLdExtractor  # imported on use: extruct loads slowly

    try:
        data = JsonLdExtractor().extract_items(doc, base_url=url)
    except (ValueError, TypeError):
        return []

    def walk(value: Any) -> Iterator[dict[str, Any]]:
        if isinstance(value, list):
            for v in value:
                yield from walk(v)
        elif isinstance(value, dict):
            yield value
            for v in value.values():
                if isinstance(v, dict | list):
                    yield from walk(v)

    return list(walk(list(data)))


def _typed(objects: list[dict[str, Any]], types: set[str]) -> list[dict[str, Any]]:
    def names(o: dict[str, Any]) -> set[str]:
        t = o.get("@type")
        return {str(x) for x in (t if isinstance(t, list) else [t])}
    return [o for o in objects if names(o) & types]


def _below(url: str, page: str) -> bool:
    """Whether ``url`` sits below ``page`` on the same host (``/careers/welder`` below
    ``/careers``)."""
    a, b = urlparse(url), urlparse(page)
    base = b.path.rstrip("/") + "/"
    return a.netloc == b.netloc and a.path.startswith(base) and len(a.path) > len(base)


def _links_below(doc: lxml.html.HtmlElement, page: str) -> list[tuple[str, str]]:
    out: dict[str, str] = {}
    for a in doc.iter("a"):
        href = a.get("href")
        if not href:
            continue
        try:
            url = urljoin(page, str(href).strip()).split("#")[0].rstrip("/")
        except ValueError:
            continue
        if _below(url, page):
            out.setdefault(url, _clean(a.text_content()))
    return list(out.items())


def job_openings(page: Page) -> int | None:
    """How many openings a jobs page lists; None when it lists none in a way one can count."""
    doc, url = page.doc, page.url
    if doc is None:
        return None
    postings = _typed(page.json_ld, JOB_TYPES)
    if postings:
        return len(postings)
    text = page.text
    if NO_OPENINGS_RE.search(text):
        return 0
    stated = STATED_OPENINGS_RE.search(text)
    if stated:
        return int(stated.group(1))
    below = _links_below(doc, url)
    if below:
        return len(below)
    blocks = [e for e in doc.iter("li", "article")
              if JOB_BLOCK_RE.search(f"{e.get('class') or ''} {e.get('id') or ''}")]
    return len(blocks) or None


def job_titles(page: Page) -> list[str]:
    """The titles of the openings a jobs page lists, as printed, in page order; empty when
    it names none (no openings, only a stated count, or a layout with no title per opening).

    Read the way ``job_openings`` counts: JSON-LD ``JobPosting`` titles, else the links below
    the jobs page, else the job blocks (``<li>`` / ``<article>`` with a job-like class or id).
    Titles let two fetches with the same count of openings still tell new roles apart.
    """
    doc = page.doc
    if doc is None:
        return []
    postings = _typed(page.json_ld, JOB_TYPES)
    if postings:
        titles = [_clean(str(o.get("title") or o.get("name") or "")) for o in postings]
    elif NO_OPENINGS_RE.search(page.text):
        return []
    elif below := _links_below(doc, page.url):
        titles = [title for _, title in below]
    else:
        titles = [_clean(e.text_content()) for e in doc.iter("li", "article")
                  if JOB_BLOCK_RE.search(f"{e.get('class') or ''} {e.get('id') or ''}")]
    unique = dict.fromkeys(t for t in titles if job_title_key(t))
    return list(unique)[:MAX_ITEMS]


# '(m/w/d)', '(h/f)', 'm/f/x': the same role advertised to everyone
_GENDER_TAG = re.compile(
    r"\(\s*[mwfdhx]\s*(?:/\s*[mwfdhx]\s*){1,3}\)|\b[mwfdhx]/[mwfdhx](?:/[mwfdhx])?\b", re.I)
_NOT_WORD = re.compile(r"[\W_]+")


def job_title_key(title: str) -> str:
    """A job title as two fetches compare it: case, punctuation, spacing and gender tags
    ('(m/w/d)', '(h/f)') folded, so 'CNC Machinist (m/w/d)' and 'CNC machinist' are one
    role."""
    return " ".join(_NOT_WORD.sub(" ", _GENDER_TAG.sub(" ", title)).casefold().split())


def press_items(page: Page) -> list[PressItem]:
    """The items a news or press page lists (title, date as printed, link), in page order."""
    doc, url = page.doc, page.url
    if doc is None:
        return []
    items: list[PressItem] = []
    for o in _typed(page.json_ld, NEWS_TYPES):
        title = _clean(str(o.get("headline") or o.get("name") or ""))
        if title:
            link = o.get("url")
            items.append(PressItem(title, _clean(str(o.get("datePublished") or "")) or None,
                                   str(link) if isinstance(link, str) else None))
    if not items:
        for article in doc.iter("article"):
            heading = next(article.iter("h1", "h2", "h3", "h4"), None)
            if heading is None:
                continue
            when = next(article.iter("time"), None)
            published = None
            if when is not None:
                published = _clean(when.get("datetime") or when.text_content()) or None
            link = next((a.get("href") for a in article.iter("a") if a.get("href")), None)
            items.append(PressItem(_clean(heading.text_content()), published,
                                   urljoin(url, str(link)) if link else None))
    if not items:
        items = [PressItem(title, None, link) for link, title in _links_below(doc, url) if title]
    unique = {(i.title, i.published): i for i in items if i.title}
    return list(unique.values())[:MAX_ITEMS]


def legal_name(page: Page) -> str | None:
    """The company's legal name as the page prints it: JSON-LD ``legalName``, else the first
    name ending in a legal form (Ltd, GmbH, SAS ...)."""
    doc = page.doc
    if doc is None:
        return None
    for o in _typed(page.json_ld, ORG_TYPES):
        if isinstance(o.get("legalName"), str) and o["legalName"].strip():
            return _clean(o["legalName"])
    for block in doc.iter(*TEXT_BLOCKS):
        found = LEGAL_NAME_RE.search(" ".join(block.text_content().split()))
        if found:
            return _clean(found.group(1))
    return None


def address(page: Page) -> str | None:
    """The postal address as the page prints it: JSON-LD ``PostalAddress``, else the first
    ``<address>`` block; one line, whitespace folded."""
    doc = page.doc
    if doc is None:
        return None
    for o in _typed(page.json_ld, {"PostalAddress"}):
        parts = [o.get(k) for k in ("streetAddress", "postalCode", "addressLocality",
                                    "addressCountry")]
        line = ", ".join(_clean(str(p)) for p in parts if isinstance(p, str) and p.strip())
        if line:
            return line
    block = next(doc.iter("address"), None)
    if block is None:
        return None
    lines = [_clean(t) for t in block.itertext() if _clean(t)]
    return _clean(", ".join(lines)) or None
