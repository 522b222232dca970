"""Benchmark: load a 1,000,000-row Companies House BasicCompanyData file into the warehouse.

Generates a file in the published column layout (55 columns, the header's leading spaces
kept, dd/mm/yyyy dates, SIC texts, a realistic status mix), then, three times each, measures
``warehouse.registry_bulk.load_bulk`` into a fresh warehouse against DuckDB's own
``CREATE TABLE t AS SELECT * FROM read_csv(...)`` of the same file in the same run, and prints
the medians and their ratio (target: at most 2x).

    .venv/bin/python -m bench.registry_bulk [--rows 1000000] [--repeat 3] [--keep DIR]
"""

from __future__ import annotations

import argparse
import csv
import random
import shutil
import statistics
import tempfile
import time
from datetime import date, timedelta
from pathlib import Path

import duckdb

from spiders.registries.companies_house import BULK_COLUMNS
from warehouse.db import connect
from warehouse.registry_bulk import load_bulk

STATUSES = (("Active", 0.90), ("Liquidation", 0.04), ("Active - Proposal to Strike off", 0.03),
            ("In Administration", 0.01), ("Voluntary Arrangement", 0.005),
            ("Dissolved", 0.015))
CATEGORIES = ("TOTAL EXEMPTION FULL", "MICRO ENTITY", "DORMANT", "NO ACCOUNTS FILED", "FULL",
              "SMALL", "GROUP", "UNAUDITED ABRIDGED", "")
SICS = ("62020 - Information technology consultancy activities", "68100 - Buying and selling "
        "of own real estate", "99999 - Dormant Company", "70229 - Management consultancy "
        "activities other than financial management", "47910 - Retail sale via mail order "
        "houses or via Internet", "41100 - Development of building projects", "None Supplied",
        "7499 - Non-trading company")
TOWNS = ("LONDON", "MANCHESTER", "BIRMINGHAM", "LEEDS", "GLASGOW", "CARDIFF", "BRISTOL")
# The published header: some names carry a leading space.
SPACED = {"CompanyNumber", "RegAddress.AddressLine2", "ConfStmtLastMadeUpDate"} | {
    f"PreviousName_{i}.CompanyName" for i in range(1, 11)} | {
    f"PreviousName_{i}.CONDATE" for i in (1, 2)}


def _dmy(day: date) -> str:
    return day.strftime("%d/%m/%Y")


def generate(path: Path, rows: int, seed: int = 5) -> None:
    rng = random.Random(seed)
    cum, acc = [], 0.0
    for status, share in STATUSES:
        acc += share
        cum.append((acc, status))
    header = [f" {c}" if c in SPACED else c for c in BULK_COLUMNS]
    base = date(1990, 1, 1)
    with path.open("w", newline="", encoding="utf-8") as fh:
        out = csv.writer(fh, quoting=csv.QUOTE_ALL)
        out.writerow(header)
        for i in range(rows):
            r = rng.random()
            status = next(s for c, s in cum if r <= c) if r <= acc else "Active"
            created = base + timedelta(days=int(rng.random() * 12000))
            due = date(2026, 1, 1) + timedelta(days=int(rng.random() * 400))
            sics = [rng.choice(SICS) for _ in range(1 + int(rng.random() * 2))]
            row = {c: "" for c in BULK_COLUMNS}
            row.update({
                "CompanyName": f"COMPANY {i} LIMITED", "CompanyNumber": f"{i + 100000:08d}",
                "RegAddress.AddressLine1": f"{1 + i % 300} HIGH STREET",
                "RegAddress.PostTown": TOWNS[i % len(TOWNS)],
                "RegAddress.Country": "UNITED KINGDOM",
                "RegAddress.PostCode": f"AB{i % 99} {i % 9}CD",
                "CompanyCategory": "Private Limited Company", "CompanyStatus": status,
                "CountryOfOrigin": "United Kingdom",
                "DissolutionDate": _dmy(due) if status == "Dissolved" else "",
                "IncorporationDate": _dmy(created),
                "Accounts.AccountRefDay": "31", "Accounts.AccountRefMonth": "3",
                "Accounts.NextDueDate": _dmy(due),
                "Accounts.LastMadeUpDate": _dmy(due - timedelta(days=640)),
                "Accounts.AccountCategory": rng.choice(CATEGORIES),
                "Mortgages.NumMortCharges": str(i % 3), "Mortgages.NumMortOutstanding":
                    str(i % 2), "Mortgages.NumMortPartSatisfied": "0",
                "Mortgages.NumMortSatisfied": str(i % 3 - i % 2 if i % 3 >= i % 2 else 0),
                "SICCode.SicText_1": sics[0],
                "SICCode.SicText_2": sics[1] if len(sics) > 1 else "",
                "URI": f"http://business.data.gov.uk/id/company/{i + 100000:08d}",
                "ConfStmtNextDueDate": _dmy(due),
            })
            out.writerow([row[c] for c in BULK_COLUMNS])


def time_ours(path: Path, work: Path, n: int) -> tuple[float, int]:
    db = work / f"ours-{n}.duckdb"
    con = connect(db)
    t0 = time.perf_counter()
    result = load_bulk(con, path, as_of=date(2026, 6, 1))
    seconds = time.perf_counter() - t0
    con.close()
    db.unlink()
    return seconds, result.rows


def time_duckdb(path: Path, work: Path, n: int) -> tuple[float, int]:
    db = work / f"plain-{n}.duckdb"
    con = duckdb.connect(str(db))
    t0 = time.perf_counter()
    con.execute("CREATE TABLE t AS SELECT * FROM read_csv(?, header = true)", [str(path)])
    seconds = time.perf_counter() - t0
    rows = con.execute("SELECT count(*) FROM t").fetchall()[0][0]
    con.close()
    db.unlink()
    return seconds, rows


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--rows", type=int, default=1_000_000)
    parser.add_argument("--runs", "--repeat", type=int, default=3, dest="runs",
                        help="measurements of each side (the medians are reported)")
    parser.add_argument("--keep", type=Path, help="write the generated file here and keep it")
    args = parser.parse_args()
    work = Path(tempfile.mkdtemp(prefix="leadpipe-bench-"))
    try:
        path = (args.keep or work) / f"BasicCompanyData-bench-{args.rows}.csv"
        t0 = time.perf_counter()
        if not path.exists():
            generate(path, args.rows)
        print(f"file: {args.rows:,} rows, {path.stat().st_size / 1e6:.0f} MB "
              f"(generated in {time.perf_counter() - t0:.1f} s)")
        ours, plain = [], []
        for n in range(args.runs):
            seconds, rows = time_duckdb(path, work, n)
            plain.append(seconds)
            print(f"  run {n + 1}: duckdb read_csv into a table {seconds:.2f} s ({rows:,} rows)",
                  flush=True)
            seconds, rows = time_ours(path, work, n)
            ours.append(seconds)
            print(f"  run {n + 1}: leadpipe load_bulk            {seconds:.2f} s ({rows:,} rows)",
                  flush=True)
        mo, mp = statistics.median(ours), statistics.median(plain)
        print(f"median of {args.runs}: load_bulk {mo:.2f} s, read_csv {mp:.2f} s, "
              f"ratio {mo / mp:.2f}x ({args.rows / mo:,.0f} rows/s)")
    finally:
        shutil.rmtree(work, ignore_errors=True)


if __name__ == "__main__":
    main()
