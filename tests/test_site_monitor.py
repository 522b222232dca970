"""Site monitoring for real: company sites served from local folders on 127.0.0.1 (as an HTTP
proxy, the way the demo world serves its sites), enriched through the CLI, changed on disk,
enriched again; the changes become site events, timing and solvency reasons, and rows of
``export --changed``."""

from __future__ import annotations

import csv
import json
import threading
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path
from urllib.parse import urlsplit

import pytest
from localhttp import SitesProxy
from sites_world import sites_world
from typer.testing import CliRunner

from enrich.monitor import facts
from enrich.monitor.events import changes
from enrich.monitor.fingerprint import fingerprint
from enrich.signals.distress import states_proceedings, words_in
from enrich.solvency import SolvencySignals, estimate
from enrich.website import read_site
from leadpipe.cli import app
from leadpipe.config import load_config
from warehouse.db import connect

MODEL = load_config().solvency

HOME = """<html><body><nav><a href="/">Home</a> <a href="/news">News</a>
<a href="/imprint">Imprint</a>{extra}</nav>
<h1>{name}</h1><p>Precision machining and industrial assemblies since 1985.</p>
<p>Products: <a href="/products/gearboxes">Gearboxes</a>
<a href="/products/spindles">Spindles</a></p></body></html>"""
IMPRINT = """<html><body><h1>Imprint</h1><p>{legal} is registered in England.</p>
<address>{street}<br>Leeds LS1 4AP<br>United Kingdom</address></body></html>"""
NEWS = """<html><body><h1>News</h1>{items}</body></html>"""
ARTICLE = """<article><h2>{title}</h2><time datetime="{date}">{date}</time></article>"""
CAREERS = """<html><body><h1>Careers</h1><ul>
<li><a href="/careers/cnc-machinist">CNC machinist</a></li>
<li><a href="/careers/quality-engineer">Quality engineer</a></li>
<li><a href="/careers/welder">Welder</a></li></ul></body></html>"""
ROBOTS = "User-agent: *\nAllow: /\n"


class _Folders(BaseHTTPRequestHandler):
    """Each host's site from its folder: ``/`` is index.html, ``/news`` is news.html."""

    roots: dict[str, Path] = {}

    def do_GET(self):  # noqa: N802 - http.server API
        target = urlsplit(self.path)
        root = self.roots.get(target.hostname or "")
        name = (target.path.strip("/") or "index").replace("/", "_")
        page = root / (name if name == "robots.txt" else f"{name}.html") if root else None
        found = page is not None and page.is_file()
        self.send_response(200 if found else 404)
        self.send_header("Content-Type", "text/html; charset=utf-8")
        self.end_headers()
        self.wfile.write(page.read_bytes() if found else b"not found")

    def log_message(self, *args):
        pass


def _site(folder: Path, name: str, legal: str, *, news: list[tuple[str, str]]) -> Path:
    folder.mkdir(parents=True)
    (folder / "robots.txt").write_text(ROBOTS)
    (folder / "index.html").write_text(HOME.format(name=name, extra=""))
    (folder / "imprint.html").write_text(IMPRINT.format(legal=legal, street="12 Mill Lane"))
    (folder / "news.html").write_text(NEWS.format(
        items="".join(ARTICLE.format(title=t, date=d) for t, d in news)))
    return folder


@pytest.fixture()
def world(tmp_path: Path):
    """Three company sites on a local proxy, their companies loaded and resolved, a config."""
    sites = tmp_path / "sites"
    _Folders.roots = {
        "northbridge.example": _site(sites / "northbridge", "Northbridge Engineering",
                                     "Northbridge Precision Engineering Ltd",
                                     news=[("Northbridge at the Leeds trade fair", "2026-10-02")]),
        "carrow.example": _site(sites / "carrow", "Carrow Fabrication", "Carrow Fabrication Ltd",
                                news=[("New laser cutter installed", "2026-09-14")]),
        "dunmore.example": _site(sites / "dunmore", "Dunmore Tools", "Dunmore Tools Ltd",
                                 news=[]),
    }
    server = ThreadingHTTPServer(("127.0.0.1", 0), _Folders)
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    config = sites_world(
        tmp_path, f"http://127.0.0.1:{server.server_port}",
        [(native, name, f"http://{host}.example/") for native, name, host in [
            ("nb", "Northbridge Precision Engineering Ltd", "northbridge"),
            ("cf", "Carrow Fabrication Ltd", "carrow"), ("dt", "Dunmore Tools Ltd", "dunmore")]],
        fields={"categories": ["Industrial Machinery"], "founded": 1985})
    yield config, _Folders.roots
    server.shutdown()
    server.server_close()
    thread.join()


def _cli(config, *args: str) -> str:
    result = CliRunner().invoke(app, [*args, "--config", str(config.source)])
    assert result.exit_code == 0, result.output
    return result.output


def _events(config) -> list[dict]:
    return [json.loads(line) for line in _cli(config, "events", "--json").splitlines()]


def _export(config, out: Path) -> dict[str, dict]:
    _cli(config, "export", "--changed", "--stage", "prospect", "--stage", "suspect", "-o",
         str(out))
    with out.open(encoding="utf-8") as fh:
        return {row["name"]: row for row in csv.DictReader(fh)}


def _score_reasons(config, name: str) -> list[tuple]:
    con = connect(config.warehouse_path, read_only=True)
    try:
        return con.execute(
            "SELECT r.sign, r.code, r.text, r.source_url FROM score_reasons r JOIN companies c "
            "USING (company_id) WHERE c.name = ? ORDER BY r.sign, r.rank", [name]).fetchall()
    finally:
        con.close()


def _scores(config) -> dict[str, tuple]:
    con = connect(config.warehouse_path, read_only=True)
    try:
        return {r[0]: r[1:] for r in con.execute(
            "SELECT c.name, s.timing, s.solvency_band, s.stage FROM scores s "
            "JOIN companies c USING (company_id)").fetchall()}
    finally:
        con.close()


def test_a_site_gaining_a_jobs_page_becomes_an_event_a_timing_reason_and_a_changed_row(
        world, tmp_path):
    config, roots = world
    _cli(config, "enrich")
    _cli(config, "score")
    first = _export(config, tmp_path / "first.csv")
    assert {"Northbridge Precision Engineering Ltd", "Dunmore Tools Ltd"} <= set(first)
    assert _events(config) == []  # a first fetch has nothing to compare with

    # nothing changed on any site: a forced re-fetch finds no event, the export nothing new
    _cli(config, "enrich", "--refresh")
    _cli(config, "score")
    assert _events(config) == []
    assert _export(config, tmp_path / "same.csv") == {}

    # the sites change: Northbridge gains a jobs page, Carrow a notice of proceedings,
    # Dunmore moves
    nb, cf, dt = roots["northbridge.example"], roots["carrow.example"], roots["dunmore.example"]
    (nb / "careers.html").write_text(CAREERS)
    (nb / "index.html").write_text(HOME.format(name="Northbridge Engineering",
                                               extra=' <a href="/careers">Careers</a>'))
    (cf / "news.html").write_text(NEWS.format(items=ARTICLE.format(
        title="Carrow Fabrication Ltd: insolvency proceedings opened", date="2026-11-30")
        + ARTICLE.format(title="New laser cutter installed", date="2026-09-14")))
    (dt / "imprint.html").write_text(IMPRINT.format(legal="Dunmore Tools Ltd",
                                                    street="3 Canal Wharf"))

    _cli(config, "enrich")  # the sites are fresh: not fetched, nothing seen yet
    assert _events(config) == []
    _cli(config, "enrich", "--refresh")
    found = {(e["name"], e["kind"]): e for e in _events(config)}
    jobs = found[("Northbridge Precision Engineering Ltd", "jobs_appeared")]
    assert jobs["sentence"] == "its website now lists 3 job openings"
    assert jobs["url"] == "http://northbridge.example/careers"
    distress = found[("Carrow Fabrication Ltd", "distress_notice")]
    assert distress["sentence"] == 'its website now mentions "insolvency proceedings"'
    assert distress["url"] == "http://carrow.example/news"
    assert found[("Carrow Fabrication Ltd", "new_press_page")]["sentence"] == (
        "new on its website: Carrow Fabrication Ltd: insolvency proceedings opened "
        "(30 November 2026)")
    moved = found[("Dunmore Tools Ltd", "new_address")]
    assert moved["sentence"] == ("its website now gives the address 3 Canal Wharf, Leeds LS1 "
                                 "4AP, United Kingdom (it used to say 12 Mill Lane, Leeds LS1 4AP, "
                                 "United Kingdom)")
    assert len(found) == 4, sorted(found)

    _cli(config, "score")
    scores = _scores(config)
    assert scores["Northbridge Precision Engineering Ltd"][0] == "warm"
    assert ("positive", "jobs_appeared", "its website now lists 3 job openings",
            "http://northbridge.example/careers") in _score_reasons(
                config, "Northbridge Precision Engineering Ltd")
    assert scores["Carrow Fabrication Ltd"][1:] == ("X", "suspect")  # knocked out
    assert ("negative", "distress_notice", 'its website mentions "insolvency proceedings"',
            "http://carrow.example/news") in _score_reasons(config, "Carrow Fabrication Ltd")

    changed = _export(config, tmp_path / "changed.csv")
    assert set(changed) == {"Northbridge Precision Engineering Ltd", "Carrow Fabrication Ltd",
                            "Dunmore Tools Ltd"}
    assert "its website now lists 3 job openings" in changed[
        "Northbridge Precision Engineering Ltd"]["reasons"]
    assert changed["Northbridge Precision Engineering Ltd"]["timing"] == "warm"
    assert "noticed: its website now gives the address 3 Canal Wharf" in changed[
        "Dunmore Tools Ltd"]["reasons"]

    table = _cli(config, "events")
    assert "4 changes on company websites" in table
    assert ("Northbridge Precision Engineering Ltd: its website now lists 3 job openings "
            "(http://northbridge.example/careers)") in table

    # re-running is safe: the same sites fetched again add no event
    _cli(config, "enrich", "--refresh")
    assert len(_events(config)) == 4
    _cli(config, "score")
    assert _export(config, tmp_path / "again.csv") == {}


def test_distress_words_in_three_languages_and_what_knocks_out():
    assert words_in("Die Gesellschaft befindet sich im Insolvenzverfahren.") == [
        "insolvenzverfahren"]
    assert words_in("La société est en redressement judiciaire depuis mars.") == [
        "redressement judiciaire"]
    assert words_in("Administrators have been appointed; the firm is in administration.") == [
        "administrators have been appointed", "in administration"]
    assert states_proceedings(["insolvency proceedings"])
    assert not states_proceedings(["insolvency"])  # a law firm's practice area is no notice
    mention = estimate(SolvencySignals(distress=["insolvency"], website_status="ok"),
                       this_year=2026, model=MODEL)
    assert mention.band != "X"
    assert [(e.code, e.points) for e in mention.evidence if e.code == "distress_mention"] == [
        ("distress_mention", MODEL.points.distress_mention)]
    notice = estimate(SolvencySignals(distress=["redressement judiciaire"]), this_year=2026,
                      model=MODEL)
    assert notice.band == "X" and notice.evidence[0].code == "distress_notice"


# Every form the distress pattern knows, in capitals as pages print them, and spelt with the
# letters a case-blind pattern takes for i and s (the quick substring test must pass them on).
@pytest.mark.parametrize("printed", [
    "Insolvency Proceedings", "INSOLVENZVERFAHRENS", "Redressement Judiciaire",
    "Liquidation judiciaire", "Procédure collective", "procedure collective",
    "IN ADMINISTRATION", "entered administration", "Administrator appointed",
    "administrators were appointed", "In Liquidation", "Receivership", "Winding-up",
    "winding up", "Bankruptcy", "bankrupt", "Ceased Trading", "insolvent", "Liquidation",
    "Closing Down", "\u0130nsolvency", "\u0131nsolvent", "in\u017folvency", "LIQUIDAT\u0130ON",
])
def test_every_distress_form_is_found_whatever_its_capitals(printed):
    text = f"Notice to our customers: {printed} since March 2026."
    assert words_in(text) == [" ".join(printed.lower().split())]


def test_a_text_with_no_distress_word_gives_none():
    assert words_in("Precision machining for the food industry, administered from Leeds.") == []


def _fetched(pages: dict[str, str]):
    return read_site(pages)


def test_fingerprint_facts_and_the_changes_between_two():
    home = "http://acme.example/"
    before = fingerprint(_fetched({
        home: HOME.format(name="Acme", extra=""),
        home + "imprint": IMPRINT.format(legal="Acme Machines Ltd", street="1 High St"),
        home + "news": NEWS.format(items=ARTICLE.format(title="Open day", date="2026-05-01")),
    }))
    assert before is not None
    assert before.legal_name == "Acme Machines Ltd"
    assert before.product_pages == ("http://acme.example/products/gearboxes",
                                    "http://acme.example/products/spindles")
    assert [i.title for i in before.press_items] == ["Open day"]
    assert before.jobs_url is None and before.job_openings is None
    assert changes(None, before) == []
    same = fingerprint(_fetched({
        home: HOME.format(name="Acme", extra=""),
        home + "imprint": IMPRINT.format(legal="Acme Machines Ltd", street="1 High St"),
        home + "news": NEWS.format(items=ARTICLE.format(title="Open day", date="2026-05-01")),
    }))
    assert changes(before, same) == []
    after = fingerprint(_fetched({
        home: HOME.format(name="Acme", extra='<a href="/products/robot-arm">Arm</a>'),
        home + "imprint": IMPRINT.format(legal="Acme Robotics Ltd", street="1 High St"),
        home + "news": NEWS.format(items=ARTICLE.format(title="Open day", date="2026-05-01")),
        home + "jobs": '<html><body><p>No current vacancies.</p></body></html>',
    }))
    found = {e.kind: e.sentence for e in changes(before, after)}
    assert found == {
        "new_product_page": "its website shows a new product: robot arm",
        "new_legal_name": "its website now gives the legal name Acme Robotics Ltd "
                          "(it used to say Acme Machines Ltd)",
    }  # a jobs page saying "no current vacancies" is no jobs appearing


def _careers(*roles: str) -> str:
    items = "".join(f'<li><a href="/careers/{r.split()[0].lower()}-{i}">{r}</a></li>'
                    for i, r in enumerate(roles))
    return f"<html><body><h1>Careers</h1><ul>{items}</ul></body></html>"


@pytest.fixture()
def hiring(tmp_path: Path):
    """One company site on a local proxy whose careers page lists two vacancies."""
    with SitesProxy({"northbridge.example": {
        "/robots.txt": ROBOTS,
        "/": HOME.format(name="Northbridge", extra=' <a href="/careers">Careers</a>'),
        "/careers": _careers("CNC machinist", "Welder (m/w/d)"),
    }}) as sites:
        config = sites_world(tmp_path, sites.url, [
            ("nb", "Northbridge Engineering Ltd", "http://northbridge.example/")])
        yield config, sites.sites["northbridge.example"]


def test_new_vacancies_replacing_old_ones_are_jobs_appeared_naming_the_roles(hiring):
    config, site = hiring
    _cli(config, "enrich")
    assert _events(config) == []

    # two different vacancies replace the two old ones: the count is the same, the roles new
    site["/careers"] = _careers("Quality engineer", "Maintenance technician")
    _cli(config, "enrich", "--refresh")
    events = _events(config)
    assert [(e["kind"], e["sentence"], e["url"]) for e in events] == [(
        "jobs_appeared",
        "its website lists 2 new job openings: Quality engineer, Maintenance technician",
        "http://northbridge.example/careers")]

    # one role goes, the other is printed differently: no new role, no event
    site["/careers"] = _careers("QUALITY ENGINEER (m/f/d)")
    _cli(config, "enrich", "--refresh")
    assert len(_events(config)) == 1

    # a role comes back beside the one still listed: it is new against the last fetch
    site["/careers"] = _careers("Quality engineer", "Welder")
    _cli(config, "enrich", "--refresh")
    newest = _events(config)[0]
    assert newest["sentence"] == "its website lists 1 new job opening: Welder", newest
    assert len(_events(config)) == 2


def test_job_titles_are_read_and_compared_folded():
    page = facts.Page("http://acme.example/careers", _careers("CNC machinist", "Welder (m/w/d)"))
    assert facts.job_titles(page) == ["CNC machinist", "Welder (m/w/d)"]
    assert facts.job_openings(page) == 2
    assert facts.job_title_key("Welder (m/w/d)") == facts.job_title_key("WELDER")
    assert facts.job_title_key("Sales Manager – DACH (h/f)") == "sales manager dach"
    assert facts.job_title_key("Welder") != facts.job_title_key("Welder apprentice")
    stated = facts.Page("http://acme.example/jobs", "<p>We have 4 open positions.</p>")
    assert facts.job_titles(stated) == []  # a count, no titles: compared by count
    none = facts.Page("http://acme.example/jobs",
                      '<p>No current vacancies.</p><a href="/jobs/old">Old role</a>')
    assert facts.job_titles(none) == []
