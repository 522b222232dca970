"""Re-scoring a scored warehouse: a scheduled re-run of an unchanged warehouse leaves every
row as it was (only the time it was scored moves), a changed company's rows change and no one
else's, and no table gains a second row for a company (scores, score_reasons and
score_distances have no keys to refuse one; migrations 0021 and 0022).

The world and profile are the frozen test's (``tests/test_score_frozen.py``).
"""

from __future__ import annotations

from datetime import datetime

import duckdb
import pytest
from test_score_frozen import COMPANIES, PROFILE_TOML, WORLD_AT

from bench.score import fill_warehouse
from leadpipe.config import load_config
from sales.score import run_scoring
from warehouse.db import connect

RUNS = (datetime(2026, 12, 1, 9), datetime(2026, 12, 2, 9), datetime(2026, 12, 3, 9))
# Each table the score stage writes per company, without the time it was scored.
ROWS = {
    "scores": "SELECT * EXCLUDE (scored_at) FROM scores",
    "score_reasons": "SELECT * EXCLUDE (scored_at) FROM score_reasons",
    "score_distances": "SELECT * FROM score_distances",
}
KEYS = {"scores": "company_id, profile", "score_reasons": "company_id, profile, sign, rank",
        "score_distances": "company_id, profile"}


def _rows(con: duckdb.DuckDBPyConnection) -> dict[str, set[tuple]]:
    return {name: {tuple(tuple(v) if isinstance(v, list) else v for v in row)
                   for row in con.execute(sql).fetchall()} for name, sql in ROWS.items()}


def _changed_companies(before: dict[str, set[tuple]], after: dict[str, set[tuple]]) -> set[str]:
    """Companies with a row in one run and not the other, in any table (company id first)."""
    return {row[0] for name in ROWS for row in before[name] ^ after[name]}


@pytest.fixture()
def world(tmp_path):
    """(connection, profile) of the frozen test's world, not yet scored."""
    (tmp_path / "data").mkdir()
    toml = tmp_path / "leadpipe.toml"
    toml.write_text(f'[project]\ndata_dir = "{(tmp_path / "data").as_posix()}"\n'
                    + PROFILE_TOML, encoding="utf-8")
    config = load_config(toml)
    fill_warehouse(config.warehouse_path, COMPANIES, WORLD_AT)
    con = connect(config.warehouse_path)
    yield con, config.profile("frozen")
    con.close()


def test_a_rescore_of_an_unchanged_warehouse_leaves_every_row_as_it_was(world):
    con, profile = world
    run_scoring(con, profile, now=RUNS[0])
    first = _rows(con)
    summary = run_scoring(con, profile, now=RUNS[1])
    assert summary.changes == 0
    assert _rows(con) == first
    assert con.execute("SELECT count(*) FROM score_changes").fetchone()[0] == 0
    # every row says when it was last scored, reasons included
    for table in ("scores", "score_reasons"):
        assert con.execute(f"SELECT DISTINCT scored_at FROM {table}").fetchall() == [(RUNS[1],)]
    for table, key in KEYS.items():
        dupes = con.execute(f"SELECT count(*) FROM (SELECT {key} FROM {table} GROUP BY ALL "
                            "HAVING count(*) > 1)").fetchone()[0]
        assert dupes == 0, f"{table} holds a key twice after a re-score"
    assert con.execute("SELECT count(*) FROM scores").fetchone()[0] == COMPANIES
    assert con.execute("SELECT count(*) FROM score_distances").fetchone()[0] == COMPANIES


def test_a_changed_company_has_new_rows_and_the_others_keep_theirs(world):
    con, profile = world
    run_scoring(con, profile, now=RUNS[0])
    run_scoring(con, profile, now=RUNS[1])
    before = _rows(con)
    # c12 (in the generator a hotel in Manchester with a headcount outside the profile's,
    # tier D) becomes a manufacturer of 100 people in Paris (tier A, one step down for the
    # distance); c7 leaves the warehouse.
    con.execute("UPDATE enrichment SET industry = 'manufacturing' WHERE company_id = 'c12'")
    con.execute("UPDATE companies SET country = 'FR', postcode = '75001', city = 'Paris', "
                "employees = 100 WHERE company_id = 'c12'")
    for table in ("enrichment", "company_links", "companies"):
        con.execute(f"DELETE FROM {table} WHERE company_id = 'c7'")
    summary = run_scoring(con, profile, now=RUNS[2])
    after = _rows(con)
    assert _changed_companies(before, after) == {"c12", "c7"}
    assert not any(row[0] == "c7" for name in ROWS for row in after[name])
    distance = dict(con.execute("SELECT company_id, distance FROM score_distances").fetchall())
    assert "Leeds" in distance["c12"] and distance["c12"] != dict(
        (r[0], r[3]) for r in before["score_distances"])["c12"]
    moved = con.execute("SELECT company_id, field, before, after FROM score_changes "
                        "WHERE run_at = ? ORDER BY field", [RUNS[2]]).fetchall()
    assert moved == [("c12", "stage", "suspect", "prospect"), ("c12", "tier", "D", "B")]
    assert summary.changes == 2
    assert con.execute("SELECT count(*) FROM scores").fetchone()[0] == COMPANIES - 1
