"""What a company's own pages say (``enrich.pages.profile``), fetched from sites served on
127.0.0.1 through a local proxy: a real directory page with 40 schema.org LocalBusiness blocks
(``tests/fixtures/web/localsearch_au``), and variants derived from it or written here for the
imprint, microdata and jobs cases. Every value carries the page it was read on and when."""

from __future__ import annotations

import json
from datetime import UTC, datetime
from pathlib import Path

import pytest
from localhttp import SitesProxy

from enrich.fetch import FetchLimits
from enrich.normalise import normalise_identifier
from enrich.pages.profile import site_profile
from enrich.signals import registered
from enrich.website import fetch_site, http_client

FIXTURE = (Path(__file__).parent / "fixtures" / "web" / "localsearch_au"
           / "find_plumber_bungalow-qld_p1.html")
UA = "leadpipe-test"
LIMITS = FetchLimits(max_bytes=3_000_000, retries=0)  # the saved page is 2.2 MB

DE_HOME = """<html lang="de"><head><meta name="description" content="  Maschinenbau aus Köln:
Sondermaschinen und   Ersatzteile seit 1962. "></head><body><nav>
<a href="http://other-firm.de/impressum">Partner</a> <a href="/ueber-uns">Über uns</a>
<a href="/karriere">Karriere</a> <a href="/impressum">Impressum</a>
<a href="https://www.linkedin.com/company/muster-maschinenbau?trk=footer">LinkedIn</a>
<a href="https://www.facebook.com/sharer/sharer.php?u=x">Teilen</a>
<a href="https://www.xing.com/pages/muster-maschinenbau">Xing</a></nav>
<p>Wir bauen Maschinen für die Industrie.</p></body></html>"""
DE_IMPRINT = """<html lang="de"><body><h1>Impressum</h1><p>Muster Maschinenbau GmbH</p>
<p>Musterstraße 12, 50667 Köln</p>
<p>Geschäftsführer: Max Mustermann, Erika Musterfrau</p>
<p>Registergericht: Amtsgericht Köln, HRB 12345</p>
<p>USt-IdNr.: DE 123 456 789</p></body></html>"""
DE_ABOUT = "<html><body><p>Seit 1962 in Köln.</p></body></html>"
DE_NO_JOBS = ("<html><body><h1>Karriere</h1><p>Derzeit keine offenen Stellen. "
              "Initiativbewerbungen sind willkommen.</p></body></html>")
DE_JOBS = ("<html><body><h1>Karriere</h1><ul><li>Industriemechaniker (m/w/d)</li>"
           "<li>Konstrukteur (m/w/d)</li></ul></body></html>")

MICRODATA_HOME = """<html><body><nav><a href="/contact">Contact</a></nav>
<div itemscope itemtype="https://schema.org/Organization">
 <span itemprop="legalName">Northbridge Precision Engineering Limited</span>
 <span itemprop="vatID">GB 123 4567 89</span>
 <div itemprop="address" itemscope itemtype="https://schema.org/PostalAddress">
  <span itemprop="streetAddress">12 Mill Lane</span>
  <span itemprop="addressLocality">Leeds</span> <span itemprop="postalCode">LS1 4AB</span>
 </div></div>
<p>Precision machining for the process industries.</p></body></html>"""
MICRODATA_CONTACT = """<html><body><p>Our team: Jane Doe, Managing Director.
Registered in England and Wales, company number 4567890.</p></body></html>"""
ROBOTS = "User-agent: *\nAllow: /\n"


@pytest.fixture()
def proxy():
    with SitesProxy() as server:
        yield server


def _fetch(proxy: SitesProxy, host: str, pages: dict[str, str]):
    proxy.sites[host] = {"/robots.txt": ROBOTS, **pages}
    with http_client(UA, proxy=proxy.url, limits=LIMITS, allow_addresses=("127.0.0.1",)) as client:
        site = fetch_site(client, f"http://{host}/", UA, limits=LIMITS)
    assert site.status == "ok"
    return site


def _facts(profile) -> dict[str, list[tuple[str, str]]]:
    out: dict[str, list[tuple[str, str]]] = {}
    for fact in profile.facts:
        out.setdefault(fact.field, []).append((fact.value, fact.url))
    return out


def test_a_real_directory_page_gives_its_first_business_address_and_the_page_facts(proxy):
    before = datetime.now(UTC)
    site = _fetch(proxy, "www.localsearch.com.au", {"/": FIXTURE.read_text(encoding="utf-8")})
    profile = site_profile(site)
    home = "http://www.localsearch.com.au/"
    # The first LocalBusiness block: "Magnum Plumbing Pipe Relining", Bungalow QLD 4870.
    assert profile.address == "4870 Bungalow, QLD"
    assert profile.language == "en"  # <html lang="en">
    assert profile.description == (
        "50 of the best Plumber in Bungalow QLD! Read the 278+ reviews, find payment options, "
        "send enquiries and so much more on Localsearch.")
    assert profile.social == [  # footer links, tracking parameters dropped, one per network
        "https://www.instagram.com/localsearch/", "https://twitter.com/LocalsearchAU",
        "https://www.youtube.com/c/LocalsearchAustralia", "https://www.facebook.com/LocalsearchAU/"]
    assert profile.hiring is False and profile.identifiers == [] and profile.leadership == []
    assert {f.url for f in profile.facts} == {home}
    assert all(before <= f.fetched_at <= datetime.now(UTC) for f in profile.facts)


def test_schema_org_organization_data_from_json_ld_on_the_real_page(proxy):
    org = {"@context": "https://schema.org", "@graph": [{
        "@type": "Corporation", "name": "Localsearch", "url": "https://www.localsearch.com.au/",
        "legalName": "Local Search Pty Ltd", "foundingDate": "2008-03-01",
        "numberOfEmployees": {"@type": "QuantitativeValue", "value": 300},
        "sameAs": ["https://www.linkedin.com/company/localsearch-au"],
        "founder": {"@type": "Person", "name": "Ann Example"},
        "employee": [{"@type": "Person", "name": "Bob Example", "jobTitle": "Chief Executive "
                      "Officer"}],
        "address": {"@type": "PostalAddress", "streetAddress": "1 Example Street",
                    "postalCode": "4217", "addressLocality": "Surfers Paradise",
                    "addressRegion": "QLD", "addressCountry": "AU"}}]}
    html = FIXTURE.read_text(encoding="utf-8").replace(
        "</head>", f'<script type="application/ld+json">{json.dumps(org)}</script></head>', 1)
    jobs = {"@context": "https://schema.org", "@type": "JobPosting", "title": "Plumber"}
    html = html.replace("</body>", f'<script type="application/ld+json">{json.dumps(jobs)}'
                        "</script></body>", 1)
    site = _fetch(proxy, "www.localsearch.com.au", {"/": html})
    profile = site_profile(site)
    # the organisation on the site's own domain wins over the 40 listed businesses
    assert profile.legal_name == "Local Search Pty Ltd"
    assert profile.employees == 300 and profile.founded == "2008-03-01"
    assert profile.same_as == ["https://www.linkedin.com/company/localsearch-au"]
    assert profile.address == "1 Example Street, 4217 Surfers Paradise, QLD, AU"
    assert [(p.name, p.role) for p in profile.leadership] == [
        ("Ann Example", "Founder"), ("Bob Example", "Chief Executive Officer")]
    assert profile.hiring is True  # a schema.org JobPosting
    values = {provider_column: value for p in registered() for provider_column, value
              in p.values(site).items()}
    assert values["website_employees"] == 300  # numberOfEmployees beats the text
    assert values["website_social"][0] == "https://www.instagram.com/localsearch/"
    assert {f["field"] for f in values["website_facts"]} >= {
        "legal_name", "employees", "founded", "same_as", "address", "leadership", "hiring"}


def test_a_german_imprint_gives_address_leadership_and_ids_with_their_prefix(proxy):
    site = _fetch(proxy, "muster-maschinenbau.de", {
        "/": DE_HOME, "/impressum": DE_IMPRINT, "/ueber-uns": DE_ABOUT, "/karriere": DE_NO_JOBS})
    assert proxy.by_page["other-firm.de/impressum"] == 0  # another firm's domain: not fetched
    assert sorted(site.kinds.values()) == ["about", "home", "imprint", "jobs"]
    profile = site_profile(site)
    imprint = "http://muster-maschinenbau.de/impressum"
    facts = _facts(profile)
    assert facts["address"] == [("Musterstraße 12, 50667 Köln", imprint)]
    assert facts["leadership"] == [("Max Mustermann, Managing Director", imprint),
                                   ("Erika Musterfrau, Managing Director", imprint)]
    # the register number keeps its prefix and its court (HRB 12345 is not unique in Germany)
    assert [i.key for i in profile.identifiers] == ["DE-CR:HRB12345@KOELN",
                                                    "DE-VAT:DE123456789"]
    # the keys resolution compares (one normaliser)
    assert [normalise_identifier(i.key) for i in profile.identifiers] == [
        "DE-CR:HRB12345@KOELN", "DE-VAT:DE123456789"]
    assert profile.language == "de"
    assert profile.description == (
        "Maschinenbau aus Köln: Sondermaschinen und Ersatzteile seit 1962.")
    assert profile.social == ["https://www.linkedin.com/company/muster-maschinenbau",
                              "https://www.xing.com/pages/muster-maschinenbau"]  # no share link
    assert profile.hiring is False  # a "Karriere" link and a page without openings
    registry = next(p for p in registered() if p.columns[0].name == "registry_ids")
    assert registry.values(site) == {"registry_ids": ["HRB12345@KOELN"]}


def test_a_jobs_page_with_openings_is_hiring(proxy):
    site = _fetch(proxy, "muster-maschinenbau.de", {
        "/": DE_HOME, "/impressum": DE_IMPRINT, "/karriere": DE_JOBS})
    profile = site_profile(site)
    assert profile.hiring is True
    assert _facts(profile)["hiring"] == [("job openings",
                                          "http://muster-maschinenbau.de/karriere")]


def test_microdata_and_a_contact_page(proxy):
    site = _fetch(proxy, "northbridge-eng.co.uk",
                  {"/": MICRODATA_HOME, "/contact": MICRODATA_CONTACT})
    profile = site_profile(site)
    assert profile.legal_name == "Northbridge Precision Engineering Limited"
    assert profile.address == "12 Mill Lane, LS1 4AB Leeds"
    assert [i.key for i in profile.identifiers] == ["GB-VAT:GB123456789", "GB-COH:04567890"]
    assert [(p.name, p.role) for p in profile.leadership] == [("Jane Doe", "Managing Director")]
    assert profile.language == "en"  # no lang attribute: guessed from common words
    assert _facts(profile)["leadership"] == [("Jane Doe, Managing Director",
                                              "http://northbridge-eng.co.uk/contact")]


def test_an_empty_site_gives_an_empty_profile():
    from enrich.website import read_site
    profile = site_profile(read_site({}))
    assert (profile.address, profile.facts, profile.hiring) == (None, [], False)
