"""One fault-injection server on 127.0.0.1 that plays every fault a hostile or flaky site
can: the website enricher and the YAML spiders are both pointed at it, so each fault kind is
tried against both fetchers the same way.

The server is an HTTP proxy (as the demo world is): a client sends it absolute-form requests
for ``http://<fault>.test/...`` and the host name picks the fault; ``.test`` names never
resolve, so nothing can leave loopback even by mistake. Every site serves one page shape that
both fetchers read: a directory listing card (``section.results > div.listing``, as the demo
directory's definition extracts it), a next link for pagination, and a link to ``/contact``
for the enricher. Every request is logged per host as (path, monotonic time).

Bounded: each dribbling or streaming loop has a fixed number of steps and ends early when the
client hangs up or the server stops (``FaultServer.stopping``); no loop runs longer than
``MAX_PLAY_SECONDS``.
"""

from __future__ import annotations

import gzip
import socket
import struct
import threading
import time
import zlib
from collections import defaultdict
from functools import cache
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from urllib.parse import parse_qs, urlsplit

MB = 1024 * 1024
MAX_PLAY_SECONDS = 60.0  # the longest any one answer is drawn out
LISTED_PAGES = 1  # pages a well-behaved site's listing has (endless.test has no end)
CHARSET_NAME = "Müller Fördertechnik GmbH"  # served as cp1252 bytes labelled UTF-8
CONTACT = "<html><body><p>Write to sales@example.org.</p></body></html>"

# host -> the fault it plays (the rows of RELIABILITY.md's fault table)
FAULTS: dict[str, str] = {
    "ok.test": "nothing wrong (the control)",
    "burst.test": "5xx burst: 503 to the first two requests of every page, then 200",
    "down.test": "503 to every request",
    "ratelimited.test": "429 with Retry-After: 1 to the first request of every page",
    "ratelimited-bare.test": "429 without Retry-After to the first request of every page",
    "waitlong.test": "429 with Retry-After: 86400",
    "slowloris.test": "slow-loris body: headers at once, then 1 byte every 0.5 s",
    "slowheaders.test": "slow-loris headers: the status line 1 byte every 0.5 s",
    "timeout.test": "no answer for 3 s",
    "reset.test": "connection reset mid-body (TCP RST after 1 KB of 100 KB) on the first "
                  "request of every page, then 200",
    "gzipcut.test": "truncated gzip: the gzip stream cut after half its bytes",
    "bomb.test": "gzip bomb: 261 KB that inflates to 256 MB",
    "huge.test": "50 MB page",
    "charset.test": f"wrong charset: '{CHARSET_NAME}' as cp1252 bytes labelled UTF-8",
    "badcharset.test": "unknown charset label (charset=x-klingon) on UTF-8 bytes",
    "loop.test": "redirect loop (302 to a new path every time)",
    "private.test": "302 into private space (http://169.254.169.254/latest/meta-data/)",
    "private10.test": "302 into private space (http://10.0.0.1/admin)",
    "endless.test": "infinite pagination: every page links a next page and the 30 after it, "
                    "and 1,000 contact pages",
    "robotschange.test": "robots.txt allows all on its first fetch, then Disallow: /",
    "robots5xx.test": "robots.txt answers 503",
    "crawldelay.test": "robots.txt Crawl-delay: 1",
    "gzipok.test": "a well-formed gzip page (the control for the gzip faults)",
    "hang.test": "never answers (60 s)",
}
PRIVATE_TARGETS = {"private.test": "http://169.254.169.254/latest/meta-data/",
                   "private10.test": "http://10.0.0.1/admin"}


@cache
def gzip_bomb(size: int = 256 * MB) -> bytes:
    """``size`` zero bytes, gzip-compressed (about 1 KB per MB)."""
    z = zlib.compressobj(9, zlib.DEFLATED, 16 + zlib.MAX_WBITS)
    chunk = b"\0" * MB
    return b"".join([*(z.compress(chunk) for _ in range(size // MB)), z.flush()])


def card_name(host: str, n: int) -> str:
    """The company name on page ``n`` of ``host``."""
    return CHARSET_NAME if host in ("charset.test", "badcharset.test") else f"Company {n} of {host}"


def listing_page(host: str, n: int) -> str:
    """Page ``n`` of a site's listing: one card, pagination, a contact link."""
    endless = host == "endless.test"
    more = f'<a rel="next" href="/search?page={n + 1}">next</a>' if endless or n < LISTED_PAGES \
        else ""
    numbered = "".join(f'<a class="page" href="/search?page={k}">{k}</a>'
                       for k in (range(n + 1, n + 31) if endless else ()))
    contacts = "".join(f'<a href="/contact/{k}">Contact {k}</a>'
                       for k in range(1, 1001)) if endless else '<a href="/contact">Contact</a>'
    return (f'<html><body><section class="results"><div class="listing" '
            f'data-listing-id="{host}-{n}"><h3 class="listing-name">{card_name(host, n)}</h3>'
            f'</div></section><nav class="pagination">{more}{numbered}</nav>'
            f"<p>{contacts}</p><p>Welcome.</p></body></html>")


class _Play(BaseHTTPRequestHandler):
    """Answers one request as its host's fault."""

    protocol_version = "HTTP/1.1"
    server: FaultServer

    def _send(self, status: int, body: bytes = b"", **headers: str) -> None:
        self.send_response(status)
        headers.setdefault("Content-Type", "text/html; charset=utf-8")
        for key, value in headers.items():
            self.send_header(key.replace("_", "-"), value)
        self.send_header("Content-Length", str(len(body)))
        self.end_headers()
        self.wfile.write(body)

    def _dribble(self, data: bytes, every: float) -> None:
        """Write ``data`` one byte at a time, ``every`` seconds apart (bounded in time)."""
        end = time.monotonic() + MAX_PLAY_SECONDS
        for byte in data:
            if time.monotonic() > end or self.server.stopping.wait(every):
                return
            self.wfile.write(bytes([byte]))
            self.wfile.flush()

    def _reset(self) -> None:
        """Abort the connection with a TCP RST (SO_LINGER 0, then close)."""
        self.connection.setsockopt(socket.SOL_SOCKET, socket.SO_LINGER, struct.pack("ii", 1, 0))
        self.connection.close()
        self.close_connection = True

    def do_GET(self) -> None:  # noqa: N802 - http.server API
        target = urlsplit(self.path)
        host = target.hostname or (self.headers.get("Host") or "").split(":")[0]
        path = target.path or "/"
        count = self.server.record(host, path + (f"?{target.query}" if target.query else ""))
        try:
            self._play(host, path, parse_qs(target.query), count)
        except (BrokenPipeError, ConnectionResetError, OSError):
            pass  # the client gave up, as it should

    def _play(self, host: str, path: str, query: dict[str, list[str]], count: int) -> None:
        if path == "/robots.txt":
            return self._robots(host)
        if host == "slowloris.test":
            self.send_response(200)
            self.send_header("Content-Length", "100000")
            self.end_headers()
            return self._dribble(b"a" * 200, 0.5)
        if host == "slowheaders.test":
            return self._dribble(b"HTTP/1.1 200 OK\r\nX-Pad: " + b"a" * 200, 0.5)
        if host in ("timeout.test", "hang.test"):
            self.server.stopping.wait(3 if host == "timeout.test" else MAX_PLAY_SECONDS)
        if host == "huge.test":  # 50 MB, streamed
            self.send_response(200)
            self.send_header("Content-Type", "text/html")
            self.send_header("Content-Length", str(50 * MB))
            self.end_headers()
            chunk = b"<p>" + b"x" * (MB - 8) + b"</p>\n"
            for _ in range(50):
                if self.server.stopping.is_set():
                    return None
                self.wfile.write(chunk)
            return None
        if host == "bomb.test":
            return self._send(200, gzip_bomb(), Content_Encoding="gzip")
        if host == "loop.test":
            return self._send(302, Location=f"/hop{count}-{path.strip('/')}")
        if host in PRIVATE_TARGETS:
            return self._send(302, Location=PRIVATE_TARGETS[host])
        if host == "burst.test" and count <= 2:
            return self._send(503, b"busy")
        if host == "down.test":
            return self._send(503, b"busy")
        if host == "ratelimited.test" and count == 1:
            return self._send(429, b"slow down", Retry_After="1")
        if host == "ratelimited-bare.test" and count == 1:
            return self._send(429, b"slow down")
        if host == "waitlong.test":
            return self._send(429, b"come back tomorrow", Retry_After="86400")
        body = self._page(host, path, query).encode("utf-8")
        if host == "reset.test" and count == 1:
            self.send_response(200)
            self.send_header("Content-Type", "text/html; charset=utf-8")
            self.send_header("Content-Length", "100000")
            self.end_headers()
            self.wfile.write(body[:1024].ljust(1024, b" "))
            return self._reset()
        if host == "gzipcut.test":
            packed = gzip.compress(body + b"<!--" + b"padding " * 2000 + b"-->")
            return self._send(200, packed[: len(packed) // 2], Content_Encoding="gzip")
        if host == "gzipok.test":
            return self._send(200, gzip.compress(body), Content_Encoding="gzip")
        if host == "charset.test":
            return self._send(200, body.decode("utf-8").encode("cp1252"))
        if host == "badcharset.test":
            return self._send(200, body, Content_Type="text/html; charset=x-klingon")
        return self._send(200, body)

    def _page(self, host: str, path: str, query: dict[str, list[str]]) -> str:
        if path.startswith("/contact"):
            return CONTACT
        try:
            n = max(1, int(query.get("page", ["1"])[0]))
        except ValueError:
            n = 1
        return listing_page(host, n)

    def _robots(self, host: str) -> None:
        text = {"crawldelay.test": "User-agent: *\nCrawl-delay: 1\n"}.get(host)
        if host == "robots5xx.test":
            return self._send(503, b"down")
        if host == "robotschange.test":
            first = self.server.count(host, "/robots.txt") == 1
            text = "User-agent: *\nAllow: /\n" if first else "User-agent: *\nDisallow: /\n"
        if text is None:
            return self._send(404, b"none")
        return self._send(200, text.encode(), Content_Type="text/plain")

    def log_message(self, *args: object) -> None:
        pass


class FaultServer(ThreadingHTTPServer):
    """The fault-injection proxy; use as a context manager. ``proxy`` is its URL."""

    daemon_threads = True

    def __init__(self) -> None:
        super().__init__(("127.0.0.1", 0), _Play)
        self.stopping = threading.Event()
        self.log: dict[str, list[tuple[str, float]]] = defaultdict(list)
        self._lock = threading.Lock()
        self._thread = threading.Thread(target=self.serve_forever, daemon=True)

    @property
    def proxy(self) -> str:
        return f"http://127.0.0.1:{self.server_address[1]}"

    def record(self, host: str, path: str) -> int:
        """Log a request; how many times this host's path has now been asked for."""
        with self._lock:
            self.log[host].append((path, time.monotonic()))
            return sum(1 for p, _ in self.log[host] if p == path)

    def count(self, host: str, path: str) -> int:
        with self._lock:
            return sum(1 for p, _ in self.log[host] if p == path)

    def paths(self, host: str) -> list[str]:
        with self._lock:
            return [p for p, _ in self.log[host]]

    def times(self, host: str, path: str) -> list[float]:
        with self._lock:
            return [t for p, t in self.log[host] if p == path]

    def reset_log(self) -> None:
        with self._lock:
            self.log.clear()

    def handle_error(self, request: object, client_address: object) -> None:
        pass  # a client hanging up on a hostile answer is the point

    def __enter__(self) -> FaultServer:
        gzip_bomb()  # made before serving (about a second), not inside a client's deadline
        self._thread.start()
        return self

    def __exit__(self, *exc: object) -> None:
        self.stopping.set()
        self.shutdown()
        self.server_close()
