"""Company website enrichment: fetch a home page and its contact/imprint page, read signals.

Extraction (``read_site``) is pure over saved HTML; fetching (``fetch_site``) does the I/O,
obeys robots.txt and never follows links off the company's own domain.
"""

from __future__ import annotations

import re
from collections.abc import Iterable
from dataclasses import dataclass, field
from urllib.parse import urljoin, urlparse

import httpx
from bs4 import BeautifulSoup
from protego import Protego

EMAIL_RE = re.compile(r"[A-Za-z0-9._%+-]+@[A-Za-z0-9.-]+\.[A-Za-z]{2,}")
PHONE_RE = re.compile(r"(?:\+|00)?\(?\d[\d\s().\-/]{6,}\d")
EMPLOYEES_RE = re.compile(
    r"(over|more than|at least|\b)\s*([\d][\d,.\s]{0,8})\s*"
    r"(?:employees|staff|people|colleagues|team members|mitarbeiter(?:innen)?|medewerkers)",
    re.I,
)
DISTRESS_RE = re.compile(
    r"\b(in administration|insolven\w*|liquidation|receivership|winding[- ]up|"
    r"ceased trading|closing down|bankrupt\w*)\b",
    re.I,
)
GROWTH_RE = re.compile(r"\b(careers|we.?re hiring|join our team|vacancies|jobs)\b", re.I)
OFFICES_RE = re.compile(
    r"offices? in (\d+|two|three|four|five|six|seven|eight|nine|ten)\s+countr", re.I
)
REGISTRY_RE = re.compile(
    r"(?:company (?:registration )?(?:no|number)\.?|registered in england[^.]*?no\.?|"
    r"handelsregister|HRB|registration no\.?)\s*:?\s*([A-Z]{0,3}\s?\d[\d\s]{4,12}\d)",
    re.I,
)
CONTACT_LINK_RE = re.compile(r"contact|kontakt|imprint|impressum|about", re.I)
ROLE_MAILBOXES = ("sales", "info", "contact", "hello", "enquiries", "office", "kontakt")


@dataclass
class SiteSignals:
    status: str = "none"  # ok, unreachable, blocked, none
    emails: list[str] = field(default_factory=list)
    phones: list[str] = field(default_factory=list)
    text: str = ""
    employees: int | None = None
    distress: list[str] = field(default_factory=list)
    growth: bool = False
    offices_countries: int | None = None
    registry_ids: list[str] = field(default_factory=list)
    pages: list[str] = field(default_factory=list)


_WORD_NUMBERS = {
    "two": 2,
    "three": 3,
    "four": 4,
    "five": 5,
    "six": 6,
    "seven": 7,
    "eight": 8,
    "nine": 9,
    "ten": 10,
}


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
    """Signals from a site's pages ({url: html}); pure, no I/O."""
    signals = SiteSignals(status="ok" if pages else "none", pages=list(pages))
    texts, emails, phones = [], [], []
    for html in pages.values():
        soup = BeautifulSoup(html, "lxml")
        for a in soup.select('a[href^="mailto:"]'):
            emails.append(a["href"][7:].split("?")[0].strip())
        for a in soup.select('a[href^="tel:"]'):
            phones.append(a["href"][4:].strip())
        text = _visible_text(soup)
        texts.append(text)
        emails.extend(EMAIL_RE.findall(text))
    text = " ".join(texts)
    if not phones:
        phones = [
            m.strip()
            for m in PHONE_RE.findall(text)
            if sum(c.isdigit() for c in m) >= 9 and (m.startswith(("+", "00", "(")) or " " in m)
        ]
    emails = _unique(e.lower().rstrip(".") for e in emails)
    emails.sort(key=lambda e: (0 if e.split("@")[0] in ROLE_MAILBOXES else 1, e))
    signals.emails = emails
    signals.phones = _unique(phones)
    signals.text = text
    counts = []
    for bound, match in EMPLOYEES_RE.findall(text):
        if bound.strip():  # "over 50 people" is a lower bound, not a headcount
            continue
        digits = re.sub(r"[^\d]", "", match)
        if digits and 0 < int(digits) < 10_000_000:
            counts.append(int(digits))
    signals.employees = max(counts) if counts else None
    signals.distress = _unique(m.lower() for m in DISTRESS_RE.findall(text))
    signals.growth = bool(GROWTH_RE.search(text))
    offices = OFFICES_RE.search(text)
    if offices:
        word = offices.group(1).lower()
        signals.offices_countries = int(word) if word.isdigit() else _WORD_NUMBERS.get(word)
    signals.registry_ids = _unique(" ".join(m.split()) for m in REGISTRY_RE.findall(text))
    return signals


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


def fetch_site(client: httpx.Client, website: str, user_agent: str) -> SiteSignals:
    """Fetch the home page and up to two contact pages; obey robots.txt."""
    for home in _home_candidates(website):
        try:
            robots = client.get(urljoin(home, "/robots.txt"))
        except (httpx.ConnectError, httpx.ProxyError, httpx.UnsupportedProtocol):
            continue
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
    except httpx.HTTPError:
        return SiteSignals(status="unreachable")
    return read_site(pages)
