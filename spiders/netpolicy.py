"""One outbound-fetch policy for every fetcher: nothing is fetched from private address space.

A company website, a listing page or a redirect can name any host. Without a policy a page
that says ``http://169.254.169.254/`` (cloud metadata), ``http://10.0.0.1/`` or
``http://localhost:4200/`` (the Prefect API) is fetched from inside our network and what it
says is stored. This module refuses such fetches *before any connection is attempted*:

- **What is refused.** Every address that is not a public unicast address, as Python's
  ``ipaddress`` classifies it: loopback, private, link-local, multicast, reserved, unspecified,
  shared (100.64.0.0/10) and documentation ranges, plus the cloud metadata addresses that sit
  in public-looking space (``192.0.0.192``, ``100.100.100.200``, ``fd00:ec2::254``). IPv6 forms
  that carry an IPv4 address (IPv4-mapped, IPv4-compatible, 6to4, Teredo, NAT64) are judged by
  that IPv4 address. Odd IPv4 spellings (``2130706433``, ``0x7f.1``, ``0177.0.0.1``,
  ``127.1``) are read the way the C library reads them, so they cannot slip past.
- **The allow-list.** ``allow`` names addresses or networks (``"127.0.0.1"``,
  ``"127.0.0.0/8"``, ``"::1"``) that are let through anyway. It is empty by default; the demo
  world and the tests name ``127.0.0.1`` there. Scrapy reads it from the setting
  ``LEADPIPE_ALLOW_ADDRESSES`` (a list, or a comma-separated string).
- **Pinned connections (no DNS rebinding).** A host name is resolved once, the answers are
  checked, and the connection goes to a checked address: the httpx transport resolves and
  connects in its own network backend (the Host header and TLS SNI keep the name); Scrapy's
  resolver (``TWISTED_DNS_RESOLVER``) hands Twisted only addresses it has checked. A second
  answer from a rebinding DNS server is never what a socket connects to unchecked.
- **Redirects.** Every hop goes through the same check: each httpx redirect passes through the
  transport again; each Scrapy redirect is a new request through the downloader middleware.
- **Proxies.** When a proxy is configured (the demo world is reached through an HTTP proxy on
  127.0.0.1 whose target host names do not resolve in DNS), the proxy's own address must pass
  the policy, so it has to be allow-listed when it is private. Target hosts are then not
  resolved here (the proxy resolves them, and must enforce its own egress rules), but a target
  that is a literal IP address, in any spelling, or a name that always means a private address
  (``localhost``, ``*.localhost``, the cloud metadata names) is still checked.
- **Reporting.** Each refusal is logged as one line naming the URL and the reason, and counted:
  ``OutboundPolicy.refused`` for httpx users (the enrichment summary), and the Scrapy stat
  ``leadpipe/refused_private`` for crawls.
"""

from __future__ import annotations

import ipaddress
import logging
import re
import socket
import threading
from collections.abc import Iterable
from typing import Any
from urllib.parse import urlsplit

import httpcore
import httpx
from scrapy.exceptions import IgnoreRequest
from scrapy.resolver import CachingThreadedResolver
from scrapy.utils.httpobj import urlparse_cached
from twisted.internet.error import DNSLookupError

logger = logging.getLogger(__name__)

IPAddress = ipaddress.IPv4Address | ipaddress.IPv6Address
IPNetwork = ipaddress.IPv4Network | ipaddress.IPv6Network

ALLOW_SETTING = "LEADPIPE_ALLOW_ADDRESSES"
REFUSED_STAT = "leadpipe/refused_private"

# Metadata services that answer on addresses ``ipaddress`` does not call private.
METADATA_ADDRESSES = frozenset(
    ipaddress.ip_address(a)
    for a in ("169.254.169.254", "169.254.170.2", "192.0.0.192", "100.100.100.200",
              "fd00:ec2::254")
)
# Names that mean a private address whatever DNS says (RFC 6761, cloud metadata endpoints).
KNOWN_NAMES = {
    "localhost": "127.0.0.1",
    "metadata.google.internal": "169.254.169.254",
    "metadata": "169.254.169.254",
    "instance-data": "169.254.169.254",
    "instance-data.ec2.internal": "169.254.169.254",
}
_NAT64 = (ipaddress.ip_network("64:ff9b::/96"), ipaddress.ip_network("64:ff9b:1::/48"))
_IPV4_LEGACY = re.compile(r"^(0x[0-9a-f]*|[0-9]+)(\.(0x[0-9a-f]*|[0-9]+)){0,3}$", re.I)


class PolicyError(ValueError):
    """An allow-list entry that is not an address or a network; the message names it."""


class FetchRefused(httpx.ConnectError):
    """A fetch the policy refused before connecting (an httpx error, so callers that handle
    connection failures handle it too)."""

    def __init__(self, url: str, reason: str, request: httpx.Request | None = None) -> None:
        super().__init__(f"refused {url}: {reason}", request=request)
        self.url = url
        self.reason = reason


class AddressRefused(DNSLookupError):
    """A host whose every address the policy refused (raised where names are resolved)."""

    def __init__(self, host: str, reason: str) -> None:
        super().__init__(f"{host}: {reason}")
        self.host = host
        self.reason = reason


def _embedded_ipv4(ip: ipaddress.IPv6Address) -> ipaddress.IPv4Address | None:
    """The IPv4 address an IPv6 address carries (mapped, compatible, 6to4, Teredo, NAT64)."""
    if ip.ipv4_mapped is not None:
        return ip.ipv4_mapped
    if ip.sixtofour is not None:
        return ip.sixtofour
    if ip.teredo is not None:
        return ip.teredo[1]  # the client's address (the server's is public by design)
    packed = int(ip)
    if packed >> 32 == 0 and packed > 1:  # ::a.b.c.d, the deprecated IPv4-compatible form
        return ipaddress.IPv4Address(packed & 0xFFFFFFFF)
    if any(ip in net for net in _NAT64):
        return ipaddress.IPv4Address(packed & 0xFFFFFFFF)
    return None


def _kind(ip: IPAddress) -> str | None:
    """Why an address is not public, in plain words; None when it is a public address."""
    if ip in METADATA_ADDRESSES:
        return "cloud metadata address"
    if ip.is_unspecified:
        return "unspecified address"
    if ip.is_loopback:
        return "loopback address"
    if ip.is_link_local:
        return "link-local address"
    if ip.is_multicast:
        return "multicast address"
    if ip.is_reserved:
        return "reserved address"
    if ip.is_private:
        return "private address"
    if not ip.is_global:
        return "non-public address"
    return None


def literal_address(host: str) -> IPAddress | None:
    """The address a host written as an IP literal means, in any spelling the C library
    accepts (``2130706433``, ``0x7f.1``, ``[::1]``); None for a host name."""
    host = host.strip().strip("[]").rstrip(".")
    try:
        return ipaddress.ip_address(host)
    except ValueError:
        pass
    if _IPV4_LEGACY.match(host):
        try:
            return ipaddress.IPv4Address(socket.inet_aton(host))
        except OSError:
            return None
    return None


class OutboundPolicy:
    """Which addresses a fetcher may connect to, and a count of what it refused."""

    def __init__(self, allow: Iterable[str] = ()) -> None:
        self.allow: tuple[IPNetwork, ...] = tuple(_network(entry) for entry in allow)
        self._refused = 0
        self._lock = threading.Lock()

    @classmethod
    def from_settings(cls, settings: Any) -> OutboundPolicy:
        """The policy a Scrapy crawl runs under (``LEADPIPE_ALLOW_ADDRESSES``)."""
        return cls(e for e in settings.getlist(ALLOW_SETTING) if str(e).strip())

    @property
    def refused(self) -> int:
        """How many fetches this policy refused."""
        return self._refused

    # --- the decision -------------------------------------------------------------------

    def _allowed(self, ip: IPAddress) -> bool:
        return any(ip.version == net.version and ip in net for net in self.allow)

    def address_refusal(self, address: str | IPAddress) -> str | None:
        """Why connecting to ``address`` is refused; None when it may be used."""
        ip = ipaddress.ip_address(address) if isinstance(address, str) else address
        if isinstance(ip, ipaddress.IPv6Address) and ip.scope_id:
            ip = ipaddress.IPv6Address(str(ip).split("%", 1)[0])
        inner = _embedded_ipv4(ip) if isinstance(ip, ipaddress.IPv6Address) else None
        if self._allowed(ip) or (inner is not None and self._allowed(inner)):
            return None
        if inner is not None:  # the IPv4 host it reaches decides, not the wrapper's range
            kind = _kind(inner)
            return f"IPv6 address {ip} (carries {inner}, a {kind})" if kind else None
        kind = _kind(ip)
        return f"{kind} {ip}" if kind else None

    def host_refusal(self, host: str | None) -> str | None:
        """Why a host is refused without asking DNS: an IP literal in any spelling, or a name
        that always means a private address. None when it can only be judged by resolving it
        (or, behind a proxy, is left to the proxy)."""
        if not host:
            return "no host in the URL"
        ip = literal_address(host)
        if ip is None:
            name = host.strip().rstrip(".").lower()
            known = KNOWN_NAMES.get(name) or ("127.0.0.1" if name.endswith(".localhost") else None)
            if known is None:
                return None
            reason = self.address_refusal(known)
            return f"{name} means {reason}" if reason else None
        return self.address_refusal(ip)

    def resolve(self, host: str, port: int) -> str:
        """Resolve ``host`` and return an address it may connect to; raise ``AddressRefused``
        when every answer is refused. Connect to exactly this address (that is the pin)."""
        reason = self.host_refusal(host)
        if reason:
            raise AddressRefused(host, reason)
        answers = socket.getaddrinfo(host, port, type=socket.SOCK_STREAM)
        reasons = []
        for *_, sockaddr in answers:
            address = str(sockaddr[0])
            refusal = self.address_refusal(address)
            if refusal is None:
                return address
            reasons.append(refusal)
        raise AddressRefused(host, f"resolves to {'; '.join(dict.fromkeys(reasons))}")

    def record_refusal(self, url: str, reason: str) -> None:
        """Count a refused fetch and log it (one line: the URL and the reason)."""
        with self._lock:
            self._refused += 1
        logger.warning("refused to fetch %s: %s", url, reason)

    # --- httpx -----------------------------------------------------------------------------

    def httpx_client(
        self, *, proxy: str | None = None, limits: httpx.Limits | None = None, **kwargs: Any
    ) -> httpx.Client:
        """An ``httpx.Client`` whose every request (and every redirect hop) goes through this
        policy. Other keyword arguments go to ``httpx.Client`` (headers, timeout, ...).
        Environment proxies are ignored: pass ``proxy`` explicitly."""
        transport = PolicyTransport(self, proxy=proxy, limits=limits or httpx.Limits())
        return httpx.Client(transport=transport, trust_env=False, **kwargs)


def _network(entry: str) -> IPNetwork:
    try:
        return ipaddress.ip_network(str(entry).strip(), strict=False)
    except ValueError:
        raise PolicyError(
            f"{ALLOW_SETTING}: {entry!r} is not an IP address or network"
            " (e.g. 127.0.0.1 or 127.0.0.0/8)"
        ) from None


class _PolicyBackend(httpcore.SyncBackend):
    """httpcore's network backend with the policy between name resolution and connect()."""

    def __init__(self, policy: OutboundPolicy) -> None:
        self.policy = policy

    def connect_tcp(
        self, host: str, port: int, timeout: float | None = None,
        local_address: str | None = None, socket_options: Iterable[Any] | None = None,
    ) -> httpcore.NetworkStream:
        try:
            address = self.policy.resolve(host, port)
        except socket.gaierror as exc:
            raise httpcore.ConnectError(f"{host}: {exc.strerror or exc}") from exc
        return super().connect_tcp(address, port, timeout, local_address, socket_options)


class PolicyTransport(httpx.HTTPTransport):
    """httpx transport that checks every request's target and connects only to checked
    addresses (directly or to the proxy)."""

    def __init__(self, policy: OutboundPolicy, *, proxy: str | None = None, **kwargs: Any):
        super().__init__(proxy=proxy, **kwargs)
        # httpcore's pools (direct and HTTP proxy) open every TCP connection through their
        # network backend; putting the policy there pins each connection to a checked address.
        if not hasattr(self._pool, "_network_backend"):
            raise RuntimeError("httpcore changed: cannot install the outbound-fetch policy")
        self._pool._network_backend = _PolicyBackend(policy)
        self.policy = policy
        self.proxy = proxy

    def handle_request(self, request: httpx.Request) -> httpx.Response:
        url = str(request.url)
        reason = self.policy.host_refusal(request.url.host)
        if reason is None:
            try:
                return super().handle_request(request)
            except AddressRefused as exc:
                reason = exc.reason if self.proxy is None else f"proxy {self.proxy}: {exc.reason}"
        self.policy.record_refusal(url, reason)
        raise FetchRefused(url, reason, request=request)


# --- Scrapy ------------------------------------------------------------------------------


class PolicyResolver(CachingThreadedResolver):
    """Scrapy's caching resolver, handing Twisted only addresses the policy allows: every
    connection a crawl opens by name (sites and proxies) goes to a checked address."""

    def __init__(self, reactor: Any, cache_size: int, timeout: float,
                 policy: OutboundPolicy) -> None:
        super().__init__(reactor, cache_size, timeout)
        self.policy = policy

    @classmethod
    def from_crawler(cls, crawler: Any, reactor: Any) -> PolicyResolver:
        settings = crawler.settings
        cache = settings.getint("DNSCACHE_SIZE") if settings.getbool("DNSCACHE_ENABLED") else 0
        return cls(reactor, cache, settings.getfloat("DNS_TIMEOUT"),
                   OutboundPolicy.from_settings(settings))

    def getHostByName(self, name: str, timeout: Any = ()) -> Any:  # noqa: N802 - Twisted API
        reason = self.policy.host_refusal(name)
        if reason:
            from twisted.internet import defer

            return defer.fail(AddressRefused(name, reason))
        d = super().getHostByName(name, timeout)
        d.addCallback(self._checked, name)
        return d

    def _checked(self, address: str, name: str) -> str:
        reason = self.policy.address_refusal(address)
        if reason:
            raise AddressRefused(name, f"resolves to {reason}")
        return address


class OutboundPolicyMiddleware:
    """Downloader middleware: vet every request (redirects and robots.txt included) before it
    is downloaded; a refused one is logged, counted (``leadpipe/refused_private``) and
    dropped as ``IgnoreRequest``. Runs after ``HttpProxyMiddleware`` so it sees the proxy."""

    def __init__(self, crawler: Any) -> None:
        self.crawler = crawler
        self.policy = OutboundPolicy.from_settings(crawler.settings)

    @classmethod
    def from_crawler(cls, crawler: Any) -> OutboundPolicyMiddleware:
        return cls(crawler)

    async def process_request(self, request: Any, spider: Any = None) -> None:
        parts = urlparse_cached(request)
        if parts.scheme not in ("http", "https"):
            return None
        proxy = request.meta.get("proxy")
        if proxy:
            reason = await self._resolved_refusal(urlsplit(proxy).hostname)
            reason = f"proxy {proxy}: {reason}" if reason else self.policy.host_refusal(
                parts.hostname)
        else:
            reason = await self._resolved_refusal(parts.hostname)
        if reason is None:
            return None
        self.policy.record_refusal(request.url, reason)
        if self.crawler.stats is not None:
            self.crawler.stats.inc_value(REFUSED_STAT)
        raise IgnoreRequest(f"refused by the outbound-fetch policy: {reason}")

    async def _resolved_refusal(self, host: str | None) -> str | None:
        reason = self.policy.host_refusal(host)
        if reason or host is None or literal_address(host) is not None:
            return reason
        from scrapy.utils.defer import maybe_deferred_to_future
        from twisted.internet import reactor

        try:  # through the installed resolver, whose cache the download then uses
            address = await maybe_deferred_to_future(reactor.resolve(host))
        except AddressRefused as exc:
            return exc.reason
        except DNSLookupError:
            return None  # the download itself fails and reports it
        reason = self.policy.address_refusal(address)
        return f"resolves to {reason}" if reason else None
