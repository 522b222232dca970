"""The pipeline's stages as plain functions: the CLI and the Prefect flows both call these.

Data flows one way: crawl → landing files → load → resolve → enrich → score → export.
Only ``crawl`` runs without the warehouse; every other stage opens it as the one writer
(``warehouse.db.connect`` waits for a running writer) except ``export``, which reads.
"""

from __future__ import annotations

import contextlib
import json
from collections.abc import Callable, Iterator, Sequence
from dataclasses import dataclass
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

from leadpipe.config import Config
from spiders.crawl import CrawlReport, run_crawl
from spiders.landing import new_run_id
from spiders.registry import SOURCES_DIR
from warehouse.db import WarehouseBusy, connect
from warehouse.marks import all_high_water_marks, set_high_water_mark

DEMO_PREFIX = "demo_"


def _now() -> datetime:
    return datetime.now(UTC).replace(tzinfo=None)


@contextlib.contextmanager
def recorded_run(con: Any, stage: str, run_id: str | None = None) -> Iterator[dict[str, Any]]:
    """Record a stage run in ``runs``: running → ok/failed, with its item count."""
    run_id = run_id or new_run_id(stage)
    con.execute(
        "INSERT INTO runs (run_id, stage, started_at, status) VALUES (?, ?, ?, 'running')",
        [run_id, stage, _now()],
    )
    info: dict[str, Any] = {"run_id": run_id, "items": 0, "message": None}
    try:
        yield info
    except BaseException as exc:
        con.execute(
            "UPDATE runs SET status='failed', finished_at=?, message=? WHERE run_id=?",
            [_now(), f"{type(exc).__name__}: {exc}"[:1000], run_id],
        )
        raise
    con.execute(
        "UPDATE runs SET status='ok', finished_at=?, items=?, message=? WHERE run_id=?",
        [_now(), int(info["items"]), info["message"], run_id],
    )


# --- demo world -------------------------------------------------------------------------


@contextlib.contextmanager
def source_proxy(config: Config, sources: Sequence[str]) -> Iterator[str | None]:
    """The HTTP proxy crawls and enrichment go through: the demo world's server when demo
    sources are in play (started here, stopped after), else the configured proxy, if any."""
    configured = config.crawl.get("proxy") or None
    if not any(s.startswith(DEMO_PREFIX) for s in sources) or configured:
        yield configured
        return
    from leadpipe.demo.server import DemoServer
    from leadpipe.demo.world import generate_world

    demo = config.demo
    world = generate_world(companies=int(demo.get("companies", 300)), seed=int(demo.get("seed", 7)))
    with DemoServer(world) as server:
        yield server.proxy_url


# --- crawl --------------------------------------------------------------------------------


def crawl_settings(config: Config, source: str = "") -> dict[str, Any]:
    """Scrapy settings from the config: only what the user set, so that each source's own
    politeness (its download delay, retries) stands unless the config overrides it.
    The demo world is our own local server: it is crawled at ``[demo] concurrency``."""
    c = dict(config.crawl)
    if (SOURCES_DIR / f"{source}.yaml").exists():
        # Catalogues and directories: detail pages are kept until their definition's
        # stale_after_days and fetched again only then; listing pages are never cached.
        c.setdefault("http_cache", True)
    if source.startswith(DEMO_PREFIX):
        c.setdefault("concurrent_requests_per_domain", int(config.demo.get("concurrency", 8)))
        c.setdefault("autothrottle", False)
    mapping = {
        "concurrent_requests_per_domain": ("CONCURRENT_REQUESTS_PER_DOMAIN", int),
        "download_delay": ("DOWNLOAD_DELAY", float),
        "autothrottle": ("AUTOTHROTTLE_ENABLED", bool),
        "retry_times": ("RETRY_TIMES", int),
        "http_cache": ("HTTPCACHE_ENABLED", bool),
    }
    settings: dict[str, Any] = {
        "USER_AGENT": config.user_agent,
        "HTTPCACHE_DIR": str(config.data_dir / "httpcache"),
    }
    for key, (setting, cast) in mapping.items():
        if key in c:
            settings[setting] = cast(c[key])
    return settings


def read_high_water_marks(config: Config) -> dict[str, str]:
    """Marks per source without waiting for the warehouse: the warehouse's marks (when no writer
    holds it), overlaid by newer marks in the landing runs' reports (a crawl landed but not yet
    loaded still counts: its files are on disk and will be loaded)."""
    marks: dict[str, str] = {}
    if config.warehouse_path.exists():
        try:
            con = connect(config.warehouse_path, read_only=True)
        except WarehouseBusy:
            con = None
        if con is not None:
            try:
                marks.update(all_high_water_marks(con))
            finally:
                con.close()
    reports = sorted(config.landing_dir.glob("*/*.stats.json"), key=lambda p: p.stat().st_mtime)
    for path in reports:
        try:
            mark = json.loads(path.read_text(encoding="utf-8")).get("leadpipe/high_water_mark")
        except (OSError, ValueError):
            continue
        if mark:
            marks[path.name[: -len(".stats.json")]] = str(mark)
    return marks


def crawl(
    config: Config,
    sources: Sequence[str] | None = None,
    *,
    run_id: str | None = None,
    proxy: str | None = None,
    since: str | None = None,
    until: str | None = None,
    full: bool = False,
    on_done: Callable[[CrawlReport], None] | None = None,
) -> list[CrawlReport]:
    """Crawl each source in its own subprocess into ``<landing>/<run_id>/``."""
    sources = list(sources or config.crawl.get("sources", []))
    run_id = run_id or new_run_id("crawl")
    marks = {} if full or since else read_high_water_marks(config)
    reports = []
    for source in sources:
        args: dict[str, str] = {}
        start = since or marks.get(source)
        if start:
            args["since"] = start
        if until:
            args["until"] = until
        report = run_crawl(
            source,
            run_id=run_id,
            landing_dir=config.landing_dir,
            spider_args=args,
            settings=crawl_settings(config, source),
            proxy=proxy,
        )
        reports.append(report)
        if on_done:
            on_done(report)
    return reports


# --- load / resolve / enrich / score / export --------------------------------------------


def _record_crawl_reports(con: Any, landing_dir: Path) -> None:
    """Crawls write no warehouse rows themselves; their stats files become ``runs`` rows and
    advance each source's high-water mark once its items are in the warehouse."""
    known = {r[0] for r in con.execute("SELECT run_id FROM runs WHERE stage='crawl'").fetchall()}
    for stats_path in sorted(Path(landing_dir).glob("*/*.stats.json")):
        source = stats_path.name[: -len(".stats.json")]
        run_key = f"{stats_path.parent.name}/{source}"
        if run_key in known:
            continue
        stats = json.loads(stats_path.read_text(encoding="utf-8"))
        items = sum(int(v) for k, v in stats.items() if k.startswith("leadpipe/items/"))
        errors = stats.get("leadpipe/errors") or []
        ok = stats.get("finish_reason") == "finished" and not errors
        con.execute(
            "INSERT INTO runs VALUES (?, 'crawl', ?, ?, ?, ?, ?, ?)",
            [
                run_key,
                source,
                stats.get("start_time"),
                stats.get("finish_time"),
                "ok" if ok else "failed",
                items,
                "; ".join(errors)[:1000] or stats.get("finish_reason"),
            ],
        )
        set_high_water_mark(con, source, str(stats.get("leadpipe/high_water_mark") or ""))


def load(config: Config, *, progress: Callable[[Path], None] | None = None) -> Any:
    from warehouse.load import load_landing

    con = connect(config.warehouse_path)
    try:
        with recorded_run(con, "load") as run:
            summary = load_landing(con, config.landing_dir, progress=progress)
            _record_crawl_reports(con, config.landing_dir)
            run["items"] = summary.new_items
            run["message"] = "; ".join(summary.errors[:5]) or None
        return summary
    finally:
        con.close()


def resolve(config: Config) -> Any:
    from enrich.resolve.stage import run_resolution

    resolve_cfg = config.section("resolve")
    decisions = resolve_cfg.get("decisions")
    con = connect(config.warehouse_path)
    try:
        with recorded_run(con, "resolve") as run:
            summary = run_resolution(
                con, decisions_path=(config.base_dir / decisions) if decisions else None
            )
            run["items"] = getattr(summary, "companies", 0)
        return summary
    finally:
        con.close()


def enrich(
    config: Config,
    *,
    proxy: str | None = None,
    fetch: bool = True,
    progress: Callable[[], None] | None = None,
    on_total: Callable[[int], None] | None = None,
) -> Any:
    from enrich.stage import run_enrichment

    con = connect(config.warehouse_path)
    try:
        with recorded_run(con, "enrich") as run:
            summary = run_enrichment(
                con,
                user_agent=config.user_agent,
                proxy=proxy,
                fetch=fetch,
                max_age_days=float(config.section("enrich").get("max_age_days", 30)),
                progress=progress,
                on_total=on_total,
            )
            run["items"] = summary.companies
        return summary
    finally:
        con.close()


def snapshot_path(config: Config) -> Path:
    return config.data_dir / "snapshots" / "scored_companies.parquet"


def score(config: Config, *, profile: str | None = None) -> Any:
    from leadpipe.export import write_snapshot
    from leadpipe.score import run_scoring

    chosen = config.profile(profile)
    con = connect(config.warehouse_path)
    try:
        with recorded_run(con, "score") as run:
            summary = run_scoring(
                con,
                chosen,
                fit_min=float(config.score.get("fit_min", 0.7)),
                solvency_min=float(config.score.get("solvency_min", 0.5)),
            )
            write_snapshot(con, snapshot_path(config))
            run["items"] = summary.companies
        return summary
    finally:
        con.close()


@dataclass
class ExportResult:
    path: Path
    rows: int
    from_snapshot: bool


def export(
    config: Config,
    *,
    output: Path | None = None,
    profile: str | None = None,
    stages: Sequence[str] = ("prospect",),
) -> ExportResult:
    from leadpipe.export import export_csv, export_csv_from_snapshot

    name = config.profile(profile)["name"]
    output = Path(output) if output else config.exports_dir / f"{'-'.join(stages)}s-{name}.csv"
    try:
        con = connect(config.warehouse_path, read_only=True)
    except WarehouseBusy:
        snap = snapshot_path(config)
        if not snap.exists():
            raise
        return ExportResult(
            output, export_csv_from_snapshot(snap, output, profile=name, stages=stages), True
        )
    try:
        return ExportResult(output, export_csv(con, output, profile=name, stages=stages), False)
    finally:
        con.close()
