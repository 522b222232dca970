"""Directories searched by industry and region: a definition's ``search:`` section expanded
from a profile (or ``--param``), crawled against 127.0.0.1, each item keeping its category."""

from __future__ import annotations

import json
from collections import Counter
from pathlib import Path
from typing import Any
from urllib.parse import parse_qs, urlencode

import pytest
from localhttp import LocalServer, QuietHandler
from typer.testing import CliRunner

from leadpipe.cli import app
from leadpipe.config import load_config
from leadpipe.runner import source_searches
from sales.searches import categories_for, parse_params
from spiders.crawl import run_crawl
from spiders.definitions import DefinitionError, load_definition, sources_dir
from spiders.search import SearchError

WEB = Path(__file__).parent / "fixtures" / "web"
YP = WEB / "yellowpages_au" / "search_listings_plumber_cairns_p1.html"
FAST = {"AUTOTHROTTLE_ENABLED": False, "LOG_LEVEL": "INFO",
        "LEADPIPE_ALLOW_ADDRESSES": ["127.0.0.1"]}


class Server(LocalServer):
    """GET and POST on 127.0.0.1: ``routes`` maps path+query (GET) or ``POST path?body``
    (POST, the form or JSON body as sent) to a body; anything else is a 404."""

    def __init__(self, routes: dict[str, bytes], content_type: str = "text/html") -> None:
        self.routes = routes
        self.hits: Counter[str] = Counter()
        server = self

        class Handler(QuietHandler):
            def _reply(self, key: str) -> None:
                server.hits[key] += 1
                body = server.routes.get(key)
                status = 200 if body is not None else 404
                body = body if body is not None else b"not found"
                self.reply(status, body, {"Content-Type": content_type if status == 200
                                          else "text/plain"})

            def do_GET(self) -> None:  # noqa: N802
                if self.path == "/robots.txt":
                    server.hits[self.path] += 1
                    body = b"User-agent: *\nDisallow: /private/\n"
                    self.reply(200, body)
                    return
                self._reply(self.path)

            def do_POST(self) -> None:  # noqa: N802
                length = int(self.headers.get("Content-Length") or 0)
                body = self.rfile.read(length).decode("utf-8")
                if "json" in (self.headers.get("Content-Type") or ""):
                    body = urlencode(sorted(json.loads(body).items()))
                else:
                    body = urlencode(sorted((k, v[0]) for k, v in parse_qs(body).items()))
                self._reply(f"POST {self.path}?{body}")

        super().__init__(Handler)


def yellowpages_variant(tag: str) -> bytes:
    """The saved results page with every listing id prefixed by ``tag`` and no next page: one
    page of 35 different listings per search."""
    html = YP.read_text("utf-8")
    start = html.index("{", html.index("window.__INITIAL_STATE__"))
    state, length = json.JSONDecoder().raw_decode(html[start:])
    for view in state["model"]["inAreaResultViews"]:
        view["id"] = f"{tag}{view['id']}"
    state["model"]["pagination"]["nextPageLink"] = None
    return (html[:start] + json.dumps(state) + html[start + length:]).encode("utf-8")


def search_path(category: str, location: str) -> str:
    query = urlencode({"clue": category, "locationClue": location, "pageNumber": 1})
    return f"/search/listings?{query}"


def profile_config(tmp_path: Path, industries: list[str], regions: list[str]) -> Any:
    path = tmp_path / "leadpipe.toml"
    path.write_text(
        '[project]\ndata_dir = "data"\n[profiles.default]\n'
        f"industries = {json.dumps(industries)}\nregions = {json.dumps(regions)}\n",
        encoding="utf-8")
    return load_config(path)


def test_two_industries_and_two_regions_crawl_four_searches_keeping_the_category(tmp_path):
    config = profile_config(tmp_path, ["manufacturing", "energy"],
                            ["Cairns, QLD", "Townsville, QLD"])
    searches = source_searches(config, ["yellowpages_au"])["yellowpages_au"]
    assert searches == [
        {"category": "manufacturers", "location": "Cairns, QLD"},
        {"category": "manufacturers", "location": "Townsville, QLD"},
        {"category": "solar energy equipment", "location": "Cairns, QLD"},
        {"category": "solar energy equipment", "location": "Townsville, QLD"},
    ]
    routes = {search_path(s["category"], s["location"]): yellowpages_variant(f"s{i}-")
              for i, s in enumerate(searches)}
    with Server(routes) as srv:
        report = run_crawl("yellowpages_au", run_id="r1", landing_dir=tmp_path / "landing",
                           spider_args={"base_url": srv.url, "search": json.dumps(searches)},
                           settings=FAST, timeout=120)
    assert report.ok, report.errors
    assert {p: srv.hits[p] for p in routes} == dict.fromkeys(routes, 1)   # four searches
    items = [json.loads(line) for line in report.landing_file.read_text("utf-8").splitlines()]
    assert len(items) == 4 * 35
    for i, search in enumerate(searches):
        found = [it for it in items if it["native_id"].startswith(f"s{i}-")]
        assert len(found) == 35
        for item in found:
            assert search["category"] in item["fields"]["categories"], item["fields"]
            other = {s["category"] for s in searches} - {search["category"]}
            assert not other & set(item["fields"]["categories"])
    alex = next(it for it in items if it["native_id"] == "s0-11973665")
    # the category printed by the directory stays, the search's is added
    assert alex["fields"]["categories"][-1] == "manufacturers"
    assert len(alex["fields"]["categories"]) >= 2


def test_explicit_params_win_over_the_profile_and_defaults_fill_the_rest(tmp_path):
    config = profile_config(tmp_path, ["manufacturing"], [])
    params = parse_params(["category=plumber", "category=electrician"])
    found = source_searches(config, ["yellowpages_au"], params=params)["yellowpages_au"]
    assert found == [{"category": "plumber", "location": "cairns, QLD"},
                     {"category": "electrician", "location": "cairns, QLD"}]
    # a profile with no regions and no mapped country: the definition's default location
    assert source_searches(config, ["yellowpages_au"])["yellowpages_au"] == [
        {"category": "manufacturers", "location": "cairns, QLD"}]
    with pytest.raises(SearchError, match="unknown search parameter 'suburb'"):
        source_searches(config, ["yellowpages_au"], params={"suburb": ["Edge Hill"]})
    with pytest.raises(SearchError, match="declares no search parameters"):
        source_searches(config, ["hostingcon_2012"], params=params)
    with pytest.raises(SearchError, match="not NAME=VALUE"):
        parse_params(["plumber"])


def test_industries_reach_categories_through_nace():
    mapping = {"construction": ["builders"], "43.22": ["plumbers"], "C": ["manufacturers"]}
    assert categories_for(mapping, ["43.22"]) == ["builders", "plumbers"]
    assert categories_for(mapping, ["construction"]) == ["builders", "plumbers"]
    assert categories_for(mapping, ["10.71"]) == ["manufacturers"]
    assert categories_for(mapping, ["software"]) == []


def test_crawl_cli_refuses_a_bad_param_in_one_line(tmp_path):
    config = profile_config(tmp_path, ["manufacturing"], [])
    result = CliRunner().invoke(app, ["crawl", "yellowpages_au", "--param", "plumber",
                                      "--config", str(config.source)])
    assert result.exit_code == 1
    assert "--param 'plumber' is not NAME=VALUE" in result.output
    assert "Traceback" not in result.output


def test_search_section_errors_name_file_line_and_key(tmp_path):
    text = (sources_dir() / "yellowpages_au.yaml").read_text("utf-8")
    bad = tmp_path / "yellowpages_au.yaml"
    bad.write_text(text.replace("    category: plumber\n", "    suburb: Edge Hill\n"), "utf-8")
    with pytest.raises(DefinitionError, match=r"yellowpages_au\.yaml:\d+: search\.defaults\."
                       r"suburb: no \{suburb\} placeholder"):
        load_definition(bad)
    bad.write_text(text.replace("search:\n", "search:\n  sort: name\n"), "utf-8")
    with pytest.raises(DefinitionError, match=r"search\.sort: unknown key"):
        load_definition(bad)


GITEX = WEB / "gitex_africa_2026" / "exhibitors_derived_from_listing.json"
PAGER = "/gitex-africa-2026/Exhibitor/fetchExhibitors"


def post_only_definition(tmp_path: Path, request: str) -> Path:
    """The GITEX definition asking its catalogue's pager by POST (``request`` is its YAML)."""
    text = (sources_dir() / "gitex_africa_2026.yaml").read_text("utf-8")
    text = text.replace("/Exhibitor/fetchExhibitors?limit=50&start=0", "/Exhibitor/fetchExhibitors")
    text = text.replace("pagination:\n", request + "pagination:\n", 1)
    path = tmp_path / "defs" / "gitex_africa_2026.yaml"
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_text(text, "utf-8")
    return path


@pytest.mark.parametrize("request_yaml", [
    "request:\n  method: POST\n  form: {limit: '50'}\n",
    "request:\n  method: post\n  json: {limit: '50'}\n"
    "  headers: {X-Requested-With: XMLHttpRequest}\n",
])
def test_a_catalogue_that_lists_only_on_post_is_crawled_page_by_page(tmp_path, request_yaml):
    records = json.loads(GITEX.read_bytes())
    routes = {f"POST {PAGER}?{urlencode([('limit', '50'), ('start', str(start))])}":
              json.dumps(records[start:start + 50]).encode()
              for start in range(0, len(records) + 50, 50)}
    definition = post_only_definition(tmp_path, request_yaml)
    assert load_definition(definition).request.method == "POST"
    with Server(routes, "application/json") as srv:
        report = run_crawl("gitex_africa_2026", run_id="r1", landing_dir=tmp_path / "landing",
                           spider_args={"base_url": srv.url, "definition_path": str(definition)},
                           settings=FAST, timeout=120)
    assert report.ok, report.errors
    assert report.items == 871
    assert srv.hits["/robots.txt"] == 1                     # politeness: robots.txt asked first
    assert srv.hits[PAGER] == 0                             # never a GET of the listing
    assert sum(srv.hits[k] for k in routes) == 18           # 17 full pages and a short one
    assert srv.hits[f"POST {PAGER}?limit=50&start=900"] == 0


def test_a_form_needs_post_and_only_one_body(tmp_path):
    with pytest.raises(DefinitionError, match=r"request\.method: a form or JSON body needs "
                       r"method: POST"):
        load_definition(post_only_definition(tmp_path, "request:\n  form: {limit: '50'}\n"))
    with pytest.raises(DefinitionError, match=r"request: give form or json, not both"):
        load_definition(post_only_definition(
            tmp_path, "request:\n  method: POST\n  form: {a: '1'}\n  json: {a: 1}\n"))
