"""Assignment of prospects to sales managers on a real warehouse: capacity is never exceeded,
owners stay the same on a second run, a manager who leaves releases only their accounts, the
export carries the owner, and a bad managers file is one line naming file and line."""

from __future__ import annotations

import csv
from datetime import datetime

import pytest
from sales_world import write_config
from typer.testing import CliRunner

from leadpipe import runner
from leadpipe.cli import app
from leadpipe.config import load_config
from sales.assign import run_assignment
from sales.managers import ManagersError, load_managers
from warehouse.db import connect

NOW = datetime(2026, 1, 5, 9, 0)
MANAGERS = (
    "name,email,sectors,regions,capacity\n"
    "Alice Ward,alice@example.com,C,,20\n"
    "Bob Lane,bob@example.com,manufacturing;logistics,GB,15\n"
    "Carol Diaz,carol@example.com,49,,10\n"  # division 49 (land transport): section H
)
# (industry, country, how many): 40 manufacturers, then 8 + 3 logistics firms, 2 hotels, one
# unclassified company; fit falls with the position, so manufacturers come first.
PROSPECTS = [("manufacturing", "GB", 40), ("logistics", "GB", 8), ("logistics", "DE", 3),
             ("hospitality", "GB", 2), (None, "GB", 1)]


@pytest.fixture()
def world(tmp_path, monkeypatch):
    monkeypatch.chdir(tmp_path)
    config = load_config(write_config(tmp_path))
    con = connect(config.warehouse_path)
    n = 0
    try:
        for industry, country, count in PROSPECTS:
            for _ in range(count):
                n += 1
                cid = f"c-{n:03d}"
                con.execute("INSERT INTO companies (company_id, name, country, updated_at) "
                            "VALUES (?, ?, ?, ?)", [cid, f"Company {n:03d} Ltd", country, NOW])
                con.execute("INSERT INTO enrichment (company_id, industry, enriched_at) "
                            "VALUES (?, ?, ?)", [cid, industry, NOW])
                con.execute("INSERT INTO scores (company_id, profile, model_version, fit, "
                            "solvency, stage, reasons, scored_at) VALUES "
                            "(?, 'default', 'm', ?, 0.8, 'prospect', [], ?)",
                            [cid, round(1 - n / 100, 2), NOW])
    finally:
        con.close()
    managers = tmp_path / "managers.csv"
    managers.write_text(MANAGERS, encoding="utf-8")
    return config, managers


def _assign(config, managers_file):
    con = connect(config.warehouse_path)
    try:
        return run_assignment(con, "default", load_managers(managers_file))
    finally:
        con.close()


def test_nobody_over_capacity_best_first_and_unassigned_with_reasons(world):
    config, managers = world
    result = _assign(config, managers)
    assert result.load == {"Alice Ward": (20, 20), "Bob Lane": (15, 15), "Carol Diaz": (10, 10)}
    owners = result.owners
    # The 35 best manufacturers are taken; the five with the lowest fit are not.
    assert sorted(c for c in owners if int(c[2:]) <= 40) == [f"c-{k:03d}" for k in range(1, 36)]
    assert {owners[f"c-{k:03d}"] for k in range(41, 51)} == {"carol@example.com"}
    reasons = {u.company_id: u.reason for u in result.unassigned}
    assert reasons == {
        **{f"c-{k:03d}": "every manager for manufacturing is at capacity "
           "(Alice Ward 20 of 20, Bob Lane 15 of 15)" for k in range(36, 41)},
        "c-051": "every manager for logistics is at capacity (Carol Diaz 10 of 10)",
        "c-052": "no manager looks after hospitality",
        "c-053": "no manager looks after hospitality",
        "c-054": "industry unknown: no manager's sectors can be matched",
    }


def test_owners_stay_on_a_second_run_and_a_leaver_releases_only_theirs(world, tmp_path):
    config, managers = world
    first = _assign(config, managers).owners
    second = _assign(config, managers)
    assert second.owners == first
    assert (second.kept, second.new, second.released) == (45, 0, 0)

    con = connect(config.warehouse_path)
    try:  # one of Alice's accounts becomes a client: its stage changed
        alices = sorted(c for c, e in first.items() if e == "alice@example.com")
        con.execute("UPDATE scores SET stage = 'client' WHERE company_id = ?", [alices[0]])
    finally:
        con.close()
    fewer = tmp_path / "fewer.csv"
    fewer.write_text(MANAGERS.replace("Carol Diaz,carol@example.com,49,,10\n", ""), "utf-8")
    third = _assign(config, fewer)
    assert alices[0] not in third.owners
    for cid, email in first.items():
        if email != "carol@example.com" and cid != alices[0]:
            assert third.owners[cid] == email  # kept
    # Carol's accounts are released; Bob is full, so the freed place goes to a manufacturer
    assert not any(e == "carol@example.com" for e in third.owners.values())
    assert third.owners["c-036"] == "alice@example.com"
    assert third.load == {"Alice Ward": (20, 20), "Bob Lane": (15, 15)}


def test_the_export_carries_the_owner(world):
    config, managers = world
    result = CliRunner().invoke(app, ["assign", "--managers", str(managers)])
    assert result.exit_code == 0, result.output
    assert "45 newly assigned" in " ".join(result.output.split())
    assert "unassigned: Company 054 Ltd (c-054): industry unknown" in result.output
    exported = runner.export(config)
    with exported.path.open(encoding="utf-8", newline="") as fh:
        reader = csv.DictReader(fh)
        assert reader.fieldnames[:4] == ["name", "priority", "tier", "owner"]  # read first
        rows = {r["company_id"]: r for r in reader}
    assert rows["c-001"]["owner"] in {"Alice Ward", "Bob Lane"}
    assert rows["c-041"]["owner"] == "Carol Diaz"
    assert rows["c-054"]["owner"] == ""


@pytest.mark.parametrize(
    ("line", "message"),
    [
        ("Dan Roe,dan@example.com,C,,60", "managers.csv:3: Dan Roe: capacity 60 is not between "
         "10 and 50 organisations"),
        ("Dan Roe,dan@example.com,C,,9", "capacity 9 is not between 10 and 50"),
        ("Dan Roe,dan.example.com,C,,20", "managers.csv:3: Dan Roe: e-mail 'dan.example.com'"),
        ("Dan Roe,dan@example.com,Z9,,20", "managers.csv:3: Dan Roe: sector 'Z9' is not a NACE"),
        ("Dan Roe,dan@example.com,C,Britain,20", "region 'BRITAIN' is not a two-letter"),
        ("Dan Roe,alice@example.com,C,,20", "e-mail alice@example.com is already on line 2"),
        (",dan@example.com,C,,20", "managers.csv:3: no name"),
    ],
)
def test_a_bad_managers_file_is_one_line_with_file_and_line(tmp_path, line, message):
    path = tmp_path / "managers.csv"
    path.write_text("name,email,sectors,regions,capacity\n"
                    f"Alice Ward,alice@example.com,C,,20\n{line}\n", encoding="utf-8")
    with pytest.raises(ManagersError) as info:
        load_managers(path)
    assert message in str(info.value) and "\n" not in str(info.value)


def test_a_toml_managers_file_names_the_line_of_the_bad_entry(tmp_path, monkeypatch):
    monkeypatch.chdir(tmp_path)
    write_config(tmp_path)
    path = tmp_path / "managers.toml"
    path.write_text(
        '[[managers]]\nname = "Alice Ward"\nemail = "alice@example.com"\nsectors = ["C"]\n'
        'capacity = 20\n\n[[managers]]\nname = "Dan Roe"\nemail = "dan@example.com"\n'
        'sectors = ["manufacturing"]\nregions = ["GB", "IE"]\ncapacity = 51\n', encoding="utf-8")
    result = CliRunner().invoke(app, ["assign", "--managers", str(path)])
    assert result.exit_code == 2
    assert " ".join(result.output.split()) == (
        f"error: {path}:7: Dan Roe: capacity 51 is not between 10 and 50 organisations")
