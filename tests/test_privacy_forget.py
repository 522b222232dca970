"""Erasure on concrete data: real landing files loaded into a real warehouse, and an HTTP cache
written by Scrapy's own FilesystemCacheStorage. After ``leadpipe forget`` the person is in no
table, no landing line and no cached page, a re-load does not bring them back, and the log
holds only hashes."""

from __future__ import annotations

import json
import re

import pytest
from privacy_world import (
    JANE_EMAIL,
    JANE_PHONE,
    TOM_EMAIL,
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

PAGES = {
    "http://demo_expo.test/kestrel": "<h1>Kestrel Machinery Ltd</h1><p>Purchasing: Jane Doe, "
    "<a href='mailto:jane.doe&#64;kestrel-machinery.co.uk'>write</a>, tel. 020 7946 0958</p>",
    "http://demo_expo.test/northbridge": "<h1>Northbridge</h1><p>Tom Roe, Sales, "
    f"{TOM_EMAIL}</p>",
}


def _cache(cache_dir):
    """Cached responses as a crawl leaves them (one folder per request)."""
    crawler = get_crawler(Spider, {"HTTPCACHE_DIR": str(cache_dir)})
    spider = Spider.from_crawler(crawler, name="demo_expo")
    storage = FilesystemCacheStorage(crawler.settings)
    storage.open_spider(spider)
    for url, body in PAGES.items():
        request = Request(url)
        storage.store_response(spider, request, HtmlResponse(
            url, body=body.encode(), request=request, encoding="utf-8"))


@pytest.fixture()
def world(tmp_path, monkeypatch):
    monkeypatch.chdir(tmp_path)
    cfg = write_config(tmp_path)
    build(cfg)
    land(cfg.landing_dir, "crawl-20260210", run_two("crawl-20260210"))
    # a line the loader quarantines (employees out of bounds) that mentions her too
    bad = cfg.landing_dir / "crawl-20260210" / "demo_expo.jsonl"
    lines = bad.read_text(encoding="utf-8").splitlines(keepends=True)
    item = json.loads(lines[0])
    item["native_id"] = "kestrel-bad"
    item["fields"]["employees"] = -5
    bad.write_text("".join(lines) + json.dumps(item) + "\n", encoding="utf-8")
    runner.load(cfg)
    runner.resolve(cfg)
    runner.score(cfg)
    _cache(cfg.data_dir / "httpcache")
    return cfg



def _mentions_jane(text: str) -> bool:
    low = text.lower()
    return ("jane.doe" in low or "jane doe" in low or "j. doe" in low
            or "79460958" in re.sub(r"\D", "", text))


def _landing(cfg) -> dict[str, str]:
    return {p.name + p.parent.name: p.read_text(encoding="utf-8")
            for p in sorted(cfg.landing_dir.glob("*/*.jsonl"))}


def test_a_forgotten_person_is_gone_from_warehouse_landing_and_cache(world):
    cfg = world
    assert _mentions_jane(warehouse_text(cfg))
    before = _landing(cfg)
    assert any(_mentions_jane(t) for t in before.values())
    cache = cfg.data_dir / "httpcache"
    assert len(list(cache.rglob("response_body"))) == 2

    result = CliRunner().invoke(app, ["forget", JANE_EMAIL, "--config", str(cfg.source)])
    assert result.exit_code == 0, result.output
    said = " ".join(result.output.split())
    assert "contacts (deleted) │ 3" in said and "1 cached page removed" in said
    result = CliRunner().invoke(app, ["forget", JANE_PHONE, "--config", str(cfg.source)])
    assert result.exit_code == 0, result.output

    assert not _mentions_jane(warehouse_text(cfg))
    after = _landing(cfg)
    assert not any(_mentions_jane(t) for t in after.values())
    # line for line: the same files, the same number of lines, every line still JSON
    assert {k: len(v.splitlines()) for k, v in after.items()} == {
        k: len(v.splitlines()) for k, v in before.items()}
    for text in after.values():
        for line in text.splitlines():
            json.loads(line)
    assert TOM_EMAIL in "".join(after.values())  # nobody else was touched
    bodies = [p.read_text(encoding="utf-8") for p in cache.rglob("response_body")]
    assert len(bodies) == 1 and TOM_EMAIL in bodies[0]

    # a re-load skips the masked files (their new hashes are recorded) and brings nobody back
    loaded = runner.load(cfg)
    assert (loaded.files_loaded, loaded.new_items) == (0, 0)
    runner.resolve(cfg)
    runner.score(cfg)
    assert not _mentions_jane(warehouse_text(cfg))

    log = (cfg.data_dir / "erasure-log.jsonl").read_text(encoding="utf-8").splitlines()
    assert len(log) == 2
    first = json.loads(log[0])
    assert first["kind"] == "email" and len(first["person_hash"]) == 64
    assert sum(len(f["lines"]) for f in first["landing"]) >= 4
    assert not _mentions_jane("\n".join(log)) and "@" not in "\n".join(log)


def test_a_landing_file_changed_after_forget_still_loads(world):
    """Masked files keep the loader's meaning: a file whose content changes again is loaded
    again (its hash differs from the recorded one), never skipped silently."""
    cfg = world
    assert CliRunner().invoke(app, ["forget", JANE_EMAIL, "--config",
                                    str(cfg.source)]).exit_code == 0
    path = next(iter(sorted(cfg.landing_dir.glob("*/*.jsonl"))))
    with path.open("a", encoding="utf-8") as fh:
        fh.write("\n")
    assert runner.load(cfg).files_loaded == 1


def test_forget_refuses_what_is_no_person(world):
    result = CliRunner().invoke(app, ["forget", "kestrel", "--config", str(world.source)])
    assert result.exit_code == 1
    assert "is neither an e-mail address nor a phone number" in result.output
    assert "Traceback" not in result.output
