"""The enrich stage end to end on a real DuckDB file: company sites served on 127.0.0.1,
re-fetched only when stale, website columns from the signal providers, award history per
currency."""

from __future__ import annotations

from datetime import datetime
from pathlib import Path

import pyarrow as pa
import pytest
from localhttp import SitesProxy

from enrich import signals
from enrich.resolve.stage import run_resolution
from enrich.signals import Column, Provider
from enrich.stage import company_sql, enrichment_schema, run_enrichment
from leadpipe.config import load_config
from spiders.landing import LandingWriter, make_item
from warehouse.db import connect
from warehouse.load import load_file

SOURCE = "fixture_expo"
MODEL = load_config().solvency  # the bundled [solvency] weights and cut-offs
UA = "leadpipe-test"
# The proxy is on 127.0.0.1: the outbound-fetch policy refuses loopback unless allowed.
LOCAL = ("127.0.0.1",)

NORTHBRIDGE = """<html><body><nav><a href="/contact">Contact us</a></nav>
<p>Precision CNC machining for industrial customers. Our 1,200 employees work from
offices in three countries.</p></body></html>"""
NORTHBRIDGE_CONTACT = """<html><body><p>Call <a href="tel:+441619460958">+44 161 946 0958</a>,
write to <a href="mailto:sales@northbridge-eng.co.uk">sales@northbridge-eng.co.uk</a>.
Company No. 04567890.</p></body></html>"""
SWIFT = """<html><body><nav><a href="/kontakt">Kontakt</a></nav>
<p>Swift Freight: road haulage and warehouse logistics, a team of 85 people.</p></body></html>"""
SWIFT_CONTACT = """<html><body><p>info@swift-freight.de, +49 30 1234 5678</p></body></html>"""
BELLA = """<html><body><p>Bella Napoli restaurant: pizza and pasta since 1998.</p>
<p>Bella Napoli Ltd is in administration.</p></body></html>"""
ROBOTS = "User-agent: *\nDisallow: /private\n"


@pytest.fixture()
def sites():
    with SitesProxy({
        "northbridge-eng.co.uk": {"/": NORTHBRIDGE, "/contact": NORTHBRIDGE_CONTACT,
                                  "/robots.txt": ROBOTS},
        "swift-freight.de": {"/": SWIFT, "/kontakt": SWIFT_CONTACT, "/robots.txt": ROBOTS},
        "bella-napoli.it": {"/": BELLA, "/robots.txt": ROBOTS},
    }) as server:
        yield server


@pytest.fixture()
def proxy(sites):
    return sites.url


def _org(native: str, name: str, **fields) -> dict:
    return make_item(kind="organisation", source=SOURCE, native_id=native, run_id="run-1",
                     url=f"https://expo.example/{native}", method="css",
                     fields={"name": name, "country": "GB", **fields})


def _award(native: str, supplier: str, value: float | None, currency: str | None,
           status: str = "active") -> dict:
    return make_item(kind="award", source=SOURCE, native_id=native, run_id="run-1",
                     url=f"https://tenders.example/{native}", method="api",
                     fields={"tender_id": f"t-{native}", "award_id": native,
                             "supplier_native_id": supplier, "supplier_name": "Northbridge",
                             "value": value, "currency": currency, "date": "2024-02-01",
                             "status": status})


@pytest.fixture()
def con(tmp_path: Path):
    landing = tmp_path / "landing"
    with LandingWriter(landing, "run-1", SOURCE) as writer:
        for item in [
            _org("nb", "Northbridge Precision Engineering Ltd",
                 website="http://northbridge-eng.co.uk/", categories=["Industrial Machinery"],
                 founded=1985),
            _org("sf", "Swift Freight GmbH", website="http://swift-freight.de/",
                 categories=["Freight & Haulage"]),
            _org("bn", "Bella Napoli Ltd", website="http://bella-napoli.it/",
                 categories=["Restaurant"]),
            _org("cc", "Cumbria County Council"),  # no website: nothing to fetch
            _award("a1", "nb", 100_000.0, "EUR"),
            _award("a2", "nb", 250_000.0, "EUR"),
            _award("a3", "nb", 900_000.0, "GBP"),
            _award("a4", "nb", 5_000_000.0, "GBP", status="pending"),  # not won: not counted
            _award("a5", "nb", None, None),  # won, value unpublished: counted, no total
        ]:
            writer.write(item)
    db = connect(tmp_path / "warehouse.duckdb")
    load_file(db, landing / "run-1" / f"{SOURCE}.jsonl")
    run_resolution(db)
    yield db
    db.close()


def _rows(con) -> dict[str, dict]:
    cursor = con.execute(
        "SELECT c.name, e.* EXCLUDE (enriched_at) FROM enrichment e JOIN companies c "
        "USING (company_id)")
    names = [d[0] for d in cursor.description]
    return {r[0]: dict(zip(names, r, strict=True)) for r in cursor.fetchall()}


def test_second_run_refetches_only_the_stale_site(con, proxy, sites):
    first = run_enrichment(con, user_agent=UA, proxy=proxy, solvency_model=MODEL,
                         allow_addresses=LOCAL, max_age_days=5)
    assert (first.companies, first.websites_fetched, first.websites_ok) == (4, 3, 3)
    # robots.txt, the home page and the one contact page it links to (Bella has none)
    assert sites.by_host == {"northbridge-eng.co.uk": 3, "swift-freight.de": 3,
                               "bella-napoli.it": 2}
    before = _rows(con)
    nb = before["Northbridge Precision Engineering Ltd"]
    assert nb["website_status"] == "ok"
    assert nb["website_emails"] == ["sales@northbridge-eng.co.uk"]
    assert nb["website_phones"] == ["+441619460958"]
    assert nb["website_employees"] == 1200
    assert nb["website_offices_countries"] == 3
    assert nb["registry_ids"] == ["04567890"]
    assert nb["website_growth"] is False
    sf = before["Swift Freight GmbH"]
    assert sf["website_emails"] == ["info@swift-freight.de"]
    assert sf["website_phones"] == ["+49 30 1234 5678"]
    assert sf["website_employees"] == 85 and sf["website_growth"] is False
    assert before["Bella Napoli Ltd"]["website_distress"] == ["in administration"]
    assert before["Cumbria County Council"]["website_status"] == "none"

    # Both sites now advertise jobs; only Swift Freight's fetch is older than max_age_days.
    sites.sites["northbridge-eng.co.uk"]["/"] += "<p>We're hiring: see our vacancies.</p>"
    sites.sites["swift-freight.de"]["/"] = SWIFT.replace(
        "</body>", '<p><a href="/jobs">Jobs</a></p></body>')
    sites.sites["swift-freight.de"]["/jobs"] = (
        "<html><body><h1>Jobs</h1><p>2 open positions</p><ul><li>HGV driver (m/w/d)</li>"
        "<li>Transport planner (m/w/d)</li></ul></body></html>")
    con.execute("UPDATE enrichment SET website_fetched_at = website_fetched_at - INTERVAL 10 DAY "
                "WHERE website = 'http://swift-freight.de/'")
    second = run_enrichment(con, user_agent=UA, proxy=proxy, solvency_model=MODEL,
                         allow_addresses=LOCAL, max_age_days=5)
    assert (second.websites_fetched, second.websites_ok) == (1, 1)
    assert sites.by_host == {"northbridge-eng.co.uk": 3, "swift-freight.de": 7,
                               "bella-napoli.it": 2}
    after = _rows(con)
    assert after["Swift Freight GmbH"]["website_growth"] is True  # re-read
    assert after["Swift Freight GmbH"]["website_fetched_at"] > sf["website_fetched_at"]
    for fresh in ("Northbridge Precision Engineering Ltd", "Bella Napoli Ltd",
                  "Cumbria County Council"):
        assert after[fresh] == before[fresh]  # kept as fetched: still no jobs on Northbridge


def test_award_history_per_currency_never_summed(con, proxy):
    run_enrichment(con, user_agent=UA, proxy=proxy, solvency_model=MODEL,
                         allow_addresses=LOCAL, fetch=False)
    nb = _rows(con)["Northbridge Precision Engineering Ltd"]
    assert nb["awards_count"] == 4  # a1, a2, a3 and a5; the pending a4 is not a win
    assert nb["awards_by_currency"] == [
        {"currency": "EUR", "awards": 2, "total": 350_000.0, "largest": 250_000.0},
        {"currency": "GBP", "awards": 1, "total": 900_000.0, "largest": 900_000.0},
    ]
    assert (nb["awards_currency"], nb["awards_total"], nb["awards_largest"]) == (
        "EUR", 350_000.0, 250_000.0)
    assert nb["awards_last"] == datetime(2024, 2, 1)
    assert "won 4 public contracts" in nb["solvency_reasons"]
    sf = _rows(con)["Swift Freight GmbH"]
    assert (sf["awards_count"], sf["awards_total"], sf["awards_by_currency"]) == (0, None, None)


def test_provider_columns_match_the_migrated_enrichment_table(con):
    table = dict(con.execute(
        "SELECT column_name, data_type FROM information_schema.columns "
        "WHERE table_name = 'enrichment'").fetchall())
    for column in [c for p in signals.registered() for c in p.columns]:
        assert table.get(column.name) == column.duckdb_type, column.name
    schema = enrichment_schema(signals.registered())
    assert sorted(schema.names) == sorted(table)  # every written column exists, and only those


# A new website signal is one module in enrich/signals/ declaring this (plus a migration
# adding its column); nothing in the stage or the fetcher changes.
def _language(site) -> dict:
    return {"website_lang": "de" if "Kontakt" in site.text else None}


LANGUAGE = Provider(columns=(Column("website_lang", pa.string()),), read=_language)


def test_a_new_provider_is_fetched_selected_and_copied_forward(con, proxy, sites):
    con.execute("ALTER TABLE enrichment ADD COLUMN website_lang VARCHAR")  # its migration
    providers = (*signals.registered(), LANGUAGE)
    assert "e.website_lang AS previous_website_lang" in company_sql(providers)
    run_enrichment(con, user_agent=UA, proxy=proxy, solvency_model=MODEL,
                         allow_addresses=LOCAL, providers=providers)
    assert _rows(con)["Swift Freight GmbH"]["website_lang"] == "de"
    assert _rows(con)["Bella Napoli Ltd"]["website_lang"] is None
    requests = sum(sites.by_host.values())
    run_enrichment(con, user_agent=UA, proxy=proxy, solvency_model=MODEL,
                         allow_addresses=LOCAL, providers=providers)
    assert sum(sites.by_host.values()) == requests  # nothing stale: nothing fetched
    assert _rows(con)["Swift Freight GmbH"]["website_lang"] == "de"  # copied forward


def test_a_provider_must_fill_exactly_its_columns(con):
    from enrich.website import read_site

    broken = Provider(columns=(Column("website_lang", pa.string()),),
                      read=lambda site: {"website_language": "de"})
    with pytest.raises(ValueError, match="website_lang"):
        broken.values(read_site({"u": "<p>Kontakt</p>"}))

