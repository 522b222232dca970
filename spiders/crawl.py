"""Run one crawl in its own process, and the process entry point itself.

Twisted's reactor starts once per process, so every crawl runs in a fresh subprocess
(``python -m spiders.crawl SOURCE ...``): two crawls in one flow both work, memory is
released, and a stuck crawl can be killed without touching the caller.
"""

from __future__ import annotations

import argparse
import json
import os
import subprocess
import sys
from collections.abc import Sequence
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from spiders.landing import (
    STAT_ERRORS,
    STAT_FINISH_REASON,
    items_landed,
    landing_path,
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
    landing_dir = Path(landing_dir)
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
    log_file = log_file or (landing_dir / run_id / f"{source}.log")
    with open(log_file, "w", encoding="utf-8") as log:
        try:
            proc = subprocess.run(
                cmd, stdout=log, stderr=subprocess.STDOUT, env=env, timeout=timeout, check=False
            )
            returncode = proc.returncode
        except subprocess.TimeoutExpired:
            returncode = -9
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
