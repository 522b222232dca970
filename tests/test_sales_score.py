"""Scoring in the sales room: fit rules on single rows, and the tier, band, timing, priority,
reason rows, stage and history of whole companies on a real DuckDB warehouse."""

from __future__ import annotations

from datetime import datetime, timedelta

import pytest
from sales_world import CLIENTS_CSV, build, write_config
from typer.testing import CliRunner

from leadpipe import runner
from leadpipe.cli import app
from leadpipe.config import load_config
from sales import qualify
from sales.score import fit_score
from warehouse.db import connect

NOW = datetime(2026, 6, 30, 12)


@pytest.fixture(scope="module")
def profile():
    """The bundled default profile's points and tiers, with a small ICP of its own."""
    base = load_config().profile()
    return base.model_copy(update={"name": "t", "industries": ["manufacturing"],
                                   "keywords": ["machinery"], "cpv_prefixes": ["48"]})


def test_fit_rewards_industry_keywords_size_and_demand(profile):
    row = {"name": "Acme Machinery Ltd", "industry": "manufacturing",
           "industry_reason": "makes machinery and equipment (listed under industrial machinery)",
           "employees": 120,
           "cpv": ["48000000", "72000000"], "listing_url": "http://directory.test/acme"}
    fit = fit_score(row, profile)
    assert fit.value == 1.0  # 0.6 + 0.1 + 0.2 + 0.4, capped
    assert [(r.code, r.text, r.points, r.url) for r in fit.reasons] == [
        ("industry_match", "makes machinery and equipment (listed under industrial machinery)", 0.6,
         "http://directory.test/acme"),
        ("keywords", "mentions machinery", 0.1, "http://directory.test/acme"),
        ("size_in_range", "at least 120 employees, in the target size", 0.2,
         "http://directory.test/acme"),
        ("tender_demand",
         "buys in public tenders what we sell: software package and information systems", 0.4,
         None),
    ]


def test_keywords_match_whole_words_only(profile):
    machine = profile.model_copy(update={"keywords": ["machine"]})
    def said(name: str) -> list[str]:
        return [r.text for r in fit_score({"name": name}, machine).reasons if r.code == "keywords"]

    assert said("Acme Machinery Ltd") == []
    assert said("Acme Machines Ltd") == ["mentions machine"]


def test_an_unknown_headcount_alone_does_not_drop_a_tier(profile):
    known = {"name": "Acme Machinery Ltd", "industry": "manufacturing", "employees": 120}
    unknown = {"name": "Acme Machinery Ltd", "industry": "manufacturing"}
    known_fit, unknown_fit = fit_score(known, profile), fit_score(unknown, profile)
    assert (known_fit.value, unknown_fit.value) == (0.9, 0.7)
    assert qualify.fit_tier(known_fit.value, profile) == "A"
    assert qualify.fit_tier(unknown_fit.value, profile) == "A"
    assert [r.code for r in unknown_fit.reasons] == ["industry_match", "keywords", "size_unknown"]
    # A known headcount outside the band does drop it.
    outside = fit_score({**known, "website_employees": 9000}, profile)
    assert outside.value == 0.3 and qualify.fit_tier(outside.value, profile) == "C"
    assert outside.reasons[-1].text == "9000 employees, outside the target of 20 to 5000 employees"


def test_points_and_tiers_come_from_the_profile(profile):
    row = {"name": "Acme", "industry": "manufacturing", "employees": 120}
    doubled = profile.model_copy(update={
        "points": profile.points.model_copy(update={"size_in_range": 0.0})})
    assert fit_score(row, profile).value == 0.8
    assert fit_score(row, doubled).value == 0.6
    assert profile.version != doubled.version  # every score row records which one scored it


def test_nace_targets_with_weights(profile):
    nace = profile.model_copy(update={"industries": ["28", "C", "logistics"],
                                      "industry_weights": {"28": 1.0, "C": 0.5}})
    machines = {"name": "Acme", "industry": "manufacturing", "industry_nace": "28.11"}
    food = {"name": "Acme", "industry": "manufacturing", "industry_nace": "10.71"}
    assert fit_score(machines, nace).reasons[0].points == 0.6
    if qualify_sections_known():
        assert fit_score(food, nace).reasons[0].points == 0.3  # only under section C
    trucks = {"name": "Acme", "industry": "logistics"}
    assert fit_score(trucks, nace).reasons[0].points == 0.6  # a label still matches


def qualify_sections_known() -> bool:
    """Sections (``C``) resolve through the NACE code list once the enrichment ships it."""
    try:
        import enrich.industry.nace  # type: ignore[import-not-found]  # noqa: F401
    except ImportError:
        return False
    return True


def test_fit_is_zero_outside_target_countries_and_later_rules_do_not_run(profile):
    gb = profile.model_copy(update={"countries": ["gb"]})
    row = {"name": "Acme", "industry": "manufacturing", "industry_reason": "name",
           "country": "US", "employees": 100, "cpv": ["48000000"]}
    fit = fit_score(row, gb)
    assert fit.value == 0.0
    assert fit.sentences[-1] == "based in US, a country outside the profile"
    assert fit_score({**row, "country": "GB"}, gb).value == 1.0


def test_timing_hot_warm_and_none(profile):
    open_tender = {"open_cpv": ["48000000"], "next_deadline": NOW + timedelta(days=20)}
    assert qualify.timing_of(open_tender, profile, NOW).timing == "hot"
    assert qualify.timing_of({"open_cpv": ["90000000"]}, profile, NOW).timing == "none"
    ending = {"contract_ends": NOW + timedelta(days=200)}
    assert qualify.timing_of(ending, profile, NOW).timing == "hot"
    assert qualify.timing_of({"contract_ends": NOW + timedelta(days=500)}, profile,
                             NOW).timing == "none"
    fair = qualify.timing_of({"exhibitor_first_seen": NOW - timedelta(days=30),
                              "event_name": "Hannover Messe"}, profile, NOW)
    assert (fair.timing, fair.text) == ("warm", "a new exhibitor at Hannover Messe")
    award = {"awards_last": NOW - timedelta(days=100)}
    assert qualify.timing_of(award, profile, NOW).timing == "warm"
    assert qualify.timing_of({"awards_last": NOW - timedelta(days=400)}, profile,
                             NOW).timing == "none"


def test_priority_sorts_tier_then_band_then_timing():
    labels = [qualify.priority(t, b, w) for t, b, w in [
        ("B", "1", "hot"), ("A", "2", "none"), ("A", "1", "warm"), ("A", "1", "hot"),
        ("A", "X", "hot"), ("A", "insufficient data", "hot"), ("A", "public body", "hot")]]
    assert [label for label, _ in sorted(labels, key=lambda x: x[1])] == [
        "A-1-hot", "A-1-warm", "A-2-none", "A-P-hot", "A-?-hot", "A-X-hot", "B-1-hot"]


@pytest.fixture()
def scored(tmp_path, monkeypatch):
    """The hand-made warehouse, clients imported through the CLI, scored by the runner."""
    monkeypatch.chdir(tmp_path)
    config = load_config(write_config(tmp_path))
    build(config.warehouse_path)
    accounts = tmp_path / "accounts.csv"
    accounts.write_text(CLIENTS_CSV, encoding="utf-8")
    result = CliRunner().invoke(app, ["clients", "import", str(accounts)])
    assert result.exit_code == 0, result.output
    summary = runner.score(config)
    return summary, config, _read(config)


def _read(config):
    con = connect(config.warehouse_path, read_only=True)
    try:
        rows = {r[0]: dict(zip(("stage", "fit", "tier", "band", "timing", "priority",
                                "profile", "profile_version", "model_version"), r[1:],
                               strict=True))
                for r in con.execute(
                    "SELECT company_id, stage, fit, tier, solvency_band, timing, priority, "
                    "profile, profile_version, model_version FROM scores").fetchall()}
        for cid, sign, code, text, points, url in con.execute(
            "SELECT company_id, sign, code, text, points, source_url FROM score_reasons "
            "ORDER BY company_id, sign DESC, rank"
        ).fetchall():
            rows[cid].setdefault(sign, []).append((code, text, points, url))
    finally:
        con.close()
    return rows


def test_stages_tiers_bands_and_timing_of_every_company(scored):
    summary, config, rows = scored
    assert (summary.companies, summary.prospects, summary.suspects, summary.clients) == (7, 3, 2, 2)
    assert {cid: (r["stage"], r["priority"]) for cid, r in rows.items()} == {
        "c-fit": ("prospect", "A-1-none"), "c-nosize": ("prospect", "A-2-none"),
        "c-client": ("client", "A-1-none"), "c-named": ("client", "A-2-none"),
        "c-suppress": ("suspect", "A-1-none"), "c-poor": ("suspect", "A-X-none"),
        "c-council": ("prospect", "C-P-hot")}
    profile = config.profile()
    assert {r["profile_version"] for r in rows.values()} == {profile.version}
    assert {r["profile"] for r in rows.values()} == {"default"}


def test_a_target_industry_with_a_good_band_is_tier_a_with_its_reason_codes(scored):
    _, _, rows = scored
    fit = rows["c-fit"]
    assert (fit["stage"], fit["tier"], fit["band"], fit["fit"]) == ("prospect", "A", "1", 1.0)
    assert fit["positive"] == [
        ("industry_match", "makes machinery and equipment (listed under industrial machinery)", 0.6,
         "http://directory.test/c-fit"),
        ("awards_4", "won 4 public contracts", 2.0, "http://directory.test/c-fit"),
        ("keywords", "mentions engineering, industrial, machinery", 0.2,
         "http://directory.test/c-fit")]
    assert fit["negative"] == [("not_hiring", "no jobs advertised on its website", -0.6,
                                "https://northbridge-eng.co.uk/")]
    # The headcount is unknown: the same kind of firm keeps tier A and stays a prospect.
    assert (rows["c-nosize"]["tier"], rows["c-nosize"]["stage"]) == ("A", "prospect")


def test_a_public_buyer_with_an_open_tender_in_our_cpv_codes_is_hot(scored):
    _, _, rows = scored
    council = rows["c-council"]
    assert (council["stage"], council["band"], council["timing"]) == (
        "prospect", "public body", "hot")
    assert council["positive"][0] == (
        "open_tender", "has an open tender for what we sell until 31 January 2099", 0.0,
        "http://tenders.test/t-open")


def test_a_knocked_out_firm_is_never_a_prospect(scored):
    _, _, rows = scored
    poor = rows["c-poor"]
    assert (poor["stage"], poor["tier"], poor["band"]) == ("suspect", "A", "X")
    assert poor["negative"][0] == (
        "registry_administration", "the company register shows it in administration", 0.0,
        "http://registry.test/c-poor")


def test_a_client_is_never_a_prospect_and_never_exported(scored):
    _, config, rows = scored
    assert rows["c-client"]["stage"] == "client"  # by domain, fit enough to be a prospect
    assert rows["c-client"]["negative"][0][:2] == ("client", "already a client")
    assert rows["c-named"]["stage"] == "client"  # no domain: by name and country
    exported = runner.export(config)
    text = exported.path.read_text(encoding="utf-8")
    assert "c-client" not in text and "c-named" not in text


def test_a_suppressed_company_is_never_a_prospect(scored):
    _, _, rows = scored
    assert rows["c-suppress"]["stage"] == "suspect"
    assert rows["c-suppress"]["negative"] == [
        ("suppressed", "on the do-not-contact list", 0.0, None)]


def test_at_most_three_reasons_of_each_sign(scored):
    _, _, rows = scored
    assert all(len(r.get(s, [])) <= 3 for r in rows.values() for s in ("positive", "negative"))


def test_the_history_says_why_a_tier_or_stage_changed(scored):
    _, config, _ = scored
    con = connect(config.warehouse_path)
    try:
        con.execute("UPDATE enrichment SET solvency_band = 'X', solvency_evidence = "
                    "[{'code': 'lei_lapsed', 'text': 'its legal entity identifier has lapsed', "
                    "'points': 0.0, 'url': NULL}] WHERE company_id = 'c-fit'")
        con.execute("UPDATE companies SET employees = 9000 WHERE company_id = 'c-nosize'")
    finally:
        con.close()
    second = runner.score(config)
    con = connect(config.warehouse_path, read_only=True)
    try:
        changes = con.execute("SELECT company_id, field, before, after, sentence "
                              "FROM score_changes ORDER BY company_id, field").fetchall()
    finally:
        con.close()
    assert changes == [
        ("c-fit", "solvency_band", "1", "X",
         "solvency band changed from 1 to X: its legal entity identifier has lapsed"),
        ("c-fit", "stage", "prospect", "suspect",
         "stage changed from prospect to suspect: its legal entity identifier has lapsed"),
        ("c-nosize", "stage", "prospect", "suspect",
         "stage changed from prospect to suspect: "
         "at least 9000 employees, outside the target of 20 to 5000 employees"),
        ("c-nosize", "tier", "A", "C",
         "fit tier changed from A to C: "
         "at least 9000 employees, outside the target of 20 to 5000 employees"),
    ]
    assert second.changes == 4
    # An unchanged re-run records nothing new.
    assert runner.score(config).changes == 0


def test_the_accounts_category_is_a_size_band_when_no_count_is_stated(profile):
    """Micro-entity accounts (at most 10 employees) are under a target starting at 20; small-
    company accounts (at most 50) over a band from 10 may be, which costs as much (a suspect
    until someone confirms the headcount);
    medium-sized accounts (51 to 250) fit; a stated headcount beats every band."""
    base = {"name": "Acme Ltd", "industry": "manufacturing",
            "registry_url": "http://registry.test/company/01234567"}

    def sized(**row):
        fit = fit_score({**base, **row}, profile)
        return fit.reasons[-1], qualify.fit_tier(fit.value, profile)

    micro, tier = sized(accounts_category="micro entity")
    assert (micro.code, tier) == ("size_outside", "D")
    assert micro.text == ("files micro-entity accounts at the register (at most 10 employees), "
                          "outside the target of 20 to 5000 employees")
    assert micro.url == "http://registry.test/company/01234567"
    small, tier = sized(accounts_category="total exemption full", employees=10)
    assert (small.code, tier) == ("size_maybe", "D")
    assert small.text == ("files small-company accounts at the register (at least 10 and at most "
                          "50 employees): may be under the target of 20 to 5000 employees")
    medium, tier = sized(accounts_category="medium")
    assert (medium.code, medium.text, tier) == (
        "size_in_range", "files medium-sized company accounts at the register (at least 51 and "
        "at most 250 employees), in the target size", "A")
    stated, tier = sized(accounts_category="small", description_employees=34,
                         listing_url="http://directory.test/acme")
    assert (stated.code, stated.text, stated.url, tier) == (
        "size_in_range", "34 employees, in the target size", "http://directory.test/acme", "A")
    full, tier = sized(accounts_category="full")  # says nothing about size
    assert (full.code, tier) == ("size_unknown", "A")
