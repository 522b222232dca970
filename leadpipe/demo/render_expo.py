"""The exhibition catalogue: paginated exhibitor lists and one detail page per exhibitor."""

from __future__ import annotations

import random
from typing import Any

from leadpipe.demo.html import e, json_ld, page
from leadpipe.demo.views import RecordView, record_view
from leadpipe.demo.world import EVENT, SOURCE_EXPO, SourceRecord, World

PAGE_SIZE = 24
SITE_NAME = "Industrial Futures Expo"
NAV = [("Home", "/"), ("Exhibitors", "/exhibitors"), ("Visit", "/visit"), ("Contact", "/contact")]


def _event_dates() -> str:
    start, end = EVENT["start"], EVENT["end"]
    return f"{start.day}–{end.day} {end.strftime('%B %Y')}"


def _banner() -> str:
    start, end = EVENT["start"], EVENT["end"]
    return (
        '  <div class="event-banner">\n'
        f'    <span class="event-name">{e(EVENT["name"])}</span>\n'
        f'    <time class="event-dates" datetime="{start.isoformat()}/{end.isoformat()}">'
        f"{e(_event_dates())}</time>\n"
        f'    <span class="event-venue">{e(EVENT["venue"])}</span>\n'
        "  </div>"
    )


def _footer() -> str:
    return (f'    <p>{e(EVENT["name"])} · {e(_event_dates())} · {e(EVENT["venue"])}</p>\n'
            "    <p>© 2026 Northgate Events Ltd · <a href=\"/privacy\">Privacy</a> · "
            "<a href=\"/private/exhibitor-login\">Exhibitor login</a></p>")


def _page(title: str, body: str, head_extra: str = "") -> str:
    return page(title=f"{title} | {EVENT['name']}", body=body, site_name=SITE_NAME, nav=NAV,
                footer=_footer(), head_extra=head_extra, banner=_banner(), body_class="expo")


def booth_of(rec: SourceRecord) -> tuple[str, str]:
    """(hall, booth) of an exhibitor, stable per record."""
    rng = random.Random(rec.seed ^ 0x5EED)
    hall = str(1 + int(rng.random() * 8))
    booth = f"{hall}{'ABCDEFGH'[int(rng.random() * 8)]}{1 + int(rng.random() * 60):02d}"
    return f"Hall {hall}", booth


def listing(world: World, page_no: int) -> str | None:
    """``/exhibitors?page=N``: 24 exhibitor cards; ``None`` past the last page."""
    records = world.records[SOURCE_EXPO]
    pages = max(1, -(-len(records) // PAGE_SIZE))
    if page_no < 1 or page_no > pages:
        return None
    cards = []
    for rec in records[(page_no - 1) * PAGE_SIZE: page_no * PAGE_SIZE]:
        view = record_view(world, rec)
        hall, booth = booth_of(rec)
        premium = ' <span class="badge featured">Featured</span>' if rec.paid else ""
        cards.append(
            f'    <li class="exhibitor-card" data-exhibitor-id="{e(rec.native_id)}">\n'
            f'      <h2 class="exhibitor-name"><a href="/exhibitors/{e(rec.native_id)}">'
            f"{e(view.name)}</a>{premium}</h2>\n"
            f'      <p><span class="hall">{e(hall)}</span> · '
            f'<span class="booth">Stand {e(booth)}</span></p>\n'
            f'      <p class="exhibitor-country">{e(view.country_name)}</p>\n'
            f'      <p class="exhibitor-categories">{e(", ".join(view.categories))}</p>\n'
            "    </li>"
        )
    nav = []
    if page_no > 1:
        nav.append(f'<a rel="prev" class="prev" href="/exhibitors?page={page_no - 1}">'
                   "« Previous</a>")
    nav.append(f'<span class="page-info">Page {page_no} of {pages}</span>')
    if page_no < pages:
        nav.append(f'<a rel="next" class="next" href="/exhibitors?page={page_no + 1}">'
                   "Next »</a>")
    body = (
        f"    <h1>Exhibitor list</h1>\n"
        f'    <p class="result-count">{len(records):,} exhibitors</p>\n'
        '    <ul class="exhibitor-list">\n' + "\n".join(cards) + "\n    </ul>\n"
        f'    <nav class="pagination">{" ".join(nav)}</nav>'
    )
    return _page(f"Exhibitors – page {page_no}", body)


def _org_json_ld(view: RecordView, hall: str, booth: str) -> dict[str, Any]:
    org: dict[str, Any] = {"@context": "https://schema.org", "@type": "Organization",
                           "name": view.name, "description": view.description}
    if view.website:
        org["url"] = view.website
    if view.phone:
        org["telephone"] = view.phone
    if view.email:
        org["email"] = view.email
    address = {k: v for k, v in (("streetAddress", view.street),
                                  ("postalCode", view.postcode),
                                  ("addressLocality", view.city),
                                  ("addressRegion", view.region),
                                  ("addressCountry", view.country)) if v}
    if address:
        org["address"] = {"@type": "PostalAddress", **address}
    if view.founded:
        org["foundingDate"] = str(view.founded)
    if view.employees_min is not None:
        org["numberOfEmployees"] = {"@type": "QuantitativeValue", "minValue": view.employees_min}
    if view.contacts:
        org["employee"] = [{"@type": "Person", "name": c.name, "jobTitle": c.role,
                            "email": c.email} for c in view.contacts]
    org["knowsAbout"] = view.categories
    org["location"] = f"{hall}, Stand {booth}"
    return org


def detail(world: World, slug: str) -> str | None:
    """``/exhibitors/<slug>``: one exhibitor; about half the pages carry JSON-LD."""
    rec = world.record(SOURCE_EXPO, slug)
    if rec is None:
        return None
    view = record_view(world, rec)
    hall, booth = booth_of(rec)
    with_ld = (rec.seed >> 3) % 2 == 0
    rows = [f'      <dt>Hall</dt><dd class="hall">{e(hall)}</dd>',
            f'      <dt>Stand</dt><dd class="booth">{e(booth)}</dd>']
    if view.website:
        href = view.website if "//" in view.website else f"http://{view.website}"
        rows.append(f'      <dt>Website</dt><dd><a class="website" href="{e(href)}" '
                    f'rel="nofollow">{e(view.website)}</a></dd>')
    if view.phone:
        rows.append(f'      <dt>Phone</dt><dd class="phone">{e(view.phone)}</dd>')
    if view.email:
        rows.append(f'      <dt>E-mail</dt><dd><a class="email" href="mailto:{e(view.email)}">'
                    f"{e(view.email)}</a></dd>")
    if view.employees_label:
        rows.append(f'      <dt>Company size</dt><dd class="employees">'
                    f"{e(view.employees_label)}</dd>")
    if view.founded:
        rows.append(f'      <dt>Founded</dt><dd class="founded">{view.founded}</dd>')
    address = []
    for css, value in (("street", view.street), ("postcode", view.postcode),
                       ("city", view.city), ("region", view.region),
                       ("country", view.country_name)):
        if value:
            address.append(f'<span class="{css}">{e(value)}</span>')
    categories = "".join(f'<li class="category">{e(c)}</li>' for c in view.categories)
    contacts = "".join(
        f'\n      <li class="contact-person"><span class="name">{e(c.name)}</span>, '
        f'<span class="role">{e(c.role)}</span> '
        f'<a class="email" href="mailto:{e(c.email)}">{e(c.email)}</a></li>'
        for c in view.contacts
    )
    accreditations = "".join(f'<li class="accreditation">{e(a)}</li>'
                             for a in view.accreditations)
    crumb = f'<a href="/exhibitors">Exhibitors</a> › {e(view.name)}'
    body = f"""    <nav class="breadcrumb">{crumb}</nav>
    <article class="exhibitor-profile" data-exhibitor-id="{e(rec.native_id)}">
     <h1 class="exhibitor-name">{e(view.name)}</h1>
     {'<span class="badge featured">Featured exhibitor</span>' if rec.paid else ''}
     <p class="description">{e(view.description)}</p>
     <dl class="exhibitor-facts">
{chr(10).join(rows)}
     </dl>
     <h2>Address</h2>
     <p class="address">{", ".join(address)}</p>
     <h2>Product categories</h2>
     <ul class="categories">{categories}</ul>
     {'<h2>Certifications</h2><ul class="accreditations">' + accreditations + '</ul>'
      if accreditations else ''}
     {'<h2>Meet us at the show</h2><ul class="contacts">' + contacts + '</ul>'
      if contacts else ''}
    </article>"""
    head = json_ld(_org_json_ld(view, hall, booth)) if with_ld else ""
    return _page(view.name, body, head)


INFO_PAGES = {
    "/visit": ("Plan your visit", "Doors open 09:00–17:00 on all three days. Registration is "
               "free for trade visitors; bring your badge to Hall 1."),
    "/contact": ("Contact the organisers", "Northgate Events Ltd, exhibitor services: "
                 "exhibitors@northgate-events.example, +44 121 496 0000."),
    "/privacy": ("Privacy notice", "We process visitor registrations to run the event and never "
                 "sell personal data."),
}


def info(path: str) -> str | None:
    """The organiser's static pages (visit, contact, privacy)."""
    if path not in INFO_PAGES:
        return None
    title, text = INFO_PAGES[path]
    return _page(title, f"    <h1>{e(title)}</h1>\n    <p>{e(text)}</p>")


def home() -> str:
    body = (f"    <h1>{e(EVENT['name'])}</h1>\n"
            "    <p>The trade show for industrial machinery, automation, logistics and energy.</p>"
            '\n    <p><a href="/exhibitors">Browse the exhibitor list</a></p>')
    return _page("Welcome", body)
