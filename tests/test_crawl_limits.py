"""Crawls that stay bounded and end when told: ``max_pages`` for every pagination method,
Scrapy's size caps on huge pages and gzip bombs, and a killed ``crawl`` taking its Scrapy
child with it. Real crawls in subprocesses against servers on 127.0.0.1."""

from __future__ import annotations

import os
import re
import signal
import subprocess
import sys
import textwrap
import threading
import time
import zlib
from collections import Counter
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path
from urllib.parse import parse_qs, urlsplit

import pytest

from spiders.crawl import run_crawl
from spiders.registry import SOURCES_DIR

ROOT = Path(__file__).resolve().parent.parent
FAST = {"AUTOTHROTTLE_ENABLED": False, "LEADPIPE_ALLOW_ADDRESSES": ["127.0.0.1"],
        "RETRY_TIMES": 0}
OFFERED = 30  # pages the server offers
MB = 1024 * 1024


def _gzip_zeros(size: int) -> bytes:
    z = zlib.compressobj(9, zlib.DEFLATED, 16 + zlib.MAX_WBITS)
    return b"".join([*(z.compress(b"\0" * MB) for _ in range(size // MB)), z.flush()])


class _Directory(BaseHTTPRequestHandler):
    """A directory with ``OFFERED`` search pages, each linking the next and all the others;
    ``huge`` answers 50 MB, ``bomb`` a 256 MB gzip bomb, ``hang`` never answers."""

    hits: Counter[str] = Counter()
    mode = "pages"
    bomb = b""

    def do_GET(self):  # noqa: N802 - http.server API
        parts = urlsplit(self.path)
        self.hits[self.path] += 1
        headers = {"Content-Type": "text/html; charset=utf-8"}
        if parts.path == "/robots.txt":
            body = b"User-agent: *\nAllow: /\n"
        elif self.mode == "hang":
            time.sleep(60)
            return
        elif self.mode == "huge":
            body = b"<html>" + b"x" * (50 * MB) + b"</html>"
        elif self.mode == "bomb":
            body, headers["Content-Encoding"] = self.bomb, "gzip"
        else:
            n = int(parse_qs(parts.query).get("page", ["1"])[0])
            more = f'<a rel="next" href="/search?page={n + 1}">next</a>' if n < OFFERED else ""
            numbered = "".join(f'<a class="page" href="/search?page={k}">{k}</a>'
                               for k in range(1, OFFERED + 1))
            body = (f'<html><body><section class="results"><div class="listing" '
                    f'data-listing-id="L{n}"><h3 class="listing-name">Company {n} Ltd</h3>'
                    f'</div></section><nav class="pagination">{more}{numbered}</nav>'
                    "</body></html>").encode()
        try:
            self.send_response(200)
            for key, value in headers.items():
                self.send_header(key, value)
            self.send_header("Content-Length", str(len(body)))
            self.end_headers()
            self.wfile.write(body)
        except (BrokenPipeError, ConnectionResetError):
            pass

    def log_message(self, *args):
        pass


class _Server(ThreadingHTTPServer):
    daemon_threads = True


@pytest.fixture()
def site():
    _Directory.hits, _Directory.mode = Counter(), "pages"
    server = _Server(("127.0.0.1", 0), _Directory)
    threading.Thread(target=server.serve_forever, daemon=True).start()
    yield f"http://127.0.0.1:{server.server_address[1]}"
    server.shutdown()
    server.server_close()


PAGINATIONS = {
    "next": 'next: {css: "nav.pagination a[rel=next]::attr(href)"}',
    "pages": 'pages: {css: "nav.pagination a.page::attr(href)"}',
    "next_and_pages": 'next: {css: "nav.pagination a[rel=next]::attr(href)"}\n'
                      '  pages: {css: "nav.pagination a.page::attr(href)"}',
    "param": "param: page",
}


def _definition(tmp_path: Path, pagination: str) -> Path:
    """The demo directory's definition with another pagination block and ``max_pages: 3``."""
    text = (SOURCES_DIR / "demo_directory.yaml").read_text(encoding="utf-8")
    text = re.sub(r"pagination:\n(  .*\n)+", f"pagination:\n  {pagination}\n  max_pages: 3\n",
                  text)
    text = re.sub(r"count:\n(  .*\n)+", "count:\n  min: 1\n", text)
    path = tmp_path / "demo_directory.yaml"
    path.write_text(text, encoding="utf-8")
    return path


@pytest.mark.parametrize("method", sorted(PAGINATIONS))
def test_max_pages_holds_for_every_pagination_method(tmp_path, site, method):
    definition = _definition(tmp_path, PAGINATIONS[method])
    report = run_crawl("demo_directory", run_id="r1", landing_dir=tmp_path / "landing",
                       spider_args={"definition_path": str(definition),
                                    "start_url": f"{site}/search?page=1"},
                       settings=FAST, timeout=120)
    listing = [p for p in _Directory.hits if p.startswith("/search")]
    print(f"\n{method}: {len(listing)} of {OFFERED} offered pages fetched (max_pages 3)")
    assert report.ok, report.errors
    assert len(listing) == 3 and report.items == 3


@pytest.mark.parametrize("mode", ["huge", "bomb"])
def test_spiders_refuse_a_50_mb_page_and_a_gzip_bomb(tmp_path, site, mode):
    if mode == "bomb" and not _Directory.bomb:
        _Directory.bomb = _gzip_zeros(256 * MB)
    _Directory.mode = mode
    definition = _definition(tmp_path, PAGINATIONS["next"])
    start = time.monotonic()
    report = run_crawl("demo_directory", run_id="r1", landing_dir=tmp_path / "landing",
                       spider_args={"definition_path": str(definition),
                                    "start_url": f"{site}/search?page=1"},
                       settings=FAST, timeout=120)
    log = (tmp_path / "landing" / "r1" / "demo_directory.log").read_text(encoding="utf-8")
    print(f"\n{mode}: refused in {time.monotonic() - start:.1f}s")
    assert report.items == 0 and not report.ok
    assert "download max size" in log or "exceeded DOWNLOAD_MAXSIZE" in log, log[-2000:]


_CRAWL = textwrap.dedent("""
    import sys
    from pathlib import Path
    from spiders.crawl import run_crawl
    run_crawl("demo_directory", run_id="k1", landing_dir=Path(sys.argv[1]),
              spider_args={"start_url": sys.argv[2] + "/search?page=1"},
              allow_addresses=["127.0.0.1"])
""")


def _children(pid: int) -> list[int]:
    out = []
    for entry in Path("/proc").iterdir():
        if entry.name.isdigit():
            try:
                stat = (entry / "stat").read_text()
            except OSError:
                continue
            if int(stat.rsplit(")", 1)[1].split()[1]) == pid:
                out.append(int(entry.name))
    return out


def _gone(pid: int, within: float) -> bool:
    end = time.monotonic() + within
    while time.monotonic() < end:
        try:
            state = Path(f"/proc/{pid}/stat").read_text().rsplit(")", 1)[1].split()[0]
        except OSError:
            return True
        if state == "Z":
            return True
        time.sleep(0.1)
    return False


@pytest.mark.skipif(not Path("/proc").is_dir(), reason="reads /proc to find the child")
@pytest.mark.parametrize("sig", [signal.SIGTERM, signal.SIGKILL])
def test_killing_the_crawl_ends_its_scrapy_child(tmp_path, site, sig):
    _Directory.mode = "hang"
    parent = subprocess.Popen([sys.executable, "-c", _CRAWL, str(tmp_path), site],
                              env={**os.environ, "PYTHONPATH": str(ROOT)})
    try:
        end = time.monotonic() + 60
        while time.monotonic() < end and not any(p.startswith("/search") for p in
                                                 _Directory.hits):
            time.sleep(0.2)  # the child is crawling (its first listing page hangs)
        children = _children(parent.pid)
        assert children, "no crawl child found"
        os.kill(parent.pid, sig)
        parent.wait(timeout=30)
        assert all(_gone(child, 20) for child in children)
    finally:
        for child in _children(parent.pid):
            os.kill(child, signal.SIGKILL)
        if parent.poll() is None:
            parent.kill()
