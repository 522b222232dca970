"""Configuration and the CLI's front door: clear errors, defaults that run the demo."""

from __future__ import annotations

import pytest
from typer.testing import CliRunner

from leadpipe.cli import app
from leadpipe.config import ConfigError, load_config

runner = CliRunner()


def test_defaults_run_the_demo_sources(tmp_path, monkeypatch):
    monkeypatch.chdir(tmp_path)
    config = load_config()
    assert config.crawl["sources"] == ["demo_tenders", "demo_expo", "demo_directory"]
    assert config.warehouse_path == tmp_path / "data" / "warehouse.duckdb"
    assert config.profile()["name"] == "default"


def test_user_file_overrides_key_by_key_and_env_wins(tmp_path, monkeypatch):
    path = tmp_path / "leadpipe.toml"
    path.write_text('[project]\ndata_dir = "/srv/leads"\n[profiles.default]\nemployees_min = 5\n',
                    encoding="utf-8")
    config = load_config(path)
    assert str(config.data_dir) == "/srv/leads"
    assert config.profile()["employees_min"] == 5
    assert config.profile()["industries"]  # the rest of the default profile stays
    monkeypatch.setenv("LEADPIPE_DATA_DIR", str(tmp_path / "elsewhere"))
    monkeypatch.setenv("LEADPIPE_DEMO_COMPANIES", "120")
    assert config.data_dir == tmp_path / "elsewhere"
    assert config.demo["companies"] == 120


def test_bad_config_names_the_file_and_the_problem(tmp_path):
    path = tmp_path / "broken.toml"
    path.write_text("[project\ndata_dir = 1\n", encoding="utf-8")
    with pytest.raises(ConfigError, match="broken.toml: not valid TOML"):
        load_config(path)
    with pytest.raises(ConfigError, match="missing.toml: config file not found"):
        load_config(tmp_path / "missing.toml")
    with pytest.raises(ConfigError, match="no ICP profile named 'nope'.*known: default"):
        load_config().profile("nope")


def test_help_lists_every_command():
    result = runner.invoke(app, ["--help"])
    assert result.exit_code == 0
    for command in ("demo", "pipeline", "serve", "crawl", "load", "resolve", "enrich", "score",
                    "export", "status", "sources", "clients", "parse", "extract", "tenders",
                    "dedupe", "dedupe-eval", "demo-server"):
        assert f" {command} " in result.output, command


def test_cli_errors_are_one_clear_line(tmp_path, monkeypatch):
    monkeypatch.chdir(tmp_path)
    result = runner.invoke(app, ["status"])
    assert result.exit_code == 1
    assert "no warehouse yet" in result.output
    bad = tmp_path / "bad.toml"
    bad.write_text("= nonsense", encoding="utf-8")
    result = runner.invoke(app, ["export", "--config", str(bad)])
    assert result.exit_code == 1 and "bad.toml: not valid TOML" in result.output
    result = runner.invoke(app, ["export", "--stage", "lead"])
    assert result.exit_code == 1 and "unknown stage 'lead'" in result.output


def test_clients_import_marks_companies_as_clients(tmp_path, monkeypatch):
    monkeypatch.chdir(tmp_path)
    accounts = tmp_path / "accounts.csv"
    accounts.write_text("Name,Website,Country\nAcme Ltd,https://www.acme.co.uk/about,gb\n"
                        "Beta GmbH,,DE\n", encoding="utf-8")
    result = runner.invoke(app, ["clients", "import", str(accounts)])
    assert result.exit_code == 0, result.output
    again = runner.invoke(app, ["clients", "import", str(accounts)])
    assert again.exit_code == 0
    from warehouse.db import connect

    con = connect(tmp_path / "data" / "warehouse.duckdb", read_only=True)
    rows = con.execute("SELECT client_key, domain, country FROM clients ORDER BY 1").fetchall()
    assert rows == [("acme.co.uk", "acme.co.uk", "GB"), ("beta gmbh|DE", None, "DE")]
