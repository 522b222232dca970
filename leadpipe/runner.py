"""The runner: the pipeline's stages as plain functions the CLI and the Prefect flows call.

Data flows one way: crawl → landing files → load → resolve → enrich → score → export.
Only ``crawl`` runs without the warehouse; every other stage opens it as the one writer
(``warehouse.db.connect`` waits for a running writer) except ``export``, which reads.
"""

from __future__ import annotations

import contextlib
import json
from collections.abc import Callable, Iterator, Mapping, Sequence
from dataclasses import dataclass
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

from leadpipe.config import Config
from sales.searches import searches_for
from spiders.crawl import CrawlReport, run_crawl
from spiders.definitions import load_definition
from spiders.landing import (
    STAT_ERRORS,
    STAT_FINISH_REASON,
    STAT_HIGH_WATER_MARK,
    items_landed,
    iter_crawl_reports,
    new_run_id,
    report_source,
)
from spiders.registry import SOURCES_DIR
from spiders.search import SearchError
from warehouse.db import WarehouseBusy, connect
from warehouse.marks import all_high_water_marks, set_high_water_mark


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


@dataclass(frozen=True)
class Access:
    """How the stages reach the web for one run.

    ``proxy`` is the HTTP proxy crawls and enrichment go through (the configured one, or a local
    server that plays the sources). ``local_sources`` are sources a server of our own on this
    machine answers for: they are crawled at ``local_concurrency`` requests per host with no
    AutoThrottle, while every other source keeps its own politeness. The runner never decides
    what is local; whoever starts such a server says so (the CLI and the flows, for the demo).
    ``allow_addresses`` (addresses or networks) are let through the outbound-fetch policy
    (``spiders.netpolicy``), which otherwise refuses every loopback, private, link-local and
    metadata address: a local server of ours that is the proxy has to be named here.
    """

    proxy: str | None = None
    local_sources: tuple[str, ...] = ()
    local_concurrency: int = 8
    allow_addresses: tuple[str, ...] = ()


def configured_access(config: Config) -> Access:
    """The access a plain run has: the configured proxy, if any, and no local sources."""
    return Access(
        proxy=config.crawl.proxy, allow_addresses=tuple(config.network.allow_addresses)
    )


# --- crawl --------------------------------------------------------------------------------


def crawl_settings(
    config: Config, source: str = "", access: Access | None = None
) -> dict[str, Any]:
    """Scrapy settings from the config: only what the user set, so that each source's own
    politeness (its download delay, retries) stands unless the config overrides it.
    A source served by our own local server is crawled at the access's local concurrency."""
    c = config.crawl.model_dump(exclude_none=True, exclude={"sources", "proxy"})
    if (SOURCES_DIR / f"{source}.yaml").exists():
        # Catalogues and directories: detail pages are kept until their definition's
        # stale_after_days and fetched again only then; listing pages are never cached.
        c.setdefault("http_cache", True)
    if access is not None and source in access.local_sources:
        c.setdefault("concurrent_requests_per_domain", access.local_concurrency)
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
    reports = sorted(iter_crawl_reports(config.landing_dir), key=lambda p: p.stat().st_mtime)
    for path in reports:
        try:
            mark = json.loads(path.read_text(encoding="utf-8")).get(STAT_HIGH_WATER_MARK)
        except (OSError, ValueError):
            continue
        if mark:
            marks[report_source(path)] = str(mark)
    return marks


def source_searches(
    config: Config,
    sources: Sequence[str],
    *,
    params: Mapping[str, Sequence[str]] | None = None,
    profile: str | None = None,
) -> dict[str, list[dict[str, str]]]:
    """The searches each YAML source with a ``search:`` section runs (others: none)."""
    chosen = config.profile(profile)
    out: dict[str, list[dict[str, str]]] = {}
    for source in sources:
        path = SOURCES_DIR / f"{source}.yaml"
        if not path.exists():
            if params:
                raise SearchError(f"{source} declares no search parameters (a Python source)")
            continue
        found = searches_for(load_definition(path), chosen, params)
        if found:
            out[source] = found
    return out


def crawl(
    config: Config,
    sources: Sequence[str] | None = None,
    *,
    run_id: str | None = None,
    access: Access | None = None,
    since: str | None = None,
    until: str | None = None,
    full: bool = False,
    params: Mapping[str, Sequence[str]] | None = None,
    profile: str | None = None,
    on_done: Callable[[CrawlReport], None] | None = None,
) -> list[CrawlReport]:
    """Crawl each source in its own subprocess into ``<landing>/<run_id>/``.

    A directory with search parameters runs one search per combination of ``params``
    (``{"category": ["plumber"]}``) and, where they say nothing, of ``profile``'s industries
    and regions (``sales.searches``); raises SearchError before crawling when they do not
    fit a source."""
    access = access or configured_access(config)
    sources = list(sources or config.crawl.sources)
    searches = source_searches(config, sources, params=params, profile=profile)
    run_id = run_id or new_run_id("crawl")
    marks = {} if full or since else read_high_water_marks(config)
    reports = []
    for source in sources:
        args: dict[str, str] = {}
        if searches.get(source):
            args["search"] = json.dumps(searches[source])
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
            settings=crawl_settings(config, source, access),
            proxy=access.proxy,
            allow_addresses=access.allow_addresses,
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
    for stats_path in iter_crawl_reports(landing_dir):
        source = report_source(stats_path)
        run_key = f"{stats_path.parent.name}/{source}"
        if run_key in known:
            continue
        stats = json.loads(stats_path.read_text(encoding="utf-8"))
        items = items_landed(stats)
        errors = stats.get(STAT_ERRORS) or []
        ok = stats.get(STAT_FINISH_REASON) == "finished" and not errors
        con.execute(
            "INSERT INTO runs VALUES (?, 'crawl', ?, ?, ?, ?, ?, ?)",
            [
                run_key,
                source,
                stats.get("start_time"),
                stats.get("finish_time"),
                "ok" if ok else "failed",
                items,
                "; ".join(errors)[:1000] or stats.get(STAT_FINISH_REASON),
            ],
        )
        set_high_water_mark(con, source, str(stats.get(STAT_HIGH_WATER_MARK) or ""))


def load(config: Config, *, progress: Callable[[Path], None] | None = None) -> Any:
    from warehouse.load import load_landing

    con = connect(config.warehouse_path)
    try:
        with recorded_run(con, "load") as run:
            summary = load_landing(con, config.landing_dir, progress=progress)
            _record_crawl_reports(con, config.landing_dir)
            run["items"] = summary.new_items
            notes = [f"{summary.quarantined} line(s) quarantined"] if summary.quarantined else []
            notes += (summary.errors + summary.warnings)[:5]
            run["message"] = "; ".join(notes)[:1000] or None
        return summary
    finally:
        con.close()


def resolve(config: Config) -> Any:
    from enrich.resolve.stage import run_resolution

    decisions = config.decisions_path
    con = connect(config.warehouse_path)
    try:
        with recorded_run(con, "resolve") as run:
            summary = run_resolution(con, decisions_path=decisions)
            run["items"] = getattr(summary, "companies", 0)
        return summary
    finally:
        con.close()


def enrich(
    config: Config,
    *,
    access: Access | None = None,
    fetch: bool = True,
    progress: Callable[[], None] | None = None,
    on_total: Callable[[int], None] | None = None,
) -> Any:
    from enrich.stage import run_enrichment

    access = access or configured_access(config)
    con = connect(config.warehouse_path)
    try:
        with recorded_run(con, "enrich") as run:
            summary = run_enrichment(
                con,
                user_agent=config.user_agent,
                proxy=access.proxy,
                allow_addresses=access.allow_addresses,
                fetch=fetch,
                max_age_days=config.enrich.max_age_days,
                solvency_model=config.solvency,
                progress=progress,
                on_total=on_total,
            )
            run["items"] = summary.companies
        return summary
    finally:
        con.close()


def score(config: Config, *, profile: str | None = None) -> Any:
    from sales.export.view import write_snapshot
    from sales.score import run_scoring

    chosen = config.profile(profile)
    con = connect(config.warehouse_path)
    try:
        with recorded_run(con, "score") as run:
            summary = run_scoring(
                con,
                chosen,
                fit_min=config.score.fit_min,
                solvency_min=config.score.solvency_min,
            )
            write_snapshot(con, config.snapshot_path)
            run["items"] = summary.companies
        return summary
    finally:
        con.close()


def alert(config: Config, *, profile: str | None = None, now: datetime | None = None) -> Any:
    """Send the profile's new hot signals once (``[alerts]``); nothing new, nothing sent."""
    from sales.alerts import run_alerts

    chosen = config.profile(profile)
    con = connect(config.warehouse_path)
    try:
        with recorded_run(con, "alert") as run:
            summary = run_alerts(con, chosen, config.alerts, now=now)
            run["items"] = summary.new_signals if summary.sent else 0
            run["message"] = str(summary)[:1000]
        return summary
    finally:
        con.close()


@dataclass
class ExportResult:
    path: Path
    rows: int
    from_snapshot: bool
    files: tuple[Path, ...] = ()


def export(
    config: Config,
    *,
    output: Path | None = None,
    profile: str | None = None,
    funnel_stages: Sequence[str] = ("prospect",),
    export_format: str = "generic",
    filters: dict[str, Sequence[str]] | None = None,
    since: datetime | None = None,
    changed: bool = False,
    excel: bool = False,
    provenance: bool = False,
) -> ExportResult:
    """Write an export in the named format (``sales.export.format_names()`` lists them).

    Reads the warehouse read-only, or the score stage's snapshot while a writer holds it, and
    logs the export (``sales.export.log``). An unknown format raises
    ``sales.export.UnknownFormat`` and an unknown filter ``sales.export.filters.UnknownFilter``
    before any file is written.
    """
    from sales.export import get_format
    from sales.export.job import ExportRequest, run_export
    from sales.export.view import Selection

    fmt = get_format(export_format)
    chosen = config.profile(profile).name
    output = (
        Path(output)
        if output
        else config.exports_dir
        / fmt.default_file_name(Selection(profile=chosen, stages=tuple(funnel_stages)))
    )
    request = ExportRequest(
        profile=chosen, stages=tuple(funnel_stages), filters=filters or {}, since=since,
        changed=changed, excel=excel, provenance=provenance,
    )
    outcome = run_export(
        fmt, request, output, warehouse=config.warehouse_path,
        snapshot=config.snapshot_path, exports_dir=config.exports_dir,
    )
    return ExportResult(output, outcome.rows, outcome.from_snapshot, outcome.files)
