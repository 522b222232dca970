"""Every row the score stage writes, on a generated world scored twice, against rows frozen
from an earlier version of the stage: a faster query must give the same scores, reasons,
history and distances, value for value.

The world is ``bench.score``'s (companies in real towns, bands and evidence, public buyers
with tenders, exhibitors) at a fixed moment, with a profile of its own (so a change of the
bundled defaults does not move it). Between the two runs bands, industries, headcounts,
tenders, suppressions, website events and clients change, so ``score_changes`` has rows of
every field. When a change of the rules is meant to move scores, regenerate the frozen files
with ``python tests/test_score_frozen.py`` and review the diff.
"""

from __future__ import annotations

import difflib
import sys
from datetime import datetime
from pathlib import Path

import duckdb

from bench.score import fill_warehouse
from leadpipe.config import load_config
from sales.score import run_scoring
from warehouse.db import connect

COMPANIES = 420  # every combination of the generator's i % 3, 4, 5 and 7
WORLD_AT = "TIMESTAMP '2026-11-30 12:00:00'"
RUNS = (datetime(2026, 12, 1, 9), datetime(2026, 12, 2, 9))
FROZEN = Path(__file__).parent / "fixtures" / "score_frozen"

PROFILE_TOML = """
[profiles.frozen]
industries = ["manufacturing", "logistics", "energy"]
cpv_prefixes = ["48", "72"]
countries = []
employees_min = 20
employees_max = 2000
keywords = ["machinery", "industrial", "logistics", "freight", "engineering"]
home_base = "Leeds, GB"
max_distance_km = 300
prospect_tiers = ["A", "B"]
solvency_min_band = "2"
insufficient_data_is_prospect = true
[profiles.frozen.points]
industry = 0.6
keyword = 0.1
keywords_max = 0.2
size_in_range = 0.2
size_outside = -0.4
size_maybe = -0.4
size_unknown = 0.0
tender_demand = 0.4
distance_beyond = -0.1
[profiles.frozen.tiers]
A = 0.6
B = 0.45
C = 0.25
[profiles.frozen.timing]
contract_ending_months = 12
warm_days = 365
"""

# What changes between the two runs (ids are 'c' || i).
CHANGES = """
UPDATE enrichment SET solvency_band = CASE WHEN solvency_band = '1' THEN '3' ELSE '1' END
WHERE CAST(substr(company_id, 2) AS INTEGER) % 9 = 0 AND solvency_band IN ('1', '2', '3');
UPDATE enrichment SET industry = 'manufacturing'
WHERE CAST(substr(company_id, 2) AS INTEGER) % 7 = 1;
UPDATE companies SET employees = 10 WHERE CAST(substr(company_id, 2) AS INTEGER) % 11 = 2;
INSERT INTO tenders (tender_key, source, tender_id, title, buyer_record_id, cpv, deadline,
                     status, url, first_seen_at, last_seen_at)
SELECT 'tx' || i, 'demo_tenders', 'TX' || i, 'Repairs', 'r' || i, ['72000000'],
       TIMESTAMP '2027-02-01', 'active', 'http://tenders.test/x' || i,
       TIMESTAMP '2026-11-01', TIMESTAMP '2026-11-01'
FROM range(3, {n}, 37) t(i);
INSERT INTO suppressions
SELECT 'c' || i, 'asked', TIMESTAMP '2026-11-01' FROM range(5, {n}, 41) t(i);
INSERT INTO site_events
SELECT 'ev' || i, 'c' || i, CASE WHEN i % 2 = 0 THEN 'jobs_appeared' ELSE 'new_address' END,
       'its website changed ' || i, 'https://company' || i || '.test/news',
       TIMESTAMP '2026-11-25', TIMESTAMP '2026-10-01'
FROM range(1, {n}, 29) t(i);
INSERT INTO clients
SELECT 'company' || i || '.test', NULL, 'company' || i || '.test', NULL,
       TIMESTAMP '2026-11-01'
FROM range(2, {n}, 53) t(i);
"""

# Each table the stage writes, in a total order (profile_version is the profile's hash).
TABLES = {
    "scores": "SELECT * EXCLUDE (profile_version) FROM scores ORDER BY company_id, profile",
    "score_reasons": "SELECT * FROM score_reasons ORDER BY company_id, profile, sign, rank",
    "score_changes": "SELECT * FROM score_changes ORDER BY run_at, company_id, profile, field",
    "score_distances": "SELECT * FROM score_distances ORDER BY company_id, profile",
}


def scored_world(root: Path) -> dict[str, list[str]]:
    """The world scored twice, each table as CSV lines."""
    (root / "data").mkdir(parents=True)
    toml = root / "leadpipe.toml"
    toml.write_text(f'[project]\ndata_dir = "{(root / "data").as_posix()}"\n' + PROFILE_TOML,
                    encoding="utf-8")
    config = load_config(toml)
    fill_warehouse(config.warehouse_path, COMPANIES, WORLD_AT)
    profile = config.profile("frozen")
    con = connect(config.warehouse_path)
    try:
        for k, now in enumerate(RUNS):
            if k:
                for statement in CHANGES.format(n=COMPANIES).split(";\n"):
                    if statement.strip():
                        con.execute(statement)
            run_scoring(con, profile, now=now)
        out = {}
        for name, query in TABLES.items():
            path = root / f"{name}.csv"
            con.execute(f"COPY ({query}) TO '{path.as_posix()}' (HEADER)")
            out[name] = path.read_text(encoding="utf-8").splitlines()
        return out
    finally:
        con.close()


def test_every_row_the_stage_writes_is_the_frozen_one(tmp_path):
    got = scored_world(tmp_path)
    assert len(got["score_changes"]) > 20 and len(got["score_reasons"]) > 1000
    for name, lines in got.items():
        want = (FROZEN / f"{name}.csv").read_text(encoding="utf-8").splitlines()
        diff = list(difflib.unified_diff(want, lines, "frozen", "now", n=0, lineterm=""))
        assert not diff, f"{name} differs from the frozen rows:\n" + "\n".join(diff[:12])


def test_the_frozen_rows_cover_every_field_and_sign():
    con = duckdb.connect()
    changes = FROZEN / "score_changes.csv"
    reasons = FROZEN / "score_reasons.csv"
    fields = {r[0] for r in con.execute(f"SELECT DISTINCT field FROM '{changes}'").fetchall()}
    assert fields == {"stage", "tier", "solvency_band", "timing"}
    codes = {r[0] for r in con.execute(f"SELECT DISTINCT code FROM '{reasons}'").fetchall()}
    assert {"industry_match", "keywords", "size_in_range", "size_outside", "tender_demand",
            "distance_beyond", "open_tender", "client", "suppressed"} <= codes


if __name__ == "__main__":  # regenerate the frozen rows
    import tempfile

    FROZEN.mkdir(parents=True, exist_ok=True)
    with tempfile.TemporaryDirectory() as tmp:
        for table, rows in scored_world(Path(tmp)).items():
            (FROZEN / f"{table}.csv").write_text("\n".join(rows) + "\n", encoding="utf-8")
    sys.exit(0)
