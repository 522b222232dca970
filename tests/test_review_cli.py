"""``leadpipe review``: the review band side by side, decisions written and obeyed by every run."""

from __future__ import annotations

from datetime import datetime

import yaml
from typer.testing import CliRunner

from leadpipe.cli import app
from warehouse.db import connect

runner = CliRunner()

RECORDS = [
    # a distinctive name alone links, and such a link always lands in the review band
    ("x-1", "expo", "Brightpath Recruitment Sdn Bhd", "03 1111 2222", "Kuala Lumpur"),
    ("d-1", "directory", "BRIGHTPATH RECRUITMENT", None, None),
    ("d-2", "directory", "Cendana Logistics", "04-222 3333", "George Town"),
]


def _world(tmp_path, decisions: bool = True):
    data = tmp_path / "data"
    data.mkdir()
    con = connect(data / "warehouse.duckdb")
    seen = datetime(2024, 1, 1)
    for rid, source, name, phone, city in RECORDS:
        con.execute(
            "INSERT INTO source_records (record_id, source, native_id, name, phone, city, "
            "country, first_seen_at, last_seen_at, run_id, method, url) "
            "VALUES (?,?,?,?,?,?, 'MY', ?, ?, 'run-1', 'css', ?)",
            [rid, source, rid, name, phone, city, seen, seen, f"https://{source}.example/{rid}"],
        )
    con.close()
    cfg = tmp_path / "leadpipe.toml"
    text = f'[project]\ndata_dir = "{data.as_posix()}"\n'
    if decisions:  # configured and created empty: a mistyped path is an error, not silence
        text += '[resolve]\ndecisions = "decisions.yaml"\n'
        (tmp_path / "decisions.yaml").write_text("", encoding="utf-8")
    cfg.write_text(text, encoding="utf-8")
    return cfg


def _companies(tmp_path) -> dict[str, str]:
    con = connect(tmp_path / "data" / "warehouse.duckdb", read_only=True)
    try:
        return dict(con.execute("SELECT record_id, company_id FROM company_links").fetchall())
    finally:
        con.close()


def test_review_lists_decides_and_the_next_run_obeys(tmp_path):
    cfg = _world(tmp_path)
    ok = runner.invoke(app, ["resolve", "-c", str(cfg)])
    assert ok.exit_code == 0, ok.output
    ids = _companies(tmp_path)
    assert ids["x-1"] == ids["d-1"] != ids["d-2"]  # linked on the name alone

    listed = runner.invoke(app, ["review", "-c", str(cfg)])
    assert listed.exit_code == 0, listed.output
    out = listed.output
    assert "Pair 1" in out and "x-1" in out and "d-1" in out
    assert "Brightpath Recruitment Sdn Bhd" in out and "BRIGHTPATH RECRUITMENT" in out
    assert "name alone" in out  # the explanation
    assert "Pair 2" not in out

    decided = runner.invoke(app, ["review", "decide", "1", "different", "-c", str(cfg)])
    assert decided.exit_code == 0, decided.output
    saved = yaml.safe_load((tmp_path / "decisions.yaml").read_text(encoding="utf-8"))
    assert saved["cannot_link"] == [["d-1", "x-1"]] and saved["must_link"] == []

    again = runner.invoke(app, ["resolve", "-c", str(cfg)])
    assert again.exit_code == 0, again.output
    ids = _companies(tmp_path)
    assert ids["x-1"] != ids["d-1"]  # the decision held
    assert len(set(ids.values())) == 3


def test_interactive_review_takes_a_decision_at_the_prompt(tmp_path):
    cfg = _world(tmp_path)
    assert runner.invoke(app, ["resolve", "-c", str(cfg)]).exit_code == 0
    got = runner.invoke(app, ["review", "--interactive", "-c", str(cfg)], input="s\n")
    assert got.exit_code == 0, got.output
    saved = yaml.safe_load((tmp_path / "decisions.yaml").read_text(encoding="utf-8"))
    assert saved["must_link"] == [["d-1", "x-1"]]
    assert runner.invoke(app, ["resolve", "-c", str(cfg)]).exit_code == 0
    ids = _companies(tmp_path)
    assert ids["x-1"] == ids["d-1"]


def test_a_missing_decisions_file_is_one_clear_line(tmp_path):
    cfg = _world(tmp_path)
    (tmp_path / "decisions.yaml").unlink()
    got = runner.invoke(app, ["resolve", "-c", str(cfg)])
    assert got.exit_code == 2 and "decisions: file not found" in got.output
    assert got.exception is None or isinstance(got.exception, SystemExit)


def test_bad_decisions_get_one_clear_line(tmp_path):
    cfg = _world(tmp_path, decisions=False)
    assert runner.invoke(app, ["resolve", "-c", str(cfg)]).exit_code == 0
    bad = runner.invoke(app, ["review", "decide", "1", "maybe", "-c", str(cfg)])
    assert bad.exit_code == 1 and "same' or 'different" in bad.output
    missing = runner.invoke(app, ["review", "decide", "7", "same", "-c", str(cfg)])
    assert missing.exit_code == 1 and "no pair 7" in missing.output
    unset = runner.invoke(app, ["review", "decide", "1", "same", "-c", str(cfg)])
    assert unset.exit_code == 1 and "[resolve]" in unset.output
    assert "Traceback" not in bad.output + missing.output + unset.output
