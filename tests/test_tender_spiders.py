"""Tender spiders against a local server that replays the fixture files with each platform's
pagination: interrupted crawls resume from the high-water mark, landing nothing twice."""

from __future__ import annotations

import json
import threading
import time
from collections import Counter
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path
from typing import Any
from urllib.parse import parse_qs, urlencode, urlparse

import pytest
from lxml import etree

from spiders.crawl import run_crawl
from spiders.tenders import landing_items, parse_eforms
from spiders.tenders.common import iso_datetime
from spiders.tenders.ocds import iter_releases
from warehouse.db import connect
from warehouse.marks import get_high_water_mark, set_high_water_mark

FIX = Path(__file__).parent / "fixtures" / "tenders"
NS = {"efac": "http://data.europa.eu/p27/eforms-ubl-extension-aggregate-components/1",
      "efbc": "http://data.europa.eu/p27/eforms-ubl-extension-basic-components/1"}
FAST = {"DOWNLOAD_DELAY": 0, "AUTOTHROTTLE_ENABLED": False, "ROBOTSTXT_OBEY": False,
        "LEADPIPE_BACKOFF_BASE": 0.1, "RETRY_TIMES": 2, "LOG_LEVEL": "INFO",
        "LEADPIPE_ALLOW_ADDRESSES": ["127.0.0.1"]}  # the test servers are on loopback


def fixture_releases() -> list[dict[str, Any]]:
    """Every distinct release in the OCDS fixtures, oldest first (a platform's feed)."""
    seen, out = set(), []
    for path in sorted(FIX.glob("ocds-*/*.json")):
        for release in iter_releases(json.loads(path.read_bytes())):
            key = (release.get("ocid"), release.get("id"), release.get("date"))
            if key not in seen and release.get("date"):
                seen.add(key)
                out.append(release)
    return sorted(out, key=lambda r: iso_datetime(r["date"]))


def fixture_notices() -> list[dict[str, Any]]:
    """The real published eForms notices with their OJ S numbers and dates."""
    out = []
    for path in sorted(FIX.glob("eforms-ted-published/*.xml")):
        data = path.read_bytes()
        pub = etree.fromstring(data).find(".//efac:Publication", NS)
        out.append({"number": pub.find("efbc:NoticePublicationID", NS).text,
                    "date": pub.find("efbc:PublicationDate", NS).text, "xml": data})
    return sorted(out, key=lambda n: (n["date"], n["number"]))


class Feeds:
    """What the fake platforms serve, and how they misbehave."""

    def __init__(self) -> None:
        self.releases = fixture_releases()
        self.notices = fixture_notices()
        self.failing_xml: set[str] = set()   # publication numbers answered with 503
        self.missing_xml: set[str] = set()   # ... answered with 404
        self.throttle: list[tuple[int, str | None]] = []  # queued (status, Retry-After)
        self.hits: Counter[str] = Counter()
        self.lock = threading.Lock()


def make_server(feeds: Feeds) -> ThreadingHTTPServer:
    class Handler(BaseHTTPRequestHandler):
        def log_message(self, *args: Any) -> None:
            pass

        def send(self, status: int, body: bytes, ctype: str = "application/json",
                 headers: dict[str, str] | None = None) -> None:
            self.send_response(status)
            self.send_header("Content-Type", ctype)
            self.send_header("Content-Length", str(len(body)))
            for k, v in (headers or {}).items():
                self.send_header(k, v)
            self.end_headers()
            self.wfile.write(body)

        def throttled(self) -> bool:
            with feeds.lock:
                if not feeds.throttle:
                    return False
                status, retry_after = feeds.throttle.pop(0)
            self.send(status, b"{}", headers={"Retry-After": retry_after} if retry_after else {})
            return True

        def base(self) -> str:
            return f"http://{self.headers['Host']}"

        def do_GET(self) -> None:  # noqa: N802
            url = urlparse(self.path)
            q = {k: v[0] for k, v in parse_qs(url.query).items()}
            feeds.hits[url.path] += 1
            if self.throttled():
                return
            if url.path in ("/api/1.0/ocdsReleasePackages", "/Published/Notices/OCDS/Search"):
                return self.ocds_page(url.path, q)
            if url.path == "/api/2.5/tenders":
                return self.prozorro_index(q)
            if url.path.startswith("/api/2.5/tenders/"):
                rid = url.path.rsplit("/", 1)[1]
                (release,) = [r for r in feeds.releases if r["id"] == rid]
                return self.send(200, json.dumps({"releases": [release]}).encode())
            if url.path.startswith("/en/notice/"):
                number = url.path.split("/")[3]
                if number in feeds.missing_xml:
                    return self.send(404, b"gone", "text/plain")
                if number in feeds.failing_xml:
                    return self.send(503, b"busy", "text/plain", {"Retry-After": "0"})
                (notice,) = [n for n in feeds.notices if n["number"] == number]
                return self.send(200, notice["xml"], "application/xml")
            self.send(404, b"{}")

        def ocds_page(self, path: str, q: dict[str, str]) -> None:
            lo = q.get("updatedFrom") or q.get("publishedFrom")
            hi = q.get("updatedTo") or q.get("publishedTo")
            rows = [r for r in feeds.releases
                    if (not lo or iso_datetime(r["date"]) >= iso_datetime(lo))
                    and (not hi or iso_datetime(r["date"]) <= iso_datetime(hi))]
            limit, cursor = int(q.get("limit", 3)), int(q.get("cursor", 0))
            doc: dict[str, Any] = {"releases": rows[cursor:cursor + limit]}
            if cursor + limit < len(rows):
                doc["links"] = {"next": f"{self.base()}{path}?"
                                        + urlencode({**q, "cursor": cursor + limit})}
            self.send(200, json.dumps(doc).encode())

        def prozorro_index(self, q: dict[str, str]) -> None:
            offset = q.get("offset")
            rows = [r for r in feeds.releases
                    if not offset or iso_datetime(r["date"]) >= iso_datetime(offset)][:4]
            data = [{"id": r["id"], "dateModified": r["date"]} for r in rows]
            nxt = iso_datetime(rows[-1]["date"]) if rows else offset
            uri = f"{self.base()}/api/2.5/tenders?" + urlencode({"offset": nxt}) if rows else None
            # like ProZorro, the next offset repeats the last date: the spider must skip it
            self.send(200, json.dumps({"data": data, "next_page": {"offset": nxt, "uri": uri}})
                      .encode())

        def do_POST(self) -> None:  # noqa: N802
            feeds.hits[self.path] += 1
            body = json.loads(self.rfile.read(int(self.headers["Content-Length"])))
            if self.throttled():
                return
            if self.path != "/v3/notices/search":
                return self.send(404, b"{}")
            start = int(body.get("iterationNextToken") or 0)
            day = body["query"].split("PD>=", 1)[1][:8] if "PD>=" in body["query"] else "0"
            rows = [n for n in feeds.notices if n["date"][:10].replace("-", "") >= day]
            page = rows[start:start + body["limit"]]
            doc = {"totalNoticeCount": len(rows), "notices": [
                {"publication-number": n["number"], "publication-date": n["date"],
                 "links": {"xml": {"MUL": f"{self.base()}/en/notice/{n['number']}/xml"}}}
                for n in page],
                "iterationNextToken": str(start + len(page)) if start + len(page) < len(rows)
                else None}
            self.send(200, json.dumps(doc).encode())

    return ThreadingHTTPServer(("127.0.0.1", 0), Handler)


@pytest.fixture
def feeds():
    state = Feeds()
    server = make_server(state)
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    state.url = f"http://127.0.0.1:{server.server_address[1]}"
    yield state
    server.shutdown()
    server.server_close()


def landed(report) -> list[dict[str, Any]]:
    if report.landing_file is None:
        return []
    return [json.loads(line) for line in report.landing_file.read_text("utf-8").splitlines()]


def signature(items: list[dict[str, Any]]) -> Counter:
    return Counter((i["kind"], i["native_id"], json.dumps(i["fields"], sort_keys=True))
                   for i in items)


def crawl(source: str, run_id: str, tmp: Path, args: dict[str, str], **settings: Any):
    return run_crawl(source, run_id=run_id, landing_dir=tmp / "landing", spider_args=args,
                     settings={**FAST, **settings}, timeout=60)


def test_links_next_interrupted_then_resumed_from_the_warehouse_mark(feeds, tmp_path):
    args = {"base_url": f"{feeds.url}/api/1.0/ocdsReleasePackages", "page_size": "3",
            "since": "2010-01-01"}
    first = crawl("uk_find_a_tender", "run-1", tmp_path, args, CLOSESPIDER_PAGECOUNT=2)
    assert first.finish_reason == "closespider_pagecount"
    mark = first.stats["leadpipe/high_water_mark"]
    assert mark and mark > "2010"
    con = connect(tmp_path / "wh.duckdb")  # the crawl stage keeps the mark here between runs
    set_high_water_mark(con, "uk_find_a_tender", mark)
    assert get_high_water_mark(con, "uk_find_a_tender") == mark
    second = crawl("uk_find_a_tender", "run-2", tmp_path,
                   {**args, "since": get_high_water_mark(con, "uk_find_a_tender")})
    con.close()
    assert second.ok, second.errors
    full = crawl("uk_find_a_tender", "run-full", tmp_path, args)
    assert full.ok
    both = landed(first) + landed(second)
    assert 0 < len(landed(first)) < len(landed(full))
    assert signature(both) == signature(landed(full))  # nothing lost, nothing twice
    tenders = {i["native_id"] for i in landed(full) if i["kind"] == "tender"}
    assert "ocds-be6bcu-UA-2016-06-08-000504-c" in tenders and len(tenders) == 14


def test_retry_after_and_429_backoff_are_honoured(feeds, tmp_path):
    feeds.throttle = [(429, None), (429, "1"), (503, "0")]
    args = {"base_url": f"{feeds.url}/api/1.0/ocdsReleasePackages", "page_size": "50",
            "since": "2016-01-01", "until": "2016-12-31"}
    started = time.monotonic()
    report = crawl("uk_find_a_tender", "run-polite", tmp_path, args, RETRY_TIMES=3)
    assert report.ok, report.errors
    assert time.monotonic() - started >= 1.0 + 0.1  # Retry-After: 1 plus the 429 backoff
    assert report.stats["leadpipe/retries"] == 3
    assert report.stats["leadpipe/retry_after_honoured"] == 2
    names = {i["fields"]["name"] for i in landed(report) if i["kind"] == "organisation"}
    assert "ТОВ С-МАСТЕР" in names  # ProZorro 2016 data, inside the window
    assert not any("Met Office" in n for n in names)  # 2014: outside since/until


def test_bounded_retries_give_up_and_report(feeds, tmp_path):
    feeds.throttle = [(503, "0")] * 10
    args = {"base_url": f"{feeds.url}/api/1.0/ocdsReleasePackages", "since": "2010-01-01"}
    report = crawl("uk_find_a_tender", "run-down", tmp_path, args, RETRY_TIMES=2)
    assert not report.ok
    assert feeds.hits["/api/1.0/ocdsReleasePackages"] == 3  # first try + 2 retries
    assert any("(HTTP 503) after 2 retries" in e for e in report.errors), report.errors


def test_ted_search_then_xml_server_failing_mid_way_then_resume(feeds, tmp_path):
    failing = feeds.notices[2]["number"]
    feeds.failing_xml = {failing}
    args = {"search_url": f"{feeds.url}/v3/notices/search", "page_size": "2",
            "since": "2023-01-01"}
    first = crawl("ted", "ted-1", tmp_path, args, RETRY_TIMES=1)
    assert not first.ok and any(failing in e for e in first.errors)
    mark = first.stats["leadpipe/high_water_mark"]
    feeds.failing_xml = set()
    second = crawl("ted", "ted-2", tmp_path, {**args, "since": mark})
    assert second.ok, second.errors
    assert {i["url"].split("/")[-2] for i in landed(second)} == {failing}
    # every notice exactly once: what the parser makes of each notice, fetched from its URL
    expected = [item for n in feeds.notices for item in landing_items(
        parse_eforms(n["xml"]), url=f"{feeds.url}/en/notice/{n['number']}/xml", method="xml")]
    both = landed(first) + landed(second)
    assert signature(both) == signature(expected)
    awards = [i["fields"] for i in both if i["kind"] == "award"]
    assert ("Templab Luxembourg sàrl", 660000.0, "EUR") in {
        (a["supplier_name"], a.get("value"), a.get("currency")) for a in awards}
    assert {i["method"] for i in both} == {"xml"}


def test_prozorro_index_offset_details_and_no_repeat(feeds, tmp_path):
    args = {"index_url": f"{feeds.url}/api/2.5/tenders",
            "detail_url": f"{feeds.url}/api/2.5/tenders/{{id}}?opt_schema=ocds",
            "since": "2016-06-01", "until": "2017-12-31"}
    report = crawl("ukraine_prozorro", "pz-1", tmp_path, args)
    assert report.ok, report.errors
    items = landed(report)
    winners = {(i["fields"]["supplier_name"], i["fields"]["value"], i["fields"]["currency"])
               for i in items if i["kind"] == "award"}
    assert ("ПАТ \"Прикарпаттяобленерго\"", 1130184.0, "UAH") in winners
    assert not any(i["fields"].get("buyer_name") == "Met Office" for i in items)
    again = crawl("ukraine_prozorro", "pz-2", tmp_path,
                  {**args, "since": report.stats["leadpipe/high_water_mark"]})
    assert again.ok and landed(again) == []


def test_contracts_finder_walks_date_windows(feeds, tmp_path):
    args = {"base_url": f"{feeds.url}/Published/Notices/OCDS/Search", "page_size": "1",
            "since": "2014-12-01", "until": "2015-01-05"}
    report = crawl("uk_contracts_finder", "cf-1", tmp_path, args)
    assert report.ok, report.errors
    buyers = {i["fields"]["buyer_name"] for i in landed(report) if i["kind"] == "tender"}
    assert buyers == {"Met Office", "Spend Network"}
    assert feeds.hits["/Published/Notices/OCDS/Search"] >= 5  # one+ request per 7-day window


def test_progress_mark_prefix_and_keys_landed_past_a_gap():
    from spiders.bases.tenders import ProgressMark, mark_date

    p = ProgressMark("2024-01-01#a")
    assert p.seen("2024-01-01#a") and not p.seen("2024-01-02#b")
    for key in ("2024-01-02#b", "2024-01-03#c", "2024-01-04#d"):
        p.open(key)
    p.finish("2024-01-02#b")
    p.finish("2024-01-04#d")  # c failed: the prefix stops before it, d is listed
    assert p.mark() == "2024-01-02#b|2024-01-04#d"
    resumed = ProgressMark(p.mark())
    assert resumed.seen("2024-01-04#d") and not resumed.seen("2024-01-03#c")
    resumed.open("2024-01-03#c")
    resumed.finish("2024-01-03#c")
    assert resumed.mark() == "2024-01-03#c|2024-01-04#d"
    assert mark_date(resumed.mark()) == "2024-01-03"


def test_retry_after_header_forms():
    from spiders.retry import retry_after_seconds

    assert retry_after_seconds(b"120") == 120.0
    assert retry_after_seconds("Wed, 21 Oct 2015 07:28:00 GMT",
                               now=1445412480.0 - 30) == pytest.approx(30.0)
    assert retry_after_seconds(b"soon") is None and retry_after_seconds(None) is None


def test_network_errors_are_retried_then_reported(tmp_path):
    import socket

    with socket.socket() as s:  # a port nobody listens on
        s.bind(("127.0.0.1", 0))
        port = s.getsockname()[1]
    args = {"base_url": f"http://127.0.0.1:{port}/api/1.0/ocdsReleasePackages",
            "since": "2020-01-01"}
    report = crawl("uk_find_a_tender", "run-refused", tmp_path, args, RETRY_TIMES=1)
    assert report.stats["leadpipe/retries"] == 1
    assert any("ConnectionRefusedError" in e and "after 1 retries" in e
               for e in report.errors), report.errors
    assert report.stats["leadpipe/high_water_mark"] == "2020-01-01T00:00:00Z"  # unchanged


def test_a_notice_gone_for_good_does_not_hold_the_mark_back(feeds, tmp_path):
    from spiders.bases.tenders import TedSearchSpider

    gone = feeds.notices[1]["number"]
    feeds.missing_xml = {gone}
    args = {"search_url": f"{feeds.url}/v3/notices/search", "page_size": "3",
            "since": "2023-01-01"}
    report = crawl("ted", "ted-404", tmp_path, args)
    assert any(gone in e and "404" in e for e in report.errors)
    last = feeds.notices[-1]
    assert report.stats["leadpipe/high_water_mark"] == TedSearchSpider.notice_key(
        last["date"], last["number"])  # past the 404, nothing left open
    assert feeds.hits[f"/en/notice/{gone}/xml"] == 1  # a 404 is not retried


def test_tender_sources_fail_loudly_below_their_expected_count(feeds, tmp_path):
    """A run from scratch (its default window) holding fewer items than the source's
    expect_min_items fails naming the source; a run resuming from a mark is not judged."""
    base = {"base_url": f"{feeds.url}/api/1.0/ocdsReleasePackages", "page_size": "3"}
    # the fixtures' releases are years old: the default last-7-days window holds none
    fresh = crawl("uk_find_a_tender", "run-1", tmp_path, base)
    assert not fresh.ok
    assert fresh.errors == ["uk_find_a_tender: 0 items, expected at least 1 (expect_min_items "
                            "of spiders/sources/uk_find_a_tender.py); the API or its format "
                            "may have changed"]
    resumed = crawl("uk_find_a_tender", "run-2", tmp_path, {**base, "since": "2010-01-01"})
    assert resumed.ok, resumed.errors
    asked = crawl("uk_find_a_tender", "run-3", tmp_path,
                  {**base, "since": "2010-01-01", "expect_min_items": "1000"})
    assert not asked.ok
    assert asked.errors == [f"uk_find_a_tender: {resumed.items} items, expected at least 1000 "
                            "(expect_min_items of spiders/sources/uk_find_a_tender.py); the API "
                            "or its format may have changed"]
