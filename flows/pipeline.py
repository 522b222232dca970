"""The whole pipeline as one Prefect flow: crawl → load → resolve → enrich → score → (the
retention purge) → export, then the alert on new hot signals."""

from __future__ import annotations

from dataclasses import asdict

from prefect import flow
from prefect.artifacts import create_table_artifact

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


@flow(name="pipeline")
def pipeline_flow(
    sources: list[str] | None = None,
    profile: str | None = None,
    fetch_websites: bool = True,
    full: bool = False,
    config_path: str | None = None,
) -> dict:
    """Run every stage once; the demo world's server runs for the crawl and the enrichment."""
    config = load_config(config_path)
    chosen = list(sources or config.crawl.sources)
    with source_access(config, chosen) as access:
        crawled = crawl_flow(
            sources=chosen, full=full, access=asdict(access), config_path=config_path
        )
        loaded = load_flow(config_path=config_path)
        resolved = resolve_flow(config_path=config_path)
        enriched = enrich_flow(
            fetch_websites=fetch_websites, access=asdict(access), config_path=config_path
        )
    scored = score_flow(profile=profile, config_path=config_path)
    purged = purge_task(config_path=config_path)
    exported = export_flow(profile=profile, config_path=config_path)
    alerted = alert_flow(profile=profile, config_path=config_path)
    summary = {
        "crawl": crawled,
        "load": loaded,
        "resolve": resolved,
        "enrich": enriched,
        "score": scored,
        "purge": purged,
        "export": exported,
        "alert": alerted,
    }
    create_table_artifact(
        [{"stage": k, "result": str(v)[:500]} for k, v in summary.items()], key="pipeline-summary"
    )
    return summary
