"""Crawls that stay bounded and end when told: ``max_pages`` for every pagination method
against endless pagination, and a killed ``crawl`` taking its Scrapy child with it. Real
crawls in subprocesses against the fault-injection server (tests/faultserver.py) on
127.0.0.1; huge pages, gzip bombs and the other faults are in tests/test_faults.py."""

from __future__ import annotations

import os
import re
import signal
import subprocess
import sys
import textwrap
import time
from pathlib import Path

import pytest
from faultserver import FaultServer

from spiders.crawl import run_crawl
from spiders.registry import SOURCES_DIR

ROOT = Path(__file__).resolve().parent.parent
FAST = {"AUTOTHROTTLE_ENABLED": False, "RETRY_TIMES": 0}
LOCAL = ["127.0.0.1"]


@pytest.fixture()
def server():
    with FaultServer() as srv:
        yield srv


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
def test_max_pages_holds_for_every_pagination_method(tmp_path, server, method):
    definition = _definition(tmp_path, PAGINATIONS[method])
    report = run_crawl("demo_directory", run_id="r1", landing_dir=tmp_path / "landing",
                       spider_args={"definition_path": str(definition),
                                    "start_url": "http://endless.test/search?page=1"},
                       settings=FAST, proxy=server.proxy, allow_addresses=LOCAL, timeout=120)
    listing = [p for p in server.paths("endless.test") if p.startswith("/search")]
    print(f"\n{method}: {len(listing)} of endless pages fetched (max_pages 3)")
    assert report.ok, report.errors
    assert len(listing) == 3 and report.items == 3


_CRAWL = textwrap.dedent("""
    import sys
    from pathlib import Path
    from spiders.crawl import run_crawl
    run_crawl("demo_directory", run_id="k1", landing_dir=Path(sys.argv[1]),
              spider_args={"start_url": "http://hang.test/search?page=1"},
              proxy=sys.argv[2], allow_addresses=["127.0.0.1"])
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
def test_killing_the_crawl_ends_its_scrapy_child(tmp_path, server, sig):
    parent = subprocess.Popen([sys.executable, "-c", _CRAWL, str(tmp_path), server.proxy],
                              env={**os.environ, "PYTHONPATH": str(ROOT)})
    try:
        end = time.monotonic() + 60
        while time.monotonic() < end and not any(p.startswith("/search") for p in
                                                 server.paths("hang.test")):
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
