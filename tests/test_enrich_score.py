"""Website signals, industry and solvency: the enrichment behind a score (fit rules are in
test_sales_score.py)."""

from __future__ import annotations

import threading
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer

import httpx
import pytest

from enrich import signals
from enrich.signals.site_profile import PROVIDER as PROFILE
from enrich.solvency import SolvencySignals, estimate
from enrich.website import fetch_site, read_site
from leadpipe.config import load_config

PROFILE_COLUMNS = {c.name for c in PROFILE.columns}

HOME = """<html><head><title>Northbridge Precision Engineering</title></head><body>
<nav><a href="/contact">Contact us</a> <a href="/careers">Careers</a></nav>
<p>Precision CNC machining for industrial customers. Our 1,200 employees work from
offices in three countries.</p></body></html>"""
CONTACT = """<html><body><h1>Contact</h1>
<p>Call <a href="tel:+441619460958">+44 161 946 0958</a>,
write to <a href="mailto:sales@northbridge-eng.co.uk">sales@northbridge-eng.co.uk</a>
or jane.doe@northbridge-eng.co.uk. Company No. 04567890.</p></body></html>"""


def _signals(pages: dict[str, str]) -> dict:
    """Every registered provider's columns for a site, as the enrich stage writes them (the
    site profile's own columns are checked in test_site_profile.py)."""
    site = read_site(pages)
    return {k: v for provider in signals.registered() for k, v in provider.values(site).items()
            if k not in PROFILE_COLUMNS}


def test_providers_find_contacts_size_and_growth():
    s = _signals({"http://x/": HOME, "http://x/contact": CONTACT})
    assert s == {
        "website_emails": ["sales@northbridge-eng.co.uk", "jane.doe@northbridge-eng.co.uk"],
        "website_phones": ["+441619460958"],  # role mailbox first, tel: links beat the text
        "website_employees": 1200,
        "website_offices_countries": 3,
        "website_growth": False,  # a "Careers" menu link alone is no opening
        "registry_ids": ["04567890"],
        "website_distress": [],
        "website_text_keywords": ["precision engineering", "cnc", "machining", "industrial"],
    }


def test_an_unreachable_site_gives_empty_signals():
    s = _signals({})
    assert s == {"website_emails": [], "website_phones": [], "website_employees": None,
                 "website_offices_countries": None, "website_growth": False,
                 "registry_ids": [], "website_distress": [], "website_text_keywords": []}


def test_a_lower_bound_is_not_a_headcount():
    assert _signals({"u": "<p>Over 500 people work here.</p>"})["website_employees"] is None
    assert _signals({"u": "<p>A team of 140 people.</p>"})["website_employees"] == 140


def test_providers_see_distress_notices():
    s = _signals({"u": "<p>Acme Ltd is in administration. Contact the administrators.</p>"})
    assert s["website_distress"] == ["in administration"]


class _Site(BaseHTTPRequestHandler):
    pages = {"/": HOME, "/contact": CONTACT,
             "/robots.txt": "User-agent: *\nDisallow: /private\n"}

    def do_GET(self):  # noqa: N802 - http.server API
        body = self.pages.get(self.path)
        self.send_response(200 if body else 404)
        self.send_header("Content-Type", "text/html; charset=utf-8")
        self.end_headers()
        self.wfile.write((body or "not found").encode())

    def log_message(self, *args):
        pass


@pytest.fixture()
def site():
    server = ThreadingHTTPServer(("127.0.0.1", 0), _Site)
    threading.Thread(target=server.serve_forever, daemon=True).start()
    yield f"http://127.0.0.1:{server.server_port}"
    server.shutdown()


def test_fetch_site_follows_contact_link_and_obeys_robots(site):
    with httpx.Client() as client:
        s = fetch_site(client, site, "leadpipe-test")
    assert s.status == "ok"
    assert list(s.pages) == [f"{site}/", f"{site}/contact"]
    assert "Company No. 04567890" in s.text
    assert "mailto:sales@northbridge-eng.co.uk" in s.links
    _Site.pages["/robots.txt"] = "User-agent: *\nDisallow: /\n"
    try:
        with httpx.Client() as client:
            assert fetch_site(client, site, "leadpipe-test").status == "blocked"
    finally:
        _Site.pages["/robots.txt"] = "User-agent: *\nDisallow: /private\n"


def test_unreachable_site():
    with httpx.Client(timeout=2) as client:
        assert fetch_site(client, "http://127.0.0.1:9/", "ua").status == "unreachable"


MODEL = load_config().solvency  # the bundled [solvency] weights and cut-offs


def test_solvency_orders_healthy_above_weak_with_plain_reasons():
    healthy = estimate(SolvencySignals(employees=400, founded=1990, awards_count=3,
                                       paid_listing=True, accreditations=2, website_status="ok",
                                       growth=True, website_url="https://acme.test/"),
                       this_year=2026, model=MODEL)
    small_new = estimate(SolvencySignals(employees=3, founded=2025), this_year=2026, model=MODEL)
    # bias 0.6 plus the points of each reason, through the logistic curve
    assert (healthy.score, healthy.band) == (0.999, "1")  # 0.6+1.4+1.4+1.2+1.0+1.0+0.9 = 7.5
    assert [(e.code, e.text, e.points) for e in healthy.evidence] == [
        ("awards_3", "won 3 public contracts", 1.4),
        ("paid_listing", "pays for a premium listing", 1.4),
        ("accreditation", "holds 2 accreditations", 1.2),
        ("trading_30_years", "trading for 36 years", 1.0),
        ("hiring", "its website advertises jobs", 1.0),
        ("employees_100", "400 employees", 0.9)]
    assert healthy.evidence[4].url == "https://acme.test/"
    assert (small_new.score, small_new.band) == (0.119, "3")  # 0.6 - 1.5 - 1.1 = -2.0
    assert healthy.model_version == small_new.model_version
    assert healthy.model_version.startswith("solvency-bands-3+")


def test_a_single_public_contract_does_not_count_against_a_firm():
    one = estimate(SolvencySignals(awards_count=1, founded=2000), this_year=2026, model=MODEL)
    none = estimate(SolvencySignals(founded=2000), this_year=2026, model=MODEL)
    assert one.score >= none.score
    assert "won a public contract" not in one.reasons  # no points, no noise


@pytest.mark.parametrize(("signals", "code"), [
    (SolvencySignals(registry_status="administration"), "registry_administration"),
    (SolvencySignals(registry_status="liquidation"), "registry_liquidation"),
    (SolvencySignals(registry_status="dissolved"), "registry_dissolved"),
    (SolvencySignals(registry_status="voluntary arrangement"), "registry_voluntary_arrangement"),
    (SolvencySignals(registry_status="active - proposal to strike off"),
     "registry_proposal_to_strike_off"),
    (SolvencySignals(registry_status="bankruptcy"), "registry_bankruptcy"),
    (SolvencySignals(registry_status="active", insolvency_cases=1), "insolvency_case"),
    (SolvencySignals(lei_status="lapsed"), "lei_lapsed"),
    (SolvencySignals(lei_status="retired"), "lei_retired"),
    (SolvencySignals(distress=["in administration"]), "distress_notice"),
])
def test_knock_outs_give_band_x_whatever_else_is_good(signals, code):
    signals.employees, signals.founded, signals.awards_count = 400, 1990, 5
    signals.paid_listing = True
    result = estimate(signals, this_year=2026, model=MODEL)
    assert result.band == "X"
    assert result.evidence[0].code == code
    assert "_" not in result.evidence[0].text


def test_missing_signals_are_insufficient_data_and_public_bodies_their_own_band():
    nothing = estimate(SolvencySignals(), this_year=2026, model=MODEL)
    assert (nothing.band, nothing.evidence) == ("insufficient data", ())
    council = estimate(SolvencySignals(is_public_body=True), this_year=2026, model=MODEL)
    assert council.band == "public body"
    active = estimate(SolvencySignals(registry_status="active", accounts_overdue=False),
                      this_year=2026, model=MODEL)
    assert active.band != "insufficient data"
    assert active.reasons == ["files its accounts on time"]




def test_a_listing_description_states_a_headcount():
    from enrich.signals.headcount import stated_headcount

    assert stated_headcount("Founded in 2002, we now have a team of 18 people in Houston.") == 18
    assert stated_headcount("Founded in 2006, we now have over 10 people in Leeds.") is None
    assert stated_headcount(None) is None
