"""Kill -9 trials: every stage killed at a random point, re-run, and compared with a clean run.

For a small demo world, the stages run once uninterrupted (``leadpipe crawl``, ``load``,
``resolve``, ``enrich``, ``score``, ``export``, each a process of its own as a user runs them),
and the data directory is kept after each stage. A trial of stage S copies the directory as it
was before S, starts S, sends SIGKILL to its whole process group at a random moment within S's
clean run time (after the CLI's start-up, so the kill lands in the stage's own work), runs S
again to the end, and then the stages after S up to the comparison point (a crawl is compared
after its load). The warehouse (and for export the CSV) is then compared
with the clean run by business key: rows lost (in the clean run, not in the trial) and rows
duplicated (a key twice in the trial) must both be 0.

    .venv/bin/python -m bench.kill_trials --trials 3                # every stage, 3 trials each
    .venv/bin/python -m bench.kill_trials --stages load score --trials 1 --seed 1
"""

from __future__ import annotations

import argparse
import csv
import json
import os
import random
import shutil
import signal
import subprocess
import sys
import tempfile
import time
from collections.abc import Sequence
from dataclasses import asdict, dataclass, field
from pathlib import Path

import duckdb

ROOT = Path(__file__).resolve().parent.parent
STAGES = ("crawl", "load", "resolve", "enrich", "score", "export")
EXPORT_FILE = "export.csv"
STAGE_TIMEOUT = 600.0
KILL_ATTEMPTS = 5

# Each table and the key that names one business row (a duplicate is a key seen twice).
KEYS = {
    "raw_items": "item_hash",
    "source_records": "record_id",
    "contacts": "contact_id",
    "tenders": "tender_key",
    "companies": "company_id",
    "company_links": "record_id",
    "enrichment": "company_id",
    "scores": "company_id || '/' || profile",
}


def _args(stage: str) -> list[str]:
    return ["export", "-o", EXPORT_FILE, "--stage", "prospect", "--stage", "suspect"] \
        if stage == "export" else [stage]


def _env(root: Path) -> dict[str, str]:
    env = dict(os.environ)
    env.update(PREFECT_HOME=str(root / ".prefect"), PREFECT_SERVER_ANALYTICS_ENABLED="false",
               PYTHONPATH=str(ROOT), LEADPIPE_CONFIG=str(root / "leadpipe.toml"))
    return env


def _start(stage: str, root: Path) -> subprocess.Popen:
    """The stage as a user runs it, in a process group of its own (so a kill takes its
    children, such as the crawl's Scrapy processes, with it)."""
    return subprocess.Popen([sys.executable, "-m", "leadpipe.cli", *_args(stage)], cwd=root,
                            env=_env(root), stdout=subprocess.PIPE, stderr=subprocess.STDOUT,
                            text=True, start_new_session=True)


def run_stage(stage: str, root: Path) -> float:
    """Run ``stage`` to the end in ``root``; its wall time. A failure stops the trials."""
    started = time.monotonic()
    proc = _start(stage, root)
    out, _ = proc.communicate(timeout=STAGE_TIMEOUT)
    if proc.returncode != 0:
        raise RuntimeError(f"{stage} failed in {root} (exit {proc.returncode}):\n{out[-3000:]}")
    return time.monotonic() - started


def startup_seconds(root: Path) -> float:
    """How long the CLI takes to start (imports): a kill before then interrupts nothing."""
    started = time.monotonic()
    subprocess.run([sys.executable, "-m", "leadpipe.cli", "--help"], cwd=root, env=_env(root),
                   capture_output=True, timeout=120, check=True)
    return time.monotonic() - started


def kill_stage(stage: str, root: Path, after: float) -> bool:
    """Start ``stage``, SIGKILL its process group after ``after`` seconds; True when it was
    still running (a kill that came too late is not a trial of an interrupted run)."""
    proc = _start(stage, root)
    try:
        proc.wait(timeout=after)
        return False
    except subprocess.TimeoutExpired:
        os.killpg(proc.pid, signal.SIGKILL)
        proc.wait(timeout=30)
        return True
    finally:
        if proc.stdout:
            proc.stdout.close()


def _write_config(root: Path, companies: int, seed: int) -> None:
    (root / "leadpipe.toml").write_text(
        '[project]\ndata_dir = "data"\n[crawl]\nautothrottle = false\n'
        f"[demo]\ncompanies = {companies}\nseed = {seed}\n", encoding="utf-8")


def fingerprint(root: Path) -> dict[str, list[str]]:
    """Per table the business keys of its rows (a list: a duplicate shows twice); for the
    export, its company ids."""
    out: dict[str, list[str]] = {}
    path = root / "data" / "warehouse.duckdb"
    if path.exists():
        con = duckdb.connect(str(path), read_only=True)
        try:
            for table, key in KEYS.items():
                out[table] = sorted(str(r[0]) for r in
                                    con.execute(f"SELECT {key} FROM {table}").fetchall())
        finally:
            con.close()
    export = root / EXPORT_FILE
    if export.exists():
        with export.open(encoding="utf-8", newline="") as fh:
            out["export rows"] = sorted(row["company_id"] for row in csv.DictReader(fh))
    return out


def compare(clean: dict[str, list[str]], trial: dict[str, list[str]],
            skip: Sequence[str] = ()) -> tuple[int, int]:
    """(rows lost, rows duplicated) of ``trial`` against ``clean``, over every table but
    ``skip``."""
    lost = duplicated = 0
    for table, keys in clean.items():
        if table in skip:
            continue
        got = trial.get(table, [])
        lost += len(set(keys) - set(got))
        duplicated += len(got) - len(set(got))
    return lost, duplicated


@dataclass
class StageTrials:
    stage: str
    clean_seconds: float
    trials: int = 0
    killed_mid_run: int = 0
    rows_compared: int = 0
    rows_lost: int = 0
    rows_duplicated: int = 0
    kill_points: list[float] = field(default_factory=list)


def compared_after(stage: str) -> str:
    """A crawl writes landing files, not rows: it is compared once they are loaded."""
    return "load" if stage == "crawl" else stage


def run_trials(stages: Sequence[str], trials: int, *, companies: int = 50, seed: int = 1,
               world_seed: int = 7, workdir: Path | None = None) -> list[StageTrials]:
    """The clean run, then ``trials`` killed-and-re-run trials of each of ``stages``."""
    rng = random.Random(seed)
    last = max(STAGES.index(compared_after(s)) for s in stages)
    with tempfile.TemporaryDirectory(prefix="lp-kill-", dir=workdir) as tmp:
        tmp_path = Path(tmp)
        before: dict[str, Path] = {}
        clean: dict[str, dict[str, list[str]]] = {}
        seconds: dict[str, float] = {}
        state = tmp_path / "clean"
        state.mkdir()
        _write_config(state, companies, world_seed)
        for stage in STAGES[: last + 1]:
            before[stage] = tmp_path / f"before-{stage}"
            shutil.copytree(state, before[stage])
            seconds[stage] = run_stage(stage, state)
            clean[stage] = fingerprint(state)
        startup = startup_seconds(state)
        results = []
        for stage in stages:
            result = StageTrials(stage, round(seconds[stage], 2))
            until = compared_after(stage)
            for n in range(trials):
                trial = tmp_path / f"trial-{stage}-{n}"
                # a kill that comes after the stage ended interrupts nothing: try again, from
                # the same state, with an earlier point (at most KILL_ATTEMPTS times)
                low, high = min(startup * 0.5, seconds[stage] * 0.5), seconds[stage]
                for _ in range(KILL_ATTEMPTS):
                    shutil.rmtree(trial, ignore_errors=True)
                    shutil.copytree(before[stage], trial)
                    after = rng.uniform(low, high)
                    if kill_stage(stage, trial, after):
                        result.killed_mid_run += 1
                        break
                    high = after
                result.kill_points.append(round(after, 2))
                for again in STAGES[STAGES.index(stage): STAGES.index(until) + 1]:
                    run_stage(again, trial)
                # a new crawl is a new sighting (its own fetch time, so its own item hash):
                # after a crawl, the raw items are compared by count, the rest by key
                skip = ("raw_items",) if stage == "crawl" else ()
                got = fingerprint(trial)
                lost, duplicated = compare(clean[until], got, skip)
                if skip:
                    lost += max(0, len(clean[until]["raw_items"]) - len(got["raw_items"]))
                result.trials += 1
                result.rows_compared += sum(len(v) for t, v in clean[until].items())
                result.rows_lost += lost
                result.rows_duplicated += duplicated
                shutil.rmtree(trial, ignore_errors=True)
            results.append(result)
        return results


def main(argv: Sequence[str] | None = None) -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--stages", nargs="+", choices=STAGES, default=list(STAGES))
    parser.add_argument("--trials", type=int, default=3, help="trials per stage")
    parser.add_argument("--companies", type=int, default=50, help="demo world size")
    parser.add_argument("--seed", type=int, default=1, help="seed of the kill points")
    parser.add_argument("--json", action="store_true", help="print JSON, not a table")
    args = parser.parse_args(argv)
    results = run_trials(args.stages, args.trials, companies=args.companies, seed=args.seed)
    if args.json:
        print(json.dumps([asdict(r) for r in results], indent=2))
        return
    print("| stage | clean run (s) | trials | killed mid-run | rows compared | lost | "
          "duplicated |")
    print("|---|---:|---:|---:|---:|---:|---:|")
    for r in results:
        print(f"| {r.stage} | {r.clean_seconds} | {r.trials} | {r.killed_mid_run} | "
              f"{r.rows_compared:,} | {r.rows_lost} | {r.rows_duplicated} |")
    if any(r.rows_lost or r.rows_duplicated for r in results):
        sys.exit(1)


if __name__ == "__main__":
    main()
