"""Export benchmark: every format for N scored companies, against DuckDB's ``COPY ... TO`` of
the same rows in the same run.

The warehouse is generated straight into a DuckDB file (companies, enrichment, one contact for
every other company, scores, all prospects; one in fifty names, phones or reasons starts with a
formula character, so the guard does real work). Each repetition times:
- ``COPY``: DuckDB writing the generic columns of the same selection (profile, stage, best
  first) from the same view to CSV — the floor any exporter is compared with;
- each format through ``sales.export.job.run_export``, as ``leadpipe export`` runs it (view
  query, formula guard, file(s), fingerprints for ``--changed``, export log row).

    python -m bench.export --companies 1000000 --repeat 3
"""

from __future__ import annotations

import argparse
import statistics
import tempfile
import time
from pathlib import Path

from sales.export import get_format
from sales.export.formats.generic import COLUMNS
from sales.export.job import ExportRequest, run_export
from sales.export.view import ORDER_SQL, SCORED_COMPANIES_SQL
from sales.privacy.view import export_view_sql
from warehouse.db import connect

FORMATS = ("generic", "hubspot", "salesforce")


def generate(warehouse: Path, n: int) -> None:
    """``n`` scored companies (all prospects of profile ``default``) written by SQL."""
    con = connect(warehouse)
    try:
        con.execute(f"""
            INSERT INTO companies (company_id, name, domain, website, phone, email, country, city,
                                   employees, sources, source_urls, field_sources, updated_at)
            SELECT 'c' || lpad(i::VARCHAR, 8, '0'),
                   CASE WHEN i % 50 = 0 THEN '=HYPERLINK("http://x/' || i || '","y")'
                        ELSE 'Firma ' || i || ' Maschinenbau GmbH' END,
                   'firma' || i || '.de', 'https://firma' || i || '.de/',
                   '+4930' || lpad((i * 7919 % 10000000)::VARCHAR, 7, '0'),
                   'info@firma' || i || '.de',
                   CASE i % 3 WHEN 0 THEN 'DE' WHEN 1 THEN 'GB' ELSE 'NL' END,
                   CASE i % 3 WHEN 0 THEN 'Düsseldorf' WHEN 1 THEN 'Leeds' ELSE 'Utrecht' END,
                   20 + i % 500, ['demo_expo', 'demo_directory'],
                   ['http://expo.test/e/' || i, 'http://directory.test/d/' || i],
                   '{{"name": "r' || i || '"}}', TIMESTAMP '2026-01-01'
            FROM range({n}) t(i)""")
        con.execute(f"""
            INSERT INTO enrichment (company_id, industry, industry_reason, solvency, enriched_at)
            SELECT 'c' || lpad(i::VARCHAR, 8, '0'), 'manufacturing',
                   'makes machinery and equipment (listed under machinery)',
                   0.8, TIMESTAMP '2026-01-01' FROM range({n}) t(i)""")
        con.execute(f"""
            INSERT INTO company_links (record_id, company_id, linked_at)
            SELECT 'r' || i, 'c' || lpad(i::VARCHAR, 8, '0'), TIMESTAMP '2026-01-01'
            FROM range({n}) t(i)""")
        con.execute(f"""
            INSERT INTO contacts (contact_id, record_id, name, role, email, phone, source, url,
                                  last_seen_at)
            SELECT 'p' || i, 'r' || i, 'Jürgen Müller ' || i, 'Einkauf',
                   'j.mueller@firma' || i || '.de', '+44 20 7946 ' || lpad((i % 10000)::VARCHAR,
                   4, '0'), 'demo_expo', 'http://expo.test/e/' || i, TIMESTAMP '2026-01-01'
            FROM range(0, {n}, 2) t(i)""")
        con.execute(f"""
            INSERT INTO scores (company_id, profile, model_version, fit, solvency, stage, reasons,
                                scored_at)
            SELECT 'c' || lpad(i::VARCHAR, 8, '0'), 'default', 'bench', 0.5 + (i % 50) / 100,
                   0.8, 'prospect',
                   ['makes machinery and equipment (listed under machinery)',
                    CASE WHEN i % 50 = 1 THEN '-2 "late" filings' ELSE '140 employees, in the '
                         || 'target size' END,
                    'solvency: won ' || (i % 9) || ' public contracts (+2.0)'],
                   TIMESTAMP '2026-01-02'
            FROM range({n}) t(i)""")
    finally:
        con.close()


def copy_baseline(warehouse: Path, output: Path) -> float:
    con = connect(warehouse, read_only=True)
    try:
        start = time.perf_counter()
        con.execute(
            f"COPY (SELECT {', '.join(COLUMNS)} FROM "
            f"({export_view_sql(con, SCORED_COMPANIES_SQL)}) "
            f"WHERE profile = 'default' AND stage IN ('prospect') {ORDER_SQL}) "
            "TO ? (HEADER)", [str(output)])
        return time.perf_counter() - start
    finally:
        con.close()


def timed_export(fmt: str, root: Path, warehouse: Path, excel: bool) -> tuple[float, int]:
    exports = root / "exports"
    start = time.perf_counter()
    outcome = run_export(
        get_format(fmt), ExportRequest(profile="default", excel=excel),
        exports / f"{fmt}.csv", warehouse=warehouse, snapshot=root / "none.parquet",
        exports_dir=exports)
    return time.perf_counter() - start, outcome.rows


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--companies", type=int, default=1_000_000)
    parser.add_argument("--repeat", type=int, default=3)
    args = parser.parse_args()
    with tempfile.TemporaryDirectory(prefix="leadpipe-bench-export-") as tmp:
        root = Path(tmp)
        warehouse = root / "warehouse.duckdb"
        start = time.perf_counter()
        generate(warehouse, args.companies)
        print(f"generated {args.companies:,} scored companies in "
              f"{time.perf_counter() - start:.1f} s")
        times: dict[str, list[float]] = {"COPY": []}
        rows: dict[str, int] = {}
        for _ in range(args.repeat):
            times["COPY"].append(copy_baseline(warehouse, root / "copy.csv"))
            for fmt in FORMATS:
                for excel in (False, True):
                    key = fmt + (" --excel" if excel else "")
                    seconds, count = timed_export(fmt, root, warehouse, excel)
                    times.setdefault(key, []).append(seconds)
                    rows[key] = count
        base = statistics.median(times["COPY"])
        print(f"| export | rows | median s (of {args.repeat}) | × COPY |")
        print("|---|---:|---:|---:|")
        for key, values in times.items():
            median = statistics.median(values)
            print(f"| {key} | {rows.get(key, args.companies):,} | {median:.2f} | "
                  f"{median / base:.2f} |")


if __name__ == "__main__":
    main()
