"""One Prefect flow per stage. Thin: each calls the stage function in ``leadpipe.runner``.

Writers (load, resolve, enrich, score) take the ``warehouse-writer`` concurrency slot so that
deployments triggered together queue instead of failing on DuckDB's one-writer lock. Crawls
run as one task per source, each in its own subprocess (Twisted's reactor starts once per process).
"""

from __future__ import annotations

import contextlib
from dataclasses import asdict
from datetime import date
from pathlib import Path

from prefect import flow, get_run_logger, task
from prefect.concurrency.sync import concurrency

from enrich.normalise.words import plural
from flows import reports, run_names
from leadpipe import runner
from leadpipe.config import Config, load_config
from leadpipe.demo.session import source_access

WRITER_SLOT = "warehouse-writer"


def _config(config_path: str | None) -> Config:
    return load_config(config_path)


def writer_slot():
    """The one-writer slot; the global concurrency limit is created on first use."""
    ensure_writer_limit()
    return concurrency(WRITER_SLOT, occupy=1, strict=False)


def ensure_writer_limit(name: str = WRITER_SLOT) -> None:
    """One warehouse writer at a time: a global concurrency limit of 1 (created if missing;
    two runs starting at once may both find it missing, and the later create finds it made)."""
    from prefect.client.orchestration import get_client
    from prefect.client.schemas.actions import GlobalConcurrencyLimitCreate
    from prefect.exceptions import ObjectAlreadyExists, ObjectNotFound

    with get_client(sync_client=True) as client:
        try:
            client.read_global_concurrency_limit_by_name(name)
        except ObjectNotFound:
            with contextlib.suppress(ObjectAlreadyExists):
                client.create_global_concurrency_limit(
                    GlobalConcurrencyLimitCreate(name=name, limit=1))


def _from_plain(access: dict) -> runner.Access:
    """An access passed between flows and tasks as plain data (run parameters are JSON)."""
    return runner.Access(**{**access, "local_sources": tuple(access.get("local_sources") or ()),
                            "allow_addresses": tuple(access.get("allow_addresses") or ())})


def _access(config: Config, access: dict | None, sources: list[str]):
    """The access a flow was handed (by the pipeline), else one opened here for its sources."""
    if access is not None:
        return contextlib.nullcontext(_from_plain(access))
    return source_access(config, sources)


@task(name="crawl-source", task_run_name="crawl {source}", retries=0)
def crawl_source(
    config_path: str | None,
    source: str,
    run_id: str,
    access: dict,
    since: str | None,
    until: str | None,
    full: bool,
) -> dict:
    """Crawl one source in its own subprocess; log what it landed and every error by source."""
    config = _config(config_path)
    (report,) = runner.crawl(
        config,
        [source],
        run_id=run_id,
        access=_from_plain(access),
        since=since,
        until=until,
        full=full,
    )
    logger = get_run_logger()
    logger.info("%s: %s landed (%s)", source, plural(report.items, "item"),
                report.finish_reason)
    for error in report.errors:
        logger.error("%s: %s", source, error)  # the spiders name the URL in each error
    return reports.crawl_row(source, report.stats, report.errors)


class CrawlFailed(RuntimeError):
    """A crawl flow run whose sources did not all finish cleanly; the message names each."""


def crawl_failure_message(rows: list[dict]) -> str:
    failed = [r for r in rows if r["Result"] != "ok"]
    return "crawl failed for " + ", ".join(
        f"{r['Source']} ({r['First error'] or 'did not finish'})" for r in failed
    )


def _iso(day: date | None) -> str | None:
    return day.isoformat() if day else None


@flow(name="crawl", log_prints=True, flow_run_name=run_names.crawl)
def crawl_flow(
    sources: list[str] | None = None,
    since: date | None = None,
    until: date | None = None,
    full: bool = False,
    access: dict | None = None,
    config_path: str | None = None,
    run_id: str | None = None,
) -> list[dict]:
    """Crawl sources into a landing run, one subprocess each; fails naming each failed source.

    Args:
        sources: Sources to crawl (default: the config's).
        since: Only items published on or after this day (default: where the last crawl ended).
        until: Only items published up to this day.
        full: Crawl everything again, ignoring where the last crawl ended.
        access: Set by the pipeline (the proxy and the local demo server); leave empty.
        config_path: Project config file (default: the one the deployment was registered with).
        run_id: Landing run to write into; set by the pipeline so its crawls share one run.
    """
    from spiders.landing import new_run_id

    config = _config(config_path)
    chosen = list(sources or config.crawl.sources)
    run_id = run_id or new_run_id("crawl")
    with _access(config, access, chosen) as via:
        plain = asdict(via)
        futures = [
            crawl_source.submit(
                config_path, s, run_id, plain, _iso(since), _iso(until), full
            )
            for s in chosen
        ]
        rows = [f.result() for f in futures]
    reports.publish_crawl_table(rows, run_id)
    if any(r["Result"] != "ok" for r in rows):
        raise CrawlFailed(crawl_failure_message(rows))
    return rows


@flow(name="load", flow_run_name=run_names.load)
def load_flow(config_path: str | None = None) -> dict:
    """Load new landing files into the warehouse (idempotent: a file loads once).

    Args:
        config_path: Project config file (default: the one the deployment was registered with).
    """
    with writer_slot():
        summary = runner.load(_config(config_path))
    logger = get_run_logger()
    for error in summary.errors[:20]:
        logger.warning(error)
    for note in summary.warnings[:20]:
        logger.warning(note)
    return {
        "files_loaded": summary.files_loaded,
        "files_skipped": summary.files_skipped,
        "items": summary.items,
        "new_items": summary.new_items,
        "quarantined": summary.quarantined,
        "masked_lines": summary.masked_lines,
        "files_failed": summary.files_failed,
        "errors": len(summary.errors),
        "warnings": len(summary.warnings),
    }


@flow(name="resolve", flow_run_name=run_names.resolve)
def resolve_flow(config_path: str | None = None) -> dict:
    """Merge source records into companies with stable ids; publishes the resolution summary.

    Args:
        config_path: Project config file (default: the one the deployment was registered with).
    """
    with writer_slot():
        summary = runner.resolve(_config(config_path))
    reports.publish_resolution(summary)
    return {k: getattr(summary, k) for k in
            ("records", "companies", "multi_record_companies", "redirects", "review_pairs")}


@flow(name="enrich", flow_run_name=run_names.enrich)
def enrich_flow(
    fetch_websites: bool = True,
    refresh: bool = False,
    access: dict | None = None,
    config_path: str | None = None,
) -> dict:
    """Website signals, industry and solvency per company (re-fetches only stale sites).

    Args:
        fetch_websites: Fetch each company's website (off: use what is already stored).
        refresh: Fetch every website now, not only stale ones (changes become site events),
            as `leadpipe enrich --refresh` does.
        access: Set by the pipeline (the proxy and the local demo server); leave empty.
        config_path: Project config file (default: the one the deployment was registered with).
    """
    config = _config(config_path)
    # The writer slot is taken only around each brief write: websites are fetched without it.
    with _access(config, access, list(config.crawl.sources)) as via:
        summary = runner.enrich(config, access=via, fetch=fetch_websites, refresh=refresh,
                                writer_guard=writer_slot)
    return dict(vars(summary))


@flow(name="score", flow_run_name=run_names.score)
def score_flow(profile: str | None = None, config_path: str | None = None) -> dict:
    """Fit tier, solvency band, timing, priority and reasons per company; publishes the top
    prospects.

    Args:
        profile: Ideal customer profile to score against (default: the config's).
        config_path: Project config file (default: the one the deployment was registered with).
    """
    config = _config(config_path)
    with writer_slot():
        summary = runner.score(config, profile=profile)
    reports.publish_top_prospects(config, profile)
    return dict(vars(summary))


@task(name="privacy-purge", task_run_name="purge contacts past retention")
def purge_task(config_path: str | None = None) -> dict:
    """Purge contacts past the retention period (``[privacy] retention_months``)."""
    with writer_slot():
        done = runner.purge(_config(config_path))
    return {"contacts_purged": done.contacts, "retention_months": done.months}


@flow(name="alert", flow_run_name=run_names.alert)
def alert_flow(profile: str | None = None, config_path: str | None = None) -> dict:
    """New hot signals of the profile, sent once by e-mail and/or webhook (``[alerts]``)."""
    with writer_slot():
        summary = runner.alert(_config(config_path), profile=profile)
    get_run_logger().info(str(summary))
    return dict(vars(summary))


@flow(name="export", flow_run_name=run_names.export)
def export_flow(
    profile: str | None = None,
    funnel_stages: list[str] | None = None,
    output: str | None = None,
    config_path: str | None = None,
    export_format: str = "generic",
    filters: dict[str, list[str]] | None = None,
    changed: bool = False,
    excel: bool = False,
    provenance: bool = False,
) -> dict:
    """Write the prospects file (reads a consistent snapshot; never blocks a writer).

    Args:
        profile: Ideal customer profile whose scores to export (default: the config's).
        funnel_stages: Funnel stages to include (default: prospects only).
        output: File to write (default: a dated file in the data folder's exports).
        config_path: Project config file (default: the one the deployment was registered with).
        export_format: File layout: generic CSV or a CRM's import format.
        filters: Keep only these values per filter, e.g. {"country": ["GB", "DE"]}
            (`leadpipe export --help` lists the filters).
        changed: Only companies whose score changed since the last run.
        excel: Also write an Excel workbook beside the file.
        provenance: Add the source URL behind each value.
    """
    config = _config(config_path)
    result = runner.export(
        config,
        output=Path(output) if output else None,
        profile=profile,
        funnel_stages=tuple(funnel_stages or ["prospect"]),
        export_format=export_format,
        filters=filters,
        changed=changed,
        excel=excel,
        provenance=provenance,
    )
    base = config.sales.exports_url
    link = f"{base.rstrip('/')}/{result.path.name}" if base else None
    reports.publish_export(result.rows, export_format, result.path, result.from_snapshot, link)
    return {"path": str(result.path), "rows": result.rows, "from_snapshot": result.from_snapshot,
            "format": export_format}
