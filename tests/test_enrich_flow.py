"""The enrich flow run for real (a temporary Prefect API): company sites served on 127.0.0.1,
fresh sites left alone, and ``refresh`` fetching every site now, as ``leadpipe enrich
--refresh`` does; the enrich and pipeline deployment forms offer it with a description."""

from __future__ import annotations

from pathlib import Path

import pytest
from localhttp import SitesProxy
from sites_world import sites_world

from flows.deployments import deployments
from flows.stages import enrich_flow
from warehouse.db import connect

ROBOTS = "User-agent: *\nAllow: /\n"
HOME = "<html><body><h1>{name}</h1><p>Precision machining since 1985.</p></body></html>"


@pytest.fixture()
def world(tmp_path: Path):
    """Two company sites on a local proxy, their companies loaded and resolved, a config."""
    with SitesProxy({
        "northbridge.example": {"/": HOME.format(name="Northbridge"), "/robots.txt": ROBOTS},
        "carrow.example": {"/": HOME.format(name="Carrow"), "/robots.txt": ROBOTS},
    }) as sites:
        config = sites_world(tmp_path, sites.url, [
            ("nb", "Northbridge Engineering Ltd", "http://northbridge.example/"),
            ("cf", "Carrow Fabrication Ltd", "http://carrow.example/")])
        yield config, sites


def _fetched_at(config) -> dict[str, object]:
    con = connect(config.warehouse_path, read_only=True)
    try:
        return dict(con.execute("SELECT website, website_fetched_at FROM enrichment "
                                "WHERE website IS NOT NULL").fetchall())
    finally:
        con.close()


def test_refresh_fetches_every_site_again_in_a_flow_run(world, prefect_harness):
    config, sites = world
    path = str(config.source)
    first = enrich_flow(config_path=path)
    assert (first["websites_fetched"], first["websites_ok"]) == (2, 2)
    homes = {h: sites.by_page[f"{h}/"] for h in ("northbridge.example", "carrow.example")}
    assert homes == {"northbridge.example": 1, "carrow.example": 1}
    stamps = _fetched_at(config)

    again = enrich_flow(config_path=path)  # both sites are fresh: nothing is fetched
    assert again["websites_fetched"] == 0
    assert sites.by_page["northbridge.example/"] == 1 and sites.by_page["carrow.example/"] == 1

    refreshed = enrich_flow(refresh=True, config_path=path)
    assert (refreshed["websites_fetched"], refreshed["websites_ok"]) == (2, 2)
    assert sites.by_page["northbridge.example/"] == 2 and sites.by_page["carrow.example/"] == 2
    later = _fetched_at(config)
    assert all(later[site] > stamps[site] for site in stamps), (stamps, later)


@pytest.mark.parametrize("name", ["enrich", "pipeline"])
def test_the_form_offers_refresh_with_a_description(world, name):
    config, _ = world
    form = {d.name: d for d in deployments(config)}[name]
    props = form._parameter_openapi_schema.model_dump()["properties"]
    assert props["refresh"]["type"] == "boolean" and props["refresh"]["default"] is False
    assert props["refresh"]["title"] == "Refresh"
    assert "every website" in props["refresh"]["description"]
