"""The demo server: virtual hosts, proxy-style requests, pagination, filters, errors, robots."""

from __future__ import annotations

import csv
import json
import os
import re
import socket
import subprocess
import sys
from datetime import timedelta
from pathlib import Path

import extruct
import httpx
import pytest
from protego import Protego

from leadpipe.demo.server import (
    DIRECTORY_HOST,
    EXPO_HOST,
    TENDERS_HOST,
    TENDERS_START_URL,
    DemoServer,
)
from leadpipe.demo.world import (
    SOURCE_DIRECTORY,
    SOURCE_EXPO,
    SOURCE_TENDERS,
    WORLD_TODAY,
    generate_world,
)

ROOT = Path(__file__).resolve().parent.parent


@pytest.fixture(scope="module")
def world():
    return generate_world(300, 7)


@pytest.fixture(scope="module")
def server(world):
    with DemoServer(world) as srv:
        yield srv


@pytest.fixture(scope="module")
def client(server):
    with httpx.Client(proxy=server.proxy_url, timeout=10) as c:
        yield c


def _releases(client, url):
    """Follow links.next from ``url``; return every release and the number of pages."""
    releases, pages = [], 0
    while url:
        response = client.get(url)
        assert response.status_code == 200
        assert response.headers["content-type"].startswith("application/json")
        package = response.json()
        assert package["version"] == "1.1" and package["publisher"]["name"]
        assert package["uri"] and package["publishedDate"]
        releases += package["releases"]
        pages += 1
        url = package.get("links", {}).get("next")
        assert url is None or url.startswith(f"http://{TENDERS_HOST}/")
        if url:
            assert len(package["releases"]) == 50
    return releases, pages


def test_host_header_and_absolute_form_give_the_same_page(server, client):
    via_proxy = client.get(f"http://{EXPO_HOST}/exhibitors?page=2")
    direct = httpx.get(f"http://127.0.0.1:{server.port}/exhibitors?page=2",
                       headers={"Host": EXPO_HOST})
    assert via_proxy.status_code == direct.status_code == 200
    assert via_proxy.content == direct.content
    assert 'rel="next"' in via_proxy.text and 'rel="prev"' in via_proxy.text


def test_raw_absolute_form_request_line(server):
    with socket.create_connection(("127.0.0.1", server.port), timeout=5) as sock:
        sock.sendall(f"GET http://{DIRECTORY_HOST}/search?page=1 HTTP/1.1\r\n"
                     f"Host: {DIRECTORY_HOST}\r\nConnection: close\r\n\r\n".encode())
        data = b""
        while chunk := sock.recv(65536):
            data += chunk
    head, _, body = data.partition(b"\r\n\r\n")
    assert head.startswith(b"HTTP/1.1 200")
    assert b'class="listing' in body


def test_release_chain_covers_every_release_once(world, client):
    releases, pages = _releases(client, TENDERS_START_URL)
    ocids = [r["ocid"] for r in releases]
    assert len(ocids) == len(set(ocids)) == len(world.tenders)
    assert pages == -(-len(world.tenders) // 50)
    dates = [r["date"] for r in releases]
    assert dates == sorted(dates)
    release = next(r for r in releases if r.get("awards"))
    assert release["tag"] == ["award"] and release["tender"]["status"] == "complete"
    award = release["awards"][0]
    assert award["status"] == "active" and award["value"]["amount"] > 0
    party_ids = {p["id"] for p in release["parties"]}
    assert release["buyer"]["id"] in party_ids
    assert {s["id"] for s in award["suppliers"]} <= party_ids
    classification = release["tender"]["items"][0]["classification"]
    assert classification["scheme"] == "CPV" and re.fullmatch(r"\d{8}", classification["id"])
    open_ = [r for r in releases if r["tender"]["status"] == "active"]
    assert open_ and all(r["tender"]["tenderPeriod"]["endDate"] > WORLD_TODAY.isoformat()
                         for r in open_)


def test_every_served_record_maps_back_to_a_true_company(world, client):
    releases, _ = _releases(client, TENDERS_START_URL)
    party_ids = set()
    for release in releases:
        for party in release["parties"]:
            true_id = world.truth_for_record(SOURCE_TENDERS, party["id"])
            assert world.entity(true_id)
            party_ids.add(party["id"])
    assert party_ids == {r.native_id for r in world.records[SOURCE_TENDERS]}

    slugs, url = [], f"http://{EXPO_HOST}/exhibitors"
    while url:
        html = client.get(url).text
        slugs += re.findall(r'data-exhibitor-id="([^"]+)"', html)
        nxt = re.search(r'<a rel="next" class="next" href="([^"]+)"', html)
        url = f"http://{EXPO_HOST}{nxt.group(1)}" if nxt else None
    assert sorted(slugs) == sorted(r.native_id for r in world.records[SOURCE_EXPO])
    assert all(world.truth_for_record(SOURCE_EXPO, s) for s in slugs)

    ids, url = [], f"http://{DIRECTORY_HOST}/search"
    while url:
        html = client.get(url).text
        ids += re.findall(r'data-listing-id="([^"]+)"', html)
        nxt = re.search(r'<a rel="next" class="next" href="([^"]+)"', html)
        url = f"http://{DIRECTORY_HOST}{nxt.group(1)}" if nxt else None
    assert len(ids) == len(set(ids)) == len(world.records[SOURCE_DIRECTORY])
    assert all(world.truth_for_record(SOURCE_DIRECTORY, i) for i in ids)


def test_since_and_until_filter(world, client):
    dates = sorted(t.release_date_iso for t in world.tenders)
    since = dates[len(dates) // 2][:10]
    releases, _ = _releases(client, f"{TENDERS_START_URL}?since={since}")
    expected = [d for d in dates if d[:10] >= since]
    assert len(releases) == len(expected) and all(r["date"][:10] >= since for r in releases)
    first = client.get(f"{TENDERS_START_URL}?since={since}").json()
    if "next" in first.get("links", {}):
        assert f"since={since}" in first["links"]["next"]
    until = dates[len(dates) // 4][:10]
    window, _ = _releases(client, f"{TENDERS_START_URL}?since={until}&until={since}")
    assert len(window) == sum(until <= d[:10] <= since for d in dates)
    later = client.get(f"{TENDERS_START_URL}?since=2030-01-01").json()
    assert later["releases"] == [] and "links" not in later


def test_errors(world, client):
    assert client.get(f"{TENDERS_START_URL}?since=yesterday").status_code == 400
    assert client.get(f"{TENDERS_START_URL}?page=abc").status_code == 400
    assert client.get(f"{TENDERS_START_URL}?page=999").status_code == 404
    assert client.get(f"http://{TENDERS_HOST}/api/nothing").status_code == 404
    assert client.get(f"http://{EXPO_HOST}/exhibitors?page=999").status_code == 404
    assert client.get(f"http://{EXPO_HOST}/exhibitors/no-such-exhibitor").status_code == 404
    assert client.get(f"http://{DIRECTORY_HOST}/search?page=0").status_code == 404
    assert client.get(f"http://{DIRECTORY_HOST}/nothing").status_code == 404
    assert client.get("http://unknown.example.test/").status_code == 404
    company = world.companies[0]
    assert client.get(f"http://www.{company.domain}/no-such-page").status_code == 404


def test_robots_txt_everywhere(world, client):
    company = next(c for c in world.companies if c.website_state == "ok")
    for host in (TENDERS_HOST, EXPO_HOST, DIRECTORY_HOST, f"www.{company.domain}",
                 company.domain):
        response = client.get(f"http://{host}/robots.txt")
        assert response.status_code == 200
        robots = Protego.parse(response.text)
        assert robots.can_fetch(f"http://{host}/exhibitors", "leadpipe")
        assert not robots.can_fetch(f"http://{host}/private/x", "leadpipe")


def test_expo_detail_pages_json_ld_and_css(world, client):
    with_ld = 0
    for rec in world.records[SOURCE_EXPO][:40]:
        response = client.get(f"http://{EXPO_HOST}/exhibitors/{rec.native_id}")
        assert response.status_code == 200
        html = response.text
        assert 'class="event-name"' in html and 'class="event-dates"' in html
        assert 'class="exhibitor-name"' in html and 'class="booth"' in html
        data = extruct.extract(html, base_url=str(response.url), syntaxes=["json-ld"])
        orgs = [d for d in data["json-ld"] if d.get("@type") == "Organization"]
        if orgs:
            with_ld += 1
            assert orgs[0]["name"] == rec.name
    assert 10 <= with_ld <= 30


def test_directory_microdata_and_premium(world, client):
    html = client.get(f"http://{DIRECTORY_HOST}/search?page=1").text
    data = extruct.extract(html, syntaxes=["microdata"])
    businesses = [d for d in data["microdata"] if d["type"] == "https://schema.org/LocalBusiness"]
    assert 0 < len(businesses) < 20
    assert all(b["properties"].get("name") for b in businesses)
    assert "premium-badge" in html
    assert html.count('data-listing-id=') == 20


def test_company_websites(world, client):
    company = next(c for c in world.companies if c.website_state == "ok" and c.has_careers)
    home = client.get(f"http://www.{company.domain}/")
    assert home.status_code == 200 and company.base_name in home.text
    assert 'href="/careers"' in home.text
    assert client.get(f"http://{company.domain}/").content == home.content
    contact_path = "/imprint" if company.country == "DE" else "/contact"
    contact = client.get(f"http://www.{company.domain}{contact_path}")
    assert company.registry_id in contact.text and company.email in contact.text
    assert f'href="tel:{company.phone}"' in contact.text
    german = next(c for c in world.companies if c.country == "DE" and c.website_state == "ok")
    imprint = client.get(f"http://www.{german.domain}/imprint").text
    assert "Impressum" in imprint and german.registry_id in imprint
    down = next(c for c in world.companies if c.website_state == "unreachable")
    assert client.get(f"http://www.{down.domain}/").status_code == 503
    failing = next(c for c in world.companies if c.website_state == "administration")
    assert "notice-administration" in client.get(f"http://www.{failing.domain}/").text
    buyer = world.buyers[0]
    assert client.get(f"http://www.{buyer.domain}/").status_code == 200


def test_pages_are_utf8_with_non_ascii_names(world, client):
    html = client.get(f"http://{DIRECTORY_HOST}/search?page=1").headers["content-type"]
    assert "charset=utf-8" in html
    names = [r.name for r in world.records[SOURCE_EXPO] if not r.name.isascii()]
    assert names
    rec = next(r for r in world.records[SOURCE_EXPO] if r.name == names[0])
    page = client.get(f"http://{EXPO_HOST}/exhibitors/{rec.native_id}")
    assert rec.name in page.content.decode("utf-8")


def test_connect_is_refused(server):
    with socket.create_connection(("127.0.0.1", server.port), timeout=5) as sock:
        sock.sendall(b"CONNECT example.com:443 HTTP/1.1\r\nHost: example.com:443\r\n\r\n")
        assert sock.recv(100).startswith(b"HTTP/1.1 405")


def test_stop_and_restart_free_the_port(world):
    srv = DemoServer(world).start()
    port = srv.port
    srv.stop()
    with pytest.raises(RuntimeError):
        _ = srv.port
    again = DemoServer(world, port=port).start()
    try:
        response = httpx.get(f"http://127.0.0.1:{port}/api/releases",
                             headers={"Host": TENDERS_HOST})
        assert response.status_code == 200
    finally:
        again.stop()


def test_demo_server_command_serves_until_stopped(tmp_path):
    env = {**os.environ, "PYTHONPATH": str(ROOT), "COLUMNS": "200"}
    env.pop("PYTHONUNBUFFERED", None)  # the command must flush its own output
    truth = tmp_path / "truth.csv"
    proc = subprocess.Popen(
        [sys.executable, "-m", "leadpipe.cli", "demo-server", "--companies", "60", "--seed",
         "2", "--port", "0", "--truth", str(truth)],
        stdout=subprocess.PIPE, stderr=subprocess.STDOUT, text=True, env=env, cwd=ROOT,
    )
    try:
        proxy = None
        lines = []
        for line in proc.stdout:
            lines.append(line)
            found = re.search(r"Proxy URL: (http://127\.0\.0\.1:\d+)", line)
            if found:
                proxy = found.group(1)
            if "Ctrl-C" in line:
                break
        assert proxy, "".join(lines)
        assert any(TENDERS_START_URL in line for line in lines)
        with httpx.Client(proxy=proxy, timeout=10) as c:
            package = c.get(TENDERS_START_URL).json()
        assert package["releases"]
        assert json.dumps(package)
        world = generate_world(60, 2)
        with truth.open(encoding="utf-8", newline="") as fh:
            rows = list(csv.DictReader(fh))
        assert len(rows) == len(world.companies) + len(world.buyers)
        assert rows[0]["true_id"] == world.companies[0].true_id
        assert rows[0]["solvent"] == str(world.companies[0].solvent)
    finally:
        proc.terminate()
        proc.wait(timeout=10)


def test_internal_links_resolve_and_private_pages_are_counted(world, client):
    """Every same-site link on the main pages answers 200 (no dead navigation)."""
    for host, path in ((EXPO_HOST, "/exhibitors?page=1"), (DIRECTORY_HOST, "/search?page=2"),
                       (EXPO_HOST, "/"), (DIRECTORY_HOST, "/")):
        html = client.get(f"http://{host}{path}").text
        hrefs = set(re.findall(r'href="(/[^"#]*)"', html))
        assert hrefs
        for href in hrefs:
            assert client.get(f"http://{host}{href}").status_code == 200, (host, href)
    company = next(c for c in world.companies if c.website_state == "ok")
    html = client.get(f"http://www.{company.domain}/").text
    for href in set(re.findall(r'href="(/[^"#]*)"', html)):
        assert client.get(f"http://www.{company.domain}{href}").status_code == 200, href


def test_server_counts_requests_and_private_hits(world):
    with DemoServer(world) as srv, httpx.Client(proxy=srv.proxy_url) as c:
        c.get(f"http://{EXPO_HOST}/exhibitors")
        c.get(f"http://{EXPO_HOST}/nothing-here")
        assert srv.private_hits == []
        c.get(f"http://{DIRECTORY_HOST}/private/account")
        assert srv.private_hits == [f"http://{DIRECTORY_HOST}/private/account"]
        assert srv.requests[(EXPO_HOST, 200)] == 1
        assert srv.requests[(EXPO_HOST, 404)] == 1


def test_since_accepts_offsets_encoded_or_not(world, client):
    moment = world.tenders[len(world.tenders) // 3].release_date  # naive UTC
    utc = moment.strftime("%Y-%m-%dT%H:%M:%SZ")
    local = (moment + timedelta(hours=2)).strftime("%Y-%m-%dT%H:%M:%S")
    by_utc = client.get(TENDERS_START_URL, params={"since": utc}).json()
    encoded = client.get(TENDERS_START_URL, params={"since": local + "+02:00"}).json()
    raw = client.get(f"{TENDERS_START_URL}?since={local}+02:00").json()
    assert by_utc["releases"][0]["date"] == utc
    assert encoded["releases"] == by_utc["releases"] == raw["releases"]


def test_head_requests_send_headers_only(server):
    response = httpx.head(f"http://127.0.0.1:{server.port}/exhibitors",
                          headers={"Host": EXPO_HOST})
    assert response.status_code == 200 and response.content == b""
    assert int(response.headers["content-length"]) > 1000


def test_a_rendering_error_is_a_500_and_the_server_keeps_serving(caplog):
    from leadpipe.demo.world import SourceRecord

    broken = generate_world(50, 4)
    broken._add_record(SourceRecord(SOURCE_EXPO, "ghost", "C999999", "exhibitor", "Ghost Ltd", 1))
    with DemoServer(broken) as srv, httpx.Client(proxy=srv.proxy_url) as c:
        with caplog.at_level("ERROR", logger="leadpipe.demo"):
            assert c.get(f"http://{EXPO_HOST}/exhibitors/ghost").status_code == 500
        assert "ghost" in caplog.text
        assert c.get(f"http://{EXPO_HOST}/exhibitors?page=1").status_code == 200
