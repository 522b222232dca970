"""The business directory: paginated search results, premium listings first."""

from __future__ import annotations

from leadpipe.demo.html import e, page
from leadpipe.demo.views import record_view
from leadpipe.demo.world import SOURCE_DIRECTORY, SourceRecord, World

PAGE_SIZE = 20
SITE_NAME = "TradeFinder Business Directory"
NAV = [("Home", "/"), ("Search", "/search"), ("Add your business", "/advertise"),
       ("About", "/about")]
FOOTER = ("    <p>© 2026 TradeFinder Directories · Listings are supplied by businesses and may "
          "be out of date.</p>\n    <p><a href=\"/terms\">Terms</a> · "
          "<a href=\"/privacy\">Privacy</a> · "
          "<a href=\"/private/account\">Manage your listing</a></p>")


def _card(world: World, rec: SourceRecord) -> str:
    view = record_view(world, rec)
    micro = (rec.seed >> 5) % 10 < 6  # 60% of cards carry schema.org microdata
    scope = ' itemscope itemtype="https://schema.org/LocalBusiness"' if micro else ""

    def prop(name: str) -> str:
        return f' itemprop="{name}"' if micro else ""

    lines = [f'    <div class="listing{" premium" if rec.paid else ""}" '
             f'id="listing-{e(rec.native_id)}" data-listing-id="{e(rec.native_id)}"{scope}>']
    badge = ' <span class="badge premium-badge">Premium</span>' if rec.paid else ""
    lines.append(f'      <h3 class="listing-name"{prop("name")}>{e(view.name)}</h3>{badge}')
    lines.append(f'      <p class="listing-category">{e(" / ".join(view.categories))}</p>')
    if view.street or view.city:
        parts = []
        if view.street:
            parts.append(f'<span class="street"{prop("streetAddress")}>{e(view.street)}</span>')
        if view.postcode:
            parts.append(f'<span class="postcode"{prop("postalCode")}>{e(view.postcode)}</span>')
        if view.city:
            parts.append(f'<span class="city"{prop("addressLocality")}>{e(view.city)}</span>')
        parts.append(f'<span class="country"{prop("addressCountry")}>'
                     f"{e(view.country_name)}</span>")
        addr_scope = (' itemprop="address" itemscope itemtype="https://schema.org/PostalAddress"'
                      if micro else "")
        lines.append(f'      <p class="listing-address"{addr_scope}>{", ".join(parts)}</p>')
    if view.phone:
        lines.append(f'      <p>Tel: <span class="listing-phone"{prop("telephone")}>'
                     f"{e(view.phone)}</span></p>")
    if view.website:
        href = view.website if "//" in view.website else f"http://{view.website}"
        lines.append(f'      <p><a class="listing-website"{prop("url")} href="{e(href)}" '
                     f'rel="nofollow">{e(view.website)}</a></p>')
    if view.email:
        lines.append(f'      <p><a class="listing-email"{prop("email")} '
                     f'href="mailto:{e(view.email)}">{e(view.email)}</a></p>')
    facts = []
    if view.employees_label:
        facts.append(f'<span class="listing-employees">{e(view.employees_label)}</span>')
    if view.founded:
        facts.append(f'<span class="listing-founded">Established {view.founded}</span>')
    if facts:
        lines.append(f'      <p class="listing-facts">{" · ".join(facts)}</p>')
    if rec.paid:
        lines.append(f'      <p class="listing-description"{prop("description")}>'
                     f"{e(view.description)}</p>")
        if view.accreditations:
            items = "".join(f'<li class="accreditation">{e(a)}</li>' for a in view.accreditations)
            lines.append(f'      <ul class="listing-accreditations">{items}</ul>')
    lines.append("    </div>")
    return "\n".join(lines)


def search(world: World, page_no: int) -> str | None:
    """``/search?page=N``: 20 listing cards; ``None`` past the last page."""
    records = world.records[SOURCE_DIRECTORY]
    pages = max(1, -(-len(records) // PAGE_SIZE))
    if page_no < 1 or page_no > pages:
        return None
    cards = [_card(world, rec) for rec in records[(page_no - 1) * PAGE_SIZE: page_no * PAGE_SIZE]]
    links = []
    if page_no > 1:
        links.append(f'<a rel="prev" href="/search?page={page_no - 1}">Previous</a>')
    for n in range(max(1, page_no - 2), min(pages, page_no + 2) + 1):
        if n == page_no:
            links.append(f'<span class="current">{n}</span>')
        else:
            links.append(f'<a class="page" href="/search?page={n}">{n}</a>')
    if page_no < pages:
        links.append(f'<a rel="next" class="next" href="/search?page={page_no + 1}">Next</a>')
    body = (
        "    <h1>Business search</h1>\n"
        f'    <p class="results-summary">Showing {(page_no - 1) * PAGE_SIZE + 1}–'
        f"{(page_no - 1) * PAGE_SIZE + len(cards)} of {len(records):,} businesses</p>\n"
        '    <section class="results">\n' + "\n".join(cards) + "\n    </section>\n"
        f'    <nav class="pagination">{" ".join(links)}</nav>'
    )
    return page(title=f"Business search – page {page_no} | {SITE_NAME}", body=body,
                site_name=SITE_NAME, nav=NAV, footer=FOOTER, body_class="directory")


INFO_PAGES = {
    "/advertise": ("Add your business", "A free listing shows your name, address and phone. "
                   "Premium listings appear first and carry a description and certifications."),
    "/about": ("About TradeFinder", "TradeFinder lists businesses in the UK, Germany, the "
               "Netherlands, the United States and Malaysia."),
    "/terms": ("Terms of use", "Listings are supplied by the businesses themselves."),
    "/privacy": ("Privacy notice", "We store the business details you submit."),
}


def info(path: str) -> str | None:
    """The directory's static pages (advertise, about, terms, privacy)."""
    if path not in INFO_PAGES:
        return None
    title, text = INFO_PAGES[path]
    body = f"    <h1>{e(title)}</h1>\n    <p>{e(text)}</p>"
    return page(title=f"{title} | {SITE_NAME}", body=body, site_name=SITE_NAME, nav=NAV,
                footer=FOOTER, body_class="directory")


def home() -> str:
    body = ("    <h1>Find trusted local businesses</h1>\n"
            '    <form action="/search" method="get"><input name="q" placeholder="Search">'
            '<button>Search</button></form>\n'
            '    <p><a href="/search">Browse all businesses</a></p>')
    return page(title=SITE_NAME, body=body, site_name=SITE_NAME, nav=NAV, footer=FOOTER,
                body_class="directory")
