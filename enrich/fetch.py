"""Bounded, polite HTTP GETs for website enrichment: nothing a site sends can hold a run.

A company website is hostile input. Without bounds a slow-loris server that dribbles one byte
every few seconds holds a worker for minutes (httpx's timeout is per read, not per request), a
50 MB page or a 261 KB gzip bomb that expands to 256 MB is read into memory whole, and a 429 or
a 503 burst is taken as the site's final answer. This module bounds every one of those:

- **Deadlines.** Each request has a total deadline (``FetchLimits.fetch_seconds``: connect,
  headers and body together) and each site one for all its requests, retries and waits
  (``site_seconds``). The deadline is enforced on every socket read and write (a network
  backend that shortens each operation's timeout to the time left), so it also holds while
  httpx is still reading the headers.
- **Bytes.** Bodies are read as a stream and decompressed here, never more than
  ``max_bytes`` decompressed bytes; the rest is not read (the page is kept truncated). Only
  ``gzip`` and ``deflate`` are asked for.
- **Redirects** are bounded by the client (``max_redirects``).
- **Transient failures** (429, 500, 502, 503, 504, timeouts, a connection dropped mid-body,
  a gzip or deflate body that ends before its stream does)
  are retried ``retries`` times with exponential backoff, waiting what ``Retry-After`` asks
  when it is no more than ``max_wait`` seconds and fits in the site's deadline. When retries
  run out the failure is raised as ``TransientFailure``, so the caller stores "temporarily
  unreachable", not "unreachable".
"""

from __future__ import annotations

import codecs
import contextlib
import contextvars
import email.message
import email.utils
import math
import time
import zlib
from collections.abc import Iterable, Iterator
from dataclasses import dataclass
from datetime import UTC, datetime
from functools import lru_cache
from http.cookiejar import CookieJar
from typing import Any

import httpcore
import httpx

RETRY_STATUSES = frozenset({429, 500, 502, 503, 504})
ACCEPT_ENCODING = "gzip, deflate"
_CHUNK = 16_384


@dataclass(frozen=True)
class FetchLimits:
    """Every bound a website fetch runs under (the defaults are what enrichment uses)."""

    max_bytes: int = 2_000_000  # decompressed bytes kept per response
    fetch_seconds: float = 15.0  # one request, all of it
    site_seconds: float = 45.0  # one site: every request, retry and wait
    max_redirects: int = 5
    retries: int = 2  # further attempts after a transient failure
    backoff_seconds: float = 1.0  # first wait when the server names none; doubles each time
    max_wait: float = 20.0  # the longest Retry-After or Crawl-delay honoured


class TransientFailure(Exception):
    """A site that answered 429/5xx or timed out on every attempt: try again later."""

    def __init__(self, url: str, reason: str) -> None:
        super().__init__(f"{url}: {reason}")
        self.url = url
        self.reason = reason


class Deadline:
    """A point in time (monotonic clock) after which no more work is started."""

    def __init__(self, seconds: float) -> None:
        self.end = time.monotonic() + seconds

    def remaining(self) -> float:
        return self.end - time.monotonic()

    def sooner(self, seconds: float) -> Deadline:
        """A deadline ``seconds`` from now, or this one when it comes first."""
        out = Deadline(seconds)
        out.end = min(out.end, self.end)
        return out


# --- the deadline on every socket operation ---------------------------------------------------

_CURRENT: contextvars.ContextVar[Deadline | None] = contextvars.ContextVar(
    "leadpipe_fetch_deadline", default=None
)


@contextlib.contextmanager
def _deadline(deadline: Deadline) -> Iterator[None]:
    token = _CURRENT.set(deadline)
    try:
        yield
    finally:
        _CURRENT.reset(token)


def _time_left(timeout: float | None) -> float | None:
    """``timeout`` shortened to the current request's deadline; raise once it has passed."""
    deadline = _CURRENT.get()
    if deadline is None:
        return timeout
    left = deadline.remaining()
    if left <= 0:
        raise httpcore.ReadTimeout("the request's total deadline passed")
    return left if timeout is None else min(timeout, left)


class _DeadlineStream(httpcore.NetworkStream):
    def __init__(self, inner: httpcore.NetworkStream) -> None:
        self.inner = inner

    def read(self, max_bytes: int, timeout: float | None = None) -> bytes:
        return self.inner.read(max_bytes, _time_left(timeout))

    def write(self, buffer: bytes, timeout: float | None = None) -> None:
        self.inner.write(buffer, _time_left(timeout))

    def close(self) -> None:
        self.inner.close()

    def start_tls(self, ssl_context: Any, server_hostname: str | None = None,
                  timeout: float | None = None) -> httpcore.NetworkStream:
        return _DeadlineStream(self.inner.start_tls(ssl_context, server_hostname,
                                                    _time_left(timeout)))

    def get_extra_info(self, info: str) -> Any:
        return self.inner.get_extra_info(info)


class _DeadlineBackend(httpcore.NetworkBackend):
    """Wraps the client's network backend (the outbound-fetch policy's) so that every connect,
    read and write ends by the current request's deadline."""

    def __init__(self, inner: httpcore.NetworkBackend) -> None:
        self.inner = inner

    def connect_tcp(self, host: str, port: int, timeout: float | None = None,
                    local_address: str | None = None,
                    socket_options: Iterable[Any] | None = None) -> httpcore.NetworkStream:
        return _DeadlineStream(self.inner.connect_tcp(
            host, port, _time_left(timeout), local_address, socket_options))

    def connect_unix_socket(self, path: str, timeout: float | None = None,
                            socket_options: Iterable[Any] | None = None
                            ) -> httpcore.NetworkStream:
        return _DeadlineStream(self.inner.connect_unix_socket(path, _time_left(timeout),
                                                              socket_options))

    def sleep(self, seconds: float) -> None:
        self.inner.sleep(seconds)


def install_deadlines(client: httpx.Client) -> httpx.Client:
    """Make ``client`` (built by ``OutboundPolicy.httpx_client``) honour ``get``'s deadlines."""
    pool = getattr(getattr(client, "_transport", None), "_pool", None)
    if pool is None or not hasattr(pool, "_network_backend"):
        raise RuntimeError("httpx changed: cannot install the fetch deadlines")
    pool._network_backend = _DeadlineBackend(pool._network_backend)
    return client


# --- cookies: one jar per site ---------------------------------------------------------------

# The jar of the site being fetched (``site_cookies``); None outside a site's fetch.
_SITE_JAR: contextvars.ContextVar[CookieJar | None] = contextvars.ContextVar(
    "leadpipe_site_cookies", default=None
)


@contextlib.contextmanager
def site_cookies() -> Iterator[None]:
    """Within the block, the client's cookies are a jar of their own, dropped at its end: a
    site's cookies go back to that site's later requests (and redirects) and never to another
    site's. One client serves a whole run, and a jar matches cookies by host name only, not by
    port or by the site that set them (a ``Domain=.example.com`` cookie from ``a.example.com``
    would go to ``b.example.com``); the jar would also grow with every site of the run. Held in
    a context variable, so each thread's (or task's) site has its own."""
    token = _SITE_JAR.set(CookieJar())
    try:
        yield
    finally:
        _SITE_JAR.reset(token)


class _Cookies(httpx.Cookies):
    """A client's cookie jar that is the current site's (``site_cookies``), and that reads a
    response's cookies only when it sets some: httpx otherwise wraps every response and its
    request for ``http.cookiejar``, which then finds none (about a tenth of the CPU of a
    request to a page that sets no cookie)."""

    @property  # type: ignore[override]
    def jar(self) -> CookieJar:
        site = _SITE_JAR.get()
        return self._own if site is None else site

    @jar.setter
    def jar(self, jar: CookieJar) -> None:  # httpx.Cookies.__init__ sets the client's own
        self._own = jar

    def extract_cookies(self, response: httpx.Response) -> None:
        if "set-cookie" in response.headers or "set-cookie2" in response.headers:
            super().extract_cookies(response)


def install_cookie_jar(client: httpx.Client) -> httpx.Client:
    """Give ``client`` the jar above (holding the cookies it has, if any, for requests made
    outside a site's fetch)."""
    if not isinstance(getattr(client, "_cookies", None), httpx.Cookies):
        raise RuntimeError("httpx changed: cannot install the cookie jar")
    client._cookies = _Cookies(client.cookies)
    return client


# --- bounded bodies ---------------------------------------------------------------------------


class _Decoder:
    """Content-Encoding decoding that never produces more than it is asked for."""

    def __init__(self, encoding: str) -> None:
        self.encoding = encoding
        if encoding in ("gzip", "x-gzip"):
            self._z: Any = zlib.decompressobj(16 + zlib.MAX_WBITS)
        elif encoding == "deflate":
            self._z = None  # zlib-wrapped or raw: decided on the first bytes
        elif encoding in ("", "identity"):
            self._z = False
        else:
            raise httpx.DecodingError(f"unsupported content encoding {encoding!r}")
        self._pending = b""

    @property
    def complete(self) -> bool:
        """Whether the compressed stream reached its end (a gzip or deflate body cut short
        decodes without an error, but is not the whole page)."""
        return self._z is False or (self._z is not None and self._z.eof)

    def decode(self, data: bytes, limit: int) -> bytes:
        """Up to ``limit`` decoded bytes from what has been received so far."""
        if self._z is False:
            return data[:limit]
        if self._z is None:
            self._z = zlib.decompressobj(
                zlib.MAX_WBITS if data[:1] and data[0] & 0x0F == 8 else -zlib.MAX_WBITS)
        try:
            return self._z.decompress(self._pending + data, limit)
        except zlib.error as exc:
            raise httpx.DecodingError(f"{self.encoding} body is corrupt: {exc}") from None
        finally:
            self._pending = self._z.unconsumed_tail if self._z else b""


@lru_cache(maxsize=256)
def charset(content_type: str | None) -> str:
    """The charset a Content-Type header names, read as httpx reads it; UTF-8 when it names
    none or one Python does not know. Cached: sites send the same few headers."""
    named = None
    if content_type is not None:
        message = email.message.Message()
        message["content-type"] = content_type
        named = message.get_content_charset(failobj=None)
    try:
        return codecs.lookup(named).name if named else "utf-8"
    except LookupError:  # a charset Python does not know
        return "utf-8"


@dataclass
class Page:
    """One response, its body decoded and capped."""

    url: str
    status_code: int
    headers: httpx.Headers
    content: bytes
    truncated: bool = False

    @property
    def text(self) -> str:
        """The body as text: in the charset the headers name (UTF-8 when they name none, or
        one Python does not know); when the bytes are not that charset (a Latin-1 page
        labelled UTF-8 is common), as cp1252, so a name reads "Müller", not "M\ufffdller"."""
        # a page cut at the byte cap may end inside a character: that is not a wrong charset
        decoder = codecs.getincrementaldecoder(charset(self.headers.get("content-type")))()
        try:
            return decoder.decode(self.content, final=not self.truncated)
        except UnicodeDecodeError:
            return self.content.decode("cp1252", errors="replace")


def _read_capped(response: httpx.Response, max_bytes: int) -> tuple[bytes, bool]:
    encoding = response.headers.get("content-encoding", "").strip().lower()
    decoder = _Decoder(encoding)
    out = bytearray()
    received = False
    for raw in response.iter_raw(_CHUNK):
        received = received or bool(raw)
        out += decoder.decode(raw, max_bytes + 1 - len(out))
        if len(out) > max_bytes:
            return bytes(out[:max_bytes]), True
    if received and not decoder.complete:
        raise httpx.RemoteProtocolError(f"{encoding} body ends before its stream does")
    return bytes(out), False


def get(client: httpx.Client, url: str, limits: FetchLimits, site: Deadline) -> Page:
    """One GET, bounded in time (``fetch_seconds`` and the site's deadline) and bytes."""
    deadline = site.sooner(limits.fetch_seconds)
    left = deadline.remaining()
    if left <= 0:
        raise httpx.ReadTimeout(f"{url}: no time left for this site")
    with _deadline(deadline), client.stream(
        "GET", url, timeout=httpx.Timeout(left), headers={"Accept-Encoding": ACCEPT_ENCODING}
    ) as response:
        content, truncated = _read_capped(response, limits.max_bytes)
        return Page(str(response.url), response.status_code, response.headers, content,
                    truncated)


# --- retries ----------------------------------------------------------------------------------


def retry_after(value: str | None, now: datetime | None = None) -> float | None:
    """Seconds a ``Retry-After`` header asks for (a number or an HTTP date); None if unset."""
    if not value:
        return None
    value = value.strip()
    try:
        seconds = float(value)
    except ValueError:
        try:
            when = email.utils.parsedate_to_datetime(value)
        except (TypeError, ValueError):
            return None
        if when.tzinfo is None:
            when = when.replace(tzinfo=UTC)
        seconds = (when - (now or datetime.now(UTC))).total_seconds()
    return max(0.0, seconds) if math.isfinite(seconds) else None


def get_with_retries(client: httpx.Client, url: str, limits: FetchLimits, site: Deadline,
                     sleep: Any = time.sleep) -> Page:
    """``get`` with retries of transient failures; raise ``TransientFailure`` when they run out
    (or the wait the server asks for is longer than ``max_wait`` or the site's time left)."""
    reason = "no attempt"
    for attempt in range(limits.retries + 1):
        asked: float | None = None
        try:
            page = get(client, url, limits, site)
        except (httpx.TimeoutException, httpx.RemoteProtocolError, httpx.ReadError) as exc:
            reason = f"{type(exc).__name__}: {exc}" if str(exc) else type(exc).__name__
        else:
            if page.status_code not in RETRY_STATUSES:
                return page
            reason = f"answered {page.status_code}"
            asked = retry_after(page.headers.get("retry-after"))
        if attempt == limits.retries:
            break
        wait = asked if asked is not None else limits.backoff_seconds * 2**attempt
        if wait > limits.max_wait or wait >= site.remaining():
            reason += f" (asks to wait {wait:.0f}s)" if asked is not None else ""
            break
        sleep(wait)
    raise TransientFailure(url, reason)
