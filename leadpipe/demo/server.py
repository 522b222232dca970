"""A local HTTP server that presents the demo world as three lead sources and company websites.

Start it with ``DemoServer(world).start()`` (or ``leadpipe demo-server``) and point clients at it
as an **HTTP proxy**: ``http_proxy=<server.proxy_url>`` for Scrapy, ``httpx.Client(proxy=...)``.
It dispatches on the ``Host`` header (virtual hosts) and also understands absolute-form targets
(``GET http://expo.demo.leadpipe.test/exhibitors?page=2 HTTP/1.1``), which is what a client sends
to a proxy. Every URL is plain ``http://`` (there is no TLS and ``CONNECT`` is refused).
Unknown hosts and paths answer 404; a bad query parameter 400. Every host serves
``/robots.txt`` (allow all but ``/private/``). Footers link to a sign-in page under
``/private/``: it answers 200, and ``DemoServer.private_hits`` lists every such request, so a
test can prove a crawler obeyed robots.txt; ``DemoServer.requests`` counts answers by (host kind,
status). Navigation links (visit, contact, about, privacy, ...) lead to small static pages.
All pages are UTF-8.

Source ids and native ids (what ``World.truth_for_record(source, native_id)`` accepts) are named
under each host.

``tenders.demo.leadpipe.test`` -- source ``demo_tenders``: an OCDS 1.1 API (JSON)
    ``GET /api/releases?page=N[&since=ISO][&until=ISO]`` → a release package:
    ``uri``, ``publishedDate``, ``publisher {name, uri}``, ``license``, ``publicationPolicy``,
    ``version`` ("1.1"), ``releases`` (50 a page, ordered by ``date`` then ``ocid``) and
    ``links {"next": absolute URL, "prev": ...}`` -- ``next`` is absent on the last page; it keeps
    ``since``/``until``. ``since`` keeps releases dated ≥ since, ``until`` ≤ until (a bare date
    means the whole day). A page past the last one is 404 (page 1 of an empty selection is an
    empty package); a malformed date or page is 400.
    One release per tender (a compiled view): ``ocid``, ``id``, ``date``, ``tag`` (["tender"] for
    open tenders, ["award"] for awarded ones), ``initiationType``, ``language``, ``parties``,
    ``buyer {id, name}``, ``tender {id, title, description, status (active|complete),
    value {amount, currency}, procurementMethod, mainProcurementCategory (goods|works|services),
    datePublished, tenderPeriod {startDate, endDate}, items[{id, description,
    classification {scheme: "CPV", id, description}}]}`` and, when awarded, ``awards[{id, title,
    status: "active", date, value {amount, currency}, suppliers[{id, name}]}]``.
    Parties: ``id`` (``ORG-NNNNNN``, stable per registration -- *the native id*), ``name`` (as
    that registration spells it), optional ``identifier {scheme, id, legalName}`` (GB-COH, DE-CR,
    US-EIN, NL-KVK, MY-SSM; buyers GB-GOR, DE-PR, US-SAM, NL-OIN, MY-GOV), ``address
    {streetAddress, locality, region, postalCode, countryName}``, optional ``contactPoint {name,
    email, telephone, url}``, ``roles`` (["buyer"] or ["supplier"]), suppliers ``details.scale``
    (sme|large). Native ids: an organisation = its party ``id``; a tender = its ``ocid`` (maps
    to the buyer); an award item = ``<award id>/<supplier party id>`` (maps to the supplier).
    The world's "today" is 2026-06-30 (``leadpipe.demo.world.WORLD_TODAY``): open tenders have
    ``tenderPeriod.endDate`` after it.

``expo.demo.leadpipe.test`` -- source ``demo_expo``: an exhibition catalogue (HTML)
    Every page has ``.event-banner`` with ``.event-name`` and ``time.event-dates``
    (``datetime="2026-09-15/2026-09-17"``) and ``.event-venue``.
    ``GET /exhibitors?page=N`` (page 1 when absent): ``ul.exhibitor-list > li.exhibitor-card``
    (24 a page, alphabetical) with ``data-exhibitor-id`` (the slug), ``.exhibitor-name a[href]``
    → ``/exhibitors/<slug>``, ``.hall``, ``.booth``, ``.exhibitor-country``,
    ``.exhibitor-categories``; ``nav.pagination a[rel=next]`` (absent on the last page),
    ``a[rel=prev]``.
    ``GET /exhibitors/<slug>``: ``article.exhibitor-profile[data-exhibitor-id]`` with
    ``h1.exhibitor-name``, ``.badge.featured`` (paid), ``p.description``, ``dd.hall``,
    ``dd.booth``, ``a.website[href]``, ``dd.phone``, ``a.email``, ``dd.employees`` (a band such as
    "50–249 employees"), ``dd.founded``, ``p.address`` with ``span.street``, ``.postcode``,
    ``.city``, ``.region``, ``.country`` (country name), ``ul.categories li.category``,
    ``ul.accreditations li.accreditation``, ``ul.contacts li.contact-person`` (``.name``,
    ``.role``, ``a.email``). Any field may be missing; the phone is sometimes the stand
    contact's direct line rather than the switchboard. About half the detail pages also carry a
    schema.org JSON-LD ``Organization`` (name, description, url, telephone, email, address
    ``PostalAddress`` with ``addressCountry`` as ISO2, foundingDate, numberOfEmployees.minValue,
    employee[Person name/jobTitle/email], knowsAbout = categories, location = hall and stand).
    Native id: the slug (the detail URL is accepted too).

``directory.demo.leadpipe.test`` -- source ``demo_directory``: a business directory (HTML)
    ``GET /search?page=N``: ``section.results > div.listing`` (20 a page; premium listings first,
    then alphabetical) with ``data-listing-id`` (``L`` + digits, *the native id*; also
    ``id="listing-<id>"``), ``h3.listing-name``, ``.premium-badge`` and class ``premium`` on paid
    listings, ``p.listing-category`` (labels joined by " / "), ``p.listing-address`` with
    ``span.street``, ``.postcode``, ``.city``, ``.country``, ``span.listing-phone``,
    ``a.listing-website[href]`` (the text is the site as the business typed it),
    ``a.listing-email``, ``.listing-employees`` (band), ``.listing-founded`` ("Established
    1987"), and on premium listings ``p.listing-description`` and
    ``ul.listing-accreditations li.accreditation``. About 60% of cards carry schema.org
    microdata: ``itemscope itemtype="https://schema.org/LocalBusiness"`` with itemprops name,
    telephone, url, email, description and ``address`` (PostalAddress: streetAddress,
    postalCode, addressLocality, addressCountry as a country name).
    ``nav.pagination``: ``a[rel=prev]``, numbered ``a.page``, ``a[rel=next]`` (absent on the last
    page). Pages past the last are 404.

``registry.demo.leadpipe.test`` -- source ``demo_registry``: a company register in the shape of
    the Companies House Public Data API (JSON), for every company (not the buyers)
    ``GET /advanced-search/companies?start_index=N&size=M`` (100 a page by default):
    ``total_results``, ``start_index``, ``items_per_page``, ``items[{company_number,
    company_name, links}]``.
    ``GET /company/<number>`` (the registry id, URL-encoded): ``company_number``,
    ``registry_scheme`` (GB-COH, DE-CR, US-EIN, NL-KVK, MY-SSM: one register serves every
    country, this names the real one), ``company_name``, ``company_status`` (active,
    liquidation, administration, voluntary-arrangement), ``company_status_detail``
    (``active-proposal-to-strike-off``), ``date_of_creation``, ``type``, ``sic_codes`` (UK SIC
    2007), ``has_insolvency_history``, ``has_charges``, ``accounts {next_due, overdue,
    next_accounts, last_accounts {made_up_to, type}}``, ``registered_office_address``.
    ``GET /company/<number>/insolvency``: ``cases[{type, number, dates[{type, date}]}]`` for
    every firm the world made insolvent (404 for the others).
    ``GET /company/<number>/charges``: ``items[{charge_number, status, ...}]``,
    ``total_count``, ``satisfied_count``. Unknown numbers answer 404.
    Native id: the company number (= the registry id).

``<domain>`` and ``www.<domain>`` -- each company's (and buyer's) own website, source
``website`` with the registrable domain as native id (any URL on it is accepted). Sources print
websites in many forms (``https://www.x.de/en/home``, ``x.de``, ...); the sites answer on plain
``http://`` only (printed trailing paths ``/home``, ``/en/``, ``/index.html`` show the home page):
    ``/`` home: ``h1`` company name, ``p.lead`` description (industry words, founding year,
    a headcount phrase such as "a team of 140 people", "around 660 employees" or "over 200
    people" (rounded down), "offices in N countries"),
    ``ul.accreditations``, ``p.hiring`` with a link to ``/careers`` (some), about 40% carry
    JSON-LD ``Organization``; footer "© <year> <legal name> · <registry line>".
    ``/contact`` (``/imprint`` for DE sites, "Impressum"): ``address.company-address``
    (``.company-name``, ``.street``, ``.postcode``, ``.city``, ``.country``), ``a.phone``
    (``href="tel:<E.164>"``), ``a.email``, ``p.registry`` ("company number 01234567",
    "Amtsgericht Köln, HRB 12345", "KvK-nummer ...", "Company No. ... (SSM)", "EIN ..."),
    ``ul.people li.person`` (``.person-name``, ``.person-role``, mailto link,
    ``.person-phone``). ``/careers`` (when linked): ``ul.jobs li.job``.
    Insolvent companies may show ``div.notice-administration`` ("in administration",
    "Insolvenzverfahren", "Chapter 11") or answer every request with 503.
"""

from __future__ import annotations

import json
import logging
import sys
import threading
from collections import Counter
from collections.abc import Callable
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from urllib.parse import parse_qs, unquote, urlsplit

from leadpipe.demo import (
    render_directory,
    render_expo,
    render_registry,
    render_site,
    render_tenders,
)
from leadpipe.demo.hosts import (
    DIRECTORY_HOST,
    DIRECTORY_START_URL,
    EXPO_HOST,
    EXPO_START_URL,
    REGISTRY_HOST,
    ROBOTS_TXT,
    SOURCE_HOSTS,
    START_URLS,
    TENDERS_HOST,
    TENDERS_START_URL,
)
from leadpipe.demo.html import STYLESHEET
from leadpipe.demo.world import World

__all__ = [
    "DIRECTORY_HOST",
    "DIRECTORY_START_URL",
    "EXPO_HOST",
    "EXPO_START_URL",
    "REGISTRY_HOST",
    "START_URLS",
    "TENDERS_HOST",
    "TENDERS_START_URL",
    "DemoServer",
]

log = logging.getLogger("leadpipe.demo")

HTML = "text/html; charset=utf-8"
JSON = "application/json; charset=utf-8"
TEXT = "text/plain; charset=utf-8"

Response = tuple[int, str, bytes]


def _not_found(what: str = "Not found") -> Response:
    body = (f"<!DOCTYPE html><html><head><meta charset=\"utf-8\"><title>404 Not Found</title>"
            f"</head><body><h1>404 Not Found</h1><p>{what}</p></body></html>")
    return 404, HTML, body.encode()


_PRIVATE_PAGE = (
    b"<!DOCTYPE html><html lang=\"en\"><head><meta charset=\"utf-8\"><title>Sign in</title></head>"
    b"<body><h1>Sign in</h1><form method=\"post\"><input name=\"user\"><input name=\"password\" "
    b"type=\"password\"><button>Sign in</button></form></body></html>"
)


def _page_param(query: dict[str, list[str]]) -> int:
    raw = query.get("page", ["1"])[0]
    if not raw.isdigit():
        raise render_tenders.BadRequest(f"page must be a positive integer, not {raw!r}")
    return int(raw)


def _html(text: str | None) -> Response:
    return (200, HTML, text.encode()) if text is not None else _not_found()


def _tenders(world: World, path: str, query: dict[str, list[str]]) -> Response:
    if path in ("/", ""):
        links = {"releases": TENDERS_START_URL}
        return 200, JSON, json.dumps({"name": render_tenders.PUBLISHER["name"],
                                      "links": links}).encode()
    if path != "/api/releases":
        return 404, JSON, b'{"error": "not found"}'
    package = render_tenders.release_package(
        world, _page_param(query), query.get("since", [None])[0], query.get("until", [None])[0]
    )
    if package is None:
        return 404, JSON, b'{"error": "page out of range"}'
    return 200, JSON, json.dumps(package, ensure_ascii=False).encode()


def _expo(world: World, path: str, query: dict[str, list[str]]) -> Response:
    if path == "/":
        return _html(render_expo.home())
    if path in ("/exhibitors", "/exhibitors/"):
        return _html(render_expo.listing(world, _page_param(query)))
    if path.startswith("/exhibitors/"):
        return _html(render_expo.detail(world, unquote(path[len("/exhibitors/"):])))
    return _html(render_expo.info(path))


def _directory(world: World, path: str, query: dict[str, list[str]]) -> Response:
    if path == "/":
        return _html(render_directory.home())
    if path == "/search":
        return _html(render_directory.search(world, _page_param(query)))
    return _html(render_directory.info(path))


def _registry(world: World, path: str, query: dict[str, list[str]]) -> Response:
    missing = (404, JSON, b'{"errors": [{"error": "company-profile-not-found"}]}')
    if path == "/advanced-search/companies":
        start, size = query.get("start_index", ["0"])[0], query.get("size", ["100"])[0]
        if not (start.isdigit() and size.isdigit()):
            raise render_tenders.BadRequest("start_index and size must be whole numbers")
        return 200, JSON, json.dumps(render_registry.listing(world, int(start), int(size)),
                                     ensure_ascii=False).encode()
    parts = path.split("/")
    if len(parts) < 3 or parts[1] != "company":
        return missing
    number = unquote(parts[2])
    part = parts[3] if len(parts) > 3 else ""
    render = {"": render_registry.profile, "insolvency": render_registry.insolvency,
              "charges": render_registry.charges}.get(part)
    doc = render(world, number) if render else None
    if doc is None:
        return missing
    return 200, JSON, json.dumps(doc, ensure_ascii=False).encode()


def respond(world: World, host: str, target: str) -> Response:
    """Answer one GET: pure dispatch on host and path (the HTTP layer only moves bytes)."""
    parts = urlsplit(target)
    path = parts.path or "/"
    query = parse_qs(parts.query)
    host = host.lower().split(":", 1)[0].rstrip(".")
    if path == "/robots.txt":
        company = world.company_for_host(host)
        if host in SOURCE_HOSTS or (
            company is not None and company.website_state != "unreachable"
        ):
            return 200, TEXT, ROBOTS_TXT.encode()
    if path.startswith("/private/") and (
        host in SOURCE_HOSTS or world.company_for_host(host)
    ):
        # Disallowed by robots.txt and linked from footers: a polite crawler never comes here.
        return 200, HTML, _PRIVATE_PAGE
    if path == "/static/site.css":
        return 200, "text/css; charset=utf-8", STYLESHEET.encode()
    try:
        if host == TENDERS_HOST:
            return _tenders(world, path, query)
        if host == EXPO_HOST:
            return _expo(world, path, query)
        if host == DIRECTORY_HOST:
            return _directory(world, path, query)
        if host == REGISTRY_HOST:
            return _registry(world, path, query)
    except render_tenders.BadRequest as exc:
        return 400, TEXT, f"400 Bad Request: {exc}\n".encode()
    company = world.company_for_host(host)
    if company is None:
        return _not_found(f"No site is served for {host or 'this host'}.")
    answer = render_site.render(company, path)
    if answer is None:
        return _not_found()
    status, html_text = answer
    return status, HTML, html_text.encode()


class _Handler(BaseHTTPRequestHandler):
    protocol_version = "HTTP/1.1"
    # Headers and body go out in two writes; with Nagle on, a keep-alive client waits ~40 ms
    # for the delayed ACK on every response.
    disable_nagle_algorithm = True
    server_version = "leadpipe-demo/1.0"
    world: World  # set on the subclass DemoServer makes
    record: Callable[[str, str, int], None]  # likewise: DemoServer._record

    def log_message(self, format: str, *args: object) -> None:  # noqa: A002 - stdlib name
        """Quiet: a crawl makes thousands of requests."""

    def _answer(self, head_only: bool) -> None:
        target = self.path
        if target.startswith(("http://", "https://")):
            parts = urlsplit(target)
            host = parts.netloc
            target = parts.path + (f"?{parts.query}" if parts.query else "")
        else:
            host = self.headers.get("Host", "")
        try:
            status, content_type, body = respond(self.world, host, target)
        except Exception:  # a rendering bug: answer 500, keep serving, say where
            log.exception("demo server failed on %s %s", host, target)
            status, content_type, body = 500, TEXT, b"500 Internal Server Error\n"
        self.record(host, target, status)
        self.send_response(status)
        self.send_header("Content-Type", content_type)
        self.send_header("Content-Length", str(len(body)))
        if status == 503:
            self.send_header("Retry-After", "3600")
        self.end_headers()
        if not head_only:
            self.wfile.write(body)

    def do_GET(self) -> None:  # noqa: N802 - stdlib name
        self._answer(head_only=False)

    def do_HEAD(self) -> None:  # noqa: N802 - stdlib name
        self._answer(head_only=True)

    def do_CONNECT(self) -> None:  # noqa: N802 - stdlib name
        body = b"The demo world is served over plain http only.\n"
        self.send_response(405)
        self.send_header("Content-Type", TEXT)
        self.send_header("Content-Length", str(len(body)))
        self.send_header("Connection", "close")
        self.end_headers()
        self.wfile.write(body)
        self.close_connection = True


class _QuietServer(ThreadingHTTPServer):
    daemon_threads = True

    def handle_error(self, request: object, client_address: object) -> None:
        """Clients that hang up mid-response are normal for crawlers; anything else is logged."""
        exc = sys.exc_info()[1]
        if isinstance(exc, ConnectionError | TimeoutError):
            return
        log.error("demo server connection error from %s", client_address, exc_info=True)


class DemoServer:
    """Serve ``world`` on ``host:port`` (port 0 picks a free one) in a background thread."""

    def __init__(self, world: World, host: str = "127.0.0.1", port: int = 0) -> None:
        self.world = world
        self.host = host
        self._requested_port = port
        self._httpd: ThreadingHTTPServer | None = None
        self._thread: threading.Thread | None = None
        self._lock = threading.Lock()
        self.requests: Counter[tuple[str, int]] = Counter()
        """Requests answered, by (host kind, status); host kind is a source host or "site"."""
        self.private_hits: list[str] = []
        """URLs under /private/ that were requested (robots.txt disallows them)."""

    def _record(self, host: str, target: str, status: int) -> None:
        host = host.lower().split(":", 1)[0]
        kind = host if host in SOURCE_HOSTS else "site"
        with self._lock:
            self.requests[(kind, status)] += 1
            if urlsplit(target).path.startswith("/private/"):
                self.private_hits.append(f"http://{host}{target}")

    @property
    def port(self) -> int:
        if self._httpd is None:
            raise RuntimeError("the demo server is not running; call start() first")
        return self._httpd.server_address[1]

    @property
    def proxy_url(self) -> str:
        return f"http://{self.host}:{self.port}"

    start_urls = START_URLS

    def start(self) -> DemoServer:
        if self._httpd is not None:
            return self
        handler = type("DemoHandler", (_Handler,), {
            "world": self.world,
            "record": staticmethod(self._record),
        })
        httpd = _QuietServer((self.host, self._requested_port), handler)
        self._httpd = httpd
        self._thread = threading.Thread(target=httpd.serve_forever, name="leadpipe-demo-server",
                                        daemon=True)
        self._thread.start()
        return self

    def stop(self) -> None:
        if self._httpd is None:
            return
        self._httpd.shutdown()
        self._httpd.server_close()
        if self._thread is not None:
            self._thread.join(timeout=5)
        self._httpd = None
        self._thread = None

    def serve_forever(self) -> None:
        """Block until interrupted (used by ``leadpipe demo-server``)."""
        self.start()
        assert self._thread is not None
        try:
            while self._thread.is_alive():
                self._thread.join(timeout=0.5)
        finally:
            self.stop()

    def __enter__(self) -> DemoServer:
        return self.start()

    def __exit__(self, *exc: object) -> None:
        self.stop()
