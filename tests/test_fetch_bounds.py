"""Website fetches against hostile and flaky sites on 127.0.0.1: every fetch ends by its
deadline, reads at most its byte cap (decompressed), follows few redirects, retries transient
failures politely and never stores them as "unreachable"; robots.txt 5xx means "not now".

The server plays each site by host name (it is the client's HTTP proxy, as the demo world is).
Figures printed with ``-s`` are the ones in RELIABILITY.md.
"""

from __future__ import annotations

import gzip
import threading
import time
import tracemalloc
import zlib
from collections import defaultdict
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from urllib.parse import urlsplit

import pytest

from enrich import signals
from enrich.fetch import FetchLimits, retry_after
from enrich.website import TEMPORARY, fetch_site, http_client, read_site

UA = "leadpipe-test"
LOCAL = ("127.0.0.1",)
MB = 1024 * 1024
HOME = '<html><body><a href="/contact">Contact</a><p>Welcome.</p></body></html>'
CONTACT = "<html><body><p>Write to sales@example.org.</p></body></html>"


def _bomb(size: int) -> bytes:
    """``size`` zero bytes, gzip-compressed (about 1 KB per MB)."""
    z = zlib.compressobj(9, zlib.DEFLATED, 16 + zlib.MAX_WBITS)
    chunk = b"\0" * MB
    return b"".join([*(z.compress(chunk) for _ in range(size // MB)), z.flush()])


BOMB = _bomb(256 * MB)


class _Hostile(BaseHTTPRequestHandler):
    """Each host is one behaviour; every request is logged as (host, path, time)."""

    log: dict[str, list[tuple[str, float]]] = defaultdict(list)
    lock = threading.Lock()
    protocol_version = "HTTP/1.1"

    def _send(self, status: int, body: bytes = b"", **headers: str) -> None:
        self.send_response(status)
        headers.setdefault("Content-Type", "text/html; charset=utf-8")
        for key, value in headers.items():
            self.send_header(key.replace("_", "-"), value)
        self.send_header("Content-Length", str(len(body)))
        self.end_headers()
        self.wfile.write(body)

    def do_GET(self):  # noqa: N802 - http.server API
        target = urlsplit(self.path)
        host, path = target.hostname or "", target.path or "/"
        with self.lock:
            self.log[host].append((path, time.monotonic()))
            count = sum(1 for p, _ in self.log[host] if p == path)
        try:
            self._play(host, path, count)
        except (BrokenPipeError, ConnectionResetError):
            pass  # the client gave up, as it should

    def _play(self, host: str, path: str, count: int) -> None:
        if path == "/robots.txt":
            if host == "robots5xx.test":
                return self._send(503, b"down")
            if host == "crawldelay.test":
                return self._send(200, b"User-agent: *\nCrawl-delay: 1\n",
                                  Content_Type="text/plain")
            return self._send(404, b"none")
        if host == "slowloris.test":  # headers at once, then one byte every 0.5 s
            self.send_response(200)
            self.send_header("Content-Length", "100000")
            self.end_headers()
            for _ in range(200):
                self.wfile.write(b"a")
                self.wfile.flush()
                time.sleep(0.5)
            return None
        if host == "slowheaders.test":  # the status line and headers, a byte every 0.5 s
            for byte in b"HTTP/1.1 200 OK\r\nX-Pad: " + b"a" * 200:
                self.wfile.write(bytes([byte]))
                self.wfile.flush()
                time.sleep(0.5)
            return None
        if host == "huge.test":  # a 50 MB page, streamed
            self.send_response(200)
            self.send_header("Content-Type", "text/html")
            self.send_header("Content-Length", str(50 * MB))
            self.end_headers()
            chunk = b"<p>" + b"x" * (MB - 7) + b"</p>\n"
            for _ in range(50):
                self.wfile.write(chunk)
            return None
        if host == "bomb.test":
            return self._send(200, BOMB, Content_Encoding="gzip")
        if host == "loop.test":
            return self._send(302, b"", Location=f"/hop{count}-{path.strip('/')}")
        if host == "ratelimited.test" and path == "/" and count == 1:
            return self._send(429, b"slow down", Retry_After="1")
        if host == "burst.test":
            return self._send(503, b"busy")
        if host == "waitlong.test":
            return self._send(429, b"come back tomorrow", Retry_After="86400")
        if host == "timeout.test":
            time.sleep(3)
            return self._send(200, HOME.encode())
        if host == "gzipok.test":
            return self._send(200, gzip.compress(HOME.encode()), Content_Encoding="gzip")
        return self._send(200, (CONTACT if path == "/contact" else HOME).encode())

    def log_message(self, *args):
        pass


class _Server(ThreadingHTTPServer):
    daemon_threads = True

    def handle_error(self, request, client_address):
        pass  # a client that hung up on a hostile answer is the point of these tests


@pytest.fixture()
def proxy():
    _Hostile.log = defaultdict(list)
    server = _Server(("127.0.0.1", 0), _Hostile)
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    yield f"http://127.0.0.1:{server.server_address[1]}"
    server.shutdown()
    server.server_close()


FAST = FetchLimits(fetch_seconds=2.0, site_seconds=4.0, retries=2, backoff_seconds=0.2,
                   max_wait=5.0, max_bytes=2_000_000)


def _fetch(proxy: str, host: str, limits: FetchLimits = FAST):
    with http_client(UA, proxy=proxy, limits=limits, allow_addresses=LOCAL) as client:
        start = time.monotonic()
        site = fetch_site(client, f"http://{host}/", UA, limits=limits)
        return site, time.monotonic() - start


@pytest.mark.parametrize("host", ["slowloris.test", "slowheaders.test"])
def test_a_slow_site_ends_by_the_site_deadline(proxy, host):
    site, took = _fetch(proxy, host)
    print(f"\n{host}: {site.status} after {took:.1f}s (site deadline {FAST.site_seconds}s)")
    assert site.status == TEMPORARY  # a timeout is not "unreachable"
    assert took < FAST.site_seconds + 1.0


@pytest.mark.parametrize("host,compressed", [("huge.test", False), ("bomb.test", True)])
def test_a_huge_page_or_gzip_bomb_is_read_only_up_to_the_cap(proxy, host, compressed):
    tracemalloc.start()
    try:
        site, took = _fetch(proxy, host)
        _, peak = tracemalloc.get_traced_memory()
    finally:
        tracemalloc.stop()
    print(f"\n{host}: {site.status}, peak {peak / MB:.1f} MB traced, {took:.2f}s")
    assert site.status == "ok"
    assert len(next(iter(site.pages.values()))) <= FAST.max_bytes
    assert peak < 40 * MB  # the page was 50 MB (or 256 MB once inflated)


def test_gzip_pages_are_still_read(proxy):
    site, _ = _fetch(proxy, "gzipok.test")
    assert site.status == "ok" and "Welcome." in site.text


def test_redirect_loops_stop_after_max_redirects(proxy):
    site, _ = _fetch(proxy, "loop.test")
    assert site.status == "unreachable"
    home_hops = [p for p, _ in _Hostile.log["loop.test"] if p != "/robots.txt"]
    # robots.txt is answered 404 below; the home page chain is cut at max_redirects
    assert len(home_hops) <= FAST.max_redirects + 1


def test_a_429_with_retry_after_is_retried_after_the_wait(proxy):
    site, _ = _fetch(proxy, "ratelimited.test")
    assert site.status == "ok"
    homes = [t for p, t in _Hostile.log["ratelimited.test"] if p == "/"]
    assert len(homes) == 2 and homes[1] - homes[0] >= 0.95  # Retry-After: 1


def test_a_503_burst_is_temporary_and_retried_with_backoff(proxy):
    site, _ = _fetch(proxy, "burst.test")
    assert site.status == TEMPORARY
    homes = [t for p, t in _Hostile.log["burst.test"] if p == "/"]
    assert len(homes) == FAST.retries + 1
    gaps = [b - a for a, b in zip(homes, homes[1:], strict=False)]
    assert gaps[0] >= 0.19 and gaps[1] >= 0.39  # 0.2 s, then doubled


def test_a_retry_after_longer_than_the_patience_is_not_waited(proxy):
    site, took = _fetch(proxy, "waitlong.test")
    assert site.status == TEMPORARY and took < 2
    assert [p for p, _ in _Hostile.log["waitlong.test"]] == ["/robots.txt", "/"]  # no retry


def test_a_timeout_is_temporary(proxy):
    site, took = _fetch(proxy, "timeout.test", FetchLimits(fetch_seconds=1.0, site_seconds=2.5,
                                                           retries=1, backoff_seconds=0.1))
    assert site.status == TEMPORARY and took < 3.5


def test_robots_txt_answering_5xx_disallows_for_now(proxy):
    site, _ = _fetch(proxy, "robots5xx.test")
    assert site.status == TEMPORARY
    assert {p for p, _ in _Hostile.log["robots5xx.test"]} == {"/robots.txt"}  # nothing else


def test_robots_crawl_delay_spaces_the_requests(proxy):
    site, _ = _fetch(proxy, "crawldelay.test")
    assert site.status == "ok" and "sales@example.org" in site.text
    times = [t for p, t in _Hostile.log["crawldelay.test"]]
    assert len(times) == 3  # robots.txt, home, contact
    assert times[1] - times[0] >= 0.95 and times[2] - times[1] >= 0.95


def test_retry_after_reads_seconds_and_dates():
    assert retry_after("3") == 3.0
    assert retry_after("Wed, 21 Oct 2015 07:28:00 GMT") == 0.0  # in the past
    assert retry_after("soon") is None and retry_after(None) is None


@pytest.mark.parametrize("token", ["a." * 80_000, "a" * 160_000 + "@", ("x" * 63 + "!@") * 2500])
def test_signal_regexes_take_linear_time_on_hostile_text(token):
    site = read_site({"http://x.test/": f"<html><body><p>{token} sales@x.test</p></body></html>"})
    start = time.process_time()
    values = {}
    for provider in signals.registered():
        values.update(provider.values(site))
    took = time.process_time() - start
    print(f"\nproviders on a {len(token) // 1000} KB token: {took:.3f}s CPU")
    assert took < 1.0
    assert values["website_emails"] == ["sales@x.test"]
