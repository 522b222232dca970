"""Benchmark: load and score on the many-writer lake against the embedded file, same run.

The demo world (``--companies``, default 10,000) is crawled once; then, alternating, each
repetition makes a fresh warehouse of each backend from the same landing files:
- ``embedded``: the DuckDB file (the default backend);
- ``ducklake``: DuckLake with its catalog in a PostgreSQL cluster started for the run (a fresh
  database per repetition) and its data as Parquet files in a local folder.
In a fresh subprocess each: ``leadpipe.runner.load`` (timed), resolve and enrich without
fetching (untimed: they make the companies score reads), ``leadpipe.runner.score`` (timed).
Medians over the repetitions, as a Markdown table for BENCHMARKS.md.

Runs in the lake environment (``make env-lake``). On a shared machine ``--lock FILE`` takes
an exclusive ``flock`` on FILE around the crawl and around each repetition (both backends), and
lets go in between, so other heavy runs that lock the same file take turns with this one:

    .venv-lake/bin/python -m bench.lake --companies 10000 --repeat 3 --lock bench.lock
"""

from __future__ import annotations

import argparse
import json
import os
import platform
import statistics
import subprocess
import sys
import tempfile
from pathlib import Path

from bench import child
from bench.lock import held

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT / "tests"))  # the throw-away PostgreSQL cluster of the tests

STAGES = r"""
import json, sys, time
from leadpipe import runner
from leadpipe.config import load_config

config = load_config(sys.argv[1])
out = {}
t, c = time.perf_counter(), time.process_time()
summary = runner.load(config)
out["load"], out["load_cpu"] = time.perf_counter() - t, time.process_time() - c
out["items"] = summary.new_items
runner.resolve(config)
runner.enrich(config, fetch=False)
t, c = time.perf_counter(), time.process_time()
summary = runner.score(config)
out["score"], out["score_cpu"] = time.perf_counter() - t, time.process_time() - c
out["companies"] = summary.companies
print("RESULT " + json.dumps(out))
"""


def _config(root: Path, landing: Path, companies: int, catalog: str | None) -> Path:
    path = root / "leadpipe.toml"
    text = (f'[project]\ndata_dir = "data"\nlanding = "{landing.as_posix()}"\n'
            f"[crawl]\nautothrottle = false\n[demo]\ncompanies = {companies}\nseed = 7\n")
    if catalog:
        text += (f'[warehouse]\nbackend = "ducklake"\ncatalog = "{catalog}"\n'
                 'data_path = "lake"\n')
    path.write_text(text, encoding="utf-8")
    return path


def crawl(root: Path, companies: int) -> Path:
    from leadpipe import runner
    from leadpipe.config import load_config
    from leadpipe.demo.session import source_access

    root.mkdir(parents=True)
    landing = root / "landing"
    config = load_config(_config(root, landing, companies, None))
    with source_access(config) as access:
        runner.crawl(config, config.crawl.sources, access=access)
    return landing


def run(root: Path, landing: Path, companies: int, catalog: str | None) -> dict[str, float]:
    root.mkdir()
    config = _config(root, landing, companies, catalog)
    done = subprocess.run([sys.executable, "-c", STAGES, str(config)], cwd=ROOT,
                          capture_output=True, text=True,
                          env={**os.environ, "PYTHONPATH": str(ROOT)})
    return child.result(done, f"the stages on {'the lake' if catalog else 'the file'}")


def main() -> None:
    from pgcluster import PgCluster

    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--companies", type=int, default=10_000)
    parser.add_argument("--repeat", type=int, default=3)
    parser.add_argument("--lock", help="a file to flock around each heavy part (shared machine)")
    args = parser.parse_args()
    results: dict[str, list[dict[str, float]]] = {"embedded": [], "ducklake": []}
    loads: list[float] = []  # 1-minute load average as each repetition starts and ends
    with tempfile.TemporaryDirectory(prefix="lp-bench-lake-") as tmp, PgCluster() as pg:
        base = Path(tmp)
        with held(args.lock):
            landing = crawl(base / "crawl", args.companies)
        for rep in range(args.repeat):
            with held(args.lock):
                loads.append(os.getloadavg()[0])
                results["embedded"].append(run(base / f"e{rep}", landing, args.companies,
                                               None))
                catalog = pg.database(f"bench{rep}")
                results["ducklake"].append(run(base / f"l{rep}", landing, args.companies,
                                               catalog))
                loads.append(os.getloadavg()[0])
            print(f"repetition {rep + 1}: " + json.dumps(
                {k: v[-1] for k, v in results.items()}), file=sys.stderr)
    load = os.getloadavg()
    import duckdb

    print(f"{args.companies:,} demo companies, {args.repeat} repetitions, DuckDB "
          f"{duckdb.__version__}, Python {platform.python_version()}, {os.cpu_count()} cores, "
          "1-minute load average at each repetition's start and end "
          f"{', '.join(f'{x:.1f}' for x in loads)}; at the end {load[0]:.2f} {load[1]:.2f} "
          f"{load[2]:.2f}\n")
    print("| stage | embedded file: median wall s (CPU s) "
          "| ducklake (PostgreSQL catalog): median wall s (CPU s) | ratio lake / file, wall "
          "(CPU) |")
    print("|---|---:|---:|---:|")
    for stage in ("load", "score"):
        e, e_cpu = (statistics.median(r[k] for r in results["embedded"])
                    for k in (stage, f"{stage}_cpu"))
        lake, lake_cpu = (statistics.median(r[k] for r in results["ducklake"])
                          for k in (stage, f"{stage}_cpu"))
        print(f"| {stage} | {e:.2f} ({e_cpu:.2f}) | {lake:.2f} ({lake_cpu:.2f}) "
              f"| {lake / e:.2f} ({lake_cpu / e_cpu:.2f}) |")
    counts = {k: (v[0]["items"], v[0]["companies"]) for k, v in results.items()}
    print(f"\nitems loaded, companies scored: {counts}")


if __name__ == "__main__":
    main()
