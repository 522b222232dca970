"""End to end: the real pipeline flow on a small demo world, checked against its ground truth.

The flow runs for real under Prefect's test harness: three crawls (one subprocess each) against
the demo server on 127.0.0.1, load, resolve, enrich (company websites), score and export.
The checks below are also run on deliberately broken variants of the result (merging switched
off; every company a prospect) to prove that they would catch those failures.
"""

from __future__ import annotations

import csv
import re
from collections import Counter, defaultdict
from pathlib import Path

import pytest

from enrich.industry import section_of
from leadpipe.config import load_config
from leadpipe.demo.words import CATEGORY_NACE
from leadpipe.demo.world import generate_world
from warehouse.db import connect

COMPANIES = 150
# Measured with the default profile on both seeds (150 companies): precision 0.976 (seed 7) and
# 1.000 (seed 11), recall 0.891 and 0.923; seed 23, never tuned on, gave 1.000 and 0.978. The
# true prospects missed are firms whose size band (small-company accounts, at most 50 employees)
# straddles the target's minimum of 20 and that no source states a count for; as many such firms
# were too small, so they stay suspects until the headcount is confirmed.
PRECISION_MIN = 0.95
RECALL_MIN = 0.85
SEEDS = (7, 11)  # prospect quality must hold on more than one world


@pytest.fixture(scope="module", params=SEEDS, ids=[f"seed{s}" for s in SEEDS])
def demo_run(request, tmp_path_factory, prefect_harness):
    from flows.pipeline import pipeline_flow

    SEED = request.param
    root = tmp_path_factory.mktemp(f"e2e-seed{SEED}")
    config_path = root / "leadpipe.toml"
    config_path.write_text(
        f'[project]\ndata_dir = "data"\n[crawl]\nautothrottle = false\n'
        f"[demo]\ncompanies = {COMPANIES}\nseed = {SEED}\n",
        encoding="utf-8",
    )
    result = pipeline_flow(config_path=str(config_path))
    config = load_config(config_path)
    return {"result": result, "config": config, "world": generate_world(COMPANIES, SEED),
            "seed": SEED}


def _truth_of_records(con, world) -> dict[str, str]:
    out = {}
    for record_id, source, native_id in con.execute(
        "SELECT record_id, source, native_id FROM source_records"
    ).fetchall():
        out[record_id] = world.truth_for_record(source, native_id)
    return out


def _clusters(con) -> dict[str, list[str]]:
    clusters: dict[str, list[str]] = defaultdict(list)
    for record_id, company_id in con.execute(
        "SELECT record_id, company_id FROM company_links"
    ).fetchall():
        clusters[company_id].append(record_id)
    return clusters


def merge_errors(clusters: dict[str, list[str]], truth: dict[str, str], world) -> dict[str, float]:
    """Cluster purity / completeness and look-alikes wrongly merged."""
    mixed = sum(1 for members in clusters.values() if len({truth[r] for r in members}) > 1)
    companies_of_truth: dict[str, set[str]] = defaultdict(set)
    for company_id, members in clusters.items():
        for r in members:
            companies_of_truth[truth[r]].add(company_id)
    multi = [t for t, cs in companies_of_truth.items()
             if sum(1 for r, tt in truth.items() if tt == t) > 1]
    split = sum(1 for t in multi if len(companies_of_truth[t]) > 1)
    lookalike_merged = 0
    for pair in world.lookalikes:
        a, b = companies_of_truth.get(pair.a, set()), companies_of_truth.get(pair.b, set())
        lookalike_merged += bool(a & b)
    return {
        "impure_share": mixed / max(1, len(clusters)),
        "split_share": split / max(1, len(multi)),
        "lookalikes_merged": lookalike_merged,
        "multi": len(multi),
    }


def assert_merging_ok(errors: dict[str, float]) -> None:
    assert errors["multi"] >= 20, "the demo world should show many companies in several sources"
    assert errors["impure_share"] <= 0.02, errors
    assert errors["split_share"] <= 0.10, errors
    assert errors["lookalikes_merged"] == 0, errors


def _buyers_with_demand(world, profile) -> set[str]:
    """Public buyers that publish tenders in the profile's CPV codes (prospects on demand)."""
    prefixes = tuple(profile.cpv_prefixes)
    return {t.buyer.true_id for t in world.tenders if t.cpv.startswith(prefixes)}


def prospect_quality(prospect_truths: list[str], world, profile) -> dict[str, float]:
    """Companies against the world's truth (industry, size, solvent); public buyers apart:
    each one a prospect must publish tenders in the profile's CPV codes."""
    truly = world.prospects(profile.industries, profile.employees_min,
                            profile.employees_max)
    buyers = {t for t in prospect_truths if world.entity(t).kind == "buyer"}
    found = set(prospect_truths) - buyers
    non_fit = [t for t in found if world.entity(t).industry not in profile.industries]
    return {
        "precision": len(found & truly) / max(1, len(found)),
        "recall": len(found & truly) / max(1, len(truly)),
        "non_fits": len(non_fit),
        "insolvent": sum(1 for t in found if not world.entity(t).solvent),
        "buyers": len(buyers),
        "buyers_without_demand": len(buyers - _buyers_with_demand(world, profile)),
        "duplicates": sum(n - 1 for n in Counter(prospect_truths).values() if n > 1),
        "true_prospects": len(truly),
    }


def assert_prospects_ok(q: dict[str, float]) -> None:
    assert q["true_prospects"] >= 10, q
    assert q["precision"] >= PRECISION_MIN, q
    assert q["recall"] >= RECALL_MIN, q
    assert q["non_fits"] <= 1, q
    assert q["buyers_without_demand"] == 0, q
    assert q["duplicates"] <= 1, q


def _csv_rows(path: Path) -> list[dict[str, str]]:
    with path.open(encoding="utf-8", newline="") as fh:
        return list(csv.DictReader(fh))


def _company_truth(clusters, truth) -> dict[str, str]:
    return {cid: Counter(truth[r] for r in members).most_common(1)[0][0]
            for cid, members in clusters.items()}


def test_every_stage_ran_and_crawls_landed(demo_run):
    result = demo_run["result"]
    crawled = {r["Source"]: r for r in result["crawl"]}
    assert set(crawled) == {"demo_tenders", "demo_expo", "demo_directory", "demo_registry"}
    assert all(r["Result"] == "ok" and r["Items landed"] > 0 for r in crawled.values()), crawled
    assert result["load"]["new_items"] > 0
    assert result["export"]["rows"] > 0


def test_duplicates_merged_and_lookalikes_kept_apart(demo_run):
    con = connect(demo_run["config"].warehouse_path, read_only=True)
    try:
        truth = _truth_of_records(con, demo_run["world"])
        clusters = _clusters(con)
    finally:
        con.close()
    assert_merging_ok(merge_errors(clusters, truth, demo_run["world"]))
    # The same check fails when merging is switched off (every record its own company).
    unmerged = {r: [r] for members in clusters.values() for r in members}
    with pytest.raises(AssertionError):
        assert_merging_ok(merge_errors(unmerged, truth, demo_run["world"]))


def test_csv_lists_the_true_prospects(demo_run):
    config, world = demo_run["config"], demo_run["world"]
    rows = _csv_rows(Path(demo_run["result"]["export"]["path"]))
    con = connect(config.warehouse_path, read_only=True)
    try:
        truth = _truth_of_records(con, world)
        company_truth = _company_truth(_clusters(con), truth)
    finally:
        con.close()
    assert {r["stage"] for r in rows} == {"prospect"}
    assert all(r["company_id"] and r["name"] and r["reasons"] for r in rows)
    assert len({r["company_id"] for r in rows}) == len(rows)
    profile = config.profile()
    quality = prospect_quality([company_truth[r["company_id"]] for r in rows], world, profile)
    print(f"seed {demo_run['seed']}: {quality}")
    assert_prospects_ok(quality)
    # The same check fails when scoring makes every company a prospect.
    with pytest.raises(AssertionError):
        assert_prospects_ok(prospect_quality(list(company_truth.values()), world, profile))


def industry_accuracy(classified: dict[str, tuple], company_truth: dict[str, str],
                      world) -> dict:
    """Share of companies whose NACE section is the section of what the demo says they do
    (the demo company's first category, ``CATEGORY_NACE``)."""
    wrong = []
    for cid, (code, reason) in classified.items():
        category = world.entity(company_truth[cid]).category
        if not code or section_of(code) != section_of(CATEGORY_NACE[category]):
            wrong.append((category, code, reason))
    return {"accuracy": 1 - len(wrong) / max(1, len(classified)),
            "companies": len(classified), "wrong": wrong[:10]}


def test_industry_is_the_right_nace_section(demo_run):
    config, world = demo_run["config"], demo_run["world"]
    con = connect(config.warehouse_path, read_only=True)
    try:
        company_truth = _company_truth(_clusters(con), _truth_of_records(con, world))
        classified = {cid: (code, reason) for cid, code, reason in con.execute(
            "SELECT company_id, industry_nace, industry_reason FROM enrichment").fetchall()}
    finally:
        con.close()
    measured = industry_accuracy(classified, company_truth, world)
    print(f"industry accuracy at NACE section level: {measured}")
    assert measured["companies"] >= 100, measured
    assert measured["accuracy"] >= 0.95, measured
    # The same check fails when every company gets one section.
    with pytest.raises(AssertionError):
        assert industry_accuracy(dict.fromkeys(classified, ("28", "")), company_truth,
                                 world)["accuracy"] >= 0.95


def test_rerunning_the_stages_changes_no_company_id(demo_run):
    from leadpipe import runner

    config = demo_run["config"]
    con = connect(config.warehouse_path, read_only=True)
    before = dict(con.execute("SELECT record_id, company_id FROM company_links").fetchall())
    con.close()
    assert runner.load(config).new_items == 0
    runner.resolve(config)
    runner.score(config)
    con = connect(config.warehouse_path, read_only=True)
    after = dict(con.execute("SELECT record_id, company_id FROM company_links").fetchall())
    con.close()
    assert after == before


# Whole words only in what a salesperson reads: no snake_case labels, no scheme names, no codes
# ("28.99", "25990", "48000000"). A distance such as "12.5 km" carries its unit and passes.
NOT_PLAIN = re.compile(r"\b[a-z]+_[a-z_]+\b|\b(?:NACE|SIC|CPV)\b|\b\d{2}\.\d{1,2}\b(?!\s*km)"
                       r"|\b\d{5,}\b")


def not_plain(sentences) -> list[str]:
    return sorted({s for s in sentences if s and NOT_PLAIN.search(s)})


def test_not_plain_catches_codes_labels_and_schemes():
    assert not_plain([
        "industry manufacturing (registry: machining (NACE Rev. 2 25.62), machining "
        "(UK SIC 2007 25620))",
        "buys in public tenders what we sell (CPV 48000000)",
        "industry public_sector is outside the profile",
        "works in 28.99",
    ]) == sorted([
        "industry manufacturing (registry: machining (NACE Rev. 2 25.62), machining "
        "(UK SIC 2007 25620))",
        "buys in public tenders what we sell (CPV 48000000)",
        "industry public_sector is outside the profile",
        "works in 28.99",
    ])
    assert not_plain(["makes special-purpose machinery (its registry entry says so)",
                      "120 km from Leeds, 12.5 km", "trading for 2026 years"]) == []


def test_every_sentence_a_salesperson_reads_is_plain_words(demo_run):
    con = connect(demo_run["config"].warehouse_path, read_only=True)
    try:
        sentences = [s for (s,) in con.execute(
            "SELECT text FROM score_reasons UNION SELECT sentence FROM score_changes "
            "UNION SELECT sentence FROM site_events "
            "UNION SELECT unnest(solvency_reasons) FROM enrichment").fetchall()]
    finally:
        con.close()
    rows = _csv_rows(Path(demo_run["result"]["export"]["path"]))
    sentences += [part for r in rows for part in r["reasons"].split("; ")]
    assert len(sentences) > 50
    assert not_plain(sentences) == []


def test_registration_ids_are_words_not_keys(demo_run):
    rows = _csv_rows(Path(demo_run["result"]["export"]["path"]))
    shown = [r["registration_ids"] for r in rows if r["registration_ids"]]
    assert any("commercial register HRB " in s and ", register court " in s for s in shown)
    assert not [s for s in shown if re.search(r"\b[A-Z]{2}-[A-Z_]{2,12}:|@", s)]
