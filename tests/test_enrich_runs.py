"""Enrichment that lets go of the warehouse and survives kills, and stage runs that end cleanly.

Real parts only: company sites on a 127.0.0.1 server (as the clients' HTTP proxy), a real
DuckDB file, other processes that try to write while websites are fetched, and ``kill -9``.
"""

from __future__ import annotations

import functools
import os
import signal
import subprocess
import sys
import textwrap
import threading
import time
from collections import Counter
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path
from urllib.parse import urlsplit

import pytest

from enrich.resolve.stage import run_resolution
from enrich.stage import RETRY_TEMPORARY, refresh_websites
from leadpipe.runner import repair_interrupted_runs, start_run
from spiders.landing import LandingWriter, make_item
from warehouse.db import connect, connected
from warehouse.load import load_file

ROOT = Path(__file__).resolve().parent.parent
UA = "leadpipe-test"
SITES = 10
HOME = "<html><body><p>Precision machining. Write to sales@{host}.</p></body></html>"


class _Sites(BaseHTTPRequestHandler):
    requests: Counter[str] = Counter()
    slow: set[str] = set()  # hosts whose home page takes ``delay`` seconds
    failing: set[str] = set()  # hosts that answer 503
    delay = 0.0
    lock = threading.Lock()

    def do_GET(self):  # noqa: N802 - http.server API
        target = urlsplit(self.path)
        host = target.hostname or ""
        with self.lock:
            self.requests[host] += 1
        if target.path == "/robots.txt":
            status, body = 404, "none"
        elif host in self.failing:
            status, body = 503, "busy"
        else:
            if host in self.slow:
                time.sleep(self.delay)
            status, body = 200, HOME.format(host=host)
        try:
            self.send_response(status)
            self.send_header("Content-Type", "text/html; charset=utf-8")
            self.send_header("Content-Length", str(len(body)))
            self.end_headers()
            self.wfile.write(body.encode())
        except (BrokenPipeError, ConnectionResetError):
            pass

    def log_message(self, *args):
        pass


class _Server(ThreadingHTTPServer):
    daemon_threads = True


@pytest.fixture()
def proxy():
    _Sites.requests, _Sites.slow, _Sites.failing, _Sites.delay = Counter(), set(), set(), 0.0
    server = _Server(("127.0.0.1", 0), _Sites)
    threading.Thread(target=server.serve_forever, daemon=True).start()
    yield f"http://127.0.0.1:{server.server_address[1]}"
    server.shutdown()
    server.server_close()


def _host(i: int) -> str:
    return f"site{i}.test"


@pytest.fixture()
def warehouse(tmp_path: Path) -> Path:
    landing = tmp_path / "landing"
    with LandingWriter(landing, "run-1", "fixture_expo") as writer:
        for i in range(SITES):
            writer.write(make_item(
                kind="organisation", source="fixture_expo", native_id=f"c{i}", run_id="run-1",
                url=f"https://expo.example/c{i}", method="css",
                fields={"name": f"Company Number {i} Ltd", "country": "GB",
                        "website": f"http://{_host(i)}/"}))
    path = tmp_path / "warehouse.duckdb"
    con = connect(path)
    load_file(con, landing / "run-1" / "fixture_expo.jsonl")
    run_resolution(con)
    con.close()
    return path


def _opener(path: Path):
    """The writer ``refresh_websites`` opens for each batch, as ``leadpipe enrich`` gives it."""
    return functools.partial(connected, path, wait_seconds=60)


def _fetched(path: Path) -> dict[str, str]:
    con = connect(path, read_only=True)
    try:
        rows = con.execute("SELECT website, website_status FROM enrichment "
                           "WHERE website_fetched_at IS NOT NULL").fetchall()
    finally:
        con.close()
    return {urlsplit(w).hostname: s for w, s in rows}


_WRITE = textwrap.dedent("""
    import sys, time
    from warehouse.db import connect
    start = time.monotonic()
    con = connect(sys.argv[1], wait_seconds=float(sys.argv[2]))
    con.execute("CREATE TABLE IF NOT EXISTS probe (x INTEGER)")
    con.close()
    print(f"WROTE {time.monotonic() - start:.2f}")
""")


def _python(code: str, *args: str, **kwargs) -> subprocess.Popen:
    env = {**os.environ, "PYTHONPATH": str(ROOT)}
    return subprocess.Popen([sys.executable, "-c", code, *args], env=env, text=True,
                            stdout=subprocess.PIPE, stderr=subprocess.STDOUT, **kwargs)


def test_other_writers_run_while_websites_are_fetched(warehouse, proxy):
    _Sites.slow, _Sites.delay = {_host(i) for i in range(SITES)}, 2.0
    done = {}
    worker = threading.Thread(target=lambda: done.update(summary=refresh_websites(
        _opener(warehouse), user_agent=UA, proxy=proxy, allow_addresses=["127.0.0.1"],
        batch_size=100)))
    worker.start()
    time.sleep(0.8)  # every site is being fetched now (each takes 2 s)
    assert worker.is_alive()
    writer = _python(_WRITE, str(warehouse), "1")  # another process: load, resolve, score...
    out, _ = writer.communicate(timeout=60)
    worker.join(timeout=60)
    print(f"\nanother writer while enrich fetched: {out.strip()}")
    assert writer.returncode == 0 and out.startswith("WROTE"), out
    assert float(out.split()[1]) < 1.5
    assert done["summary"].websites_ok == SITES


_KILLED_ENRICH = textwrap.dedent("""
    import functools, sys
    from enrich.stage import refresh_websites
    from warehouse.db import connected

    writer = functools.partial(connected, sys.argv[1], wait_seconds=60)
    refresh_websites(writer, user_agent="leadpipe-test", proxy=sys.argv[2],
                     allow_addresses=["127.0.0.1"], batch_size=2)
""")


def test_a_kill_keeps_every_batch_already_fetched(warehouse, proxy):
    _Sites.slow, _Sites.delay = {_host(i) for i in range(6, SITES)}, 30.0  # these never finish
    proc = _python(_KILLED_ENRICH, str(warehouse), proxy)
    deadline = time.monotonic() + 60
    stored: dict[str, str] = {}
    while time.monotonic() < deadline and len(stored) < 6:
        time.sleep(0.3)
        try:
            stored = _fetched(warehouse)
        except Exception:  # noqa: BLE001 - the writer holds it for a moment: poll again
            continue
    os.kill(proc.pid, signal.SIGKILL)
    proc.wait(timeout=10)
    print(f"\nkilled after {len(stored)} sites were stored")
    assert set(stored) == {_host(i) for i in range(6)}
    assert set(stored.values()) == {"ok"}
    # The next run fetches only what the killed one had not stored.
    _Sites.requests, _Sites.slow = Counter(), set()
    summary = refresh_websites(_opener(warehouse), user_agent=UA, proxy=proxy,
                               allow_addresses=["127.0.0.1"])
    assert summary.websites_fetched == SITES - 6
    assert set(_Sites.requests) == {_host(i) for i in range(6, SITES)}
    assert len(_fetched(warehouse)) == SITES


def test_a_503_site_is_temporarily_unreachable_and_tried_again_soon(warehouse, proxy):
    _Sites.failing = {_host(0)}
    summary = refresh_websites(_opener(warehouse), user_agent=UA, proxy=proxy,
                               allow_addresses=["127.0.0.1"])
    assert summary.websites_temporary == 1 and summary.websites_failed == 0
    assert _fetched(warehouse)[_host(0)] == "temporarily unreachable"
    # Not refetched at once, but once the short retry time has passed (not after 30 days).
    _Sites.requests, _Sites.failing = Counter(), set()
    refresh_websites(_opener(warehouse), user_agent=UA, proxy=proxy,
                     allow_addresses=["127.0.0.1"])
    assert not _Sites.requests
    con = connect(warehouse)
    con.execute("UPDATE enrichment SET website_fetched_at = website_fetched_at - ?",
                [RETRY_TEMPORARY])
    con.close()
    refresh_websites(_opener(warehouse), user_agent=UA, proxy=proxy,
                     allow_addresses=["127.0.0.1"])
    assert set(_Sites.requests) == {_host(0)}
    assert _fetched(warehouse)[_host(0)] == "ok"


_STARTED_RUN = textwrap.dedent("""
    import sys, time
    from leadpipe.runner import start_run
    from warehouse.db import connect
    con = connect(sys.argv[1])
    print(start_run(con, sys.argv[2]), flush=True)
    con.close()
    time.sleep(120)
""")


def test_a_killed_stage_run_is_marked_interrupted_on_the_next_start(warehouse):
    killed = _python(_STARTED_RUN, str(warehouse), "resolve")
    killed_id = killed.stdout.readline().strip()
    alive = _python(_STARTED_RUN, str(warehouse), "enrich")
    alive_id = alive.stdout.readline().strip()
    try:
        os.kill(killed.pid, signal.SIGKILL)
        killed.wait(timeout=10)
        con = connect(warehouse)
        try:
            mine = start_run(con, "score")  # the next start repairs the killed row
            rows = dict(con.execute("SELECT run_id, status FROM runs").fetchall())
            assert rows[killed_id] == "interrupted"
            assert rows[alive_id] == "running"  # its process is alive: left alone
            assert rows[mine] == "running"
            assert repair_interrupted_runs(con) == 0
        finally:
            con.close()
    finally:
        alive.kill()
        alive.wait(timeout=10)
