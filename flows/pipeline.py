"""The whole pipeline as one Prefect flow: crawl → load → resolve → enrich → score → (the
retention purge) → export, then the alert on new hot signals.

Crawls are one flow run per source. Run from a deployment (a worker on a work pool, or
``leadpipe serve``), each goes through its ``crawl-<source>`` deployment, so the workers of the
pool share them; run directly (``leadpipe pipeline``), they run here as one crawl flow. A
failed crawl fails its own run; the pipeline goes on with the other sources and ends ``Failed``
with "completed with failures: …" after exporting, so the UI shows it red with the reason.
"""

from __future__ import annotations

from dataclasses import asdict
from typing import Any

from prefect import flow, get_run_logger
from prefect.states import Failed, State

from enrich.normalise.words import plural
from flows import reports, run_names
from flows.stages import (
    alert_flow,
    crawl_flow,
    enrich_flow,
    export_flow,
    load_flow,
    purge_task,
    resolve_flow,
    score_flow,
)
from leadpipe.config import load_config
from leadpipe.demo.session import source_access

CRAWL_DEPLOYMENT = "crawl/crawl-{source}"  # flow name / deployment name (flows.deployments)
POLL_SECONDS = 1.0  # how often the pipeline looks at its crawl flow runs


def _crawl_deployments_registered(sources: list[str]) -> bool:
    """True when this run came from a deployment and every source has its crawl deployment."""
    from prefect.client.orchestration import get_client
    from prefect.exceptions import ObjectNotFound
    from prefect.runtime import deployment

    if not deployment.id:
        return False
    with get_client(sync_client=True) as client:
        try:
            for source in sources:
                client.read_deployment_by_name(CRAWL_DEPLOYMENT.format(source=source))
        except ObjectNotFound:
            return False
    return True


def _crawl_on_pool(sources: list[str], params: dict[str, Any]) -> dict[str, str]:
    """Start one crawl flow run per source at once and wait for them all: source → error ('')."""
    import time

    from prefect.client.orchestration import get_client
    from prefect.deployments import run_deployment

    started = {
        s: run_deployment(CRAWL_DEPLOYMENT.format(source=s),
                          parameters={**params, "sources": [s]}, timeout=0,
                          flow_run_name=f"crawl {s}")
        for s in sources
    }
    outcome: dict[str, str] = {}
    with get_client(sync_client=True) as client:
        while len(outcome) < len(started):
            for source, flow_run in started.items():
                if source in outcome:
                    continue
                state = client.read_flow_run(flow_run.id).state
                if state is not None and state.is_final():
                    outcome[source] = "" if state.is_completed() else (state.message or state.name)
            time.sleep(POLL_SECONDS)
    return outcome


def _crawl_here(sources: list[str], params: dict[str, Any]) -> dict[str, str]:
    """One crawl flow for every source, in this process: source → error ('')."""
    state = crawl_flow(sources=sources, **params, return_state=True)
    message = "" if state.is_completed() else (state.message or state.name)
    return {s: message for s in sources}


def _crawl_row(config: Any, run_id: str, source: str, run_error: str) -> dict:
    """A crawl's row from the report it left; its flow run's message only when it left none
    (the run's message repeats the report's errors, and in a shared run names every source)."""
    stats = reports.crawl_stats(config.landing_dir, run_id, source)
    return reports.crawl_row(source, stats, [run_error] if run_error and not stats else ())


def _stage_rows(crawl_rows: list[dict], loaded: dict, resolved: dict, enriched: dict,
                scored: dict, purged: dict, exported: dict,
                alerted: dict) -> list[dict[str, str]]:
    """One plain sentence per stage (counts in singular or plural, never "file(s)")."""
    failed = [r["Source"] for r in crawl_rows if r["Result"] != "ok"]
    items = sum(r["Items landed"] for r in crawl_rows)
    crawl = f"{plural(len(crawl_rows), 'source')}, {plural(items, 'item')} landed"
    crawl += f"; failed: {', '.join(failed)}" if failed else "; all finished"
    quarantined = loaded["quarantined"]
    return [
        {"Stage": "crawl", "Outcome": crawl},
        {"Stage": "load", "Outcome": (
            f"{plural(loaded['new_items'], 'new item')} from "
            f"{plural(loaded['files_loaded'], 'file')}; "
            + (f"{plural(quarantined, 'line')} quarantined" if quarantined
               else "no line quarantined"))},
        {"Stage": "resolve", "Outcome": (
            f"{plural(resolved['records'], 'record')} into "
            f"{plural(resolved['companies'], 'company', 'companies')}; "
            f"{plural(resolved['review_pairs'], 'pair')} to review")},
        {"Stage": "enrich", "Outcome": (
            f"{plural(enriched['companies'], 'company', 'companies')}; websites: "
            f"{enriched['websites_ok']} read, {enriched['websites_failed']} failed, "
            f"{enriched['websites_refused']} refused")},
        {"Stage": "score", "Outcome": (
            f"{plural(scored['companies'], 'company', 'companies')}: "
            f"{plural(scored['prospects'], 'prospect')}, {plural(scored['suspects'], 'suspect')}")},
        {"Stage": "privacy purge", "Outcome": (
            f"{plural(purged['contacts_purged'], 'contact')} not seen for "
            f"{plural(purged['retention_months'], 'month')} removed" if purged["retention_months"]
            else "no retention period set")},
        {"Stage": "export", "Outcome": (
            f"{plural(exported['rows'], 'company', 'companies')}, {exported['format']} format, "
            f"file {exported['path'].rsplit('/', 1)[-1]}")},
        {"Stage": "alert", "Outcome": _alert_outcome(alerted)},
    ]


def _alert_outcome(alerted: dict) -> str:
    if not alerted["new_signals"]:
        return "nothing new to alert"
    where = " and ".join(alerted["sent"]) or "nowhere (alerts are off)"
    failed = f"; failed: {'; '.join(alerted['errors'])}" if alerted["errors"] else ""
    return f"{plural(alerted['new_signals'], 'new signal')} sent by {where}{failed}"


@flow(name="pipeline", flow_run_name=run_names.pipeline)
def pipeline_flow(
    sources: list[str] | None = None,
    profile: str | None = None,
    fetch_websites: bool = True,
    refresh: bool = False,
    full: bool = False,
    config_path: str | None = None,
    export_format: str = "generic",
) -> dict | State:
    """Crawl, load, resolve, enrich, score and export once.

    Args:
        sources: Sources to crawl (default: the config's).
        profile: Ideal customer profile to score and export for (default: the config's).
        fetch_websites: Fetch each company's website while enriching.
        refresh: Fetch every website now, not only stale ones (changes become site events),
            as `leadpipe enrich --refresh` does.
        full: Crawl everything again, ignoring where the last crawl ended.
        config_path: Project config file (default: the one the deployment was registered with).
        export_format: File layout of the export: generic CSV or a CRM's import format.
    """
    from spiders.landing import new_run_id

    logger = get_run_logger()
    config = load_config(config_path)
    chosen = list(sources or config.crawl.sources)
    run_id = new_run_id("crawl")
    with source_access(config, chosen) as access:
        params = {"full": full, "access": asdict(access), "config_path": config_path,
                  "run_id": run_id}
        on_pool = _crawl_deployments_registered(chosen)
        logger.info("crawling %s %s", ", ".join(chosen),
                    "as one flow run per source on the work pool" if on_pool else "here")
        errors = (_crawl_on_pool if on_pool else _crawl_here)(chosen, params)
        crawl_rows = [_crawl_row(config, run_id, s, errors[s]) for s in chosen]
        reports.publish_crawl_table(crawl_rows, run_id)
        loaded = load_flow(config_path=config_path)
        resolved = resolve_flow(config_path=config_path)
        enriched = enrich_flow(
            fetch_websites=fetch_websites, refresh=refresh, access=asdict(access),
            config_path=config_path,
        )
    scored = score_flow(profile=profile, config_path=config_path)
    purged = purge_task(config_path=config_path)
    exported = export_flow(profile=profile, config_path=config_path, export_format=export_format)
    alerted = alert_flow(profile=profile, config_path=config_path)
    reports.publish_funnel(config, profile)
    reports.publish_pipeline(
        _stage_rows(crawl_rows, loaded, resolved, enriched, scored, purged, exported, alerted))
    summary = {"crawl": crawl_rows, "load": loaded, "resolve": resolved, "enrich": enriched,
               "score": scored, "purge": purged, "export": exported, "alert": alerted}
    failures = [f"{r['Source']} ({r['First error'] or 'did not finish'})"
                for r in crawl_rows if r["Result"] != "ok"]
    failures += [f"alert ({e})" for e in alerted["errors"]]
    if failures:
        message = "completed with failures: " + ", ".join(failures)
        logger.error(message)
        return Failed(message=message[:2000], data=summary)
    return summary
