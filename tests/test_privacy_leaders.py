"""Named leadership (people's names and roles read from company websites) is personal data, on
concrete data: Kestrel's imprint names Jane Doe and Sam Leader as managing directors.

- Forgetting Jane's e-mail takes her name too: out of Kestrel's named leadership (and its
  provenance records), out of the warehouse and every export file; Sam stays.
- Suppressing Jane's e-mail (no erasure) keeps her name out of every export file all the same.
- A name with ``--company`` is suppressed, or forgotten, at that company only: gone from the
  exports and the website findings (a re-enrich finds the name again and drops it), from the
  company's landed items (their contact entry dropped whole, at load too) and from its cached
  pages; the same name at another company stays.
- A name without a company is one clear line and a non-zero exit.
"""

from __future__ import annotations

import pytest
from localhttp import SitesProxy
from privacy_world import JANE_EMAIL, _org, build, land, warehouse_text, write_config
from scrapy.extensions.httpcache import FilesystemCacheStorage
from scrapy.http import HtmlResponse, Request
from scrapy.spiders import Spider
from scrapy.utils.test import get_crawler
from typer.testing import CliRunner

from leadpipe import runner
from leadpipe.cli import app
from sales.export import format_names
from warehouse.db import connect

STAGES = ("prospect", "suspect", "client")
KESTREL = "kestrel-machinery.co.uk"
KESTREL_SITE = {
    "/": '<html><body><a href="/imprint">Imprint</a><p>Machine tools.</p></body></html>',
    "/imprint": "<html><body><p>Kestrel Machinery Ltd, 1 Mill Lane, Leeds LS1 4AB.</p>"
                "<p>Managing Director: Jane Doe, Sam Leader</p></body></html>",
    "/robots.txt": "User-agent: *\nAllow: /\n",
}


@pytest.fixture()
def world(tmp_path, monkeypatch):
    monkeypatch.chdir(tmp_path)
    cfg = write_config(tmp_path)
    build(cfg)
    return cfg


@pytest.fixture()
def access():
    with SitesProxy({KESTREL: KESTREL_SITE}) as server:
        yield runner.Access(proxy=server.url, allow_addresses=("127.0.0.1",))


def _cli(cfg, *args, ok: bool = True) -> str:
    result = CliRunner().invoke(app, [*args, "--config", str(cfg.source)])
    assert (result.exit_code == 0) is ok, result.output
    return " ".join(result.output.split())


def _leaders(cfg) -> dict[str, list[str]]:
    """Each company's named leaders and its leadership provenance records, from the warehouse."""
    con = connect(cfg.warehouse_path, read_only=True)
    try:
        rows = con.execute(
            "SELECT c.name, list_transform(e.website_leadership, lambda x: x.name), "
            "list_transform(list_filter(e.website_facts, lambda f: f.field = 'leadership'), "
            "lambda f: f.value) FROM enrichment e JOIN companies c USING (company_id) "
            "WHERE len(e.website_leadership) > 0").fetchall()
    finally:
        con.close()
    return {name: [*names, *facts] for name, names, facts in rows}


def _files(cfg, tmp_path) -> dict[str, str]:
    out = {}
    for name in format_names():
        result = runner.export(cfg, output=tmp_path / f"{name}.csv", export_format=name,
                               funnel_stages=STAGES, provenance=True)
        for path in result.files:
            out[path.name] = path.read_text(encoding="utf-8-sig")
    return out


def _mentions(files: dict[str, str], name: str) -> list[str]:
    return [f for f, text in files.items() if name.lower() in text.lower()]


def test_forgetting_an_email_takes_the_name_from_the_leadership(world, access, tmp_path):
    cfg = world
    runner.enrich(cfg, access=access)
    runner.score(cfg)
    assert _leaders(cfg) == {"Kestrel Machinery Ltd": [
        "Jane Doe", "Sam Leader", "Jane Doe, Managing Director", "Sam Leader, Managing Director"]}
    assert _mentions(_files(cfg, tmp_path), "Jane Doe")  # the world names her before

    said = _cli(cfg, "forget", JANE_EMAIL)
    assert "named leadership on websites" in said
    assert _leaders(cfg) == {"Kestrel Machinery Ltd": [
        "Sam Leader", "Sam Leader, Managing Director"]}
    assert "jane doe" not in warehouse_text(cfg).lower()
    files = _files(cfg, tmp_path)
    assert _mentions(files, "Jane Doe") == []
    assert "generic.csv" in _mentions(files, "Sam Leader, Managing Director")

    # a re-enrich reads her name on the imprint again, and drops it
    runner.enrich(cfg, access=access)
    assert _leaders(cfg) == {"Kestrel Machinery Ltd": [
        "Sam Leader", "Sam Leader, Managing Director"]}


def test_a_suppressed_email_keeps_the_name_out_of_every_export(world, access, tmp_path):
    cfg = world
    runner.enrich(cfg, access=access)
    runner.score(cfg)
    _cli(cfg, "suppress", "add", JANE_EMAIL, "-r", "objected")
    files = _files(cfg, tmp_path)
    assert _mentions(files, "Jane Doe") == []
    assert "generic.csv" in _mentions(files, "Sam Leader")
    # her name entries are hashes: the list names nobody
    listed = _cli(cfg, "suppress", "list")
    assert "jane" not in listed.lower() and "name" in listed


def _cache_kestrel_imprint(cache_dir) -> None:
    crawler = get_crawler(Spider, {"HTTPCACHE_DIR": str(cache_dir)})
    spider = Spider.from_crawler(crawler, name="demo_expo")
    storage = FilesystemCacheStorage(crawler.settings)
    storage.open_spider(spider)
    for url, body in {"http://demo_expo.test/kestrel": "<p>Managing Director: Sam Leader</p>",
                      "http://demo_expo.test/pennine": "<p>Director: Sam Leader</p>"}.items():
        request = Request(url)
        storage.store_response(spider, request, HtmlResponse(
            url, body=body.encode(), request=request, encoding="utf-8"))


def test_a_name_is_suppressed_and_forgotten_at_one_company(world, access, tmp_path):
    cfg = world
    # Sam is also a contact of Kestrel's expo listing, and a namesake is Pennine's contact
    items = {"demo_expo": [
        _org("demo_expo", "kestrel", "crawl-20260115", "2026-01-15T09:00:00Z",
             name="Kestrel Machinery Ltd", website=f"https://{KESTREL}/", country="GB",
             city="Leeds", categories=["Industrial Machinery"], employees=120,
             contacts=[{"name": "Sam Leader", "role": "Managing Director"}]),
        _org("demo_expo", "pennine", "crawl-20260115", "2026-01-15T09:00:00Z",
             name="Pennine Tools Ltd", website="https://pennine-tools.co.uk/", country="GB",
             city="Halifax", categories=["Industrial Machinery"], employees=120,
             contacts=[{"name": "Sam Leader", "role": "Director"}])]}
    land(cfg.landing_dir, "crawl-20260115", items)
    runner.load(cfg)
    runner.resolve(cfg)
    runner.enrich(cfg, access=access)
    runner.score(cfg)

    # no company: one line, non-zero
    said = _cli(cfg, "suppress", "add", "Sam Leader", "-r", "objected", ok=False)
    assert "--company" in said and "Traceback" not in said

    _cli(cfg, "suppress", "add", "Sam Leader", "--company", KESTREL, "-r", "objected")
    generic = _files(cfg, tmp_path)["generic.csv"]
    kestrel_rows = [line for line in generic.splitlines() if "Kestrel" in line]
    assert kestrel_rows and not any("Sam Leader" in line for line in kestrel_rows)
    assert "Jane Doe, Managing Director" in generic  # her name is not suppressed
    runner.enrich(cfg, access=access)  # the enrich stage drops him from the findings
    assert _leaders(cfg) == {"Kestrel Machinery Ltd": [
        "Jane Doe", "Jane Doe, Managing Director"]}

    # forgotten at Kestrel: landed items and cached pages of Kestrel, not Pennine's
    cache = cfg.data_dir / "httpcache"
    _cache_kestrel_imprint(cache)
    said = _cli(cfg, "forget", "Sam Leader", "--company", KESTREL)
    landed = "".join(p.read_text(encoding="utf-8")
                     for p in (cfg.landing_dir / "crawl-20260115").glob("*.jsonl"))
    assert landed.count("Sam Leader") == 1 and "Pennine" in landed
    bodies = [p.read_text(encoding="utf-8") for p in cache.rglob("response_body")]
    assert bodies == ["<p>Director: Sam Leader</p>"]
    con = connect(cfg.warehouse_path, read_only=True)
    try:
        contacts = con.execute("SELECT c.name FROM contacts p JOIN company_links l "
                               "USING (record_id) JOIN companies c USING (company_id) "
                               "WHERE p.name = 'Sam Leader'").fetchall()
    finally:
        con.close()
    assert contacts == [("Pennine Tools Ltd",)]

    # a re-crawl lands him again under Kestrel: masked at load, Pennine's contact kept
    land(cfg.landing_dir, "crawl-20260120", items)
    assert "masked before loading" in _cli(cfg, "load")
    again = "".join(p.read_text(encoding="utf-8")
                    for p in (cfg.landing_dir / "crawl-20260120").glob("*.jsonl"))
    assert again.count("Sam Leader") == 1
