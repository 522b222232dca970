"""One Prefect flow per stage. Thin: each calls the stage function in ``leadpipe.runner``.

Writers (load, resolve, enrich, score) take the ``warehouse-writer`` concurrency slot so that
deployments triggered together queue instead of failing on DuckDB's one-writer lock. Crawls
run as one task per source, each in its own subprocess (Twisted's reactor starts once per process).
"""

from __future__ import annotations

import contextlib
from dataclasses import asdict
from pathlib import Path

from prefect import flow, get_run_logger, task
from prefect.artifacts import create_markdown_artifact, create_table_artifact
from prefect.concurrency.sync import concurrency

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
    """One warehouse writer at a time: a global concurrency limit of 1 (created if missing)."""
    from prefect.client.orchestration import get_client
    from prefect.client.schemas.actions import GlobalConcurrencyLimitCreate
    from prefect.exceptions import ObjectNotFound

    with get_client(sync_client=True) as client:
        try:
            client.read_global_concurrency_limit_by_name(name)
        except ObjectNotFound:
            client.create_global_concurrency_limit(GlobalConcurrencyLimitCreate(name=name, limit=1))


def _from_plain(access: dict) -> runner.Access:
    """An access passed between flows and tasks as plain data (run parameters are JSON)."""
    return runner.Access(**{**access, "local_sources": tuple(access.get("local_sources") or ()),
                            "allow_addresses": tuple(access.get("allow_addresses") or ())})


def _access(config: Config, access: dict | None, sources: list[str]):
    """The access a flow was handed (by the pipeline), else one opened here for its sources."""
    if access is not None:
        return contextlib.nullcontext(_from_plain(access))
    return source_access(config, sources)


@task(name="crawl-source", retries=0)
def crawl_source(
    config_path: str | None,
    source: str,
    run_id: str,
    access: dict,
    since: str | None,
    until: str | None,
    full: bool,
) -> dict:
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
    logger.info("%s: %d items, %s", source, report.items, report.finish_reason)
    for error in report.errors:
        logger.error("%s: %s", source, error)
    return {
        "source": source,
        "items": report.items,
        "finish_reason": report.finish_reason,
        "ok": report.ok,
        "errors": "; ".join(report.errors),
        "landing_file": str(report.landing_file or ""),
    }


@flow(name="crawl", log_prints=True)
def crawl_flow(
    sources: list[str] | None = None,
    since: str | None = None,
    until: str | None = None,
    full: bool = False,
    access: dict | None = None,
    config_path: str | None = None,
) -> list[dict]:
    """Crawl sources (default: the config's) into a new landing run, one subprocess each."""
    from spiders.landing import new_run_id

    config = _config(config_path)
    chosen = list(sources or config.crawl.sources)
    run_id = new_run_id("crawl")
    with _access(config, access, chosen) as via:
        plain = asdict(via)
        futures = [
            crawl_source.submit(config_path, s, run_id, plain, since, until, full) for s in chosen
        ]
        results = [f.result() for f in futures]
    create_table_artifact(results, key="crawl-report", description=f"Crawl run {run_id}")
    failed = [r for r in results if not r["ok"]]
    if failed:
        raise RuntimeError(
            "crawl failed for "
            + ", ".join(f"{r['source']} ({r['errors'] or r['finish_reason']})" for r in failed)
        )
    return results


@flow(name="load")
def load_flow(config_path: str | None = None) -> dict:
    """Load new landing files into the warehouse (idempotent)."""
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
        "files_failed": summary.files_failed,
        "errors": len(summary.errors),
        "warnings": len(summary.warnings),
    }


@flow(name="resolve")
def resolve_flow(config_path: str | None = None) -> dict:
    """Merge source records into companies with stable ids."""
    with writer_slot():
        summary = runner.resolve(_config(config_path))
    return dict(vars(summary)) if hasattr(summary, "__dict__") else {"summary": str(summary)}


@flow(name="enrich")
def enrich_flow(
    fetch_websites: bool = True, access: dict | None = None, config_path: str | None = None
) -> dict:
    """Website signals, industry and solvency per company."""
    config = _config(config_path)
    # The writer slot is taken only around each brief write: websites are fetched without it.
    with _access(config, access, list(config.crawl.sources)) as via:
        summary = runner.enrich(config, access=via, fetch=fetch_websites,
                                writer_guard=writer_slot)
    return dict(vars(summary))


@flow(name="score")
def score_flow(profile: str | None = None, config_path: str | None = None) -> dict:
    """Fit and solvency scores, funnel stage and reasons, for an ICP profile."""
    with writer_slot():
        summary = runner.score(_config(config_path), profile=profile)
    return dict(vars(summary))


@task(name="privacy-purge")
def purge_task(config_path: str | None = None) -> dict:
    """Purge contacts past the retention period (``[privacy] retention_months``)."""
    with writer_slot():
        done = runner.purge(_config(config_path))
    return {"contacts_purged": done.contacts, "retention_months": done.months}


@flow(name="alert")
def alert_flow(profile: str | None = None, config_path: str | None = None) -> dict:
    """New hot signals of the profile, sent once by e-mail and/or webhook (``[alerts]``)."""
    with writer_slot():
        summary = runner.alert(_config(config_path), profile=profile)
    get_run_logger().info(str(summary))
    return dict(vars(summary))


@flow(name="export")
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
    """Write the prospects CSV (reads a consistent snapshot; never blocks a writer).
    ``export_format`` names a registered format (``leadpipe export --help`` lists them);
    ``filters`` maps a declared filter (industry, country, ...) to the values to keep."""
    result = runner.export(
        _config(config_path),
        output=Path(output) if output else None,
        profile=profile,
        funnel_stages=tuple(funnel_stages or ["prospect"]),
        export_format=export_format,
        filters=filters,
        changed=changed,
        excel=excel,
        provenance=provenance,
    )
    create_markdown_artifact(
        f"**{result.rows}** companies exported to `{result.path}`"
        + (
            " (from the latest snapshot: a writer held the warehouse)"
            if result.from_snapshot
            else ""
        ),
        key="export",
    )
    return {"path": str(result.path), "rows": result.rows, "from_snapshot": result.from_snapshot}
