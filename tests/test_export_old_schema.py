"""An export against what an older leadpipe wrote, on concrete files: a warehouse migrated
before the e-mail opt-out's tables existed is migrated on the way (and exports), and a Parquet
snapshot written before the opt-out columns existed is one clear line naming the file and the
missing column, with a non-zero exit, never a traceback."""

from __future__ import annotations

import duckdb
import pytest
from privacy_world import build, write_config
from test_sales_export import _hold_writer
from typer.testing import CliRunner

from leadpipe import runner
from leadpipe.cli import app
from sales.export.view import SnapshotOutdated
from warehouse.db import connect, migrations

# 0009 adds CRM outcomes, 0011 the suppression list, lawful basis and subscriber types: what
# the e-mail opt-out reads.
BEFORE_OPT_OUT = 8


def _old_warehouse(path) -> None:
    con = duckdb.connect(str(path))
    try:
        con.execute("CREATE TABLE schema_migrations (version INTEGER PRIMARY KEY, "
                    "name VARCHAR NOT NULL, applied_at TIMESTAMP NOT NULL)")
        for version, name, sql in migrations():
            if version <= BEFORE_OPT_OUT:
                con.execute(sql)
                con.execute("INSERT INTO schema_migrations VALUES (?, ?, now())",
                            [version, name])
    finally:
        con.close()


def test_an_old_warehouse_is_migrated_and_exports(tmp_path, monkeypatch):
    monkeypatch.chdir(tmp_path)
    cfg = write_config(tmp_path)
    cfg.warehouse_path.parent.mkdir(parents=True, exist_ok=True)
    _old_warehouse(cfg.warehouse_path)
    result = CliRunner().invoke(app, ["export", "--config", str(cfg.source), "--format",
                                      "salesforce", "-o", str(tmp_path / "sf.csv")])
    assert result.exit_code == 0, result.output
    assert "wrote 0 rows" in result.output
    con = connect(cfg.warehouse_path, read_only=True)
    try:
        done = {r[0] for r in con.execute("SELECT version FROM schema_migrations").fetchall()}
    finally:
        con.close()
    assert done == {v for v, _, _ in migrations()}


def test_an_old_snapshot_is_one_clear_line(tmp_path, monkeypatch):
    monkeypatch.chdir(tmp_path)
    cfg = write_config(tmp_path)
    build(cfg)
    snapshot = cfg.snapshot_path
    assert snapshot.exists()
    # as an older leadpipe wrote it: no e-mail opt-out columns
    old = snapshot.with_name("old.parquet")
    con = duckdb.connect()
    con.execute("COPY (SELECT * EXCLUDE (email_opt_out, email_opt_out_reason) "
                "FROM read_parquet(?)) TO ? (FORMAT parquet)", [str(snapshot), str(old)])
    con.close()
    old.replace(snapshot)
    holder = _hold_writer(cfg.warehouse_path)
    try:
        with pytest.raises(SnapshotOutdated, match="email_opt_out"):
            runner.export(cfg, output=tmp_path / "x.csv", export_format="salesforce")
        result = CliRunner().invoke(app, ["export", "--config", str(cfg.source), "--format",
                                          "salesforce", "-o", str(tmp_path / "sf.csv")])
    finally:
        holder.stdin.write("\n")
        holder.stdin.close()
        holder.wait(timeout=30)
    assert result.exit_code != 0
    lines = [line for line in result.output.splitlines() if line.strip()]
    text = " ".join(result.output.split())
    assert "Traceback" not in result.output and len(lines) <= 3, result.output
    assert snapshot.name in text and "email_opt_out" in text and "leadpipe score" in text
    assert not (tmp_path / "sf.csv").exists()
