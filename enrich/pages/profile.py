"""What a company's own pages say about it, each value with the page it came from and when.

``site_profile`` reads a fetched site once (the result is kept in ``SiteSignals.memo``, so every
provider shares it): the postal address, schema.org Organization data (legal name, employees,
founding date, sameAs), social profiles, VAT and registration ids, language, a short
description, named leadership and whether the site shows job openings. Every value found also
becomes a ``Fact`` (field, value, source URL, fetch time): the provenance stored with it.
"""

from __future__ import annotations

import itertools
import re
from dataclasses import dataclass, field
from datetime import datetime
from typing import Any
from urllib.parse import urlsplit

from enrich.pages import address, language, people, structured
from enrich.pages.blocks import text_blocks
from enrich.pages.identifiers import PrintedId, printed_ids
from enrich.pages.links import site_key
from enrich.website import SiteSignals

DESCRIPTION_CHARS = 300
KEEP_LEADERS = 10
KEEP_IDS = 10

# Social networks by host (the registrable part), and the paths that are sharing buttons,
# not a profile.
SOCIAL_HOSTS = {
    "linkedin.com": "LinkedIn", "twitter.com": "X", "x.com": "X", "facebook.com": "Facebook",
    "instagram.com": "Instagram", "youtube.com": "YouTube", "xing.com": "Xing",
}
NOT_A_PROFILE = re.compile(
    r"share|sharer|intent/|/dialog/|/plugins/|/watch\?|/embed/|/hashtag/|/search", re.I)
# A link that names none of those hosts anywhere is no profile (most links of a page): passed
# over before it is parsed.
_SOCIAL_HINT = re.compile("|".join(re.escape(h) for h in SOCIAL_HOSTS), re.I)
# Pages read first for each kind of fact.
LEGAL_FIRST = ("imprint", "contact", "about", "home", "jobs", "page")
HOME_FIRST = ("home", "about", "contact", "imprint", "jobs", "page")

OPENINGS = re.compile(
    r"\b[1-9]\d* (?:open (?:positions?|roles?|jobs?|vacanc(?:y|ies))|vacanc(?:y|ies)|openings?|"
    r"jobs? available|offene Stellen?|Stellenangebote?|postes? ouverts?|vacatures?)\b|"
    r"\((?:[mwfdxh]\s?/\s?){1,2}[mwfdxh]\)|\bapply now\b|\bjetzt bewerben\b|\bpostuler\b|"
    r"\bsolliciteer\b|\bfull[- ]time\b|\bpart[- ]time\b|\bvollzeit\b|\bteilzeit\b",
    re.I)
NO_OPENINGS = re.compile(
    r"\bno (?:current |open )?(?:vacancies|openings|positions|jobs)\b|\b0 open positions?\b|"
    r"\bkeine (?:offenen )?stellen\b|\baucune offre\b|\bgeen vacatures\b|"
    r"\bnot (?:currently )?hiring\b", re.I)


@dataclass(frozen=True)
class Fact:
    """One value a site gave, where (``url``) and when (``fetched_at``, UTC) it was read."""

    field: str
    value: str
    url: str
    fetched_at: datetime


@dataclass
class SiteProfile:
    address: str | None = None
    legal_name: str | None = None
    employees: int | None = None
    founded: str | None = None  # the founding date as printed, ISO: 1985 or 1985-04-01
    same_as: list[str] = field(default_factory=list)
    social: list[str] = field(default_factory=list)
    identifiers: list[PrintedId] = field(default_factory=list)
    language: str | None = None
    description: str | None = None
    leadership: list[people.Leader] = field(default_factory=list)
    hiring: bool = False
    hiring_url: str | None = None
    facts: list[Fact] = field(default_factory=list)


def _ordered(site: SiteSignals, kinds: tuple[str, ...]) -> list[str]:
    """The site's page URLs, pages of the first kind in ``kinds`` first."""
    rank = {k: i for i, k in enumerate(kinds)}
    return sorted(site.pages, key=lambda url: rank.get(site.kinds.get(url, "page"), len(rank)))


def _items(site: SiteSignals) -> dict[str, list[dict[str, Any]]]:
    return {url: structured.items(doc, site.pages[url], url)
            for url, doc in site.documents.items()}


def _organisation(site: SiteSignals, items: dict[str, list[dict[str, Any]]]
                  ) -> tuple[dict[str, Any], str] | None:
    """The site's own organisation item and its page: the one whose url is the site's home
    page, else one on the site's domain (a directory lists other firms under its own domain),
    else the first organisation."""
    home = next(iter(site.pages), "")
    own = site_key(urlsplit(home).hostname or "")
    best: tuple[int, dict[str, Any], str] | None = None
    for url in _ordered(site, HOME_FIRST):
        for item in items.get(url, []):
            if not structured.is_organisation(item):
                continue
            link = urlsplit(structured.text(item.get("url")) or structured.text(item.get("@id"))
                            or "")
            rank = 2
            if link.scheme in ("http", "https") and site_key(link.hostname or "") == own:
                rank = 0 if link.path in ("", "/") else 1
            if best is None or rank < best[0]:
                best = (rank, item, url)
    return (best[1], best[2]) if best else None


def _employees(value: Any) -> int | None:
    if isinstance(value, list):
        value = value[0] if value else None
    if isinstance(value, dict):
        low, high = value.get("minValue"), value.get("maxValue")
        value = value.get("value") if value.get("value") is not None else (
            low if low is not None and low == high else None)
    try:
        count = int(str(value).replace(",", "").strip())
    except (TypeError, ValueError):
        return None
    return count if 0 < count < 10_000_000 else None


def _founded(value: Any) -> str | None:
    found = re.match(r"^\s*(\d{4})(?:-(\d{2})-(\d{2}))?", structured.text(value) or "")
    if not found or not 1000 <= int(found.group(1)) <= 2100:
        return None
    return found.group(0).strip()


def _trimmed(text: str | None) -> str | None:
    text = " ".join((text or "").split())
    if len(text) <= DESCRIPTION_CHARS:
        return text or None
    cut = text[:DESCRIPTION_CHARS].rsplit(" ", 1)[0]
    return cut.rstrip(",;:.- ") + "…"


def _meta(doc: Any, *names: str) -> str | None:
    for name in names:
        for meta in doc.iter("meta"):
            if name in (meta.get("name"), meta.get("property")) and meta.get("content"):
                return str(meta.get("content"))
    return None


def _profile_link(url: str) -> str:
    """A profile link without its query and fragment (tracking parameters say nothing)."""
    return urlsplit(url)._replace(query="", fragment="").geturl()


def _social(url: str) -> str | None:
    """The network of a profile link ("LinkedIn"), None for other links and share buttons."""
    if not _SOCIAL_HINT.search(url):
        return None
    try:
        parts = urlsplit(url)
    except ValueError:
        return None
    host = (parts.hostname or "").lower().removeprefix("www.")
    network = SOCIAL_HOSTS.get(".".join(host.split(".")[-2:]))
    if network is None or parts.scheme not in ("http", "https") or len(parts.path) < 2:
        return None
    return None if NOT_A_PROFILE.search(parts.path + "?" + parts.query) else network


def _leaders_from_schema(org: dict[str, Any] | None) -> list[people.Leader]:
    out = []
    for key, default in (("founder", "Founder"), ("employee", None), ("employees", None),
                         ("member", None)):
        values = (org or {}).get(key) or []
        for person in values if isinstance(values, list) else [values]:
            name = structured.text(person)
            role = structured.text(person.get("jobTitle")) if isinstance(person, dict) else None
            if name and (role or default):
                out.append(people.Leader(name, people.role_words(role) if role else default))
    return out


def _openings(site: SiteSignals, items: dict[str, list[dict[str, Any]]]) -> str | None:
    """The page that shows job openings: a schema.org JobPosting anywhere, else a jobs page
    listing openings. A "Careers" link alone is no opening."""
    for url in site.pages:
        if any("JobPosting" in structured.types(item) for item in items.get(url, [])):
            return url
    for url, kind in site.kinds.items():
        text = site.texts.get(url, "")
        if kind == "jobs" and OPENINGS.search(text) and not NO_OPENINGS.search(text):
            return url
    return None


def read_profile(site: SiteSignals) -> SiteProfile:
    """Everything below, read from the fetched pages (pure; see ``site_profile``)."""
    out = SiteProfile()
    if not site.documents:
        return out
    items = _items(site)
    found = _organisation(site, items)
    org, org_url = found if found else ({}, "")

    def fact(name: str, value: Any, url: str) -> None:
        out.facts.append(Fact(name, str(value), url, site.fetched_at[url]))

    # schema.org Organization data
    if name := structured.text(org.get("legalName")):
        out.legal_name = name
        fact("legal_name", name, org_url)
    if (count := _employees(org.get("numberOfEmployees"))) is not None:
        out.employees = count
        fact("employees", count, org_url)
    if founded := _founded(org.get("foundingDate")):
        out.founded = founded
        fact("founded", founded, org_url)
    out.same_as = [u for u in structured.texts(org.get("sameAs")) if u.startswith("http")]
    for url in out.same_as:
        fact("same_as", url, org_url)

    # address: the organisation's PostalAddress, any PostalAddress, <address>, then text
    legal_pages = _ordered(site, LEGAL_FIRST)
    blocks = {url: text_blocks(site.documents[url]) for url in legal_pages}
    candidates = itertools.chain(  # read lazily: the first address found ends the search
        ((address.from_schema(org.get("address")), org_url) for _ in [org] if org),
        ((address.from_schema(item), url) for url in legal_pages
         for item in items.get(url, []) if "PostalAddress" in structured.types(item)),
        ((address.from_markup(site.documents[url]), url) for url in legal_pages),
        ((address.from_text(block), url) for url in legal_pages for block in blocks[url]),
    )
    for value, url in candidates:
        if value:
            out.address = value
            fact("address", value, url)
            break

    # social profiles: links on the pages, then sameAs; one per network
    networks: dict[str, tuple[str, str]] = {}
    for url in _ordered(site, HOME_FIRST):
        for a in site.documents[url].iter("a"):
            href = (a.get("href") or "").strip()
            network = _social(href)
            if network:
                networks.setdefault(network, (_profile_link(href), url))
    for link in out.same_as:
        if network := _social(link):
            networks.setdefault(network, (_profile_link(link), org_url))
    for link, url in networks.values():
        out.social.append(link)
        fact("social", link, url)

    # VAT and registration ids: schema.org first, then the printed text
    ids: dict[str, PrintedId] = {}
    for key in ("vatID", "taxID", "leiCode", "identifier"):
        for value in structured.texts(org.get(key)):
            for ident in printed_ids(value) or (
                    [PrintedId("XI-LEI", value.upper(), value)]
                    if key == "leiCode" and re.fullmatch(r"[A-Z0-9]{20}", value.upper())
                    else []):
                if ident.key not in ids:
                    ids[ident.key] = ident
                    fact("identifier", ident.key, org_url)
    for url in legal_pages:
        for ident in printed_ids(site.texts.get(url, "")):
            if ident.key not in ids:
                ids[ident.key] = ident
                fact("identifier", ident.key, url)
    out.identifiers = list(ids.values())[:KEEP_IDS]

    # language and description, from the home page
    home = next(iter(site.documents))
    home_doc = site.documents[home]
    out.language = language.declared(home_doc) or language.guessed(site.text)
    if out.language:
        fact("language", out.language, home)
    described = [(_meta(home_doc, "description"), home), (_meta(home_doc, "og:description"),
                                                          home),
                 (structured.text(org.get("description")), org_url)]
    for value, url in described:
        if text := _trimmed(value):
            out.description = text
            fact("description", text, url)
            break

    # named leadership: schema.org founder/employee, then the printed pages
    leaders: dict[str, tuple[people.Leader, str]] = {}
    for leader in _leaders_from_schema(org):
        leaders.setdefault(leader.name, (leader, org_url))
    for url in legal_pages:
        for block in blocks[url]:
            for leader in people.leaders_in(block):
                leaders.setdefault(leader.name, (leader, url))
    for leader, url in list(leaders.values())[:KEEP_LEADERS]:
        out.leadership.append(leader)
        fact("leadership", f"{leader.name}, {leader.role}", url)

    if jobs := _openings(site, items):
        out.hiring, out.hiring_url = True, jobs
        fact("hiring", "job openings", jobs)
    return out


def site_profile(site: SiteSignals) -> SiteProfile:
    """The site's profile, read once per fetched site and shared by every provider."""
    if "profile" not in site.memo:
        site.memo["profile"] = read_profile(site)
    return site.memo["profile"]
