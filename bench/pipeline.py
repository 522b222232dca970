"""Benchmark: the whole demo pipeline at 1,000 and 10,000 companies.

For each size and repetition, in a fresh data directory:
- ``flow``: ``leadpipe demo`` as a user runs it (a subprocess: Prefect's temporary server
  start-up included), wall time and peak RSS of the process tree;
- ``stages``: the same stages called directly in a subprocess (no Prefect), wall time and
  peak RSS per stage -- the baseline the flow run is compared against.
Medians over the repetitions are printed as a Markdown table for BENCHMARKS.md.

    .venv/bin/python -m bench.pipeline --sizes 1000 10000 --repeat 3
"""

from __future__ import annotations

import argparse
import os
import platform
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path

from bench import child

ROOT = Path(__file__).resolve().parent.parent

STAGES_SCRIPT = r"""
import json, resource, sys, time
from leadpipe import runner
from leadpipe.demo.session import source_access
from leadpipe.config import load_config

config = load_config(sys.argv[1])
out = {}
sources = config.crawl.sources

def peak_mb():
    own = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss
    kids = resource.getrusage(resource.RUSAGE_CHILDREN).ru_maxrss
    return own / 1024, kids / 1024

with source_access(config, sources) as access:
    t = time.perf_counter()
    reports = runner.crawl(config, sources, access=access)
    out["crawl"] = (time.perf_counter() - t, *peak_mb(), sum(r.items for r in reports))
    for name, fn in (("load", lambda: runner.load(config)),
                     ("resolve", lambda: runner.resolve(config)),
                     ("enrich", lambda: runner.enrich(config, access=access))):
        t = time.perf_counter()
        fn()
        out[name] = (time.perf_counter() - t, *peak_mb(), None)
for name, fn in (("score", lambda: runner.score(config)),
                 ("export", lambda: runner.export(config))):
    t = time.perf_counter()
    fn()
    out[name] = (time.perf_counter() - t, *peak_mb(), None)
print("RESULT " + json.dumps(out))
"""


def _config(root: Path, companies: int) -> Path:
    path = root / "leadpipe.toml"
    path.write_text(
        f'[project]\ndata_dir = "data"\n[crawl]\nautothrottle = false\n'
        f"[demo]\ncompanies = {companies}\nseed = 7\n",
        encoding="utf-8",
    )
    return path


def _env(root: Path) -> dict[str, str]:
    env = dict(os.environ)
    env["PREFECT_HOME"] = str(root / ".prefect")
    env["PREFECT_SERVER_ANALYTICS_ENABLED"] = "false"
    env["PREFECT_LOGGING_LEVEL"] = "WARNING"
    return env


def run_flow(companies: int) -> tuple[float, float]:
    with tempfile.TemporaryDirectory(prefix="lp-bench-") as tmp:
        root = Path(tmp)
        config = _config(root, companies)
        cmd = [sys.executable, "-c",
               "import resource, sys; from leadpipe.cli import app\n"
               "try:\n app(['demo', '--config', sys.argv[1]])\n"
               "except SystemExit as e:\n code = e.code\n"
               "else:\n code = 0\n"
               "r = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss\n"
               "k = resource.getrusage(resource.RUSAGE_CHILDREN).ru_maxrss\n"
               "print('PEAK', max(r, k) / 1024); sys.exit(code)",
               str(config)]
        t = time.perf_counter()
        proc = subprocess.run(cmd, cwd=root, env=_env(root), capture_output=True, text=True)
        wall = time.perf_counter() - t
        if proc.returncode != 0:
            raise RuntimeError(f"demo failed:\n{proc.stdout[-3000:]}\n{proc.stderr[-3000:]}")
        peak = float(next(line.split()[1] for line in proc.stdout.splitlines()
                          if line.startswith("PEAK")))
        return wall, peak


def run_stages(companies: int) -> dict[str, list]:
    with tempfile.TemporaryDirectory(prefix="lp-bench-") as tmp:
        root = Path(tmp)
        config = _config(root, companies)
        proc = subprocess.run([sys.executable, "-c", STAGES_SCRIPT, str(config)], cwd=root,
                              env={**_env(root), "PYTHONPATH": str(ROOT)},
                              capture_output=True, text=True)
        return child.result(proc, "the stages")


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--sizes", type=int, nargs="+", default=[1000, 10000])
    parser.add_argument("--repeat", type=int, default=3)
    args = parser.parse_args()
    print(f"machine: {platform.platform()}, {os.cpu_count()} cores, Python "
          f"{platform.python_version()}")
    for size in args.sizes:
        flows, stage_runs = [], []
        for _ in range(args.repeat):
            stage_runs.append(run_stages(size))
            flows.append(run_flow(size))
        med = statistics.median
        names = list(stage_runs[0])
        direct_total = med([sum(r[n][0] for n in names) for r in stage_runs])
        print(f"\n### {size:,} companies (median of {args.repeat})\n")
        print("| stage | wall s | peak RSS MB (stage process) | peak RSS MB (crawl subprocess) |")
        print("|---|---:|---:|---:|")
        for n in names:
            print(f"| {n} | {med([r[n][0] for r in stage_runs]):.2f} | "
                  f"{med([r[n][1] for r in stage_runs]):.0f} | "
                  f"{med([r[n][2] for r in stage_runs]):.0f} |")
        print(f"| **all stages, direct** | {direct_total:.2f} | | |")
        flow_wall = med([f[0] for f in flows])
        print(f"| **`leadpipe demo` (Prefect flow, start-up included)** | {flow_wall:.2f} | "
              f"{med([f[1] for f in flows]):.0f} | |")
        print(f"\nratio flow / direct stages: {flow_wall / direct_total:.2f}; "
              f"items crawled: {stage_runs[0]['crawl'][3]}")


if __name__ == "__main__":
    main()
