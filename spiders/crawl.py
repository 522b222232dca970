"""Run one crawl in its own process, and the process entry point itself.

Twisted's reactor starts once per process, so every crawl runs in a fresh subprocess
(``python -m spiders.crawl SOURCE ...``): two crawls in one flow both work, memory is
released, and a stuck crawl can be killed without touching the caller.
"""

from __future__ import annotations

import argparse
import contextlib
import json
import os
import signal
import subprocess
import sys
import tempfile
import threading
import time
from collections.abc import Iterator, Sequence
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from spiders.landing import (
    STAT_ERRORS,
    STAT_FINISH_REASON,
    is_local,
    items_landed,
    landing_path,
    landing_root,
    report_path,
)
from spiders.netpolicy import ALLOW_SETTING


class CrawlFailed(RuntimeError):
    """The crawl process failed or its spider reported errors; the message says which."""


@dataclass
class CrawlReport:
    source: str
    run_id: str
    landing_file: Path | None
    items: int
    finish_reason: str
    returncode: int
    stats: dict[str, Any] = field(default_factory=dict)
    errors: list[str] = field(default_factory=list)

    @property
    def ok(self) -> bool:
        return self.returncode == 0 and self.finish_reason == "finished" and not self.errors


def run_crawl(
    source: str,
    *,
    run_id: str,
    landing_dir: Path,
    spider_args: dict[str, str] | None = None,
    settings: dict[str, Any] | None = None,
    proxy: str | None = None,
    allow_addresses: Sequence[str] | None = None,
    timeout: float | None = None,
    log_file: Path | None = None,
) -> CrawlReport:
    """Crawl ``source`` in a subprocess; return its report (raises only if it cannot start).

    ``allow_addresses`` (addresses or networks) are let through the outbound-fetch policy
    (``spiders.netpolicy``): a proxy on 127.0.0.1 or a test server needs it."""
    landing_dir = landing_root(landing_dir)
    (landing_dir / run_id).mkdir(parents=True, exist_ok=True)
    cmd = [
        sys.executable,
        "-m",
        "spiders.crawl",
        source,
        "--run-id",
        run_id,
        "--landing",
        str(landing_dir),
    ]
    for key, value in (spider_args or {}).items():
        cmd += ["-a", f"{key}={value}"]
    settings = dict(settings or {})
    if allow_addresses is not None:
        settings[ALLOW_SETTING] = list(allow_addresses)
    for key, value in settings.items():
        cmd += ["-s", f"{key}={json.dumps(value)}"]
    env = dict(os.environ)
    if proxy:
        env["http_proxy"] = env["HTTP_PROXY"] = proxy
        env["https_proxy"] = env["HTTPS_PROXY"] = proxy
    env["PYTHONPATH"] = os.pathsep.join(
        [str(Path(__file__).resolve().parent.parent), env.get("PYTHONPATH", "")]
    ).rstrip(os.pathsep)
    log_file = log_file or _local_log_file(landing_dir, run_id, source)
    with open(log_file, "w", encoding="utf-8") as log:
        returncode = _run_child(cmd, log, env, timeout)
    stats_path = report_path(landing_dir, run_id, source)
    stats: dict[str, Any] = {}
    if stats_path.exists():
        stats = json.loads(stats_path.read_text(encoding="utf-8"))
    errors = list(stats.get(STAT_ERRORS, []))
    if returncode == -9:
        errors.append(f"crawl timed out after {timeout}s")
    elif returncode != 0 and not stats:
        tail = log_file.read_text(encoding="utf-8", errors="replace").strip().splitlines()[-1:]
        errors.append(f"crawl process exited {returncode}: {' '.join(tail)}")
    final = landing_path(landing_dir, run_id, source)
    items = items_landed(stats)
    return CrawlReport(
        source=source,
        run_id=run_id,
        landing_file=final if final.exists() else None,
        items=int(items),
        finish_reason=str(stats.get(STAT_FINISH_REASON, "no report")),
        returncode=returncode,
        stats=stats,
        errors=errors,
    )


def _local_log_file(landing_dir: Path, run_id: str, source: str) -> Path:
    """The crawl's Scrapy log: beside its landing file on a local landing, else in this
    machine's temporary folder (an object store cannot be appended to while a crawl runs)."""
    folder = (landing_dir / run_id if is_local(landing_dir)
              else Path(tempfile.gettempdir()) / "leadpipe-crawl-logs" / run_id)
    folder.mkdir(parents=True, exist_ok=True)
    return folder / f"{source}.log"


PARENT_ENV = "LEADPIPE_CRAWL_PARENT"


def _die_with_parent(grace: float = 10.0) -> None:
    """In the crawl process: end when the process that started it is gone, even if it was
    killed with kill -9 and could not end us itself. A watchdog thread sees the parent go
    within a second, asks Scrapy to stop (SIGTERM: it closes the spider and its landing file)
    and exits outright ``grace`` seconds later if that has not finished."""
    parent = os.environ.get(PARENT_ENV)
    if not parent:
        return

    def watch() -> None:
        while str(os.getppid()) == parent:
            time.sleep(1.0)
        os.kill(os.getpid(), signal.SIGTERM)
        time.sleep(grace)
        os._exit(143)

    threading.Thread(target=watch, name="leadpipe-parent-watch", daemon=True).start()


def _end_group(proc: subprocess.Popen[bytes], grace: float = 10.0) -> None:
    """SIGTERM the child's process group, then SIGKILL what is left after ``grace`` s."""
    for sig, wait in ((signal.SIGTERM, grace), (signal.SIGKILL, 5.0)):
        if proc.poll() is not None:
            break
        with contextlib.suppress(ProcessLookupError, PermissionError):
            os.killpg(proc.pid, sig)
        with contextlib.suppress(subprocess.TimeoutExpired):
            proc.wait(timeout=wait)
    with contextlib.suppress(ProcessLookupError, PermissionError):
        os.killpg(proc.pid, signal.SIGKILL)  # stragglers of the group (e.g. its own children)


class _Stopped(BaseException):
    """This process was asked to stop (SIGTERM/SIGHUP) while a crawl child ran."""

    def __init__(self, signum: int) -> None:
        super().__init__(f"stopped by signal {signum}")
        self.signum = signum


@contextlib.contextmanager
def _stop_on_signals() -> Iterator[None]:
    """Turn SIGTERM and SIGHUP into an exception while a child runs (main thread only: Python
    delivers signals there), so the ``finally`` that ends the child always runs."""
    if threading.current_thread() is not threading.main_thread():
        yield
        return

    def stop(signum: int, frame: Any) -> None:
        raise _Stopped(signum)

    previous = {sig: signal.signal(sig, stop) for sig in (signal.SIGTERM, signal.SIGHUP)}
    try:
        yield
    finally:
        for sig, handler in previous.items():
            signal.signal(sig, handler)


def _run_child(cmd: list[str], log: Any, env: dict[str, str], timeout: float | None) -> int:
    """Run the crawl process in its own process group, and never leave it behind: a timeout,
    Ctrl-C, SIGTERM/SIGHUP of this process or (on Linux) its death by kill -9 ends the group."""
    with _stop_on_signals():
        env = {**env, PARENT_ENV: str(os.getpid())}
        proc = subprocess.Popen(cmd, stdout=log, stderr=subprocess.STDOUT, env=env,
                                start_new_session=True)
        try:
            return proc.wait(timeout=timeout)
        except subprocess.TimeoutExpired:
            _end_group(proc)
            return -9
        except _Stopped as stopped:
            _end_group(proc)
            raise SystemExit(128 + stopped.signum) from None  # outer clean-ups run too
        finally:
            _end_group(proc)


def _parse_kv(pairs: list[str], what: str) -> dict[str, str]:
    out = {}
    for pair in pairs:
        if "=" not in pair:
            raise SystemExit(f"{what} {pair!r} is not KEY=VALUE")
        key, value = pair.split("=", 1)
        out[key] = value
    return out


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(prog="python -m spiders.crawl", description=__doc__)
    parser.add_argument("source")
    parser.add_argument("--run-id", required=True)
    parser.add_argument("--landing", required=True)
    parser.add_argument("-a", dest="args", action="append", default=[], help="spider argument")
    parser.add_argument("-s", dest="settings", action="append", default=[], help="setting (JSON)")
    ns = parser.parse_args(argv)
    _die_with_parent()

    from scrapy.crawler import CrawlerProcess
    from scrapy.settings import Settings

    from spiders import settings as base_settings
    from spiders.registry import spider_for

    settings = Settings()
    settings.setmodule(base_settings)
    for key, value in _parse_kv(ns.settings, "setting").items():
        settings.set(key, json.loads(value), priority="cmdline")
    settings.set("LANDING_DIR", ns.landing, priority="cmdline")
    settings.set("LEADPIPE_RUN_ID", ns.run_id, priority="cmdline")
    spidercls, kwargs = spider_for(ns.source)
    kwargs = {**kwargs, **_parse_kv(ns.args, "spider argument")}
    process = CrawlerProcess(settings)
    crawler = process.create_crawler(spidercls)
    process.crawl(crawler, **kwargs)
    process.start()
    stats = crawler.stats.get_stats() if crawler.stats else {}
    return 0 if stats.get(STAT_FINISH_REASON) == "finished" else 1


if __name__ == "__main__":
    sys.exit(main())
