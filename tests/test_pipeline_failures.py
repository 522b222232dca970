"""Failure ops can see: a source that is down fails its own crawl with a clear message; the
pipeline goes on with the other sources, exports, and ends Failed with "completed with
failures: <source> (...)" (the run list shows it red, with the reason).

The sources are the demo world's, reached through a proxy of the test's own on 127.0.0.1 that
answers 503 for the exhibition catalogue's host and passes everything else to the demo server.
"""

from __future__ import annotations

import http.client
import threading
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from urllib.parse import urlsplit

import pytest

from leadpipe.config import load_config
from leadpipe.demo.hosts import EXPO_HOST
from leadpipe.demo.server import DemoServer
from leadpipe.demo.world import generate_world
from warehouse.db import connect

pytestmark = pytest.mark.prefect


def _front(demo_port: int, down_host: str) -> ThreadingHTTPServer:
    class Front(BaseHTTPRequestHandler):
        protocol_version = "HTTP/1.1"

        def log_message(self, format, *args):  # noqa: A002
            pass

        def do_GET(self):  # noqa: N802
            host = urlsplit(self.path).netloc or self.headers.get("Host", "")
            if host == down_host:
                status, body, kind = 503, b"down for maintenance\n", "text/plain"
            else:
                conn = http.client.HTTPConnection("127.0.0.1", demo_port, timeout=30)
                conn.request("GET", self.path, headers={"Host": host})
                answer = conn.getresponse()
                status, body = answer.status, answer.read()
                kind = answer.getheader("Content-Type", "text/plain")
                conn.close()
            self.send_response(status)
            self.send_header("Content-Type", kind)
            self.send_header("Content-Length", str(len(body)))
            self.end_headers()
            self.wfile.write(body)

    server = ThreadingHTTPServer(("127.0.0.1", 0), Front)
    server.daemon_threads = True
    threading.Thread(target=server.serve_forever, daemon=True).start()
    return server


def test_a_source_that_is_down_fails_alone_and_the_pipeline_says_so(prefect_harness, tmp_path):
    from flows.pipeline import pipeline_flow

    world = generate_world(companies=60, seed=4)
    with DemoServer(world) as demo:
        front = _front(demo.port, EXPO_HOST)
        try:
            config_path = tmp_path / "leadpipe.toml"
            config_path.write_text(
                '[project]\ndata_dir = "data"\n'
                f'[crawl]\nautothrottle = false\nretry_times = 0\n'
                f'proxy = "http://127.0.0.1:{front.server_address[1]}"\n'
                '[demo]\ncompanies = 60\nseed = 4\n'
                '[network]\nallow_addresses = ["127.0.0.1"]\n', encoding="utf-8")
            state = pipeline_flow(config_path=str(config_path), fetch_websites=False,
                                  return_state=True)
        finally:
            front.shutdown()
    config = load_config(config_path)
    assert state.is_failed(), state
    assert state.message.startswith("completed with failures: demo_expo ("), state.message
    assert "503" in state.message, state.message
    assert not [s for s in config.crawl.sources if s != "demo_expo" and s in state.message]
    exports = list(config.exports_dir.glob("*.csv"))
    assert len(exports) == 1 and exports[0].stat().st_size > 0  # exported all the same
    con = connect(config.warehouse_path, read_only=True)
    try:
        by_source = dict(con.execute(
            "SELECT source, count(*) FROM source_records GROUP BY source").fetchall())
        crawl_runs = dict(con.execute(
            "SELECT source, status FROM runs WHERE stage = 'crawl'").fetchall())
    finally:
        con.close()
    assert by_source.get("demo_tenders", 0) > 0 and by_source.get("demo_directory", 0) > 0
    assert "demo_expo" not in by_source
    assert crawl_runs == {s: "failed" if s == "demo_expo" else "ok" for s in config.crawl.sources}
