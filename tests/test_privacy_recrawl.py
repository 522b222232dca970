"""Suppression holds at load, on concrete data: a person forgotten (or suppressed before
anyone crawled them) is landed again by a re-crawl; after load, resolve, score and every
export format (Excel style, provenance sidecar), nothing of theirs is in any file, in any
warehouse table, in ``contacts show`` or in the HTTP cache, while the other people stay."""

from __future__ import annotations

import json
import re

import pytest
from localhttp import SitesProxy
from privacy_world import (
    JANE_EMAIL,
    JANE_PHONE,
    TOM_EMAIL,
    _org,
    build,
    land,
    run_two,
    warehouse_text,
    write_config,
)
from scrapy.extensions.httpcache import FilesystemCacheStorage
from scrapy.http import HtmlResponse, Request
from scrapy.spiders import Spider
from scrapy.utils.test import get_crawler
from typer.testing import CliRunner

from leadpipe import runner
from leadpipe.cli import app
from sales.export import format_names
from sales.privacy.screen import scrub_enrichment
from spiders.landing import make_item
from warehouse.db import connect

ANN_EMAIL = "ann.lee@harbour-tools.co.uk"
ANN_PHONE = "+44 1472 555 0199"
RECRAWL = "crawl-20260310"
MARCH = "2026-03-10T09:00:00Z"
STAGES = ("prospect", "suspect", "client")


def _cli(cfg, *args) -> str:
    result = CliRunner().invoke(app, [*args, "--config", str(cfg.source)])
    assert result.exit_code == 0, result.output
    return " ".join(result.output.split())


def _recrawl() -> dict[str, list[dict]]:
    """The March crawl: Jane on Kestrel's page again (contact, company phone, a mention in the
    description with her address as an HTML entity), Ann on Harbour's page for the first
    time (in its contacts and as a contact item of her own), Tom as before."""
    items = run_two(RECRAWL)
    for source_items in items.values():
        for item in source_items:
            item["fetched_at"] = MARCH
    items["demo_directory"].append(_org(
        "demo_directory", "kestrel-news", RECRAWL, MARCH, name="Kestrel Machinery Ltd",
        website="https://kestrel-machinery.co.uk/", city="Leeds", country="GB",
        phone=JANE_PHONE, categories=["Industrial Machinery"], employees=120,
        description="Orders: write to jane.doe&#64;kestrel-machinery.co.uk or call "
                    "020-7946-0958.",
        contacts=[{"name": "Jane Doe", "role": "Purchasing", "email": JANE_EMAIL}]))
    harbour = next(i for i in items["demo_directory"] if i["native_id"] == "harbour")
    harbour["fields"]["contacts"] = [{"name": "Ann Lee", "role": "Owner", "email": ANN_EMAIL,
                                      "phone": ANN_PHONE}]
    items["demo_directory"].append(make_item(
        kind="contact", source="demo_directory", native_id="harbour-ann", run_id=RECRAWL,
        url="http://demo_directory.test/harbour/team", method="css", fetched_at=MARCH,
        fields={"name": "Ann Lee", "role": "Owner", "email": ANN_EMAIL.upper(),
                "organisation_native_id": "harbour"}))
    return items


def _cache_pages(cache_dir) -> None:
    """The re-crawl's cached responses (Scrapy's FilesystemCacheStorage)."""
    crawler = get_crawler(Spider, {"HTTPCACHE_DIR": str(cache_dir)})
    spider = Spider.from_crawler(crawler, name="demo_directory")
    storage = FilesystemCacheStorage(crawler.settings)
    storage.open_spider(spider)
    for url, body in {
        "http://demo_directory.test/kestrel-news": f"<p>Orders: {JANE_EMAIL}</p>",
        "http://demo_directory.test/harbour/team": f"<p>Ann Lee, {ANN_PHONE}, {ANN_EMAIL}</p>",
        "http://demo_expo.test/northbridge": f"<p>Tom Roe, {TOM_EMAIL}</p>",
    }.items():
        request = Request(url)
        storage.store_response(spider, request, HtmlResponse(
            url, body=body.encode(), request=request, encoding="utf-8"))


def _names_them(text: str) -> list[str]:
    low = text.lower()
    digits = re.sub(r"\D", "", text)
    found = [w for w in ("jane.doe", "jane doe", "j. doe", "ann.lee", "ann lee") if w in low]
    found += [d for d in ("79460958", "25550199") if d in digits]
    return found



def _every_export(cfg, tmp_path) -> dict[str, str]:
    out = {}
    for name in format_names():
        for excel in (False, True):
            result = runner.export(cfg, output=tmp_path / f"{name}-{excel}.csv",
                                   export_format=name, funnel_stages=STAGES, excel=excel,
                                   provenance=True)
            for path in result.files:
                out[path.name] = path.read_text(encoding="utf-8-sig")
    return out


@pytest.fixture()
def world(tmp_path, monkeypatch):
    monkeypatch.chdir(tmp_path)
    cfg = write_config(tmp_path)
    build(cfg)
    return cfg


def test_a_recrawl_brings_no_forgotten_or_suppressed_person_back(world, tmp_path):
    cfg = world
    _cli(cfg, "forget", JANE_EMAIL)
    _cli(cfg, "suppress", "add", JANE_PHONE, "-r", "objected by phone")
    _cli(cfg, "suppress", "add", ANN_EMAIL, "-r", "objected before we ever listed her")
    assert not _names_them(warehouse_text(cfg))

    land(cfg.landing_dir, RECRAWL, _recrawl())
    cache = cfg.data_dir / "httpcache"
    _cache_pages(cache)
    landed = "".join(p.read_text(encoding="utf-8")
                     for p in (cfg.landing_dir / RECRAWL).glob("*.jsonl"))
    assert set(_names_them(landed)) >= {"jane.doe", "ann.lee", "79460958", "25550199"}
    lines_before = {p.name: len(p.read_text(encoding="utf-8").splitlines())
                    for p in (cfg.landing_dir / RECRAWL).glob("*.jsonl")}

    said = _cli(cfg, "load")
    assert "lines naming people on the suppression list were masked before loading" in said
    runner.resolve(cfg)
    runner.score(cfg)

    # landing: the same files and lines, every line JSON, nothing of theirs, Tom untouched
    masked = {p.name: p.read_text(encoding="utf-8")
              for p in (cfg.landing_dir / RECRAWL).glob("*.jsonl")}
    assert {k: len(v.splitlines()) for k, v in masked.items()} == lines_before
    for text in masked.values():
        for line in text.splitlines():
            json.loads(line)
    assert _names_them("".join(masked.values())) == []
    assert TOM_EMAIL in "".join(masked.values())
    assert "Orders: write to [erased] or call [erased]." in "".join(masked.values())

    # the warehouse, every table
    held = warehouse_text(cfg)
    assert _names_them(held) == []
    assert TOM_EMAIL in held and "Kestrel Machinery" in held and "Harbour Tools" in held

    # every format, plain and Excel, with its provenance sidecar
    files = _every_export(cfg, tmp_path)
    assert {"generic-True-provenance.csv", "hubspot-False-contacts.csv",
            "salesforce-True.csv"} <= set(files)
    for name, text in files.items():
        assert _names_them(text) == [], name
    assert any(TOM_EMAIL in t for t in files.values())
    assert any("Harbour Tools" in t for t in files.values())

    # contacts show: nothing held, still suppressed
    for value in (JANE_EMAIL, ANN_EMAIL, JANE_PHONE):
        shown = _cli(cfg, "contacts", "show", value)
        assert "No contact data is held for" in shown and "Suppressed: yes" in shown

    # the HTTP cache: their pages gone, Tom's kept
    bodies = [p.read_text(encoding="utf-8") for p in cache.rglob("response_body")]
    assert len(bodies) == 1 and TOM_EMAIL in bodies[0]

    # the erasure log: a record of the masking, holding only hashes
    log = [json.loads(line) for line in
           (cfg.data_dir / "erasure-log.jsonl").read_text(encoding="utf-8").splitlines()]
    at_load = [r for r in log if r.get("event", "").startswith("masked at load")]
    assert len(at_load) == 1
    assert {p["kind"] for p in at_load[0]["people"]} == {"email", "phone"}
    assert len(at_load[0]["httpcache"]) == 2
    assert sum(len(f["lines"]) for f in at_load[0]["landing"]) >= 4
    text = json.dumps(log)
    assert _names_them(text) == [] and "@" not in text

    # a second load finds the masked files loaded and masks nothing more
    again = runner.load(cfg)
    assert (again.files_loaded, again.masked_lines) == (0, 0)


# Kestrel's website, reached through the proxy (as the demo world is): its contact page lists
# Jane's address and direct line beside the sales mailbox.
KESTREL_SITE = {
    "/": '<html><body><a href="/contact">Contact</a><p>Machine tools.</p></body></html>',
    "/contact": f"<html><body><p>Sales: info@kestrel-machinery.co.uk, "
                f"+44 113 496 0000. Purchasing: Jane Doe, <a href='mailto:{JANE_EMAIL}'>"
                f"{JANE_EMAIL}</a>, <a href='tel:{JANE_PHONE}'>{JANE_PHONE}</a></p>"
                "</body></html>",
    "/robots.txt": "User-agent: *\nAllow: /\n",
}


@pytest.fixture()
def proxy():
    with SitesProxy({"kestrel-machinery.co.uk": KESTREL_SITE}) as server:
        yield server.url


def test_website_findings_of_a_suppressed_person_never_stay(world, proxy, tmp_path):
    """What enrichment finds on a company's website goes through the same hashes: her
    address and number on Kestrel's contact page are dropped, the sales mailbox stays."""
    cfg = world
    access = runner.Access(proxy=proxy, allow_addresses=("127.0.0.1",))
    runner.enrich(cfg, access=access)
    con = connect(cfg.warehouse_path, read_only=True)
    try:
        found = con.execute("SELECT list_concat(website_emails, website_phones) FROM enrichment "
                            "WHERE len(website_emails) > 0").fetchall()
    finally:
        con.close()
    assert JANE_EMAIL in str(found)  # the page was fetched and read
    _cli(cfg, "suppress", "add", JANE_EMAIL, "-r", "objected")
    _cli(cfg, "suppress", "add", JANE_PHONE, "-r", "objected")
    runner.enrich(cfg, access=access)
    runner.score(cfg)
    con = connect(cfg.warehouse_path, read_only=True)
    try:
        found = str(con.execute("SELECT list_concat(website_emails, website_phones) "
                                "FROM enrichment").fetchall())
        assert _names_them(found) == [] and "info@kestrel-machinery.co.uk" in found
        # idempotent: nothing left to drop
        assert scrub_enrichment(con, cfg.data_dir) == 0
    finally:
        con.close()
    for name, text in _every_export(cfg, tmp_path).items():
        assert _names_them(text) == [], name
