"""What changed between two fingerprints of a company's site, as events in plain words.

Only changes that matter to sales become events: jobs appeared (a jobs page with openings,
openings under titles not listed before, or, where a page names no titles, more openings than
before), a distress notice, a new press item or product page, a new legal name or address.
Pure: two fingerprints in, events out; the first fetch has no ``before``.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from datetime import date
from urllib.parse import unquote, urlparse

from enrich.monitor.facts import job_title_key
from enrich.monitor.fingerprint import SiteFingerprint
from enrich.normalise.words import plural, quoted

JOBS_APPEARED = "jobs_appeared"
DISTRESS_NOTICE = "distress_notice"
NEW_PRESS_PAGE = "new_press_page"
NEW_PRODUCT_PAGE = "new_product_page"
NEW_LEGAL_NAME = "new_legal_name"
NEW_ADDRESS = "new_address"
KINDS = (JOBS_APPEARED, DISTRESS_NOTICE, NEW_PRESS_PAGE, NEW_PRODUCT_PAGE, NEW_LEGAL_NAME,
         NEW_ADDRESS)
# What each kind means for a salesperson (the timing and solvency reasons read this).
TIMING_KINDS = (JOBS_APPEARED, NEW_PRESS_PAGE, NEW_PRODUCT_PAGE)  # warm timing
SHOWN_KINDS = (NEW_LEGAL_NAME, NEW_ADDRESS)  # shown with the reasons, no points
MAX_PER_KIND = 3  # a relaunched site with 40 new product pages is one story, not 40
MAX_ROLES_SHOWN = 5  # new job titles named in one sentence; the rest are counted


@dataclass(frozen=True)
class SiteEvent:
    kind: str
    sentence: str
    url: str | None
    detail: str  # what changed, stable (part of the event's id)


def _same(a: str | None, b: str | None) -> bool:
    fold = re.compile(r"[\W_]+")
    return fold.sub("", (a or "").casefold()) == fold.sub("", (b or "").casefold())


def _product_name(url: str) -> str:
    last = unquote(urlparse(url).path.rstrip("/").rsplit("/", 1)[-1])
    return re.sub(r"\.\w{2,5}$", "", last).replace("-", " ").replace("_", " ").strip() or url


def _new_roles(before: SiteFingerprint, after: SiteFingerprint) -> list[str] | None:
    """The titles ``after`` lists that ``before`` did not (normalised, ``facts.job_title_key``);
    None when either fetch names no titles, so only the counts can be compared."""
    if not before.job_titles or not after.job_titles:
        return None
    was = {job_title_key(t) for t in before.job_titles}
    return [t for t in after.job_titles if job_title_key(t) not in was]


def _jobs(before: SiteFingerprint, after: SiteFingerprint) -> list[SiteEvent]:
    if after.jobs_url is None:
        return []
    now, was = after.job_openings, before.job_openings
    if now:
        if was is None or was == 0:
            return [SiteEvent(JOBS_APPEARED, f"its website now lists "
                              f"{plural(now, 'job opening')}", after.jobs_url, f"{now}")]
        new = _new_roles(before, after)
        if new:  # new roles, even where as many old ones went (same count, other vacancies)
            shown = ", ".join(new[:MAX_ROLES_SHOWN]) + (
                f" and {len(new) - MAX_ROLES_SHOWN} more" if len(new) > MAX_ROLES_SHOWN else "")
            return [SiteEvent(JOBS_APPEARED, f"its website lists "
                              f"{plural(len(new), 'new job opening')}: {shown}",
                              after.jobs_url,
                              "roles:" + ",".join(sorted(job_title_key(t) for t in new)))]
        if new is None and now > was:
            return [SiteEvent(JOBS_APPEARED, f"its website now lists "
                              f"{plural(now, 'job opening')}, up from {was}", after.jobs_url,
                              f"{now}")]
        return []  # the same roles, or only fewer of them
    if now is None and before.jobs_url is None:
        return [SiteEvent(JOBS_APPEARED, "its website now has a jobs page", after.jobs_url,
                          "page")]
    return []


def _distress(before: SiteFingerprint, after: SiteFingerprint) -> list[SiteEvent]:
    new = [w for w in after.distress if w not in before.distress]
    if not new:
        return []
    return [SiteEvent(DISTRESS_NOTICE, f"its website now mentions {quoted(new)}",
                      after.distress_url, ",".join(new))]


def _press(before: SiteFingerprint, after: SiteFingerprint) -> list[SiteEvent]:
    if after.news_url is None:
        return []
    if before.news_url is None and not after.press_items:
        return [SiteEvent(NEW_PRESS_PAGE, "its website now has a news page", after.news_url,
                          "page")]
    seen = {_key(i.title) for i in before.press_items}
    out = []
    for item in after.press_items:
        if _key(item.title) in seen:
            continue
        when = f" ({_day(item.published)})" if item.published else ""
        out.append(SiteEvent(NEW_PRESS_PAGE, f"new on its website: {item.title}{when}",
                             item.url or after.news_url, _key(item.title)))
    return out[:MAX_PER_KIND]


def _day(published: str) -> str:
    """``2026-03-02...`` → "2 March 2026" (the text as given when it is not a date)."""
    try:
        return date.fromisoformat(published[:10]).strftime("%-d %B %Y")
    except ValueError:
        return published[:10]


def _key(text: str) -> str:
    return " ".join(text.casefold().split())


def _products(before: SiteFingerprint, after: SiteFingerprint) -> list[SiteEvent]:
    seen = set(before.product_pages)
    new = [u for u in after.product_pages if u not in seen]
    return [SiteEvent(NEW_PRODUCT_PAGE, f"its website shows a new product: {_product_name(u)}",
                      u, u) for u in new[:MAX_PER_KIND]]


def _changed(kind: str, what: str, was: str | None, now: str | None,
             url: str | None) -> list[SiteEvent]:
    if not was or not now or _same(was, now):
        return []  # newly readable or no longer readable is not a change of the fact
    return [SiteEvent(kind, f"its website now gives the {what} {now} (it used to say {was})", url,
                      _key(now))]


def changes(before: SiteFingerprint | None, after: SiteFingerprint) -> list[SiteEvent]:
    """Every change worth an event from ``before`` to ``after``; none on a first fetch."""
    if before is None:
        return []
    imprint = after.page("imprint") or after.page("home")
    return [
        *_jobs(before, after),
        *_distress(before, after),
        *_press(before, after),
        *_products(before, after),
        *_changed(NEW_LEGAL_NAME, "legal name", before.legal_name, after.legal_name, imprint),
        *_changed(NEW_ADDRESS, "address", before.address, after.address, imprint),
    ]
