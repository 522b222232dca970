"""Which pages a home page links to are worth fetching: contact, imprint, about, jobs, news.

A company prints its address, legal details and leadership on a contact or imprint page
(Impressum, mentions légales, colofon, ...), its story on an about page, and its openings on a
jobs page; its news or press page is where change shows first (``enrich.monitor`` watches
the jobs, news and imprint pages). At most one page of each kind is fetched, only on the
company's own registrable domain, so a site costs at most ``1 + len(KINDS)`` page requests.
"""

from __future__ import annotations

import re
from functools import lru_cache
from urllib.parse import urljoin, urlsplit

import lxml.html

from enrich.normalise.domains import site_domain
from enrich.normalise.text import strip_accents

# Words in a link's address or text, per page kind (accents stripped, lower case). Ordered:
# a link is of the first kind whose words it shows.
KINDS: dict[str, re.Pattern[str]] = {
    "imprint": re.compile(
        r"imprint|impressum|mentions[ -]?legales|colofon|colophon|legal[ -]?notice|"
        r"aviso[ -]?legal|note[ -]?legali|informacion[ -]?legal|juridisk|kolofon|"
        r"site[ -]?notice|company[ -]?details|legal[ -]?information"),
    "contact": re.compile(
        r"contact|kontakt|contacto|contatti|contato|nous[ -]?contacter|contactez|yhteystiedot|"
        r"get[ -]?in[ -]?touch"),
    "jobs": re.compile(
        r"careers?|jobs?\b|karriere|vacatures|vacancies|emplois?|carrieres?|stellenangebote|"
        r"stellen\b|werken[ -]?bij|lavora[ -]?con[ -]?noi|empleo|ledige[ -]?stillinger|"
        r"join[ -]?us|work[ -]?with[ -]?us"),
    "news": re.compile(
        r"news|press|presse|aktuelles|neuigkeiten|actualites?|nieuws|nyheter|notizie|"
        r"noticias|media\b"),
    "about": re.compile(
        r"about|uber[ -]?uns|ueber[ -]?uns|qui[ -]?sommes[ -]?nous|a[ -]?propos|over[ -]?ons|"
        r"chi[ -]?siamo|quienes[ -]?somos|om[ -]?oss|om[ -]?os\b|unternehmen|our[ -]?story|"
        r"who[ -]?we[ -]?are|company\b"),
}


@lru_cache(maxsize=65_536)
def site_key(host: str) -> str:
    """The part of a host that says whose site it is: the registrable domain (shop.acme.de ->
    acme.de), else the host without ``www.`` (IP literals, names with no public suffix)."""
    host = host.lower().rstrip(".")
    return site_domain(host) or host.removeprefix("www.")


def page_kind(href: str, text: str) -> str | None:
    """The kind of page a link points to ("imprint", "contact", "jobs", "news", "about"), or
    None."""
    words = strip_accents(f"{href} {text}").lower()
    for kind, pattern in KINDS.items():
        if pattern.search(words):
            return kind
    return None


def linked_pages(base_url: str, doc: lxml.html.HtmlElement | None) -> list[tuple[str, str]]:
    """(kind, url) of the first link of each kind on the home page ``doc``, in page order,
    on the same registrable domain as ``base_url`` and never the home page itself."""
    if doc is None:
        return []
    base = urlsplit(base_url)
    own = site_key(base.hostname or "")
    home = base._replace(fragment="").geturl()
    found: dict[str, str] = {}
    seen: set[str] = {home}
    for a in doc.iter("a"):
        href = (a.get("href") or "").strip()
        if not href or href.startswith(("mailto:", "tel:", "javascript:", "#")):
            continue
        try:
            parts = urlsplit(urljoin(base_url, href))
        except ValueError:  # e.g. an invalid IPv6 literal in the link
            continue
        url = parts._replace(fragment="").geturl()
        if parts.scheme not in ("http", "https") or url in seen:
            continue
        if site_key(parts.hostname or "") != own:
            continue
        kind = page_kind(parts.path + "?" + parts.query, a.text_content()[:200])
        if kind is not None and kind not in found:
            found[kind] = url
            seen.add(url)
            if len(found) == len(KINDS):
                break
    return [(kind, found[kind]) for kind in KINDS if kind in found]
