"""Benchmark company resolution against Splink on generated records (run by hand, not in CI).

    python bench/resolve.py --sizes 100000 1000000 --runs 3 \\
        --generators resolve_data resolve_data_faker --splink-python <venv>/bin/python

Two independent generators: ``resolve_data`` (invented brand words, nearly every name has a
word of its own) and ``resolve_data_faker`` (Faker's surnames and trade words, shared by many
firms). Runs alternate leadpipe / Splink on the same file.

Each run is a fresh process, so peak RSS is that run's alone. "seconds" is the resolution
itself (the records already in memory as an Arrow table; for Splink the SQL cleaning, training,
prediction and clustering); "CPU s" is the user + system CPU time of that part, all threads (on
a shared machine it shows the work done, whatever the wait); "process seconds" adds
interpreter start, imports and reading the Parquet file. Cluster quality is scored against the
generator's true company of each record: pairwise precision/recall/F1 over all pairs inside
clusters, and B-cubed F1. Medians over the runs; the load average is printed because the
machine may be shared.
"""

from __future__ import annotations

import argparse
import json
import os
import resource
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path

HERE = Path(__file__).resolve().parent
ROOT = HERE.parent
PREFIX = {"resolve_data": "companies", "resolve_data_faker": "faker"}  # data file names


def child(path: str) -> dict:
    """One measured run of our resolver (in this process)."""
    t_start = time.perf_counter()
    sys.path.insert(0, str(ROOT))
    import pyarrow.parquet as pq

    from enrich.resolve import resolve
    from enrich.resolve.evaluate import score_clusters

    table = pq.read_table(path)
    truth = table.column("true_id")
    records = table.drop_columns(["true_id"])
    t0 = time.perf_counter()
    cpu0 = resource.getrusage(resource.RUSAGE_SELF)
    res = resolve(records)
    seconds = time.perf_counter() - t0
    cpu1 = resource.getrusage(resource.RUSAGE_SELF)
    cpu = cpu1.ru_utime + cpu1.ru_stime - cpu0.ru_utime - cpu0.ru_stime
    process_seconds = time.perf_counter() - t_start
    peak = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024
    scores = score_clusters(res.links.column("company_id").to_numpy(zero_copy_only=False),
                            truth.to_numpy(zero_copy_only=False))
    return {
        "tool": "leadpipe", "records": records.num_rows, "seconds": round(seconds, 2),
        "cpu_seconds": round(cpu, 2),
        "process_seconds": round(process_seconds, 2), "peak_rss_mb": round(peak),
        "pair_f1": round(scores.pair_f1, 4), "pair_precision": round(scores.pair_precision, 4),
        "pair_recall": round(scores.pair_recall, 4), "bcubed_f1": round(scores.bcubed_f1, 4),
        "stages": {k: round(v, 2) for k, v in res.stats.items() if k.startswith("t_")},
        "stage_cpu": {k[4:]: round(v, 2) for k, v in res.stats.items() if k.startswith("cpu_")},
        # how the work grows with the records: candidate pairs per blocking key, the pairs
        # completed inside linked groups, and the resident size after each stage
        "pairs": res.stats.get("pairs"), "completion_pairs": res.stats.get("completion_pairs"),
        "pairs_by_key": res.stats.get("pairs_by_key"),
        "peak_mb": {k[8:]: v for k, v in res.stats.items() if k.startswith("peak_mb_")},
    }


def _run(cmd: list[str]) -> dict:
    t0 = time.perf_counter()
    load = os.getloadavg()[0]
    out = subprocess.run(cmd, capture_output=True, text=True, check=False)
    if out.returncode != 0:
        raise SystemExit(f"{' '.join(cmd)} failed:\n{out.stderr[-3000:]}")
    result = json.loads(out.stdout.strip().splitlines()[-1])
    result.setdefault("process_seconds", round(time.perf_counter() - t0, 2))
    result["load_before"] = round(load, 2)
    return result


def _median(rows: list[dict], key: str) -> float:
    return statistics.median(r[key] for r in rows)


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--sizes", type=int, nargs="+", default=[100_000, 1_000_000])
    ap.add_argument("--runs", type=int, default=3)
    ap.add_argument("--generators", nargs="+", default=["resolve_data"],
                    choices=sorted(PREFIX))
    ap.add_argument("--data-dir", type=Path, default=Path(tempfile.gettempdir()) / "lp-bench")
    ap.add_argument("--splink-python", help="python of a throwaway venv with splink installed")
    ap.add_argument("--child", help=argparse.SUPPRESS)
    args = ap.parse_args()
    if args.child:
        print(json.dumps(child(args.child)))
        return
    args.data_dir.mkdir(parents=True, exist_ok=True)
    summary = []
    for gen in args.generators:
        for size in args.sizes:
            data = args.data_dir / f"{PREFIX[gen]}_{size}.parquet"
            if not data.exists():
                subprocess.run([sys.executable, str(HERE / f"{gen}.py"), str(size),
                                str(data)], check=True)
            ours, theirs = [], []
            for _k in range(args.runs):
                ours.append(_run([sys.executable, __file__, "--child", str(data)]))
                print(json.dumps({"generator": gen, **ours[-1]}), flush=True)
                if args.splink_python:
                    theirs.append(_run([args.splink_python, str(HERE / "resolve_splink.py"),
                                        str(data)]))
                    print(json.dumps({"generator": gen, **theirs[-1]}), flush=True)
            for tool, rows in (("leadpipe", ours), ("splink", theirs)):
                if rows:
                    summary.append({
                        "tool": tool, "generator": gen, "records": size, "runs": len(rows),
                        **{key: _median(rows, key) for key in (
                            "seconds", "cpu_seconds", "process_seconds", "peak_rss_mb",
                            "pair_precision",
                            "pair_recall", "pair_f1", "bcubed_f1", "load_before")},
                    })
    print("\n| tool | generator | records | runs | seconds (median) | CPU s | process s | "
          "peak RSS MB | pair P | pair R | pair F1 | B-cubed F1 | load avg |")
    print("|---|---|---:|---:|---:|---:|---:|---:|---:|---:|---:|---:|---:|")
    for s in summary:
        print(f"| {s['tool']} | {s['generator']} | {s['records']:,} | {s['runs']} | "
              f"{s['seconds']:.1f} | "
              f"{s['cpu_seconds']:.1f} | {s['process_seconds']:.1f} | {s['peak_rss_mb']:.0f} | "
              f"{s['pair_precision']:.4f} "
              f"| {s['pair_recall']:.4f} | {s['pair_f1']:.4f} | {s['bcubed_f1']:.4f} | "
              f"{s['load_before']:.1f} |")


if __name__ == "__main__":
    main()
