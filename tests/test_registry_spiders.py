"""Registry spiders against a 127.0.0.1 server replaying real registry responses, and the demo
world's registry crawled, loaded and resolved: every insolvent firm's distress is observable
and the registry records join the companies the other sources found."""

from __future__ import annotations

import json
import threading
from collections import Counter
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path
from typing import Any
from urllib.parse import parse_qs, unquote, urlparse

import pytest

from spiders.crawl import run_crawl
from warehouse.db import connect
from warehouse.load import load_landing

FIX = Path(__file__).parent / "fixtures" / "registry"
FAST = {"DOWNLOAD_DELAY": 0, "AUTOTHROTTLE_ENABLED": False, "ROBOTSTXT_OBEY": False,
        "LEADPIPE_BACKOFF_BASE": 0.1, "RETRY_TIMES": 1,
        "LEADPIPE_ALLOW_ADDRESSES": ["127.0.0.1"]}  # the test servers are on loopback


def fixture(registry: str, name: str) -> Any:
    return json.loads((FIX / registry / name).read_text(encoding="utf-8"))


def replay_routes() -> dict[str, Any]:
    """Path -> JSON document, as each registry's API would answer."""
    candour = fixture("companies_house", "herrbert74__company_candour.json")
    # 07310390 (PFB Hire): its real charges and filing history; its profile is derived from a
    # real one, with the flags that make a spider ask for insolvency and charges.
    pfb = dict(candour, company_number="07310390", company_name="PFB HIRE LIMITED",
               company_status="liquidation", has_insolvency_history=True, has_charges=True)
    brreg_entity = fixture("brreg", "tidybrreg__entity_923609016.json")
    return {
        "/ch/company/08957400": candour,
        "/ch/company/07310390": pfb,
        "/ch/company/07310390/insolvency": fixture(
            "companies_house", "herrbert74__insolvency_london_airways.json"),
        "/ch/company/07310390/charges": fixture("companies_house",
                                                "herrbert74__charges_pfb_hire.json"),
        "/ch/search/companies?q=you": fixture("companies_house",
                                              "herrbert74__search_result_you.json"),
        "/no/enheter/923609016": brreg_entity,
        "/no/enheter?navn=sesam": fixture("brreg",
                                          "python-brreg__enheter-search-page1-response.json"),
        # the page's links.next, printed with the public API root: the last page, empty
        "/no/enheter?navn=sesam&page=1&size=2": {"page": {"size": 2, "totalElements": 2,
                                                          "totalPages": 1, "number": 1}},
        "/lei/lei-records/549300LBI3LRIZ2V8V66": fixture(
            "gleif", "pygleif__549300LBI3LRIZ2V8V66_lapsed.json"),
    }


@pytest.fixture(scope="module")
def replay():
    routes = replay_routes()
    hits: Counter[str] = Counter()

    class Handler(BaseHTTPRequestHandler):
        def log_message(self, *args: Any) -> None:
            pass

        def do_GET(self) -> None:  # noqa: N802
            url = urlparse(self.path)
            q = {k: v[0].lower() for k, v in parse_qs(url.query).items()}
            key = unquote(url.path) + ("?" + "&".join(f"{k}={v}" for k, v in q.items())
                                       if q else "")
            hits[key] += 1
            doc = routes.get(key)
            body = json.dumps(doc).encode() if doc is not None else b'{"errors": []}'
            self.send_response(200 if doc is not None else 404)
            self.send_header("Content-Type", "application/json")
            self.send_header("Content-Length", str(len(body)))
            self.end_headers()
            self.wfile.write(body)

    server = ThreadingHTTPServer(("127.0.0.1", 0), Handler)
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    yield f"http://127.0.0.1:{server.server_address[1]}", hits
    server.shutdown()
    server.server_close()


def landed(report) -> list[dict]:
    assert report.landing_file is not None, report.errors
    return [json.loads(x) for x in report.landing_file.read_text("utf-8").splitlines()]


def test_companies_house_by_number_and_by_name(replay, tmp_path):
    base, hits = replay
    report = run_crawl("companies_house", run_id="r1", landing_dir=tmp_path, settings=FAST,
                       spider_args={"ids": "8957400,07310390", "names": "YOU",
                                    "base_url": f"{base}/ch"}, timeout=60)
    assert report.ok, report.errors
    items = {i["native_id"]: i for i in landed(report)}
    assert items["08957400"]["fields"]["registry_status"] == "active"
    assert hits["/ch/company/08957400/charges"] == 0  # has_charges false: not asked
    pfb = items["07310390"]["fields"]
    assert pfb["registry_status"] == "liquidation"
    assert pfb["insolvency_cases"][0]["type"] == "compulsory liquidation"
    assert pfb["charges_outstanding"] == 8
    assert "04475590" in items  # a search hit
    assert items["04475590"]["url"].endswith("/ch/search/companies?q=YOU")
    assert len(items) == 2 + 14


def test_brreg_and_gleif(replay, tmp_path):
    base, hits = replay
    no = run_crawl("brreg_enhetsregisteret", run_id="r1", landing_dir=tmp_path, settings=FAST,
                   spider_args={"ids": "923 609 016", "names": "Sesam",
                                "base_url": f"{base}/no"}, timeout=60)
    assert no.ok, no.errors
    assert {i["native_id"] for i in landed(no)} == {"923609016", "976030788", "971497017"}
    assert hits["/no/enheter?navn=sesam&page=1&size=2"] == 1  # followed on our root
    lei = run_crawl("gleif_lei", run_id="r1", landing_dir=tmp_path, settings=FAST,
                    spider_args={"ids": "549300LBI3LRIZ2V8V66", "base_url": f"{base}/lei"},
                    timeout=60)
    assert lei.ok, lei.errors
    (record,) = landed(lei)
    assert record["fields"]["lei_status"] == "lapsed"


def test_an_unknown_number_is_one_plain_error(replay, tmp_path):
    base, _ = replay
    report = run_crawl("companies_house", run_id="r1", landing_dir=tmp_path, settings=FAST,
                       spider_args={"ids": "99999999", "base_url": f"{base}/ch"}, timeout=60)
    assert not report.ok
    assert report.errors == [f"{base}/ch/company/99999999: not found in the register"]


# --- the demo world's registry ---------------------------------------------------------------

demo_server = pytest.importorskip("leadpipe.demo.server")
from leadpipe.demo.world import generate_world  # noqa: E402
from spiders.registries.companies_house import company_number  # noqa: E402

KNOCK_OUT = {"liquidation", "administration", "voluntary arrangement", "proposal to strike off"}


@pytest.fixture(scope="module")
def demo(tmp_path_factory):
    world = generate_world(companies=150, seed=11)
    landing = tmp_path_factory.mktemp("landing")
    with demo_server.DemoServer(world) as server:
        reports = {s: run_crawl(s, run_id="demo-1", landing_dir=landing, proxy=server.proxy_url,
                                settings=FAST, timeout=120)
                   for s in ("demo_registry", "demo_directory")}
    return world, landing, reports


def test_demo_registry_makes_every_insolvent_firm_observable(demo):
    world, _landing, reports = demo
    report = reports["demo_registry"]
    assert report.ok, report.errors
    by_number = {company_number(c.registry_id): c for c in world.companies}
    items = {by_number[i["native_id"]].registry_id: i["fields"] for i in landed(report)}
    assert set(items) == {c.registry_id for c in world.companies}
    for c in world.companies:
        fields = items[c.registry_id]
        assert fields["identifiers"] == [{"scheme": c.registry_scheme,
                                          "id": company_number(c.registry_id)}]
        assert fields["postcode"] == c.postcode and fields["founded"] == c.founded
        assert fields["industry_codes"][1]["scheme"] == "NACE2"
        if c.solvent:
            assert fields["registry_status"] == "active", c
            assert "insolvency_cases" not in fields
        else:
            assert fields["registry_status"] in KNOCK_OUT, c
            assert len(fields["insolvency_cases"]) == 1
    insolvent = [c for c in world.companies if not c.solvent]
    overdue = sum(items[c.registry_id]["accounts_overdue"] for c in insolvent)
    assert overdue > len(insolvent) / 2
    administered = [c for c in world.companies if c.website_state == "administration"]
    assert all(items[c.registry_id]["registry_status"] == "administration"
               for c in administered)


def test_demo_registry_records_resolve_to_the_companies_others_found(demo, tmp_path):
    from enrich.resolve.stage import run_resolution

    world, landing, reports = demo
    assert reports["demo_directory"].ok, reports["demo_directory"].errors
    con = connect(tmp_path / "w.duckdb")
    summary = load_landing(con, landing)
    assert summary.quarantined == 0, summary.errors
    run_resolution(con)
    rows = con.execute("""
        SELECT r.source, r.native_id, l.company_id
        FROM source_records r JOIN company_links l USING (record_id)""").fetchall()
    company_of: dict[tuple[str, str], str] = {(s, n): cid for s, n, cid in rows}
    by_true: dict[str, set[str]] = {}
    for (source, native), cid in company_of.items():
        by_true.setdefault(world.truth_for_record(source, native), set()).add(cid)
    listed = {world.truth_for_record("demo_directory", r.native_id)
              for r in world.records["demo_directory"]}
    joined = [t for t in listed if len(by_true.get(t, ())) == 1]
    # A company listed in the directory and registered: one company, both records in it
    assert len(joined) >= 0.95 * len(listed), (len(joined), len(listed))
    members: dict[str, set[str]] = {}
    for true_id, cids in by_true.items():
        for cid in cids:
            members.setdefault(cid, set()).add(true_id)
    mixed = [cid for cid, trues in members.items() if len(trues) > 1]
    assert len(mixed) <= 0.02 * len(members), mixed  # lookalikes stay apart
    facts = con.execute("SELECT count(*), count(DISTINCT company_id) FROM company_registry_facts"
                        " WHERE source = 'demo_registry'").fetchall()[0]
    assert facts[0] == len(world.companies)
    statuses = dict(con.execute("""SELECT registry_status, count(*) FROM source_records
                                   WHERE source = 'demo_registry' GROUP BY 1""").fetchall())
    assert statuses["active"] == sum(c.solvent for c in world.companies)


def test_demo_registry_codes_and_countries_follow_what_each_firm_does(demo):
    """Each firm registers a SIC code under its category's NACE code (an energy firm is in
    section D, not an engineering consultancy), and a registered office abroad keeps its country
    (a US firm's record says US, so it can join what the other sources found)."""
    from enrich.industry import under
    from leadpipe.demo.words import CATEGORY_NACE

    world, _landing, reports = demo
    by_number = {company_number(c.registry_id): c for c in world.companies}
    wrong, countries = [], Counter()
    for item in landed(reports["demo_registry"]):
        c, fields = by_number[item["native_id"]], item["fields"]
        nace = next(code["id"] for code in fields["industry_codes"] if code["scheme"] == "NACE2")
        if not under(nace, CATEGORY_NACE[c.category]):
            wrong.append((c.category, nace))
        assert fields.get("country") == c.country, (c.country, fields.get("country"))
        countries[c.country] += 1
    assert not wrong, wrong
    assert len(countries) > 1, countries  # firms registered abroad were checked, too
