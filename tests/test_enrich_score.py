"""Website signals, industry, solvency and fit: the explainable parts of a score."""

from __future__ import annotations

import threading
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer

import httpx
import pytest

from enrich.industry import classify
from enrich.solvency import SolvencySignals, estimate
from enrich.website import fetch_site, read_site
from leadpipe.score import fit_score

HOME = """<html><head><title>Northbridge Precision Engineering</title></head><body>
<nav><a href="/contact">Contact us</a> <a href="/careers">Careers</a></nav>
<p>Precision CNC machining for industrial customers. Our 1,200 employees work from
offices in three countries.</p></body></html>"""
CONTACT = """<html><body><h1>Contact</h1>
<p>Call <a href="tel:+441619460958">+44 161 946 0958</a>,
write to <a href="mailto:sales@northbridge-eng.co.uk">sales@northbridge-eng.co.uk</a>
or jane.doe@northbridge-eng.co.uk. Company No. 04567890.</p></body></html>"""


def test_read_site_finds_contacts_size_and_growth():
    s = read_site({"http://x/": HOME, "http://x/contact": CONTACT})
    assert s.status == "ok"
    assert s.emails[0] == "sales@northbridge-eng.co.uk"  # role mailbox first
    assert "jane.doe@northbridge-eng.co.uk" in s.emails
    assert s.phones == ["+441619460958"]
    assert s.employees == 1200
    assert s.offices_countries == 3
    assert s.growth is True
    assert s.registry_ids == ["04567890"]
    assert s.distress == []


def test_a_lower_bound_is_not_a_headcount():
    assert read_site({"u": "<p>Over 500 people work here.</p>"}).employees is None
    assert read_site({"u": "<p>A team of 140 people.</p>"}).employees == 140


def test_read_site_sees_distress_notices():
    s = read_site({"u": "<p>Acme Ltd is in administration. Contact the administrators.</p>"})
    assert s.distress == ["in administration"]


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
    assert s.status == "ok" and len(s.pages) == 2
    assert s.emails[0] == "sales@northbridge-eng.co.uk"
    _Site.pages["/robots.txt"] = "User-agent: *\nDisallow: /\n"
    try:
        with httpx.Client() as client:
            assert fetch_site(client, site, "leadpipe-test").status == "blocked"
    finally:
        _Site.pages["/robots.txt"] = "User-agent: *\nDisallow: /private\n"


def test_unreachable_site():
    with httpx.Client(timeout=2) as client:
        assert fetch_site(client, "http://127.0.0.1:9/", "ua").status == "unreachable"


@pytest.mark.parametrize(("kwargs", "expected"), [
    ({"name": "Northbridge Precision Engineering Ltd", "categories": ["Industrial Machinery"]},
     "manufacturing"),
    ({"name": "Swift Freight GmbH", "categories": ["Freight & Haulage"]}, "logistics"),
    ({"name": "Cumbria County Council"}, "public_sector"),
    ({"name": "Bella Napoli", "categories": ["Restaurant"]}, "hospitality"),
])
def test_industry_classification(kwargs, expected):
    guess = classify(**kwargs)
    assert guess.industry == expected
    assert guess.reason  # always says why


def test_industry_unknown_when_nothing_matches():
    assert classify(name="Zyx Qwv").industry is None


def test_solvency_orders_healthy_above_distressed():
    healthy = estimate(SolvencySignals(employees=400, founded=1990, awards_count=3,
                                       paid_listing=True, accreditations=2, website_status="ok",
                                       growth=True), this_year=2026)
    small_new = estimate(SolvencySignals(employees=3, founded=2025), this_year=2026)
    distressed = estimate(SolvencySignals(employees=400, founded=1990,
                                          distress=["in administration"]), this_year=2026)
    assert healthy.score > 0.9 > small_new.score
    assert distressed.score < 0.3
    assert any("in administration" in r for r in distressed.reasons)
    assert healthy.reasons[0].endswith(")")  # "… (+1.2)": every reason carries its points


PROFILE = {"name": "t", "industries": ["manufacturing"], "keywords": ["machinery"],
           "employees_min": 20, "employees_max": 5000, "cpv_prefixes": ["48"], "countries": []}


def test_fit_rewards_industry_size_and_demand():
    row = {"name": "Acme Machinery Ltd", "industry": "manufacturing", "industry_reason": "x",
           "employees": 120, "cpv": ["48000000"], "next_deadline": None}
    fit, reasons = fit_score(row, PROFILE)
    assert fit == 1.0
    assert any("industry manufacturing" in r for r in reasons)
    assert any("buys CPV 48000000" in r for r in reasons)
    outsider = {"name": "Bella Napoli", "industry": "hospitality", "employees": 8}
    fit2, reasons2 = fit_score(outsider, PROFILE)
    assert fit2 == 0.0 and any("outside" in r for r in reasons2)


def test_fit_is_zero_outside_target_countries():
    row = {"name": "Acme", "industry": "manufacturing", "country": "US", "employees": 100}
    fit, reasons = fit_score(row, {**PROFILE, "countries": ["GB"]})
    assert fit == 0.0 and "country US not targeted" in reasons
