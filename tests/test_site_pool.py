"""Websites fetched by worker processes store what one process stores, and a host is never
fetched twice at once however many threads and processes there are.

Real parts only: company sites on a 127.0.0.1 server (the clients' HTTP proxy), a real DuckDB
warehouse, real worker processes.
"""

from __future__ import annotations

import functools
import json
import threading
import time
from collections import Counter
from datetime import datetime
from pathlib import Path
from urllib.parse import urlsplit

from localhttp import LocalServer, QuietHandler, SitesProxy

from enrich.signals import registered
from enrich.site_pool import FetchOptions, host_groups, read_websites
from enrich.stage import refresh_websites
from warehouse.db import connect, connected

UA = "leadpipe-test"
SITES = 12
NAV = ('<nav><a href="/contact">Contact</a> <a href="/imprint">Imprint</a> '
       '<a href="/careers">Careers</a> <a href="/about">About us</a></nav>')


def _site(n: int) -> dict[str, str]:
    org = json.dumps({"@context": "https://schema.org", "@type": "Organization",
                      "legalName": f"Firm {n} Ltd", "numberOfEmployees": 20 + n,
                      "url": f"http://firm{n}.test/"})
    head = f'<script type="application/ld+json">{org}</script>' if n % 2 else ""
    page = ('<html lang="en"><head><title>Firm</title><meta name="description" '
            'content="Precision machining for the food industry.">{head}</head><body>'
            + NAV + "{body}</body></html>")
    jobs = "<li>CNC Machinist (m/w/d)</li>" if n % 3 == 0 else "<p>No current vacancies.</p>"
    return {
        "/robots.txt": "User-agent: *\nAllow: /\n",
        "/": page.format(head=head, body="<h1>Firm</h1><p>Haulage and bakery since 1990.</p>"),
        "/contact": page.format(head="", body=f"<p>{n + 1} Mill Lane, Leeds LS1 4AB</p><p>"
                                f'<a href="mailto:sales@firm{n}.test">mail</a></p>'
                                "<p>Jane Doe, Managing Director</p>"),
        "/imprint": page.format(head="", body=f"<p>Firm {n} Ltd. Company No. {1000000 + n}."
                                f" VAT No. GB 123 4567 {10 + n}</p>"),
        "/careers": page.format(head="", body=f"<ul>{jobs}</ul>"),
        "/about": page.format(head="", body="<p>A team of 140 people.</p>"),
    }


def _warehouse(path: Path, websites: list[str]) -> None:
    con = connect(path)
    con.executemany(
        "INSERT INTO companies (company_id, name, website, updated_at) VALUES (?, ?, ?, ?)",
        [(f"c{i:03d}", f"Firm {i} Ltd", site, datetime.now()) for i, site in
         enumerate(websites)])
    con.close()


def _opener(path: Path):
    """The writer ``refresh_websites`` opens for each batch, as ``leadpipe enrich`` gives it."""
    return functools.partial(connected, path, wait_seconds=60)


def _stored(path: Path) -> tuple[list[tuple], list[tuple]]:
    """Every company's website columns and fingerprint, fetch times left out."""
    con = connect(path, read_only=True)
    try:
        columns = [c for c, in con.execute(
            "SELECT column_name FROM information_schema.columns WHERE table_name = "
            "'enrichment' AND (column_name LIKE 'website%' OR column_name = 'registry_ids') "
            "ORDER BY column_name").fetchall()
            if c not in ("website_fetched_at", "website_facts")]
        enrichment = con.execute(
            f"SELECT company_id, {', '.join(columns)}, "
            "list_transform(website_facts, lambda f: [f.field, f.value, f.url]) "
            "FROM enrichment ORDER BY company_id").fetchall()
        fingerprints = con.execute(
            "SELECT * EXCLUDE (fetched_at) FROM site_fingerprints ORDER BY company_id"
        ).fetchall()
    finally:
        con.close()
    return enrichment, fingerprints


def test_worker_processes_store_what_one_process_stores(tmp_path: Path):
    sites = {f"firm{n}.test": _site(n) for n in range(SITES)}
    websites = [f"http://firm{n}.test/" for n in range(SITES)]
    stored = {}
    with SitesProxy(sites) as server:
        for processes in (1, 2):
            path = tmp_path / f"warehouse-{processes}.duckdb"
            _warehouse(path, websites)
            summary = refresh_websites(_opener(path), user_agent=UA, proxy=server.url,
                                       allow_addresses=["127.0.0.1"], processes=processes,
                                       batch_size=5)
            assert summary.websites_fetched == SITES and summary.websites_ok == SITES
            stored[processes] = _stored(path)
        assert set(server.by_page.values()) == {2}  # each page once per run, no more
    enrichment, fingerprints = stored[1]
    assert len(enrichment) == SITES and len(fingerprints) == SITES
    assert stored[2] == stored[1]
    # the pages were read, not only fetched: ids, people, schema.org data, openings
    assert enrichment[3][0] == "c003"
    flat = repr(enrichment[3])
    assert "GB-COH:01000003" in flat and "Jane Doe" in flat and "Firm 3 Ltd" in flat


def test_worker_processes_report_their_sites_as_they_come():
    websites = [f"http://firm{n}.test/" for n in range(SITES)]
    with SitesProxy({f"firm{n}.test": _site(n) for n in range(SITES)}) as server:
        options = FetchOptions(UA, server.url, ("127.0.0.1",), workers=2)
        got = dict(read_websites(websites, options, registered(), processes=2))
    assert sorted(got) == sorted(websites)
    assert {read.status for read in got.values()} == {"ok"}
    assert got["http://firm3.test/"].values["website_growth"] is True
    assert got["http://firm4.test/"].values["website_growth"] is False


class _OneHost(QuietHandler):
    """Every host answers slowly and notes how many of its requests were in flight at once."""

    in_flight: Counter[str] = Counter()
    most: Counter[str] = Counter()
    lock = threading.Lock()

    def do_GET(self):  # noqa: N802 - http.server API
        host = (urlsplit(self.path).hostname or "").removeprefix("www.")
        with self.lock:
            self.in_flight[host] += 1
            self.most[host] = max(self.most[host], self.in_flight[host])
        time.sleep(0.05)
        with self.lock:
            self.in_flight[host] -= 1
        self.reply(200, b"<html><body><p>Hello.</p></body></html>",
                   {"Content-Type": "text/html; charset=utf-8"})


def test_websites_of_one_host_are_never_fetched_at_once(tmp_path: Path):
    shared = ["http://shared.test/", "https://shared.test/", "http://www.shared.test/",
              "http://shared.test/shop", "http://shared.test/en/"]
    others = [f"http://other{n}.test/" for n in range(6)]
    assert len(host_groups(shared + others)) == 1 + len(others)
    _OneHost.in_flight, _OneHost.most = Counter(), Counter()
    path = tmp_path / "warehouse.duckdb"
    _warehouse(path, shared + others)
    with LocalServer(_OneHost) as server:
        summary = refresh_websites(_opener(path), user_agent=UA, proxy=server.url,
                                   allow_addresses=["127.0.0.1"], workers=8, processes=1)
    assert summary.websites_fetched == len(shared) + len(others)
    assert summary.websites_ok == len(shared) + len(others)
    assert _OneHost.most["shared.test"] == 1  # five websites, one request at a time
    assert max(_OneHost.most.values()) == 1
