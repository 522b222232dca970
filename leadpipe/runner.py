"""The runner: the pipeline's stages as plain functions the CLI and the Prefect flows call.

Data flows one way: crawl → landing files → load → resolve → enrich → score → export.
Only ``crawl`` runs without the warehouse; every other stage opens it as the one writer
(``warehouse.db.connect`` waits for a running writer) except ``export``, which reads.
"""

from __future__ import annotations

import contextlib
import functools
import json
import os
import socket
from collections.abc import Callable, Iterator, Mapping, Sequence
from dataclasses import dataclass
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

from enrich.normalise.words import plural
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
from warehouse.db import WarehouseBusy, connect, connected
from warehouse.lake import retrying
from warehouse.marks import all_high_water_marks, set_high_water_mark

# How long a short write (a batch of fetched sites, a run's end) waits for another writer.
WRITE_WAIT_SECONDS = 300.0


def _now() -> datetime:
    return datetime.now(UTC).replace(tzinfo=None)


def _alive(pid: int) -> bool:
    """Whether a process with this id exists on this host."""
    try:
        os.kill(pid, 0)
    except ProcessLookupError:
        return False
    except PermissionError:  # it exists, owned by someone else
        return True
    return True


def repair_interrupted_runs(con: Any) -> int:
    """Mark ``running`` rows whose process is gone as ``interrupted`` (a killed stage never
    wrote its end); rows of processes alive, or on another host, are left. Returns how many."""
    host = socket.gethostname()
    rows = con.execute(
        "SELECT run_id, pid, host FROM runs WHERE status = 'running' AND stage <> 'crawl'"
    ).fetchall()
    dead = [run_id for run_id, pid, where in rows
            if pid is None or (where == host and not _alive(int(pid)))]
    for run_id in dead:
        con.execute(
            "UPDATE runs SET status='interrupted', finished_at=?, message=? WHERE run_id=?",
            [_now(), "interrupted: the process ended before the run did", run_id],
        )
    return len(dead)


def start_run(con: Any, stage: str, run_id: str | None = None) -> str:
    """Insert a ``running`` row for this process (repairing rows of killed runs first)."""
    repair_interrupted_runs(con)
    run_id = run_id or new_run_id(stage)
    con.execute(
        "INSERT INTO runs (run_id, stage, started_at, status, pid, host) "
        "VALUES (?, ?, ?, 'running', ?, ?)",
        [run_id, stage, _now(), os.getpid(), socket.gethostname()],
    )
    return run_id


def finish_run(con: Any, info: dict[str, Any], error: BaseException | None = None) -> None:
    """Close a run's row: ``ok`` with its item count, or ``failed`` with the error."""
    if error is not None:
        con.execute(
            "UPDATE runs SET status='failed', finished_at=?, message=? WHERE run_id=?",
            [_now(), f"{type(error).__name__}: {error}"[:1000], info["run_id"]],
        )
        return
    con.execute(
        "UPDATE runs SET status='ok', finished_at=?, items=?, message=? WHERE run_id=?",
        [_now(), int(info["items"]), info["message"], info["run_id"]],
    )


@contextlib.contextmanager
def recorded_run(con: Any, stage: str, run_id: str | None = None) -> Iterator[dict[str, Any]]:
    """Record a stage run in ``runs``: running → ok/failed, with its item count."""
    info: dict[str, Any] = {"run_id": start_run(con, stage, run_id), "items": 0,
                            "message": None}
    try:
        yield info
    except BaseException as exc:
        finish_run(con, info, exc)
        raise
    finish_run(con, info)


@contextlib.contextmanager
def recorded_run_at(
    path: Path, stage: str,
    guard: Callable[[], contextlib.AbstractContextManager[Any]] = contextlib.nullcontext,
) -> Iterator[dict[str, Any]]:
    """``recorded_run`` for a stage that must not hold the writer lock throughout: the
    warehouse is opened only to write the row's start and its end (each inside ``guard``)."""
    with guard():
        con = connect(path)
        try:
            info: dict[str, Any] = {"run_id": start_run(con, stage), "items": 0,
                                    "message": None}
        finally:
            con.close()
    error: BaseException | None = None
    try:
        yield info
    except BaseException as exc:
        error = exc
        raise
    finally:
        with guard(), connected(path, wait_seconds=WRITE_WAIT_SECONDS) as con:
            finish_run(con, info, error)


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
    try:
        con = connect(config.warehouse, read_only=True)
    except (FileNotFoundError, WarehouseBusy):  # none yet, or a writer holds the file
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
            "INSERT INTO runs (run_id, stage, source, started_at, finished_at, status, items,"
            " message) VALUES (?, 'crawl', ?, ?, ?, ?, ?, ?)",
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


def _retried_on_conflict(stage: Callable[..., Any]) -> Callable[..., Any]:
    """Run the whole stage again when its commit lost a race with another writer's (the
    many-writer lake; the embedded file's writers queue for the file instead)."""

    @functools.wraps(stage)
    def run(*args: Any, **kwargs: Any) -> Any:
        return retrying(lambda: stage(*args, **kwargs))

    return run


@_retried_on_conflict
def load(config: Config, *, progress: Callable[[Path], None] | None = None) -> Any:
    """Load the new landing files, after masking the suppressed people in them (so a re-crawl
    brings nobody on the suppression list back; ``sales.privacy.screen``)."""
    from sales.privacy.screen import screen_landing
    from warehouse.load import load_landing

    con = connect(config.warehouse)
    try:
        with recorded_run(con, "load") as run:
            screened = screen_landing(con, config.data_dir, config.landing_dir,
                                      config.data_dir / "httpcache")
            summary = load_landing(con, config.landing_dir, progress=progress)
            summary.masked_lines = screened.lines
            _record_crawl_reports(con, config.landing_dir)
            run["items"] = summary.new_items
            notes = ([f"{plural(summary.quarantined, 'line')} quarantined"]
                     if summary.quarantined else [])
            if screened.lines:
                notes.append(f"{plural(screened.lines, 'line')} naming suppressed people masked")
            notes += (summary.errors + summary.warnings)[:5]
            run["message"] = "; ".join(notes)[:1000] or None
        return summary
    finally:
        con.close()


@_retried_on_conflict
def resolve(config: Config) -> Any:
    from enrich.resolve.stage import run_resolution
    from sales.privacy.suppression import refresh as refresh_suppression

    decisions = config.decisions_path
    con = connect(config.warehouse)
    try:
        with recorded_run(con, "resolve") as run:
            summary = run_resolution(con, decisions_path=decisions)
            refresh_suppression(con, config.data_dir)
            run["items"] = getattr(summary, "companies", 0)
        return summary
    finally:
        con.close()


def enrich(
    config: Config,
    *,
    access: Access | None = None,
    fetch: bool = True,
    refresh: bool = False,
    progress: Callable[[], None] | None = None,
    on_total: Callable[[int], None] | None = None,
    writer_guard: Callable[[], contextlib.AbstractContextManager[Any]] = contextlib.nullcontext,
) -> Any:
    """Fetch stale websites without holding the warehouse (it is opened briefly to read what
    to fetch and to write each batch), then derive every company's row as the one writer.
    ``refresh`` fetches every website now, however fresh (site monitoring compares the fetches).
    ``writer_guard`` is entered around each of those brief writes (the flows' writer slot)."""
    from enrich.stage import refresh_websites, run_enrichment
    from sales.privacy.screen import scrub_enrichment

    access = access or configured_access(config)
    path = config.warehouse

    @contextlib.contextmanager
    def writer() -> Iterator[Any]:
        with writer_guard(), connected(path, wait_seconds=WRITE_WAIT_SECONDS) as con:
            yield con

    with recorded_run_at(path, "enrich", writer_guard) as run:
        fetched = None
        if fetch:
            fetched = refresh_websites(
                writer,
                user_agent=config.user_agent,
                proxy=access.proxy,
                allow_addresses=access.allow_addresses,
                max_age_days=0.0 if refresh else config.enrich.max_age_days,
                progress=progress,
                on_total=on_total,
            )
        with writer() as con:
            summary = run_enrichment(
                con,
                user_agent=config.user_agent,
                fetch=False,
                solvency_model=config.solvency,
            )
            scrub_enrichment(con, config.data_dir)  # suppressed people found on websites
        if fetched is not None:
            fetched.companies = summary.companies
            summary = fetched
        run["items"] = summary.companies
    return summary


@_retried_on_conflict
def score(config: Config, *, profile: str | None = None) -> Any:
    from sales.export.view import write_snapshot
    from sales.privacy.lawful_basis import record_lawful_basis
    from sales.privacy.subscriber import refresh_subscriber_types
    from sales.privacy.suppression import refresh as refresh_suppression
    from sales.score import run_scoring

    chosen = config.profile(profile)
    con = connect(config.warehouse)
    try:
        with recorded_run(con, "score") as run:
            # suppression, subscriber types and the lawful basis as the export will read them
            refresh_suppression(con, config.data_dir)
            refresh_subscriber_types(con)
            record_lawful_basis(con, chosen.name, config.lawful_basis(chosen.name))
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


@_retried_on_conflict
def alert(config: Config, *, profile: str | None = None, now: datetime | None = None) -> Any:
    """Send the profile's new hot signals once (``[alerts]``); nothing new, nothing sent."""
    from sales.alerts import run_alerts

    chosen = config.profile(profile)
    con = connect(config.warehouse)
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
        fmt, request, output, warehouse=config.warehouse,
        snapshot=config.snapshot_path, exports_dir=config.exports_dir,
    )
    return ExportResult(output, outcome.rows, outcome.from_snapshot, outcome.files)


# --- data protection: suppression, erasure, notices, retention ----------------------------
# Whatever changes who may be exported also rewrites the score stage's snapshot, so an export
# read from the snapshot while a writer runs obeys the change too.


@contextlib.contextmanager
def _writer(config: Config) -> Iterator[Any]:
    with connected(config.warehouse) as con:
        yield con


def _rewrite_snapshot(con: Any, config: Config) -> None:
    from sales.export.view import write_snapshot

    if config.snapshot_path.exists():
        write_snapshot(con, config.snapshot_path)


def suppress_add(config: Config, value: str, reason: str | None, kind: str | None = None,
                 company: str | None = None) -> Any:
    """Suppress a company (id or domain), a person (e-mail or phone), or a person's name at
    ``company``; return the entry."""
    from sales.privacy.suppression import add_entry

    with _writer(config) as con:
        entry = add_entry(con, config.data_dir, value, reason, kind, company)
        _rewrite_snapshot(con, config)
        return entry


def suppress_remove(config: Config, value: str, kind: str | None = None,
                    company: str | None = None) -> Any:
    """Remove an entry (by its value or its id; a name with its company); None when there was
    none."""
    from sales.privacy.suppression import refresh, remove_entry

    with _writer(config) as con:
        entry = remove_entry(con, config.data_dir, value, kind, company)
        if entry is not None:
            refresh(con, config.data_dir)
            _rewrite_snapshot(con, config)
        return entry


def suppress_list(config: Config) -> list[Any]:
    from sales.privacy.suppression import list_entries

    con = connect(config.warehouse, read_only=True)
    try:
        return list_entries(con, config.data_dir)
    finally:
        con.close()


def forget(config: Config, value: str, company: str | None = None) -> Any:
    """Erase the person (an e-mail or a phone, or a name at ``company``) from the warehouse,
    the landing files and the HTTP cache, suppress them, and rewrite the snapshot; return what
    was found and removed."""
    from sales.privacy.erasure import forget as erase

    with _writer(config) as con:
        result = erase(con, config.data_dir, config.landing_dir, config.data_dir / "httpcache",
                       value, company)
        _rewrite_snapshot(con, config)
        return result


def contact_notice(config: Config, value: str) -> tuple[list[Any], bool]:
    """The contacts held for a person (an e-mail or a phone) and whether they are suppressed."""
    from sales.privacy.notice import held_contacts, is_suppressed

    con = connect(config.warehouse, read_only=True)
    try:
        return held_contacts(con, value), is_suppressed(con, config.data_dir, value)
    finally:
        con.close()


@dataclass(frozen=True)
class Purge:
    months: int | None
    cutoff: datetime | None
    contacts: int


def purge(config: Config, *, now: datetime | None = None) -> Purge:
    """Purge contacts not seen for ``[privacy] retention_months``; logged in ``runs``."""
    from sales.privacy.retention import cutoff, purge_contacts

    months = config.privacy.retention_months
    if months is None:
        return Purge(None, None, 0)
    now = now or datetime.now(UTC).replace(tzinfo=None)
    with _writer(config) as con:
        with recorded_run(con, "purge") as run:
            count = purge_contacts(con, months, now)
            run["items"] = count
            run["message"] = (f"purged {plural(count, 'contact')} not seen since "
                              f"{cutoff(now, months):%Y-%m-%d} "
                              f"(retention {plural(months, 'month')})")
        if count:
            _rewrite_snapshot(con, config)
    return Purge(months, cutoff(now, months), count)
