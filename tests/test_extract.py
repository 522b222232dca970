"""``leadpipe extract FILE --url URL``: the definition is chosen by URL, items come out as
JSON Lines on stdout, the summary and problems on stderr."""

from __future__ import annotations

import json
from pathlib import Path

from typer.testing import CliRunner

from leadpipe.cli import app

WEB = Path(__file__).parent / "fixtures" / "web"
runner = CliRunner()


def lines(output: str) -> list[dict]:
    return [json.loads(line) for line in output.splitlines() if line.strip()]


def test_extract_picks_the_definition_by_url():
    result = runner.invoke(app, [
        "extract", str(WEB / "yellowpages_au/search_listings_plumber_cairns_p1.html"),
        "--url", "https://www.yellowpages.com.au/search/listings?clue=plumber&pageNumber=1",
    ])
    assert result.exit_code == 0, result.output
    items = lines(result.stdout)
    assert len(items) == 35
    first = items[0]
    assert first["source"] == "yellowpages_au"
    assert first["native_id"] == "11973665"
    assert first["fields"]["name"] == "Alexander Plumbing & Draining"
    assert first["field_methods"]["phone"] == "state_json"
    assert "35 items" in result.stderr and "yellowpages_au (state_json)" in result.stderr


def test_extract_reads_an_export():
    result = runner.invoke(app, [
        "extract", str(WEB / "hannover_messe/exhibitor_search_export_2026.csv"),
        "--url", "https://www.hannovermesse.de/en/search/export?category=ep",
    ])
    assert result.exit_code == 0, result.output
    items = lines(result.stdout)
    assert len(items) == 2739
    assert {i["method"] for i in items} == {"export"}
    assert items[0]["fields"]["name"] == "Aashirwad Press Tools"


def test_extract_with_an_explicit_source():
    result = runner.invoke(app, [
        "extract", str(WEB / "caat_arms_fairs/dsei-2023.json"),
        "--url", "file:///tmp/dsei-2023.json", "--source", "dsei_2023",
    ])
    assert result.exit_code == 0, result.output
    assert len(lines(result.stdout)) == 1551


def test_extract_errors_are_one_line():
    result = runner.invoke(app, [
        "extract", str(WEB / "hostingcon_2012/exhibitors.html"), "--url", "https://nowhere.example/",
    ])
    assert result.exit_code == 1
    assert "no source definition matches https://nowhere.example/" in result.stderr
    result = runner.invoke(app, ["extract", "missing.html", "--url", "http://m.hostingcon.com/"])
    assert result.exit_code == 1 and "missing.html: no such file" in result.stderr


def test_extract_exits_1_when_nothing_is_found(tmp_path):
    page = tmp_path / "empty.html"
    page.write_text("<html><body><p>No exhibitors yet</p></body></html>")
    result = runner.invoke(app, ["extract", str(page), "--url",
                                 "http://m.hostingcon.com/exhibitors.html"])
    assert result.exit_code == 1
    assert result.stdout == ""
    assert "0 items" in result.stderr


def test_extract_recognises_a_saved_detail_page_by_its_url(tmp_path):
    from leadpipe.demo.server import respond
    from leadpipe.demo.views import record_view
    from leadpipe.demo.world import generate_world

    world = generate_world(companies=60, seed=3)
    rec = world.records["demo_expo"][0]
    status, _, body = respond(world, "expo.demo.leadpipe.test", f"/exhibitors/{rec.native_id}")
    assert status == 200
    page = tmp_path / "profile.html"
    page.write_bytes(body)
    result = runner.invoke(app, ["extract", str(page), "--url",
                                 f"http://expo.demo.leadpipe.test/exhibitors/{rec.native_id}"])
    assert result.exit_code == 0, result.output
    [item] = lines(result.stdout)
    view = record_view(world, rec)
    assert item["source"] == "demo_expo"
    assert item["fields"]["name"] == view.name
    assert item["fields"].get("email") == view.email
    assert item["method"] in ("jsonld", "css")
