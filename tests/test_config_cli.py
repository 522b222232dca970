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
    assert config.crawl.sources == ["demo_tenders", "demo_expo", "demo_directory", "demo_registry"]
    assert config.warehouse_path == tmp_path / "data" / "warehouse.duckdb"
    assert config.profile().name == "default"
    assert config.score.fit_min is None and config.enrich.max_age_days == 30
    assert config.profile().points.industry == 0.6 and config.profile().tiers.A == 0.6


def test_user_file_overrides_key_by_key_and_env_wins(tmp_path, monkeypatch):
    path = tmp_path / "leadpipe.toml"
    path.write_text('[project]\ndata_dir = "/srv/leads"\n[profiles.default]\nemployees_min = 5\n',
                    encoding="utf-8")
    config = load_config(path)
    assert str(config.data_dir) == "/srv/leads"
    assert config.profile().employees_min == 5
    # the rest of the default profile stays
    assert config.profile().industries == ["manufacturing", "logistics", "energy"]
    monkeypatch.setenv("LEADPIPE_DATA_DIR", str(tmp_path / "elsewhere"))
    monkeypatch.setenv("LEADPIPE_DEMO_COMPANIES", "120")
    config = load_config(path)
    assert config.data_dir == tmp_path / "elsewhere"
    assert config.demo.companies == 120


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("[profiles.default]\nhome_bse = 'Leeds'\n", "[profiles.default] home_bse: unknown key"),
        ("[score]\nfit_mni = 0.5\n", "[score] fit_mni: unknown key"),
        ("[crawl]\nsources = 'demo_expo'\n", "[crawl] sources: input should be a valid list"),
        ("[demo]\ncompanies = 'many'\n", "[demo] companies: input should be a valid integer"),
        ("[demo]\ncompanies = 10\n", "[demo] companies: input should be greater than"),
        ("[enrichment]\nmax_age_days = 3\n", "[enrichment]: unknown key"),
        ("[profiles.small]\nemployees_min = -1\n", "[profiles.small] employees_min: input"),
        ("[network]\nallow_addresses = ['10.0.0.300']\n",
         "[network] allow_addresses: value error, '10.0.0.300' is not an address or network"),
    ],
)
def test_a_wrong_key_or_value_names_file_section_and_key(tmp_path, text, expected):
    path = tmp_path / "leadpipe.toml"
    path.write_text(text, encoding="utf-8")
    with pytest.raises(ConfigError) as info:
        load_config(path)
    message = str(info.value)
    assert message.startswith(f"{path}: "), message
    assert expected in message, message
    assert "\n" not in message


def test_a_bad_environment_override_is_one_clear_line(monkeypatch, tmp_path):
    monkeypatch.chdir(tmp_path)
    monkeypatch.setenv("LEADPIPE_DEMO_COMPANIES", "abc")
    with pytest.raises(ConfigError, match="LEADPIPE_DEMO_COMPANIES='abc' is not a whole number"):
        load_config()
    result = runner.invoke(app, ["status"])
    assert result.exit_code == 2
    assert "LEADPIPE_DEMO_COMPANIES='abc'" in result.output and "Traceback" not in result.output


def test_unknown_key_in_the_cli_exits_2_with_one_line(tmp_path, monkeypatch):
    monkeypatch.chdir(tmp_path)
    (tmp_path / "leadpipe.toml").write_text(
        "[profiles.default]\nhome_bse = 'Leeds'\n", encoding="utf-8"
    )
    result = runner.invoke(app, ["score"])
    assert result.exit_code == 2
    lines = [line for line in result.output.splitlines() if line.strip()]
    assert lines == ["error: leadpipe.toml: [profiles.default] home_bse: unknown key"], lines


def test_a_mistyped_decisions_path_is_an_error_not_silence(tmp_path):
    path = tmp_path / "leadpipe.toml"
    path.write_text("[resolve]\ndecisions = 'decisons.yaml'\n", encoding="utf-8")
    config = load_config(path)
    with pytest.raises(ConfigError, match=r"\[resolve\] decisions: file not found"):
        _ = config.decisions_path


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
    assert result.exit_code == 2 and "bad.toml: not valid TOML" in result.output
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
