"""Benchmark: score, assign and export N companies generated straight into the warehouse.

One warehouse is generated with SQL (companies in real towns and postcodes, enrichment with
solvency bands and evidence, a tender per fiftieth company as a public buyer, some exhibitors;
a profile with a home base and a maximum distance), then, in the same run and each in a fresh
subprocess (so peak RSS is its own), alternating:
- ``baseline``: DuckDB's own ``COPY (<the scored rows>) TO 'file.csv'`` of the same rows the
  export writes, read from the warehouse after scoring;
- ``score``: ``leadpipe.runner.score`` (fit tiers, bands, timing, priority, reason rows,
  history, distances, snapshot);
- ``assign``: ``sales.assign.run_assignment`` with ten managers (as ``leadpipe assign``);
- ``export``: ``leadpipe.runner.export`` of every stage (the generic CSV).
Wall and CPU seconds (every thread of the step's process, from ``time.process_time``): medians
over the repetitions, printed as a Markdown table for BENCHMARKS.md; the load average at the
start and the end.

    .venv/bin/python -m bench.score --companies 1000000 --repeat 3
"""

from __future__ import annotations

import argparse
import os
import platform
import statistics
import subprocess
import sys
import tempfile
from pathlib import Path

from bench import child

ROOT = Path(__file__).resolve().parent.parent

GENERATE_SQL = """
INSERT INTO companies (company_id, name, domain, website, country, postcode, city, categories,
                       description, employees, sources, source_urls, updated_at)
SELECT 'c' || i, 'Company ' || i || CASE i % 4 WHEN 0 THEN ' Machinery Ltd'
                                           WHEN 1 THEN ' Logistics GmbH' ELSE ' Services' END,
       'company' || i || '.test', 'https://company' || i || '.test/',
       ['GB', 'GB', 'DE', 'FR', 'NL', 'GB', 'GB'][1 + i % 7],
       ['LS1 4AP', 'EC1V 2NX', '10115', '75001', '1011 AB', NULL, NULL][1 + i % 7],
       ['Leeds', 'London', 'Berlin', 'Paris', 'Amsterdam', 'Manchester', 'Town ' || i % 500]
         [1 + i % 7],
       [['Industrial Machinery'], ['Freight'], ['Catering'], ['Software']][1 + i % 4],
       'We make things since ' || (1950 + i % 70),
       CASE WHEN i % 5 = 0 THEN NULL ELSE (i * 7919) % 3000 END,
       ['demo_directory'], ['http://directory.test/' || i], {now}
FROM range({n}) t(i);

INSERT INTO enrichment (company_id, industry, industry_reason, solvency, solvency_reasons,
                        solvency_band, solvency_model, solvency_evidence, enriched_at)
SELECT 'c' || i,
       ['manufacturing', 'logistics', 'hospitality', 'software', 'energy'][1 + i % 5],
       'makes machinery and equipment (listed under industrial machinery)', (i % 100) / 100.0,
       ['won 4 public contracts'],
       CASE WHEN i % 50 = 0 THEN 'public body' WHEN i % 13 = 0 THEN 'X'
            WHEN i % 11 = 0 THEN 'insufficient data'
            ELSE ['1', '2', '3'][1 + i % 3] END,
       'solvency-bench',
       [{{'code': 'awards_4', 'text': 'won 4 public contracts', 'points': 2.0,
          'url': 'http://directory.test/' || i}},
        {{'code': 'not_hiring', 'text': 'no jobs advertised on its website', 'points': -0.6,
          'url': 'https://company' || i || '.test/'}}],
       {now}
FROM range({n}) t(i);

INSERT INTO company_links (record_id, company_id, linked_at)
SELECT 'r' || i, 'c' || i, {now} FROM range({n}) t(i);

INSERT INTO source_records (record_id, source, native_id, role, name, event_name, url,
                            first_seen_at, last_seen_at, run_id)
SELECT 'r' || i, CASE WHEN i % 7 = 0 THEN 'demo_expo' ELSE 'demo_directory' END, 'n' || i,
       CASE WHEN i % 50 = 0 THEN 'buyer' WHEN i % 7 = 0 THEN 'exhibitor' ELSE 'listing' END,
       'Company ' || i, CASE WHEN i % 7 = 0 THEN 'Bench Fair' END,
       'http://directory.test/' || i, {now}, {now}, 'bench'
FROM range({n}) t(i);

INSERT INTO tenders (tender_key, source, tender_id, title, buyer_record_id, cpv, deadline,
                     status, url, first_seen_at, last_seen_at)
SELECT 't' || i, 'demo_tenders', 'T' || i, 'Maintenance software', 'r' || i,
       [['48000000'], ['90910000']][1 + (i // 50) % 2], {now} + INTERVAL 30 DAY, 'active',
       'http://tenders.test/' || i, {now}, {now}
FROM range(0, {n}, 50) t(i);
"""

STAGE_SCRIPT = r"""
import json, resource, sys, time
from leadpipe import runner
from leadpipe.config import load_config

config = load_config(sys.argv[1])
what = sys.argv[2]
t, cpu = time.perf_counter(), time.process_time()
if what == "score":
    summary = runner.score(config)
    rows = summary.companies
elif what == "export":
    rows = runner.export(config, funnel_stages=("prospect", "suspect", "client")).rows
elif what == "assign":
    from sales.assign import run_assignment
    from sales.managers import load_managers
    from warehouse.db import connect
    con = connect(config.warehouse_path)
    result = run_assignment(con, "default", load_managers(config.managers_path))
    con.close()
    rows = result.kept + result.new + len(result.unassigned)
else:
    from sales.export.formats.generic import COLUMNS
    from sales.export.view import ORDER_SQL, SCORED_COMPANIES_SQL
    from sales.privacy.view import export_view_sql
    from warehouse.db import connect
    con = connect(config.warehouse_path, read_only=True)
    out = config.exports_dir / "baseline.csv"
    out.parent.mkdir(parents=True, exist_ok=True)
    view = export_view_sql(con, SCORED_COMPANIES_SQL)
    con.execute(f"COPY (SELECT {', '.join(COLUMNS)} FROM ({view}) "
                f"WHERE profile = 'default' {ORDER_SQL}) TO ? (HEADER)", [str(out)])
    rows = con.execute("SELECT count(*) FROM read_csv(?)", [str(out)]).fetchone()[0]
    con.close()
wall, cpu = time.perf_counter() - t, time.process_time() - cpu
peak = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024
print("RESULT " + json.dumps({"wall": wall, "cpu": cpu, "peak_mb": peak, "rows": rows}))
"""


def _run(config: Path, what: str) -> dict[str, float]:
    done = subprocess.run([sys.executable, "-c", STAGE_SCRIPT, str(config), what], cwd=ROOT,
                          capture_output=True, text=True)
    return child.result(done, what)


def fill_warehouse(path: Path, companies: int, now: str = "now()") -> None:
    """Write the bench world of ``companies`` into the warehouse at ``path``; ``now`` is the SQL
    of the moment it was seen (a fixed timestamp makes the world the same on every run)."""
    from warehouse.db import connect

    con = connect(path)
    try:
        for statement in GENERATE_SQL.format(n=companies, now=now).split(";\n"):
            if statement.strip():
                con.execute(statement)
    finally:
        con.close()


def generate(root: Path, companies: int) -> Path:
    config = root / "leadpipe.toml"
    managers = root / "managers.csv"
    managers.write_text("name,email,sectors,regions,capacity\n" + "".join(
        f"Manager {k},m{k}@example.com,{sectors},{regions},{10 + 4 * k}\n"
        for k, (sectors, regions) in enumerate(
            [("C", ""), ("C", "GB"), ("H", ""), ("D", ""), ("C;H", "DE"), ("J", ""),
             ("C", "FR;NL"), ("H", "GB"), ("D;C", ""), ("I", "")])), encoding="utf-8")
    config.write_text(
        f'[project]\ndata_dir = "{(root / "data").as_posix()}"\n'
        f'[sales]\nmanagers = "{managers.as_posix()}"\n'
        '[profiles.default]\nhome_base = "Leeds, GB"\nmax_distance_km = 300\n',
        encoding="utf-8")
    (root / "data").mkdir()
    fill_warehouse(root / "data" / "warehouse.duckdb", companies)
    return config


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--companies", type=int, default=1_000_000)
    parser.add_argument("--repeat", type=int, default=3)
    args = parser.parse_args()
    print(f"load average at the start: {os.getloadavg()}")
    steps = ("score", "assign", "export", "baseline")
    results: dict[str, list[dict[str, float]]] = {k: [] for k in steps}
    with tempfile.TemporaryDirectory() as tmp:
        config = generate(Path(tmp), args.companies)
        for i in range(args.repeat):
            # the baseline reads the scored rows: the first round scores before it
            for what in (steps if i % 2 == 0 else ("baseline", *steps[:-1])):
                results[what].append(_run(config, what))
    med = {k: {m: statistics.median(r[m] for r in v) for m in ("wall", "cpu", "peak_mb", "rows")}
           for k, v in results.items()}
    base, base_cpu = med["baseline"]["wall"], med["baseline"]["cpu"]
    print(f"{args.companies:,} companies, medians of {args.repeat}; Python "
          f"{platform.python_version()}")
    print("| step | wall s | CPU s | peak RSS MB | rows | × baseline (wall) | × baseline (CPU) |")
    print("|---|---:|---:|---:|---:|---:|---:|")
    for what in ("baseline", "score", "assign", "export"):
        m = med[what]
        print(f"| {what} | {m['wall']:.2f} | {m['cpu']:.2f} | {m['peak_mb']:,.0f} | "
              f"{m['rows']:,.0f} | {m['wall'] / base:.2f} | {m['cpu'] / base_cpu:.2f} |")
    total = sum(med[k]["wall"] for k in ("score", "assign", "export"))
    total_cpu = sum(med[k]["cpu"] for k in ("score", "assign", "export"))
    print(f"| score + assign + export | {total:.2f} | {total_cpu:.2f} | | | {total / base:.2f} | "
          f"{total_cpu / base_cpu:.2f} |")
    print(f"load average at the end: {os.getloadavg()}")


if __name__ == "__main__":
    main()
