"""Leads from tenders: parsed fixtures -> landing file -> real DuckDB -> demand and history."""

from __future__ import annotations

import json
from datetime import datetime
from pathlib import Path

import pytest

from spiders.landing import LandingWriter, make_item, record_id
from spiders.tenders import landing_items, parse_bytes
from warehouse.db import connect
from warehouse.load import load_file
from warehouse.marks import get_high_water_mark, set_high_water_mark
from warehouse.tenders import (
    CurrencyAwards,
    buyer_demand,
    new_open_tenders,
    supplier_history,
)

FIX = Path(__file__).parent / "fixtures" / "tenders"
SOURCE = "fixtures"
NOW = datetime(2024, 3, 1)


def build_warehouse(path: Path, landing: Path):
    """Every fixture file, parsed and landed, loaded by the real loader into ``path``."""
    with LandingWriter(landing, "run-1", SOURCE) as writer:
        for doc in sorted(FIX.glob("*/*.json")) + sorted(FIX.glob("*/*.xml")):
            parsed = parse_bytes(doc.read_bytes())
            for item in landing_items(parsed, url=doc.name, method="api"):
                writer.write(make_item(source=SOURCE, run_id="run-1", **item))
    db = connect(path)
    loaded = load_file(db, landing / "run-1" / f"{SOURCE}.jsonl")
    assert loaded.quarantined == 0, loaded.errors  # real documents stay inside the contract
    return db


@pytest.fixture(scope="module")
def con(tmp_path_factory):
    tmp = tmp_path_factory.mktemp("leads")
    db = build_warehouse(tmp / "wh.duckdb", tmp / "landing")
    yield db
    db.close()


def rid(native_id: str) -> str:
    return record_id(SOURCE, native_id)


def test_loader_keeps_tender_fields(con):
    row = con.execute(
        "SELECT buyer_name, cpv, value, currency, deadline, status FROM tenders "
        "WHERE tender_id = '2cf71157-a4d8-4909-abe7-03d35ad9fcc4'").fetchone()
    assert row == ('"Koleje Mazowieckie - KM" Sp. z o.o.', ["34110000"], None, None,
                   datetime(2024, 3, 18, 10, 30), "active")


def test_supplier_history_counts_totals_largest_buyers(con):
    h = supplier_history(con)
    rielco = h[rid("CO-NIT:860536079")]
    assert rielco.awards == 2 and rielco.total == 8605500.0 and rielco.currency == "COP"
    assert rielco.largest == 6000000.0 and rielco.distinct_buyers == 1
    assert rielco.by_currency == {"COP": CurrencyAwards("COP", 2, 8605500.0, 6000000.0)}
    belgo = h[rid("BE-BCE_KBO:0832584553")]
    assert belgo.awards == 5 and belgo.distinct_buyers == 1
    assert belgo.total == pytest.approx(8819.09 + 12725.09 + 9317.85 + 11807.88 + 11016.45)
    assert belgo.last_award_date == datetime(2024, 3, 3, 23, 0)
    gab = h[rid("MX-RFC:GAB0709244G5")]
    assert gab.awards == 2 and gab.largest == 189654.0 and gab.currency == "MXN"
    # an unsuccessful ProZorro award gives no history
    assert rid("UA-EDR:40126602") not in h


def test_buyer_demand_cpv_values_open_tenders(con):
    d = buyer_demand(con, now=NOW)
    km = d[rid("PL-NIP:1132520369")]
    assert km.tenders == 1 and km.top_cpv == ["34110000"]
    assert [t["deadline"] for t in km.open_tenders] == [datetime(2024, 3, 18, 10, 30)]
    ua = d[rid("UA-EDR:39985748")]
    assert ua.cpv == {"18100000": 1} and ua.value_by_currency == {"UAH": 7500.0}
    assert ua.open_tenders == []  # complete
    only = buyer_demand(con, [rid("UA-EDR:39985748")], now=NOW)
    assert list(only) == [rid("UA-EDR:39985748")]


def test_new_open_tenders_match_icp_prefixes(con):
    rows = new_open_tenders(con, ["34", "79"], None, now=NOW)
    titles = [r["title"] for r in rows]
    assert titles == ["Najem długoterminowy samochodów służbowych", "23/062 - Legal Services Panel"]
    assert new_open_tenders(con, ["72"], None, now=NOW) == []
    everything = new_open_tenders(con, [], None, now=NOW)
    assert {r["buyer_name"] for r in everything} >= {"Landes-Immobilien GmbH", "Uisce Éireann"}
    later = datetime.now().replace(year=datetime.now().year + 1)
    assert new_open_tenders(con, ["34"], later, now=NOW) == []  # nothing first seen since then


def test_high_water_marks_round_trip(con):
    assert get_high_water_mark(con, "ted") is None
    set_high_water_mark(con, "ted", "2024-03-01#2024-00128154")
    set_high_water_mark(con, "ted", "2024-04-11#2024-00215550")
    set_high_water_mark(con, "ted", "")
    assert get_high_water_mark(con, "ted") == "2024-04-11#2024-00215550"


def test_tenders_new_command_lists_matching_tenders(tmp_path, monkeypatch):
    import typer
    from typer.testing import CliRunner

    from leadpipe.commands import tenders as cmd
    from warehouse import tenders as wt

    build_warehouse(tmp_path / "data" / "warehouse.duckdb", tmp_path / "landing").close()
    config = tmp_path / "leadpipe.toml"
    config.write_text('[project]\ndata_dir = "data"\n', encoding="utf-8")
    monkeypatch.setattr(wt, "datetime", _Frozen)  # "today" is 2024-03-01 for the deadlines
    app = typer.Typer()
    cmd.register(app)
    result = CliRunner().invoke(app, ["tenders", "new", "-c", str(config), "--cpv", "34",
                                      "--json"])
    assert result.exit_code == 0, result.output
    rows = [json.loads(line) for line in result.stdout.splitlines()]
    assert [r["tender_id"] for r in rows] == ["2cf71157-a4d8-4909-abe7-03d35ad9fcc4"]
    table = CliRunner().invoke(app, ["tenders", "suppliers", "-c", str(config), "--top", "3"])
    assert table.exit_code == 0 and "Matka-Rengas" in table.stdout  # 9 awards: the most


def _award(native: str, value: float | None, currency: str | None, status: str = "active"):
    return make_item(kind="award", source=SOURCE, native_id=native, run_id="run-2",
                     url=f"https://tenders.example/{native}", method="api",
                     fields={"tender_id": f"t-{native}", "award_id": native,
                             "supplier_native_id": "GB-COH:04567890",
                             "supplier_name": "Northbridge Precision Ltd", "value": value,
                             "currency": currency, "date": "2024-02-01", "status": status})


def test_a_supplier_with_awards_in_two_currencies_shows_two_totals(tmp_path):
    import typer
    from typer.testing import CliRunner

    from leadpipe.commands import tenders as cmd

    landing = tmp_path / "landing"
    with LandingWriter(landing, "run-2", SOURCE) as writer:
        writer.write(make_item(kind="organisation", source=SOURCE, native_id="GB-COH:04567890",
                               run_id="run-2", url="https://tenders.example/org", method="api",
                               fields={"name": "Northbridge Precision Ltd", "role": "supplier"}))
        for item in (_award("a1", 1200.0, "EUR"), _award("a2", 300.0, "EUR"),
                     _award("a3", 5000.0, "GBP"), _award("a4", 90000.0, "GBP", "pending"),
                     _award("a5", 7.0, None)):
            writer.write(item)
    db = connect(tmp_path / "data" / "warehouse.duckdb")
    load_file(db, landing / "run-2" / f"{SOURCE}.jsonl")
    h = supplier_history(db)[rid("GB-COH:04567890")]
    db.close()
    assert h.awards == 4  # the pending a4 is not a win; a5 counts, with no currency to add to
    assert h.by_currency == {"EUR": CurrencyAwards("EUR", 2, 1500.0, 1200.0),
                             "GBP": CurrencyAwards("GBP", 1, 5000.0, 5000.0)}
    assert (h.currency, h.total, h.largest) == ("EUR", 1500.0, 1200.0)  # most awards: EUR
    config = tmp_path / "leadpipe.toml"
    config.write_text('[project]\ndata_dir = "data"\n', encoding="utf-8")
    app = typer.Typer()
    cmd.register(app)
    result = CliRunner().invoke(app, ["tenders", "suppliers", "-c", str(config)],
                                env={"COLUMNS": "200"})
    assert result.exit_code == 0, result.output
    row = [line for line in result.stdout.splitlines() if "Northbridge" in line][0]
    assert "1,500 EUR" in row and "1,200 EUR" in row
    assert "5,000 GBP" in result.stdout and "6,500" not in result.stdout


class _Frozen(datetime):
    @classmethod
    def now(cls, tz=None):
        return NOW.replace(tzinfo=tz) if tz else NOW
