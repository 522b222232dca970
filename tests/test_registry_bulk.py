"""The Companies House bulk file loaded by DuckDB's CSV reader lands the same facts as the
row parser, under the same record ids as the API spider's, once per file content."""

from __future__ import annotations

import csv
from datetime import date
from pathlib import Path

import pytest
from typer.testing import CliRunner

from spiders.landing import record_id
from spiders.registries import companies_house
from warehouse.db import connect
from warehouse.registry_bulk import BulkFileError, load_bulk

CH = Path(__file__).parent / "fixtures" / "registry" / "companies_house"
FILES = ("companieshr__companies_basic_1000.csv",
         "mrbrianevans__BasicCompanyData_sample_31rows.csv")
COMPARED = ("name", "registry_status", "incorporated_on", "dissolved_on", "accounts_next_due",
            "accounts_last_made_up_to", "accounts_overdue", "accounts_category",
            "charges_outstanding", "industry_codes", "legal_form", "street", "city", "region",
            "postcode", "address", "country", "founded")


def _db_value(value):
    if isinstance(value, date):
        return value.isoformat()
    if isinstance(value, list) and value and isinstance(value[0], dict):
        return [{k: v for k, v in entry.items() if v is not None} for entry in value]
    return value


@pytest.mark.parametrize("name", FILES)
def test_bulk_load_lands_what_the_row_parser_reads(tmp_path, name):
    as_of = date(2021, 8, 1)
    con = connect(tmp_path / "w.duckdb")
    result = load_bulk(con, CH / name, as_of=as_of)
    with (CH / name).open(newline="", encoding="utf-8") as fh:
        rows = list(csv.DictReader(fh))
    assert result.rows == len(rows) and not result.skipped
    cols = ", ".join(COMPARED)
    stored = {r[0]: dict(zip(("record_id", "identifiers", *COMPARED), r, strict=True))
              for r in con.execute(f"SELECT record_id, identifiers, {cols} FROM source_records"
                                   ).fetchall()}
    for row in rows:
        fields = companies_house.bulk_fields(row, as_of=as_of)
        number = fields["identifiers"][0]["id"]
        got = stored[record_id("companies_house", number)]  # the API spider's record id too
        assert got["identifiers"] == [f"GB-COH:{number}"]
        for key in COMPARED:
            assert _db_value(got[key]) == (fields.get(key) if fields.get(key) != [] else None), \
                (number, key)
    assert load_bulk(con, CH / name, as_of=as_of).skipped  # same content: not loaded again


def test_every_knock_out_row_of_the_sample_lands_its_status(tmp_path):
    con = connect(tmp_path / "w.duckdb")
    load_bulk(con, CH / FILES[0])
    got = dict(con.execute("SELECT registry_status, count(*) FROM source_records GROUP BY 1"
                           ).fetchall())
    assert got == {"active": 839, "liquidation": 133, "proposal to strike off": 23,
                   "voluntary arrangement": 2, "administration": 3}
    # A second file updates the companies both hold (08209948 is in both samples).
    load_bulk(con, CH / FILES[1], as_of=date(2021, 8, 1))
    assert con.execute("SELECT count(*) FROM source_records").fetchall()[0][0] == 1000 + 31 - 21
    assert con.execute("SELECT accounts_category FROM source_records WHERE native_id = "
                       "'08209948'").fetchall() == [("dormant",)]


def test_a_file_that_is_not_a_bulk_file_is_one_clear_error(tmp_path):
    bad = tmp_path / "other.csv"
    bad.write_text("Name,Number\nX,1\n", encoding="utf-8")
    con = connect(tmp_path / "w.duckdb")
    with pytest.raises(BulkFileError, match="other.csv: not a Companies House BasicCompanyData "
                                            "file: no CompanyName, CompanyNumber, CompanyStatus"):
        load_bulk(con, bad)
    from leadpipe.cli import app

    (tmp_path / "leadpipe.toml").write_text(f'[project]\ndata_dir = "{tmp_path / "data"}"\n')
    runner = CliRunner()
    out = runner.invoke(app, ["registry", "load-bulk", str(bad), "--config",
                              str(tmp_path / "leadpipe.toml")])
    assert out.exit_code == 1 and "Traceback" not in out.output
    assert "not a Companies House BasicCompanyData file" in out.output
    ok = runner.invoke(app, ["registry", "load-bulk", str(CH / FILES[1]), "--as-of",
                             "2021-08-01", "--config", str(tmp_path / "leadpipe.toml")])
    assert ok.exit_code == 0, ok.output
    assert "31 companies" in ok.output


def test_a_company_twice_in_a_file_is_one_clear_error_and_nothing_is_written(tmp_path):
    lines = (CH / FILES[1]).read_text(encoding="utf-8").splitlines(keepends=True)
    twice = tmp_path / "twice.csv"
    twice.write_text("".join([*lines[:3], lines[1]]), encoding="utf-8")  # the first row again
    number = companies_house.company_number(list(csv.DictReader(lines[:2]))[0][" CompanyNumber"])
    con = connect(tmp_path / "w.duckdb")
    with pytest.raises(BulkFileError, match=f"company {number} is in it more than once"):
        load_bulk(con, twice)  # the register's first load (a plain insert)
    assert con.execute("SELECT count(*) FROM source_records").fetchall() == [(0,)]
    assert con.execute("SELECT count(*) FROM registry_bulk_files").fetchall() == [(0,)]
    load_bulk(con, CH / FILES[0])  # which does not hold that company
    with pytest.raises(BulkFileError, match=f"company {number} is in it more than once"):
        load_bulk(con, twice)  # a later load (a merge)
    assert con.execute("SELECT count(*) FROM source_records").fetchall() == [(1000,)]


def test_a_loaded_file_copied_under_another_name_is_skipped_and_changes_nothing(tmp_path):
    """The content is hashed while the new name is read: the copy's rows are rolled back."""
    con = connect(tmp_path / "w.duckdb")
    load_bulk(con, CH / FILES[0], as_of=date(2021, 8, 1))
    seen = con.execute("SELECT record_id, run_id, last_seen_at FROM source_records ORDER BY 1"
                       ).fetchall()
    copy = tmp_path / "BasicCompanyData-copy.csv"
    copy.write_bytes((CH / FILES[0]).read_bytes())
    result = load_bulk(con, copy, as_of=date(2022, 1, 1))  # a later day: it would change rows
    assert result.skipped and result.rows == 0
    assert con.execute("SELECT record_id, run_id, last_seen_at FROM source_records ORDER BY 1"
                       ).fetchall() == seen
    assert con.execute("SELECT count(*) FROM registry_bulk_files").fetchall() == [(1,)]
    changed = tmp_path / "BasicCompanyData-changed.csv"  # a new name and new content loads
    changed.write_bytes((CH / FILES[0]).read_bytes().replace(b"Liquidation", b"LIQUIDATION"))
    assert changed.read_bytes() != copy.read_bytes()
    assert not load_bulk(con, changed, as_of=date(2022, 1, 1)).skipped
    assert con.execute("SELECT count(*) FROM registry_bulk_files").fetchall() == [(2,)]
