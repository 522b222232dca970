"""Generated company websites for the website-enrichment benchmark, served as an HTTP proxy on
127.0.0.1 from a process of its own (so its CPU time is its own, not the enricher's).

Site ``n`` answers on ``firm<n>.<tld>`` (``.de``, ``.co.uk``, ``.fr``, ``.nl``): ``/robots.txt``
(everything allowed), a home page linking to contact, imprint, about and careers pages (about
40% carry JSON-LD Organization data), a contact page with an address and a managing director, an
imprint page with VAT and registration ids, an about page, and a careers page with openings on
every third site. A minimal asyncio HTTP/1.1 server (keep-alive, absolute-form targets as a
proxy receives them) keeps the server's own cost small next to the enricher's.

    python -m bench.site_world PORT_FILE   # serves until stdin closes, then prints its CPU s
                                           # and peak memory
"""

from __future__ import annotations

import asyncio
import json
import resource
import sys
import time
from functools import cache
from pathlib import Path

TLDS = ("de", "co.uk", "fr", "nl")
ROBOTS = b"User-agent: *\nAllow: /\n"


def host(n: int) -> str:
    return f"firm{n:05d}.{TLDS[n % len(TLDS)]}"


def _ids(n: int, tld: str) -> str:
    return {
        "de": f"Registergericht: Amtsgericht Köln, HRB {10000 + n}. USt-IdNr.: DE{100000000 + n}",
        "co.uk": f"Registered in England and Wales, company number {1000000 + n:08d}. "
                 f"VAT No. GB {100 + n % 900} {1000 + n % 9000} {10 + n % 90}",
        "fr": f"RCS Paris {300000000 + n:09d}. TVA FR12{300000000 + n:09d}",
        "nl": f"KvK-nummer {30000000 + n}. BTW NL{100000000 + n}B01",
    }[tld]


def _address(n: int, tld: str) -> str:
    return {
        "de": f"Industriestraße {n % 200 + 1}, {50000 + n % 9000} Köln",
        "co.uk": f"{n % 200 + 1} Mill Lane, Leeds LS{n % 20 + 1} {n % 9 + 1}AB",
        "fr": f"{n % 200 + 1} rue de la Paix, {75000 + n % 20} Paris",
        "nl": f"Kerkstraat {n % 200 + 1}, {1000 + n % 9000} AB Amsterdam",
    }[tld]


def _page(title: str, body: str, head: str = "", lang: str = "en") -> str:
    nav = ('<nav><a href="/">Home</a> <a href="/about">About us</a> '
           '<a href="/careers">Careers</a> <a href="/contact">Contact</a> '
           '<a href="/imprint">Imprint</a></nav>')
    footer = ('<footer><a href="https://www.linkedin.com/company/{slug}">LinkedIn</a> '
              '<a href="https://www.facebook.com/sharer/sharer.php?u=x">Share</a></footer>')
    return (f'<!DOCTYPE html><html lang="{lang}"><head><meta charset="utf-8"><title>{title}'
            f'</title><meta name="description" content="{title}: precision machining and '
            f'industrial services for customers across Europe.">{head}</head><body>{nav}'
            f"<main>{body}</main>{footer}</body></html>")


@cache
def pages(n: int) -> dict[str, bytes]:
    """Site ``n``'s pages by path."""
    tld = TLDS[n % len(TLDS)]
    name = f"Firm {n:05d}"
    slug = f"firm-{n:05d}"
    head = ""
    if n % 5 < 2:
        head = ('<script type="application/ld+json">' + json.dumps({
            "@context": "https://schema.org", "@type": "Organization", "name": name,
            "legalName": f"{name} Ltd", "url": f"http://www.{host(n)}/",
            "foundingDate": str(1950 + n % 70), "numberOfEmployees": 20 + n % 400,
            "sameAs": [f"https://www.linkedin.com/company/{slug}"]}) + "</script>")
    filler = " ".join(["Our engineers design, machine and assemble parts for the process, "
                       "energy and food industries, with a team of 140 people."] * 6)
    jobs = ("<ul><li>CNC Machinist (m/w/d)</li><li>Quality Inspector (m/w/d)</li></ul>"
            if n % 3 == 0 else "<p>No current vacancies.</p>")
    out = {
        "/": _page(name, f"<h1>{name}</h1><p>{filler}</p>", head),
        "/contact": _page("Contact", f"<h1>Contact</h1><p>{_address(n, tld)}</p>"
                          f'<p>Phone <a href="tel:+4922112345{n % 100:02d}">+49 221 12345</a>, '
                          f'<a href="mailto:sales@{host(n)}">sales@{host(n)}</a></p>'
                          "<p>Jane Doe, Managing Director</p>"),
        "/imprint": _page("Imprint", f"<h1>Imprint</h1><p>{name} Ltd</p><p>{_ids(n, tld)}</p>"
                          "<p>Managing Director: Max Mustermann</p>"),
        "/about": _page("About us", f"<h1>About {name}</h1><p>{filler}</p>"),
        "/careers": _page("Careers", f"<h1>Careers</h1>{jobs}"),
    }
    return {path: html.replace("{slug}", slug).encode() for path, html in out.items()}


def _site_of(target: str) -> tuple[int | None, str]:
    rest = target.split("://", 1)[-1]
    name, _, path = rest.partition("/")
    name = name.split(":")[0].removeprefix("www.")
    try:
        n = int(name[4:9]) if name.startswith("firm") else None
    except ValueError:
        n = None
    return n, "/" + path.split("?")[0]


async def _serve(reader: asyncio.StreamReader, writer: asyncio.StreamWriter) -> None:
    try:
        while True:
            head = await reader.readuntil(b"\r\n\r\n")
            target = head.split(b" ", 2)[1].decode("latin-1")
            n, path = _site_of(target)
            if n is not None and path == "/robots.txt":
                status, body, kind = b"200 OK", ROBOTS, b"text/plain"
            elif n is not None and path in pages(n):
                status, body, kind = b"200 OK", pages(n)[path], b"text/html; charset=utf-8"
            else:
                status, body, kind = b"404 Not Found", b"not found", b"text/plain"
            writer.write(b"HTTP/1.1 " + status + b"\r\nContent-Type: " + kind
                         + b"\r\nContent-Length: " + str(len(body)).encode() + b"\r\n\r\n" + body)
            await writer.drain()
    except (asyncio.IncompleteReadError, ConnectionError, asyncio.LimitOverrunError):
        pass
    finally:
        writer.close()


async def _main(port_file: Path) -> None:
    server = await asyncio.start_server(_serve, "127.0.0.1", 0, backlog=1024)
    port_file.write_text(str(server.sockets[0].getsockname()[1]))
    loop = asyncio.get_running_loop()
    done = loop.create_future()
    loop.add_reader(sys.stdin.fileno(), lambda: done.done() or done.set_result(None))
    async with server:
        await done


if __name__ == "__main__":
    asyncio.run(_main(Path(sys.argv[1])))
    peak_mb = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024
    print(json.dumps({"cpu_seconds": time.process_time(), "max_rss_mb": peak_mb}), flush=True)
