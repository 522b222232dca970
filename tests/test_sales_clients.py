"""Clients matched through the resolution engine's name normalisation: legal forms, "&" and
"and", case; a bad row of the import is reported by its line and the rest loads."""

from __future__ import annotations

from sales_world import build, write_config
from typer.testing import CliRunner

from leadpipe import runner
from leadpipe.cli import app
from leadpipe.config import load_config
from warehouse.db import connect

ACCOUNTS = (
    "name,website,country\n"
    "Robinson and Hughes Engineering Ltd,,GB\n"      # line 2: the CRM's spelling
    ",https://nobody.example/,GB\n"                  # line 3: no name
    "Kestrel Industrial Machinery,,United Kingdom\n"  # line 4: not a country code
    "Ashdown Valves GmbH,,DE\n"                      # line 5: no such company yet
)


def test_robinson_and_hughes_is_a_client_and_never_exported(tmp_path, monkeypatch):
    monkeypatch.chdir(tmp_path)
    config = load_config(write_config(tmp_path))
    build(config.warehouse_path)
    con = connect(config.warehouse_path)
    try:  # the warehouse spells it the other way: "&", lower-case legal form
        con.execute("UPDATE companies SET name = 'Robinson & Hughes Engineering limited', "
                    "domain = NULL, website = NULL WHERE company_id = 'c-fit'")
    finally:
        con.close()
    runner.score(config)
    before = runner.export(config)
    assert "c-fit," in before.path.read_text(encoding="utf-8")  # a prospect until imported

    accounts = tmp_path / "accounts.csv"
    accounts.write_text(ACCOUNTS, encoding="utf-8")
    result = CliRunner().invoke(app, ["clients", "import", str(accounts)])
    assert result.exit_code == 0, result.output
    out = " ".join(result.output.split())
    assert f"{accounts}:3: no name; row skipped" in out
    assert f"{accounts}:4: country 'United Kingdom' is not a two-letter code" in out
    assert "imported 2 clients: 1 matches a company found so far" in out
    assert "not found yet: Ashdown Valves GmbH" in out
    assert "Traceback" not in result.output

    summary = runner.score(config)
    assert summary.clients == 1
    con = connect(config.warehouse_path, read_only=True)
    try:
        stage, reasons = con.execute(
            "SELECT stage, reasons FROM scores WHERE company_id = 'c-fit'").fetchall()[0]
    finally:
        con.close()
    assert stage == "client" and "against: already a client" in reasons
    after = runner.export(config, funnel_stages=("prospect", "suspect"))
    assert after.rows == 5  # everyone but the client and the suppressed company (seven)
    assert "c-fit" not in after.path.read_text(encoding="utf-8")  # never exported as new


def test_a_name_match_needs_the_same_country_when_both_are_known(tmp_path, monkeypatch):
    monkeypatch.chdir(tmp_path)
    config = load_config(write_config(tmp_path))
    build(config.warehouse_path)  # every company is in GB
    from sales.clients import match_clients

    con = connect(config.warehouse_path)
    try:
        matches = match_clients(con, [("Northbridge Precision Engineering Limited", None, "IE"),
                                      ("northbridge precision engineering", None, None)])
    finally:
        con.close()
    assert [(m.company_ids, m.by) for m in matches] == [((), None), (("c-fit",), "name")]
