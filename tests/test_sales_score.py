"""Scoring in the sales room: fit rules on single rows, and the funnel stage of whole companies
(prospects, imported clients, suppressed companies) on a real DuckDB warehouse."""

from __future__ import annotations

import pytest
from sales_world import CLIENTS_CSV, build, write_config
from typer.testing import CliRunner

from leadpipe import runner
from leadpipe.cli import app
from leadpipe.config import Profile, load_config
from sales.score import fit_score
from warehouse.db import connect

PROFILE = Profile(name="t", industries=["manufacturing"], keywords=["machinery"],
                  employees_min=20, employees_max=5000, cpv_prefixes=["48"])


def test_fit_rewards_industry_keywords_size_and_demand():
    row = {"name": "Acme Machinery Ltd", "industry": "manufacturing",
           "industry_reason": "categories: industrial machinery", "employees": 120,
           "cpv": ["48000000", "72000000"], "next_deadline": None}
    fit = fit_score(row, PROFILE)
    assert fit.value == 1.0
    assert [(r.code, r.text, r.points) for r in fit.reasons] == [
        ("industry_match", "industry manufacturing (categories: industrial machinery)", 0.6),
        ("keywords", "mentions machinery", 0.1),
        ("size_in_range", "120+ employees, in the target size", 0.2),
        ("tender_demand", "buys CPV 48000000", 0.3),
    ]


def test_fit_of_an_outsider_is_zero_with_its_reasons():
    fit = fit_score({"name": "Bella Napoli", "industry": "hospitality", "employees": 8}, PROFILE)
    assert fit.value == 0.0
    assert fit.sentences == ["industry hospitality is outside the profile",
                             "8+ employees: may be in the target size"]
    stated = fit_score({"name": "Bella Napoli", "industry": "hospitality",
                        "website_employees": 8}, PROFILE)
    assert stated.value == 0.0  # -0.4, floored at 0
    assert stated.sentences == ["industry hospitality is outside the profile",
                                "8 employees, outside 20-5000"]


def test_unknown_size_costs_points_and_a_tender_names_its_deadline():
    from datetime import datetime

    row = {"name": "Cumbria County Council", "industry": "public_sector",
           "cpv": ["48000000"], "next_deadline": datetime(2099, 1, 31, 12)}
    fit = fit_score(row, PROFILE)
    assert fit.value == 0.1  # 0 - 0.2 + 0.3
    assert fit.sentences == ["industry public_sector is outside the profile", "size unknown",
                             "buys CPV 48000000, open tender until 2099-01-31"]


def test_fit_is_zero_outside_target_countries_and_later_rules_do_not_run():
    profile = PROFILE.model_copy(update={"countries": ["gb"]})
    row = {"name": "Acme", "industry": "manufacturing", "industry_reason": "name",
           "country": "US", "employees": 100, "cpv": ["48000000"]}
    fit = fit_score(row, profile)
    assert fit.value == 0.0
    assert fit.sentences == ["industry manufacturing (name)", "100+ employees, in the target size",
                             "country US not targeted"]
    assert fit_score({**row, "country": "GB"}, profile).value == 1.0  # 1.1, capped


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
    con = connect(config.warehouse_path, read_only=True)
    try:
        rows = {r[0]: r[1:] for r in con.execute(
            "SELECT company_id, stage, fit, solvency, reasons, profile, model_version "
            "FROM scores").fetchall()}
    finally:
        con.close()
    return summary, rows


def test_stages_of_prospects_clients_and_suppressed_companies(scored):
    summary, rows = scored
    assert (summary.companies, summary.prospects, summary.suspects, summary.clients) == (6, 1, 3, 2)
    assert {cid: r[0] for cid, r in rows.items()} == {
        "c-fit": "prospect", "c-client": "client", "c-named": "client",
        "c-suppress": "suspect", "c-poor": "suspect", "c-council": "suspect"}
    assert rows["c-fit"] == ("prospect", 1.0, 0.8, [
        "industry manufacturing (categories: industrial machinery)",
        "mentions engineering, industrial, machinery",
        "140+ employees, in the target size",
        "solvency: won 4 public contracts (+2.0)"], "default", "fit-points-1")


def test_an_imported_client_is_a_client_never_a_prospect(scored):
    _, rows = scored
    # Matched by domain (the import reduced the URL to it), fit high enough to be a prospect.
    assert rows["c-client"][:4] == ("client", 0.9, 0.9, [
        "already a client", "industry logistics (categories: freight)", "mentions logistics",
        "300+ employees, in the target size"])
    # No domain on either side: matched by name (any case) and country.
    assert rows["c-named"][:2] == ("client", 0.9)
    assert rows["c-named"][3][0] == "already a client"


def test_a_suppressed_company_is_never_a_prospect(scored):
    _, rows = scored
    assert rows["c-suppress"][:4] == ("suspect", 1.0, 0.8, [
        "industry manufacturing (categories: industrial machinery)",
        "mentions industrial, machinery", "90+ employees, in the target size", "suppressed"])


def test_low_solvency_and_public_demand_stay_suspects_with_reasons(scored):
    _, rows = scored
    assert rows["c-poor"][:4] == ("suspect", 1.0, 0.3, [
        "industry manufacturing (categories: industrial machinery)",
        "mentions engineering, industrial, machinery", "45+ employees, in the target size",
        "solvency 0.30 below 0.5", "solvency: in administration (-3.0)"])
    # The cancelled tender's later deadline is not an open tender: the active one's date shows.
    assert rows["c-council"][:4] == ("suspect", 0.1, 0.5, [
        "industry public_sector is outside the profile", "size unknown",
        "buys CPV 48000000, open tender until 2099-01-31"])
