"""One HTTP client fetches every website of a run; a cookie one site sets must go back to that
site only. Two real sites on 127.0.0.1 (different ports: a cookie jar tells hosts apart by
name, not by port, so these two look like one host to it), each recording the Cookie header
of every request it receives."""

from __future__ import annotations

import threading

from localhttp import LocalServer, QuietHandler

from enrich.site_pool import FetchOptions, read_here
from enrich.website import fetch_site, http_client

UA = "leadpipe-test"
LOCAL = ("127.0.0.1",)
PAGE = '<html><body><a href="/contact">Contact</a><p>Firm Ltd</p></body></html>'


class Site(LocalServer):
    """A site with a home page (setting ``cookie`` when given) and a contact page; ``seen``
    holds (path, Cookie header or None) for every request."""

    def __init__(self, cookie: str | None = None) -> None:
        self.seen: list[tuple[str, str | None]] = []
        lock = threading.Lock()
        site = self

        class Handler(QuietHandler):
            def do_GET(self) -> None:  # noqa: N802
                with lock:
                    site.seen.append((self.path, self.headers.get("Cookie")))
                if self.path == "/robots.txt":
                    self.reply(200, b"User-agent: *\nAllow: /\n", {"Content-Type": "text/plain"})
                    return
                headers = {"Content-Type": "text/html; charset=utf-8"}
                if self.path == "/" and cookie:
                    headers["Set-Cookie"] = f"{cookie}; Path=/"
                self.reply(200, PAGE.encode(), headers)

        super().__init__(Handler)


def test_a_cookie_set_by_one_site_is_sent_back_to_it_and_never_to_the_next_site():
    with Site(cookie="session=a-secret") as a, Site() as b, \
            http_client(UA, allow_addresses=LOCAL) as client:
        assert fetch_site(client, f"{a.url}/", UA).status == "ok"
        assert fetch_site(client, f"{b.url}/", UA).status == "ok"
        again = fetch_site(client, f"{a.url}/", UA)
    assert again.status == "ok"
    assert ("/contact", "session=a-secret") in a.seen  # kept for the rest of site A's fetch
    assert [path for path, _ in b.seen] == ["/robots.txt", "/", "/contact"]
    assert all(cookie is None for _, cookie in b.seen), b.seen
    # the next fetch of site A starts with no cookie either: nothing outlives a site's fetch
    assert a.seen[3:5] == [("/robots.txt", None), ("/", None)]


def test_sites_fetched_at_once_by_threads_of_one_client_keep_their_cookies_apart():
    sites = [Site(cookie=f"session=s{i}") for i in range(4)] + [Site() for _ in range(4)]
    for site in sites:
        site.__enter__()
    try:
        options = FetchOptions(user_agent=UA, allow_addresses=LOCAL, workers=4)
        done = dict(read_here([f"{s.url}/" for s in sites], options, lambda s: s.status))
    finally:
        for site in sites:
            site.__exit__(None, None, None)
    assert set(done.values()) == {"ok"}
    for i, site in enumerate(sites):
        sent = {cookie for _, cookie in site.seen if cookie is not None}
        assert sent == ({f"session=s{i}"} if i < 4 else set()), (i, site.seen)
