"""Benchmark: the demo pipeline through a served deployment on a process work pool.

For each size and repetition, in fresh data directories, alternating:
- ``direct``: the same stages called directly in a subprocess, no Prefect (the baseline,
  ``bench.pipeline.run_stages``);
- ``pool``: a real local Prefect server, a process work pool and two workers (what
  ``leadpipe up`` starts), every deployment registered, the ``pipeline`` deployment triggered
  through the API; wall time from the trigger until the run is final (server start-up and
  registration are reported apart: they are paid once, not per run).
Medians are printed as a Markdown table for BENCHMARKS.md.

    .venv/bin/python -m bench.pool --sizes 1000 --repeat 3
    .venv/bin/python -m bench.pool --sizes 10000 --repeat 1
"""

from __future__ import annotations

import argparse
import os
import platform
import resource
import statistics
import tempfile
import time
from pathlib import Path

from bench.lock import held
from bench.pipeline import _config, run_stages

WORKERS = ("bench-worker-a", "bench-worker-b")


def run_pool(companies: int, timeout_s: float = 1800) -> tuple[float, float]:
    """(seconds from server start to deployments registered, seconds of the pipeline run)."""
    from prefect.client.orchestration import get_client
    from prefect.deployments import run_deployment
    from prefect.settings import PREFECT_API_URL, temporary_settings

    from flows import local_prefect as lp
    from flows.deployments import register
    from flows.stages import ensure_writer_limit
    from leadpipe.config import load_config

    with tempfile.TemporaryDirectory(prefix="lp-bench-pool-") as tmp:
        root = Path(tmp)
        config_path = _config(root, companies)
        config = load_config(config_path)
        port, home, logs = lp.free_port(), root / "prefect-home", root / "logs"
        t = time.perf_counter()
        server = lp.start_server(port, home, logs)
        started = lp.Started(port=port, home=str(home), server_pid=server)
        try:
            with temporary_settings(updates={PREFECT_API_URL: lp.api_url(port)}):
                ensure_writer_limit()
                register(config, str(config_path), working_dir=root)
                for name in WORKERS:
                    started.worker_pids.append(lp.start_worker(
                        port, home, logs, pool="leadpipe", name=name, limit=2, cwd=root))
                setup = time.perf_counter() - t
                t = time.perf_counter()
                run = run_deployment("pipeline/pipeline", parameters={}, timeout=0)
                deadline = time.monotonic() + timeout_s
                with get_client(sync_client=True) as client:
                    while time.monotonic() < deadline:
                        state = client.read_flow_run(run.id).state
                        if state and state.is_final():
                            break
                        time.sleep(0.5)
                wall = time.perf_counter() - t
                if not (state and state.is_completed()):
                    raise RuntimeError(f"pipeline run ended {state and state.name}: "
                                       f"{state and state.message}")
        finally:
            lp.stop_all(started)
        return setup, wall


def _children_cpu() -> float:
    """CPU seconds of every finished child process (and theirs, once reaped) so far."""
    usage = resource.getrusage(resource.RUSAGE_CHILDREN)
    return usage.ru_utime + usage.ru_stime


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--sizes", type=int, nargs="+", default=[1000])
    parser.add_argument("--repeat", type=int, default=3)
    parser.add_argument("--lock", help="a file to flock around each heavy part (shared "
                        "machine): the direct stages, then the pool run, of each repetition")
    args = parser.parse_args()
    print(f"machine: {platform.platform()}, {os.cpu_count()} cores, Python "
          f"{platform.python_version()}; load average at start {os.getloadavg()}")
    med = statistics.median
    for size in args.sizes:
        direct, pool, cpu = [], [], {"direct": [], "pool": []}
        for _ in range(args.repeat):
            with held(args.lock):
                before = _children_cpu()
                stages = run_stages(size)
                cpu["direct"].append(_children_cpu() - before)
                direct.append(sum(v[0] for v in stages.values()))
            print(f"  {size}: direct {direct[-1]:.1f} s (CPU {cpu['direct'][-1]:.1f} s)",
                  flush=True)
            with held(args.lock):
                load = os.getloadavg()[0]
                before = _children_cpu()
                pool.append(run_pool(size))
                cpu["pool"].append(_children_cpu() - before)
            print(f"  {size}: pool {pool[-1][1]:.1f} s (set-up {pool[-1][0]:.1f} s; CPU of "
                  f"everything it started {cpu['pool'][-1]:.1f} s); 1-minute load "
                  f"{load:.1f} before, {os.getloadavg()[0]:.1f} after", flush=True)
        d, p, s = med(direct), med([x[1] for x in pool]), med([x[0] for x in pool])
        print(f"\n| {size:,} companies (median of {args.repeat}) | direct stages {d:.1f} s | "
              f"pipeline deployment on the pool {p:.1f} s | ratio {p / d:.2f} | "
              f"server + workers + registration {s:.1f} s |")
    print(f"load average at end {os.getloadavg()}")


if __name__ == "__main__":
    main()
