"""The provenance sidecar gives every exported value its provenance, checked on the files of a
demo export (landed, loaded, resolved, enriched from a company website, scored): each non-empty
cell of the generic file has a sidecar row with the same value and either the source URL and
fetch time it came from, or plain words saying what leadpipe computed it from. Values traced
to a source always find it in this world (city, country, phone, employees, address ...), and
a value picked from the website or the sources names the one it was picked from."""

from __future__ import annotations

import csv
from pathlib import Path

import pytest
from localhttp import SitesProxy
from privacy_world import JANUARY, build, run_one, write_config

from leadpipe import runner
from sales.export.columns import BY_NAME, GENERIC_COLUMNS
from sales.export.view import NO_SOURCE

STAGES = ("prospect", "suspect", "client")
KESTREL_SITE = {
    "/": '<html><body><a href="/imprint">Imprint</a><p>Machine tools.</p></body></html>',
    "/imprint": "<html><body><p>Managing Director: Jane Doe</p>"
                "<p>Company number 04567890</p></body></html>",
    "/robots.txt": "User-agent: *\nAllow: /\n",
}
JANUARY_AT = JANUARY  # the sidecar writes times as the landing does


def _read(path: Path) -> list[dict[str, str]]:
    with path.open(encoding="utf-8", newline="") as fh:
        return list(csv.DictReader(fh))


def unexplained(rows: list[dict[str, str]], sidecar: list[dict[str, str]]) -> list[str]:
    """Every non-empty exported value without a sidecar row that gives its source URL and
    fetch time, or says why it has none."""
    given = {(r["company_id"], r["field"]): r for r in sidecar}
    bad = []
    for row in rows:
        for column in GENERIC_COLUMNS:
            if not row[column]:
                continue
            prov = given.get((row["company_id"], column))
            if prov is None or prov["value"] != row[column]:
                bad.append(f"{row['name']}: {column} not in the sidecar")
            elif not ((prov["source_url"] and prov["fetched_at"]) or prov["note"]):
                bad.append(f"{row['name']}: {column} has neither a source nor a note")
            elif prov["note"] == NO_SOURCE:
                bad.append(f"{row['name']}: {column} has no source")
    return bad


@pytest.fixture()
def exported(tmp_path, monkeypatch):
    monkeypatch.chdir(tmp_path)
    cfg = write_config(tmp_path)
    items = run_one()
    harbour = next(i for i in items["demo_directory"] if i["native_id"] == "harbour")
    harbour["fields"].update(street="1 Quay Road", postcode="DN31 1AA", founded=1952,
                             description="Tools for the fishing fleet.")
    build(cfg, items=items)
    with SitesProxy({"kestrel-machinery.co.uk": KESTREL_SITE}) as server:
        runner.enrich(cfg, access=runner.Access(proxy=server.url,
                                                allow_addresses=("127.0.0.1",)))
    runner.score(cfg)
    result = runner.export(cfg, output=tmp_path / "all.csv", funnel_stages=STAGES,
                           provenance=True)
    return _read(result.files[0]), _read(result.files[1])


def test_every_exported_value_has_its_provenance(exported):
    rows, sidecar = exported
    assert len(rows) >= 5
    assert unexplained(rows, sidecar) == []
    # one row per value: a value has one source
    keys = [(r["company_id"], r["field"]) for r in sidecar]
    assert len(keys) == len(set(keys))
    by = {(next(r["name"] for r in rows if r["company_id"] == p["company_id"]), p["field"]): p
          for p in sidecar}
    city = by[("Harbour Tools Ltd", "city")]
    assert (city["value"], city["source"], city["source_url"], city["fetched_at"]) == (
        "Grimsby", "demo_directory", "http://demo_directory.test/harbour", JANUARY_AT)
    for field in ("country", "website", "employees", "address", "founded", "description"):
        assert by[("Harbour Tools Ltd", field)]["source_url"] == (
            "http://demo_directory.test/harbour"), field
    assert by[("Harbour Tools Ltd", "address")]["value"] == "1 Quay Road, DN31 1AA Grimsby"
    assert by[("Pennine Tools Ltd", "phone")]["source_url"].endswith("/pennine")
    # read on Kestrel's imprint: the page, not the source record
    leaders = by[("Kestrel Machinery Ltd", "leadership")]
    assert leaders["source"] == "website" and leaders["source_url"].endswith("/imprint")
    # computed values say what from, in words
    assert by[("Kestrel Machinery Ltd", "tier")]["note"] == BY_NAME["tier"].derived
    assert by[("Kestrel Machinery Ltd", "industry")]["note"].startswith("classified by")


def test_the_check_fails_on_a_value_without_provenance(exported):
    rows, sidecar = exported
    city = next(p for p in sidecar if p["field"] == "city")
    assert unexplained(rows, [p for p in sidecar if p is not city]) != []
    emptied = [{**p, "source_url": "", "note": ""} if p is city else p for p in sidecar]
    assert unexplained(rows, emptied) != []
