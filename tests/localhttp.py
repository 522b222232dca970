"""One loopback HTTP server for the tests: a handler class served on 127.0.0.1 (a free port) in
a daemon thread, as a context manager, and a quiet handler base whose ``reply`` writes a whole
response and ignores a client that went away."""

from __future__ import annotations

import threading
from collections import Counter
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from typing import Any
from urllib.parse import urlsplit


class QuietHandler(BaseHTTPRequestHandler):
    """A request handler that logs nothing and answers with ``reply``."""

    def reply(self, status: int, body: bytes, headers: dict[str, str] | None = None) -> None:
        try:
            self.send_response(status)
            for key, value in (headers or {}).items():
                self.send_header(key, value)
            self.send_header("Content-Length", str(len(body)))
            self.end_headers()
            self.wfile.write(body)
        except (BrokenPipeError, ConnectionResetError):
            pass

    def log_message(self, *args: Any) -> None:
        pass


class LocalServer:
    """``handler`` served on 127.0.0.1 while the ``with`` block runs."""

    def __init__(self, handler: type[BaseHTTPRequestHandler]) -> None:
        self.httpd = ThreadingHTTPServer(("127.0.0.1", 0), handler)
        self.httpd.daemon_threads = True
        self.thread = threading.Thread(target=self.httpd.serve_forever, daemon=True)

    @property
    def port(self) -> int:
        return self.httpd.server_port

    @property
    def url(self) -> str:
        return f"http://127.0.0.1:{self.port}"

    def __enter__(self) -> LocalServer:
        self.thread.start()
        return self

    def __exit__(self, *exc: object) -> None:
        self.httpd.shutdown()
        self.httpd.server_close()


class SitesProxy(LocalServer):
    """Company websites by host and path (``sites[host][path]`` -> HTML), reached through this
    server as an HTTP proxy, as the demo world is; anything else is a 404. Every request is
    counted per host (``by_host``) and per host and path (``by_page``)."""

    def __init__(self, sites: dict[str, dict[str, str]] | None = None) -> None:
        self.sites: dict[str, dict[str, str]] = sites if sites is not None else {}
        self.by_host: Counter[str] = Counter()
        self.by_page: Counter[str] = Counter()
        lock = threading.Lock()
        proxy = self

        class Handler(QuietHandler):
            def do_GET(self) -> None:  # noqa: N802
                target = urlsplit(self.path)
                host = target.hostname or self.headers.get("Host", "").split(":")[0]
                with lock:
                    proxy.by_host[host] += 1
                    proxy.by_page[f"{host}{target.path}"] += 1
                body = proxy.sites.get(host, {}).get(target.path or "/")
                self.reply(200 if body is not None else 404,
                           (body if body is not None else "not found").encode(),
                           {"Content-Type": "text/html; charset=utf-8"})

        super().__init__(Handler)
