"""The outbound-fetch policy: nothing is fetched from private address space, and the refusal
happens before any connection is attempted.

No test here sends a packet to a non-loopback address: every private address is refused
before connect(), which the tests prove by recording the resolver and socket calls (httpx in
this process, Scrapy in a subprocess), and, where ``unshare`` and ``strace`` exist, by tracing
connect() inside a network namespace that has only loopback.
"""

from __future__ import annotations

import json
import logging
import os
import re
import shutil
import socket
import subprocess
import sys
import textwrap
import threading
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path
from typing import Any

import pytest

from enrich.stage import fetch_websites
from enrich.website import fetch_site
from leadpipe.config import load_config
from leadpipe.demo.session import source_access
from leadpipe.runner import configured_access
from spiders.netpolicy import FetchRefused, OutboundPolicy, PolicyError

ROOT = Path(__file__).resolve().parent.parent
PRIVATE_SITES = [
    "http://169.254.169.254/",
    "http://10.0.0.1/",
    "http://[::1]/",
    "http://localhost:4200/",
    "http://2130706433/",
    "http://0x7f.1/",
    "http://[::ffff:127.0.0.1]/",
]


# --- what is refused --------------------------------------------------------------------


@pytest.mark.parametrize(
    ("host", "reason"),
    [
        ("169.254.169.254", "cloud metadata address 169.254.169.254"),
        ("10.0.0.1", "private address 10.0.0.1"),
        ("192.168.1.20", "private address 192.168.1.20"),
        ("172.16.0.5", "private address 172.16.0.5"),
        ("127.0.0.1", "loopback address 127.0.0.1"),
        ("::1", "loopback address ::1"),
        ("[::1]", "loopback address ::1"),
        ("0.0.0.0", "unspecified address 0.0.0.0"),
        ("::", "unspecified address ::"),
        ("fe80::1", "link-local address fe80::1"),
        ("fe80::1%eth0", "link-local address fe80::1"),
        ("224.0.0.1", "multicast address 224.0.0.1"),
        ("ff02::1", "multicast address ff02::1"),
        ("240.0.0.1", "reserved address 240.0.0.1"),
        ("100.64.0.1", "non-public address 100.64.0.1"),
        ("100.100.100.200", "cloud metadata address 100.100.100.200"),
        ("192.0.0.192", "cloud metadata address 192.0.0.192"),
        ("fd00:ec2::254", "cloud metadata address fd00:ec2::254"),
        ("fc00::1", "private address fc00::1"),
        # odd IPv4 spellings, read as the C library reads them
        ("2130706433", "loopback address 127.0.0.1"),
        ("0x7f.1", "loopback address 127.0.0.1"),
        ("0177.0.0.1", "loopback address 127.0.0.1"),
        ("127.1", "loopback address 127.0.0.1"),
        ("0x7f000001", "loopback address 127.0.0.1"),
        ("0xa.0.0.1", "private address 10.0.0.1"),
        ("127.0.0.1.", "loopback address 127.0.0.1"),
        # IPv6 forms that carry an IPv4 address
        ("::ffff:127.0.0.1", "carries 127.0.0.1, a loopback address"),
        ("::ffff:169.254.169.254", "carries 169.254.169.254, a cloud metadata address"),
        ("::127.0.0.1", "carries 127.0.0.1, a loopback address"),
        ("::a00:1", "carries 10.0.0.1, a private address"),
        ("2002:a00:1::", "carries 10.0.0.1, a private address"),
        ("64:ff9b::a9fe:a9fe", "carries 169.254.169.254"),
        # names that mean a private address whatever DNS says
        ("localhost", "localhost means loopback address 127.0.0.1"),
        ("LOCALHOST.", "localhost means loopback address 127.0.0.1"),
        ("api.localhost", "api.localhost means loopback address 127.0.0.1"),
        ("metadata.google.internal", "cloud metadata address 169.254.169.254"),
    ],
)
def test_private_hosts_are_refused_with_a_plain_reason(host, reason):
    refusal = OutboundPolicy().host_refusal(host)
    assert refusal is not None and reason in refusal, refusal


@pytest.mark.parametrize("host", ["8.8.8.8", "93.184.215.14", "2606:4700::1111",
                                  "::ffff:8.8.8.8", "example.com", "expo.demo"])
def test_public_addresses_and_names_are_left_to_resolution(host):
    assert OutboundPolicy().host_refusal(host) is None


def test_the_allow_list_names_addresses_and_networks():
    one = OutboundPolicy(["127.0.0.1"])
    assert one.host_refusal("127.0.0.1") is None
    assert one.host_refusal("localhost") is None
    assert one.host_refusal("::ffff:127.0.0.1") is None  # the same host, mapped
    assert one.host_refusal("127.0.0.2") == "loopback address 127.0.0.2"
    assert one.host_refusal("10.0.0.1") == "private address 10.0.0.1"
    net = OutboundPolicy(["127.0.0.0/8", "::1"])
    assert net.host_refusal("0x7f.0.0.9") is None
    assert net.host_refusal("[::1]") is None
    assert net.host_refusal("169.254.169.254") is not None
    assert OutboundPolicy().allow == ()  # empty by default


def test_a_bad_allow_list_entry_is_named():
    with pytest.raises(PolicyError, match=r"LEADPIPE_ALLOW_ADDRESSES: 'intranet' is not an IP"):
        OutboundPolicy(["127.0.0.1", "intranet"])


def test_resolution_connects_only_to_a_checked_answer(monkeypatch):
    """A name with a private and an allowed answer gives the allowed one; a name whose every
    answer is private (a rebinding DNS server's second answer, say) is refused."""
    answers = {"mixed.test": ["10.0.0.1", "127.0.0.1"], "rebound.test": ["10.0.0.1"]}

    def fake_getaddrinfo(host, port, *args, **kwargs):
        return [(socket.AF_INET, socket.SOCK_STREAM, 6, "", (a, port)) for a in answers[host]]

    monkeypatch.setattr(socket, "getaddrinfo", fake_getaddrinfo)
    policy = OutboundPolicy(["127.0.0.1"])
    assert policy.resolve("mixed.test", 80) == "127.0.0.1"
    with pytest.raises(Exception, match="resolves to private address 10.0.0.1"):
        policy.resolve("rebound.test", 80)


# --- local servers ----------------------------------------------------------------------


class _Server:
    """A site on 127.0.0.1 that records each request (path, Host) and can answer every page
    with a 302 to ``redirect_to``; in ``proxy`` mode it answers absolute-form requests."""

    def __init__(self, redirect_to: str | None = None) -> None:
        self.redirect_to = redirect_to
        self.requests: list[tuple[str, str]] = []
        outer = self

        class Handler(BaseHTTPRequestHandler):
            def do_GET(self) -> None:  # noqa: N802 - http.server API
                outer.requests.append((self.path, self.headers.get("Host", "")))
                if self.path.endswith("/robots.txt"):
                    status, headers, body = 404, {}, b"none"
                elif outer.redirect_to:
                    status, headers, body = 302, {"Location": outer.redirect_to}, b""
                else:
                    status, headers = 200, {"Content-Type": "text/html; charset=utf-8"}
                    body = b"<html><body><p>Acme Ltd, 120 employees.</p></body></html>"
                self.send_response(status)
                for key, value in headers.items():
                    self.send_header(key, value)
                self.send_header("Content-Length", str(len(body)))
                self.end_headers()
                self.wfile.write(body)

            def log_message(self, *args: Any) -> None:
                pass

        self.httpd = ThreadingHTTPServer(("127.0.0.1", 0), Handler)
        self.httpd.daemon_threads = True
        self.thread = threading.Thread(target=self.httpd.serve_forever, daemon=True)

    @property
    def port(self) -> int:
        return self.httpd.server_address[1]

    @property
    def url(self) -> str:
        return f"http://127.0.0.1:{self.port}"

    def __enter__(self) -> _Server:
        self.thread.start()
        return self

    def __exit__(self, *exc: Any) -> None:
        self.httpd.shutdown()
        self.httpd.server_close()


class _Calls:
    """Every name resolution and TCP connect this process attempts (socket layer)."""

    def __init__(self, monkeypatch: pytest.MonkeyPatch) -> None:
        self.resolved: list[str] = []
        self.connected: list[tuple[str, int]] = []
        real_gai, real_connect = socket.getaddrinfo, socket.create_connection

        def getaddrinfo(host, *args, **kwargs):
            self.resolved.append(str(host))
            return real_gai(host, *args, **kwargs)

        def create_connection(address, *args, **kwargs):
            self.connected.append((str(address[0]), int(address[1])))
            if str(address[0]) not in ("127.0.0.1", "::1"):  # even if the policy broke
                raise OSError(101, "test guard: only loopback may be connected")
            return real_connect(address, *args, **kwargs)

        monkeypatch.setattr(socket, "getaddrinfo", getaddrinfo)
        monkeypatch.setattr(socket, "create_connection", create_connection)


@pytest.fixture()
def calls(monkeypatch) -> _Calls:
    return _Calls(monkeypatch)


# --- enrichment (httpx) -----------------------------------------------------------------


def test_private_company_websites_are_refused_before_any_connection(calls, caplog):
    caplog.set_level(logging.WARNING, logger="spiders.netpolicy")
    signals = fetch_websites(PRIVATE_SITES, user_agent="leadpipe-test", workers=2)
    assert {site: s.status for site, s in signals.items()} == dict.fromkeys(
        PRIVATE_SITES, "refused")
    assert calls.connected == []
    assert calls.resolved == []  # literal addresses and "localhost" need no DNS at all
    lines = [r.getMessage() for r in caplog.records]
    assert "refused to fetch http://169.254.169.254/robots.txt: cloud metadata address " \
           "169.254.169.254" in lines
    assert "refused to fetch http://10.0.0.1/robots.txt: private address 10.0.0.1" in lines
    assert "refused to fetch http://localhost:4200/robots.txt: localhost means loopback " \
           "address 127.0.0.1" in lines
    assert len(lines) == len(PRIVATE_SITES)  # one line per refused fetch


def test_a_host_httpx_cannot_parse_is_one_failed_site_not_a_crashed_run(calls):
    out = fetch_websites(["http://0177.0.0.1/", "http://10.0.0.1/"], user_agent="t")
    assert {s: v.status for s, v in out.items()} == {"http://0177.0.0.1/": "unreachable",
                                                      "http://10.0.0.1/": "refused"}
    assert calls.connected == []


def test_a_local_site_is_fetched_only_when_allow_listed(calls):
    with _Server() as site:
        with OutboundPolicy().httpx_client() as client:
            assert fetch_site(client, site.url, "leadpipe-test").status == "refused"
        assert site.requests == [] and calls.connected == []
        policy = OutboundPolicy(["127.0.0.1"])
        with policy.httpx_client() as client:
            signals = fetch_site(client, site.url, "leadpipe-test")
        assert signals.status == "ok" and "120 employees" in signals.text
        assert policy.refused == 0
        assert set(calls.connected) == {("127.0.0.1", site.port)}


@pytest.mark.parametrize("target", ["http://169.254.169.254/latest/meta-data/",
                                    "http://10.0.0.1/admin"])
def test_a_redirect_into_private_space_is_refused(calls, target):
    with _Server(redirect_to=target) as site:
        policy = OutboundPolicy(["127.0.0.1"])
        with policy.httpx_client(follow_redirects=True) as client:
            signals = fetch_site(client, site.url, "leadpipe-test")
            with pytest.raises(FetchRefused) as refused:
                client.get(site.url + "/page")
    assert signals.status == "refused"
    assert refused.value.url == target and "address" in refused.value.reason
    assert [path for path, _ in site.requests] == ["/robots.txt", "/", "/page"]
    assert set(calls.connected) == {("127.0.0.1", site.port)}  # never the redirect target
    assert policy.refused == 2


def test_the_connection_goes_to_the_checked_address_and_keeps_the_host(monkeypatch):
    """Pinning: the name is resolved once, by the policy, and the socket connects to that
    answer; the request still names the host (Host header, and SNI for https)."""
    real_gai = socket.getaddrinfo
    seen: list[tuple[str, int]] = []

    def getaddrinfo(host, port, *args, **kwargs):
        if host == "acme.test":  # a name only this test knows
            return [(socket.AF_INET, socket.SOCK_STREAM, 6, "", ("127.0.0.1", port))]
        return real_gai(host, port, *args, **kwargs)

    real_connect = socket.create_connection

    def create_connection(address, *args, **kwargs):
        seen.append((str(address[0]), int(address[1])))
        return real_connect(address, *args, **kwargs)

    monkeypatch.setattr(socket, "getaddrinfo", getaddrinfo)
    monkeypatch.setattr(socket, "create_connection", create_connection)
    with _Server() as site:
        with OutboundPolicy(["127.0.0.1"]).httpx_client() as client:
            response = client.get(f"http://acme.test:{site.port}/")
    assert response.status_code == 200
    assert seen == [("127.0.0.1", site.port)]
    assert site.requests == [("/", f"acme.test:{site.port}")]


def test_behind_a_proxy_the_proxy_is_checked_and_literal_targets_still_are(calls):
    with _Server() as proxy:
        with OutboundPolicy().httpx_client(proxy=proxy.url) as client:
            with pytest.raises(FetchRefused, match=r"proxy http://127\.0\.0\.1:\d+: loopback"):
                client.get("http://acme.demo/")
        assert proxy.requests == []
        policy = OutboundPolicy(["127.0.0.1"])
        with policy.httpx_client(proxy=proxy.url) as client:
            assert client.get("http://acme.demo/").status_code == 200
            for url in ("http://10.0.0.1/", "http://169.254.169.254/", "http://[::1]:4200/"):
                with pytest.raises(FetchRefused):
                    client.get(url)
    # the target name went to the proxy unresolved; the private targets went nowhere
    assert proxy.requests == [("http://acme.demo/", "acme.demo")]
    assert "acme.demo" not in calls.resolved
    assert set(calls.connected) == {("127.0.0.1", proxy.port)}
    assert policy.refused == 3


def test_environment_proxies_cannot_bypass_the_policy(calls, monkeypatch):
    with _Server() as proxy:
        monkeypatch.setenv("HTTP_PROXY", proxy.url)
        monkeypatch.setenv("http_proxy", proxy.url)
        with OutboundPolicy().httpx_client() as client, pytest.raises(FetchRefused):
            client.get("http://10.0.0.1/")
    assert proxy.requests == [] and calls.connected == []


def test_enrichment_summary_counts_refused_websites():
    """``fetch_websites`` is what ``run_enrichment`` calls; a refused site is 'refused', not
    'unreachable' (which would count against its solvency)."""
    with _Server() as site:
        out = fetch_websites([site.url, "http://10.0.0.1/"], user_agent="t",
                             allow_addresses=["127.0.0.1"], workers=2)
    assert out[site.url].status == "ok" and out["http://10.0.0.1/"].status == "refused"


def test_only_the_demo_world_we_serve_is_allowed_through(tmp_path):
    path = tmp_path / "leadpipe.toml"
    path.write_text('[demo]\ncompanies = 50\n', encoding="utf-8")
    config = load_config(path)
    assert configured_access(config).allow_addresses == ()
    with source_access(config, ["demo_expo"]) as access:
        assert access.allow_addresses == ("127.0.0.1",)
        assert access.proxy.startswith("http://127.0.0.1:")
    with source_access(config, ["yellowpages_au"]) as access:
        assert access.allow_addresses == ()
    path.write_text('[crawl]\nproxy = "http://proxy.example:3128"\n', encoding="utf-8")
    with source_access(load_config(path), ["demo_expo"]) as access:
        assert access.allow_addresses == () and access.proxy == "http://proxy.example:3128"


# --- crawls (Scrapy, in a subprocess with its own reactor) -------------------------------

_PROBE = textwrap.dedent("""
    import json, socket, sys
    connects = []
    _socket = socket.socket

    class Recording(_socket):
        # records every connect; never lets one leave loopback, even if the policy broke

        def _guard(self, address):
            connects.append(list(address[:2]))
            if isinstance(address, tuple) and address[0] not in ("127.0.0.1", "::1"):
                raise OSError(101, "test guard: only loopback may be connected")

        def connect(self, address):
            self._guard(address)
            return super().connect(address)

        def connect_ex(self, address):
            self._guard(address)
            return super().connect_ex(address)

    socket.socket = Recording
    fake = json.loads(sys.argv[2])  # name -> list of answers, used in turn (last one repeats)
    _gethostbyname = socket.gethostbyname

    def gethostbyname(name):
        if name in fake:
            answers = fake[name]
            return answers.pop(0) if len(answers) > 1 else answers[0]
        return _gethostbyname(name)

    socket.gethostbyname = gethostbyname

    import scrapy
    from scrapy.crawler import CrawlerProcess
    from scrapy.settings import Settings
    from spiders import settings as base
    from spiders.netpolicy import REFUSED_STAT

    class Probe(scrapy.Spider):
        name = "probe"

        def __init__(self, urls, **kwargs):
            super().__init__(**kwargs)
            self.urls, self.seen, self.failed = urls, [], []

        async def start(self):
            for url in self.urls:
                yield scrapy.Request(url, errback=self.error, dont_filter=True)

        def parse(self, response):
            self.seen.append(response.url)

        def error(self, failure):
            self.failed.append([failure.request.url, type(failure.value).__name__])

    settings = Settings()
    settings.setmodule(base)
    for key, value in json.loads(sys.argv[1]).items():
        settings.set(key, value, priority="cmdline")
    process = CrawlerProcess(settings)
    crawler = process.create_crawler(Probe)
    process.crawl(crawler, urls=json.loads(sys.argv[3]))
    process.start()
    spider = crawler.spider
    print("RESULT " + json.dumps({"connects": connects, "seen": spider.seen,
                                  "failed": spider.failed,
                                  "refused": crawler.stats.get_value(REFUSED_STAT, 0)}))
""")


def _probe(tmp_path: Path, urls: list[str], *, allow: list[str], proxy: str | None = None,
           fake_dns: dict[str, list[str]] | None = None, **settings: Any) -> dict[str, Any]:
    script = tmp_path / "probe.py"
    script.write_text(_PROBE, encoding="utf-8")
    conf = {"LEADPIPE_ALLOW_ADDRESSES": allow, "ROBOTSTXT_OBEY": False, "RETRY_TIMES": 1,
            "AUTOTHROTTLE_ENABLED": False, "LANDING_DIR": str(tmp_path), "LOG_LEVEL": "INFO",
            "TELNETCONSOLE_ENABLED": False, **settings}
    env = {k: v for k, v in os.environ.items() if "proxy" not in k.lower()}
    env["PYTHONPATH"] = str(ROOT)
    if proxy:
        env["http_proxy"] = env["HTTP_PROXY"] = proxy
    proc = subprocess.run(
        [sys.executable, str(script), json.dumps(conf), json.dumps(fake_dns or {}),
         json.dumps(urls)],
        cwd=ROOT, env=env, capture_output=True, text=True, timeout=90, check=False)
    lines = [line for line in proc.stdout.splitlines() if line.startswith("RESULT ")]
    assert lines, proc.stderr[-3000:]
    result = json.loads(lines[-1][len("RESULT "):])
    result["log"] = proc.stderr
    result["inet_connects"] = [tuple(c) for c in result["connects"] if len(c) == 2]
    return result


def test_a_crawl_refuses_private_urls_before_connecting(tmp_path):
    result = _probe(tmp_path, PRIVATE_SITES, allow=[])
    assert result["inet_connects"] == []
    assert result["seen"] == []
    assert sorted(u for u, _ in result["failed"]) == sorted(PRIVATE_SITES)
    assert {kind for _, kind in result["failed"]} == {"IgnoreRequest"}
    assert result["refused"] == len(PRIVATE_SITES)
    assert "refused to fetch http://10.0.0.1/: private address 10.0.0.1" in result["log"]
    assert "refused to fetch http://169.254.169.254/: cloud metadata address" in result["log"]


def test_a_crawl_reaches_a_local_server_only_when_allow_listed(tmp_path):
    with _Server() as site:
        refused = _probe(tmp_path, [site.url + "/"], allow=[])
        assert refused["refused"] == 1 and site.requests == []
        allowed = _probe(tmp_path, [site.url + "/"], allow=["127.0.0.1"])
    assert allowed["seen"] == [site.url + "/"] and allowed["refused"] == 0
    assert set(allowed["inet_connects"]) == {("127.0.0.1", site.port)}


@pytest.mark.parametrize("target", ["http://169.254.169.254/latest/meta-data/",
                                    "http://10.0.0.1/"])
def test_a_crawl_refuses_a_redirect_into_private_space(tmp_path, target):
    with _Server(redirect_to=target) as site:
        result = _probe(tmp_path, [site.url + "/listing?page=1"], allow=["127.0.0.1"])
    assert site.requests == [("/listing?page=1", f"127.0.0.1:{site.port}")]
    assert result["seen"] == [] and result["refused"] == 1
    assert set(result["inet_connects"]) == {("127.0.0.1", site.port)}
    assert f"refused to fetch {target}: " in result["log"]


def test_a_crawl_connects_only_to_checked_answers_even_when_dns_rebinds(tmp_path):
    """The name answers 127.0.0.1 to the policy's check and 10.0.0.1 to every lookup after
    (the DNS cache is off, so the download asks again): the socket never goes to 10.0.0.1."""
    with _Server() as site:
        result = _probe(tmp_path, [f"http://rebind.test:{site.port}/"], allow=["127.0.0.1"],
                        fake_dns={"rebind.test": ["127.0.0.1", "10.0.0.1"]},
                        DNSCACHE_ENABLED=False)
        pinned = _probe(tmp_path, [f"http://named.test:{site.port}/"], allow=["127.0.0.1"],
                        fake_dns={"named.test": ["127.0.0.1"]})
    assert all(host != "10.0.0.1" for host, _ in result["inet_connects"])
    assert result["seen"] == [] and result["refused"] >= 1
    # a name that resolves to an allowed address is fetched there, under its own name
    assert pinned["seen"] == [f"http://named.test:{site.port}/"]
    assert set(pinned["inet_connects"]) == {("127.0.0.1", site.port)}
    assert ("/", f"named.test:{site.port}") in site.requests


def test_a_crawl_behind_a_proxy_checks_the_proxy_and_literal_targets(tmp_path):
    with _Server() as proxy:
        refused = _probe(tmp_path, ["http://expo.demo/"], allow=[], proxy=proxy.url)
        assert refused["refused"] == 1 and proxy.requests == []
        result = _probe(tmp_path, ["http://expo.demo/", "http://10.0.0.1/",
                                   "http://[::1]:4200/"], allow=["127.0.0.1"],
                        proxy=proxy.url)
    assert result["seen"] == ["http://expo.demo/"] and result["refused"] == 2
    assert proxy.requests == [("http://expo.demo/", "expo.demo")]
    assert set(result["inet_connects"]) == {("127.0.0.1", proxy.port)}


# --- proof at the kernel: connect() traced in a namespace with only loopback -------------

_HAVE_TOOLS = all(shutil.which(t) for t in ("unshare", "strace", "ip"))


def _namespace_works() -> bool:
    if not _HAVE_TOOLS:
        return False
    probe = subprocess.run(["unshare", "-n", "true"], capture_output=True, check=False)
    return probe.returncode == 0


_TRACE_SCRIPT = textwrap.dedent("""
    import json, sys
    from enrich.stage import fetch_websites
    sites = json.loads(sys.argv[1])
    out = fetch_websites(sites, user_agent="leadpipe-test", allow_addresses=json.loads(sys.argv[2]))
    print("RESULT " + json.dumps({s: v.status for s, v in out.items()}))
""")


def _traced(tmp_path: Path, argv: list[str]) -> tuple[str, list[str]]:
    trace = tmp_path / "connect.trace"
    inner = (f"ip link set lo up && exec strace -f -qq -e trace=connect -e signal=none "
             f"-o {trace} " + " ".join(f"'{a}'" for a in argv))
    proc = subprocess.run(["unshare", "-n", "sh", "-c", inner], cwd=ROOT, capture_output=True,
                          text=True, timeout=120, check=False,
                          env={**os.environ, "PYTHONPATH": str(ROOT)})
    assert proc.returncode == 0, proc.stderr[-3000:]
    inet = [line for line in trace.read_text().splitlines() if "AF_INET" in line]
    return proc.stdout + proc.stderr, inet


@pytest.mark.skipif(not _namespace_works(), reason="needs unshare -n, ip and strace")
def test_traced_enrichment_and_crawl_never_call_connect_for_private_addresses(tmp_path):
    script = tmp_path / "trace_enrich.py"
    script.write_text(_TRACE_SCRIPT, encoding="utf-8")
    out, inet = _traced(tmp_path, [sys.executable, str(script), json.dumps(PRIVATE_SITES),
                                   "[]"])
    assert f"RESULT {json.dumps(dict.fromkeys(PRIVATE_SITES, 'refused'))}" in out
    assert inet == [], inet
    probe = tmp_path / "probe.py"
    probe.write_text(_PROBE, encoding="utf-8")
    conf = {"LEADPIPE_ALLOW_ADDRESSES": [], "ROBOTSTXT_OBEY": True, "LANDING_DIR": str(tmp_path),
            "TELNETCONSOLE_ENABLED": False}
    out, inet = _traced(tmp_path, [sys.executable, str(probe), json.dumps(conf), "{}",
                                   json.dumps(PRIVATE_SITES)])
    assert '"seen": []' in out and f'"refused": {2 * len(PRIVATE_SITES)}' in out, out[-2000:]
    assert inet == [], inet


@pytest.mark.skipif(not _namespace_works(), reason="needs unshare -n, ip and strace")
def test_traced_redirect_from_an_allowed_local_site_connects_only_to_it(tmp_path):
    script = tmp_path / "trace_redirect.py"
    script.write_text(textwrap.dedent("""
        import sys, threading
        from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
        from enrich.stage import fetch_websites

        class Handler(BaseHTTPRequestHandler):
            def do_GET(self):
                self.send_response(302)
                self.send_header("Location", sys.argv[1])
                self.send_header("Content-Length", "0")
                self.end_headers()

            def log_message(self, *args):
                pass

        httpd = ThreadingHTTPServer(("127.0.0.1", 0), Handler)
        threading.Thread(target=httpd.serve_forever, daemon=True).start()
        site = f"http://127.0.0.1:{httpd.server_address[1]}/"
        out = fetch_websites([site], user_agent="t", allow_addresses=["127.0.0.1"])
        print("PORT", httpd.server_address[1], "STATUS", out[site].status)
    """), encoding="utf-8")
    for target in ("http://169.254.169.254/", "http://10.0.0.1/"):
        out, inet = _traced(tmp_path, [sys.executable, str(script), target])
        found = re.search(r"PORT (\d+) STATUS (\w+)", out)
        assert found and found.group(2) == "refused", out[-2000:]
        assert inet and all('inet_addr("127.0.0.1")' in line
                            and f"htons({found.group(1)})" in line for line in inet), inet
