"""The funnel report on a real warehouse: ten companies found through tenders, a fair and a
directory; an outcomes file (with bad rows, an old merged id and a domain) imported through
the CLI; counts and conversion per channel checked against a table worked out by hand; and
the chart written as a PNG."""

from __future__ import annotations

from datetime import datetime

import pytest
from sales_world import write_config
from typer.testing import CliRunner

from leadpipe.cli import app
from leadpipe.config import load_config
from sales.funnel import funnel_report
from warehouse.db import connect

NOW = datetime(2026, 1, 5, 9, 0)
FAIR = "Industrial Futures Expo 2026"
STAGES = {1: "prospect", 2: "prospect", 3: "prospect", 4: "prospect", 5: "prospect",
          6: "prospect", 7: "suspect", 8: "suspect", 9: "client", 10: "suspect"}
# where each company was found: (source, role, event)
FOUND = {
    "tenders": ("demo_tenders", "buyer", None, (1, 2, 3, 4)),
    "fair": ("demo_expo", "exhibitor", FAIR, (3, 4, 5, 6, 7)),
    "directory": ("demo_directory", "listing", None, (6, 7, 8, 9, 10)),
}
OUTCOMES = """company_id,domain,stage,date,channel
c1,,contacted,2026-01-10,
c1,,meeting,2026-01-20,
c1,,won,2026-02-01,
c2,,contacted,2026-01-11,
c2,,lost,2026-01-30,
,https://www.c3-works.co.uk/contact,contacted,2026-01-12,
,c3-works.co.uk,proposal,2026-01-28,
c5,,contacted,2026-01-13,referral
c5,,won,2026-02-03,referral
c6,,contacted,2026-01-14,
c6,,signed,2026-01-15,
c6,,meeting,31/01/2026,
c-nope,,contacted,2026-01-16,
c-old,,contacted,2026-01-17,
c4,,won,2026-02-02,
"""


@pytest.fixture()
def config(tmp_path, monkeypatch):
    monkeypatch.chdir(tmp_path)
    cfg = load_config(write_config(tmp_path))
    con = connect(cfg.warehouse_path)
    try:
        for n, stage in STAGES.items():
            con.execute("INSERT INTO companies (company_id, name, domain, country, updated_at) "
                        "VALUES (?, ?, ?, 'GB', ?)", [f"c{n}", f"Works {n} Ltd",
                                                      f"c{n}-works.co.uk", NOW])
            con.execute("INSERT INTO scores (company_id, profile, model_version, fit, solvency, "
                        "stage, reasons, scored_at, tier, solvency_band) "
                        "VALUES (?, 'default', 'm', 0.9, 0.8, ?, [], ?, ?, '1')",
                        [f"c{n}", stage, NOW, "A" if n <= 5 else "B"])
        for source, role, event, members in FOUND.values():
            for n in members:
                rid = f"{source}-{n}"
                con.execute(
                    "INSERT INTO source_records (record_id, source, native_id, role, name, "
                    "event_name, first_seen_at, last_seen_at, run_id) "
                    "VALUES (?, ?, ?, ?, ?, ?, ?, ?, 'r1')",
                    [rid, source, str(n), role, f"Works {n} Ltd", event, NOW, NOW])
                con.execute("INSERT INTO company_links (record_id, company_id, linked_at) "
                            "VALUES (?, ?, ?)", [rid, f"c{n}", NOW])
        con.execute("INSERT INTO company_redirects VALUES ('c-old', 'c4', ?)", [NOW])
    finally:
        con.close()
    return cfg


def test_counts_per_stage_and_channel_before_outcomes(config):
    con = connect(config.warehouse_path, read_only=True)
    try:
        report = funnel_report(con, "default")
    finally:
        con.close()
    assert not report.has_outcomes
    assert {k: report.total.stages[k] for k in ("suspect", "prospect", "client")} == {
        "suspect": 3, "prospect": 6, "client": 1}
    assert {name: (c.stages["suspect"], c.stages["prospect"], c.stages["client"])
            for name, c in report.by_channel.items()} == {
        "directory: demo_directory": (3, 1, 1), f"fair: {FAIR}": (1, 4, 0),
        "tenders": (0, 4, 0)}
    counts = {tier: {k: c.stages[k] for k in ("suspect", "prospect", "client")}
              for tier, c in report.by_tier.items()}
    first_five = [STAGES[n] for n in STAGES if n <= 5]
    rest = [STAGES[n] for n in STAGES if n > 5]
    assert counts == {
        "A": {k: first_five.count(k) for k in ("suspect", "prospect", "client")},
        "B": {k: rest.count(k) for k in ("suspect", "prospect", "client")},
    }
    assert list(report.by_band) == ["1"]
    assert report.by_band["1"].stages == report.total.stages


def test_conversion_from_an_imported_outcomes_file_matches_the_hand_computed_table(
        config, tmp_path):
    path = tmp_path / "outcomes.csv"
    path.write_text(OUTCOMES, encoding="utf-8")
    result = CliRunner().invoke(app, ["outcomes", "import", str(path)])
    assert result.exit_code == 0, result.output
    out = " ".join(result.output.split())
    assert (f"{path}:12: stage 'signed' is not one of contacted, meeting, proposal, won, "
            "lost, opted out") in out
    assert f"{path}:13: date '31/01/2026' is not a date (YYYY-MM-DD)" in out
    assert f"{path}:14: no company matches 'c-nope'" in out
    assert "imported 12 outcomes; 3 rows skipped" in out

    con = connect(config.warehouse_path, read_only=True)
    try:
        report = funnel_report(con, "default")
    finally:
        con.close()
    # Furthest stage per company: c1 won, c2 contacted then lost, c3 proposal (by domain),
    # c4 won (contacted under its old id c-old), c5 won (credited to "referral" by the CRM),
    # c6 contacted. Reaching a stage counts for every stage before it.
    table = {name: tuple(c.stages[s] for s in ("contacted", "meeting", "proposal", "won",
                                                  "lost")) + (c.conversion,)
             for name, c in report.by_channel.items()}
    assert table == {
        "directory: demo_directory": (1, 0, 0, 0, 0, 0.0),  # c6..c10; only c6 contacted
        f"fair: {FAIR}": (3, 2, 2, 1, 0, 1 / 3),  # c3, c4, c6, c7 (c5 went to referral)
        "tenders": (4, 3, 3, 2, 1, 0.5),  # c1..c4
        "referral": (1, 1, 1, 1, 0, 1.0),  # c5
    }
    total = report.total
    assert [total.stages[s] for s in ("contacted", "meeting", "proposal", "won", "lost")] == [
        6, 4, 4, 3, 1]
    assert total.conversion == 0.5

    again = CliRunner().invoke(app, ["outcomes", "import", str(path)])
    assert again.exit_code == 0  # re-importing changes nothing
    con = connect(config.warehouse_path, read_only=True)
    try:
        assert con.execute("SELECT count(*) FROM outcomes").fetchall()[0][0] == 12
    finally:
        con.close()


def test_the_report_prints_tables_and_writes_a_png(config, tmp_path):
    path = tmp_path / "outcomes.csv"
    path.write_text(OUTCOMES, encoding="utf-8")
    assert CliRunner().invoke(app, ["outcomes", "import", str(path)]).exit_code == 0
    png = tmp_path / "funnel.png"
    result = CliRunner().invoke(app, ["report", "-o", str(png)], env={"COLUMNS": "200"})
    assert result.exit_code == 0, result.output
    assert "won ÷ contacted" in result.output and "33%" in result.output
    data = png.read_bytes()
    assert data[:8] == b"\x89PNG\r\n\x1a\n" and len(data) > 10_000


def test_a_missing_or_headerless_outcomes_file_is_one_line(config, tmp_path):
    result = CliRunner().invoke(app, ["outcomes", "import", str(tmp_path / "nope.csv")])
    assert result.exit_code == 1
    assert "nope.csv: file not found" in result.output and "Traceback" not in result.output
    bad = tmp_path / "bad.csv"
    bad.write_text("who,what\nc1,won\n", encoding="utf-8")
    result = CliRunner().invoke(app, ["outcomes", "import", str(bad)])
    assert result.exit_code == 1
    assert "needs columns stage, date and company_id or domain" in " ".join(
        result.output.split())
