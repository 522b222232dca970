"""Company (and public buyer) websites: home, contact or imprint, careers.

Each site prints the company's own canonical data (not a source's variant): the name with its
legal form, a phone in the country's usual format, the role mailbox, the address and the
registry number -- the facts a website enrichment step would add. Insolvent companies
sometimes carry an administration notice or do not answer at all (503).
"""

from __future__ import annotations

import random
from typing import Any

from leadpipe.demo.html import e, json_ld, page
from leadpipe.demo.variants import phone_variant
from leadpipe.demo.views import describe
from leadpipe.demo.world import WORLD_TODAY, TrueCompany

JOBS = {
    "manufacturing": ("CNC Machinist", "Maintenance Engineer", "Production Supervisor",
                      "Quality Inspector", "Mechanical Design Engineer"),
    "logistics": ("HGV Class 1 Driver", "Warehouse Operative", "Transport Planner",
                  "Customs Clerk"),
    "energy": ("Electrical Engineer", "Wind Turbine Technician", "Project Manager"),
    "construction": ("Site Manager", "Quantity Surveyor", "Groundworker"),
    "retail": ("Store Manager", "Sales Assistant", "Buyer"),
    "hospitality": ("Chef de Partie", "Front of House Manager", "Event Coordinator"),
    "healthcare": ("Registered Nurse", "Care Assistant", "Service Engineer"),
    "software": ("Backend Developer", "DevOps Engineer", "Product Manager"),
    "finance": ("Audit Senior", "Payroll Administrator", "Account Manager"),
    "public_sector": ("Procurement Officer", "Highways Engineer", "Social Worker"),
}


# The trailing paths sources print after a domain all lead to the home page.
HOME_PATHS = frozenset({"/", "/index.html", "/home", "/en/", "/en", "/en/home"})


def _positions(n: int) -> str:
    return f"{n} open position{'s' if n != 1 else ''}"


def contact_path(company: TrueCompany) -> str:
    """German sites put the legal details on an Impressum page."""
    return "/imprint" if company.country == "DE" else "/contact"


def _registry_line(company: TrueCompany) -> str:
    rid = company.registry_id
    return {
        "GB": f"Registered in {'Scotland' if rid.startswith('SC') else 'England and Wales'}, "
              f"company number {rid}",
        "DE": f"Registergericht: Amtsgericht {company.city}, {rid}",
        "US": f"EIN {rid}",
        "NL": f"KvK-nummer {rid}",
        "MY": f"Company No. {rid} (SSM)",
    }.get(company.country, rid)


def _nav(company: TrueCompany) -> list[tuple[str, str]]:
    nav = [("Home", "/"), ("About us", "/#about")]
    if company.has_careers:
        nav.append(("Careers", "/careers"))
    nav.append(("Impressum" if company.country == "DE" else "Contact", contact_path(company)))
    return nav


def _footer(company: TrueCompany) -> str:
    return (f"    <p>© {company.site_updated} {e(company.name)} · {e(_registry_line(company))}"
            "</p>\n"
            f'    <p><a href="{contact_path(company)}">'
            f"{'Impressum' if company.country == 'DE' else 'Contact'}</a> · "
            '<a href="/privacy">Privacy policy</a></p>')


def _notice(company: TrueCompany) -> str:
    if company.website_state != "administration":
        return ""
    rng = random.Random(company.seed ^ 0xAD)
    month = ("January", "February", "March", "April", "May")[int(rng.random() * 5)]
    if company.country == "DE":
        text = (f"Über das Vermögen der {company.name} wurde am {1 + int(rng.random() * 27)}. "
                f"{month} {WORLD_TODAY.year} das Insolvenzverfahren eröffnet. Anfragen richten "
                "Sie bitte an den Insolvenzverwalter.")
    elif company.country in ("US",):
        text = (f"{company.name} has filed for Chapter 11 bankruptcy protection. Operations "
                "continue under court supervision.")
    else:
        text = (f"{company.name} is in administration. Joint administrators were appointed on "
                f"{1 + int(rng.random() * 27)} {month} {WORLD_TODAY.year}. The affairs, business "
                "and property of the company are being managed by the administrators.")
    return f'  <div class="notice notice-administration" role="alert"><p>{e(text)}</p></div>'


def _page(company: TrueCompany, title: str, body: str, head_extra: str = "",
          lang: str = "en") -> str:
    return page(title=f"{title} | {company.base_name}", body=body, site_name=company.base_name,
                nav=_nav(company), footer=_footer(company), head_extra=head_extra,
                lang=lang, banner=_notice(company), body_class="company-site")


def _org_ld(company: TrueCompany, phone: str) -> dict[str, Any]:
    return {
        "@context": "https://schema.org",
        "@type": "Organization",
        "name": company.name,
        "url": f"http://www.{company.domain}/",
        "telephone": phone,
        "email": company.email,
        "foundingDate": str(company.founded),
        "address": {"@type": "PostalAddress", "streetAddress": company.street_address,
                    "postalCode": company.postcode, "addressLocality": company.city,
                    "addressCountry": company.country},
    }


def home(company: TrueCompany) -> str:
    rng = random.Random(company.seed)
    paragraphs = [f'    <p class="lead">{e(describe(company, rng))}</p>']
    if company.accreditations:
        items = "".join(f"<li>{e(a)}</li>" for a in company.accreditations)
        paragraphs.append("    <h2>Quality and accreditations</h2>\n"
                          f'    <ul class="accreditations">{items}</ul>')
    if company.has_careers:
        paragraphs.append('    <p class="hiring">We are growing! <a href="/careers">'
                          f"Join our team</a> – {_positions(company.open_positions)}.</p>")
    paragraphs.append(f'    <p>Get in touch: <a href="{contact_path(company)}">contact us</a>.</p>')
    body = (f'    <section class="hero" id="about"><h1>{e(company.base_name)}</h1></section>\n'
            + "\n".join(paragraphs))
    head = ""
    if company.seed % 5 < 2:  # 40% of sites publish schema.org Organization data
        head = json_ld(_org_ld(company, phone_variant(company.phone, rng, "international")))
    return _page(company, "Home", body, head)


def contact(company: TrueCompany) -> str:
    rng = random.Random(company.seed ^ 0xC0)
    phone = phone_variant(company.phone, rng, rng.choice(("international", "national",
                                                          "brackets", "intl_trunk")))
    german = company.country == "DE"
    people = "".join(
        f'\n      <li class="person"><strong class="person-name">{e(c.name)}</strong>, '
        f'<span class="person-role">{e(c.role)}</span>, '
        f'<a href="mailto:{e(c.email)}">{e(c.email)}</a>, '
        f'<span class="person-phone">{e(phone_variant(c.phone, rng, "international"))}</span>'
        "</li>"
        for c in company.contacts
    )
    heading = "Impressum" if german else "Contact us"
    intro = "Angaben gemäß § 5 DDG" if german else "We look forward to hearing from you."
    labels = (("Telefon", "E-Mail", "Geschäftsführung") if german
              else ("Telephone", "E-mail", "Our team"))
    body = f"""    <h1>{heading}</h1>
    <p>{e(intro)}</p>
    <address class="company-address">
      <strong class="company-name">{e(company.name)}</strong><br>
      <span class="street">{e(company.street_address)}</span><br>
      <span class="postcode">{e(company.postcode)}</span>
      <span class="city">{e(company.city)}</span><br>
      <span class="country">{e(company.country_name)}</span>
    </address>
    <p>{labels[0]}: <a class="phone" href="tel:{e(company.phone)}">{e(phone)}</a></p>
    <p>{labels[1]}: <a class="email" href="mailto:{e(company.email)}">{e(company.email)}</a></p>
    <p class="registry">{e(_registry_line(company))}</p>
    <h2>{labels[2]}</h2>
    <ul class="people">{people}
    </ul>"""
    return _page(company, heading, body, lang="de" if german else "en")


def careers(company: TrueCompany) -> str:
    rng = random.Random(company.seed ^ 0xCA)
    jobs = JOBS[company.industry]
    items = "".join(
        f'\n      <li class="job"><span class="job-title">{e(jobs[int(rng.random() * len(jobs))])}'
        f"</span> – {e(company.city)}</li>"
        for _ in range(company.open_positions)
    )
    body = (f"    <h1>Careers at {e(company.base_name)}</h1>\n"
            f"    <p>{_positions(company.open_positions)}.</p>\n"
            f'    <ul class="jobs">{items}\n    </ul>')
    return _page(company, "Careers", body)


def render(company: TrueCompany, path: str) -> tuple[int, str] | None:
    """(status, html) for ``path`` on the company's site; ``None`` when there is no such page."""
    if company.website_state == "unreachable":
        return 503, ("<!DOCTYPE html><html><head><title>503 Service Unavailable</title></head>"
                     "<body><h1>Service Unavailable</h1><p>The server is temporarily unable to "
                     "service your request.</p></body></html>")
    if path in HOME_PATHS:
        return 200, home(company)
    if path == contact_path(company):
        return 200, contact(company)
    if path == "/careers" and company.has_careers:
        return 200, careers(company)
    if path == "/privacy":
        body = ("    <h1>Privacy policy</h1>\n    <p>We only use the details you send us to answer "
                "your enquiry.</p>")
        return 200, _page(company, "Privacy policy", body)
    return None
