"""Every deployment leadpipe registers, in one place: names, descriptions, tags, schedules and
the parameter form the Prefect UI shows.

Names say what a deployment does (``crawl-<source>`` per configured source, ``pipeline``,
``load``, ``resolve``, ``enrich``, ``score``, ``export``); flow names stay as they are. The
choices a form offers (configured sources, profiles, export formats) depend on the config, so
they are written into each deployment's parameter schema here; Prefect then rejects any other
value when a run is created. ``leadpipe serve`` serves these; ``leadpipe up`` registers them on
a process work pool.
"""

from __future__ import annotations

import copy
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from prefect.deployments.runner import EntrypointType, RunnerDeployment

from flows.pipeline import pipeline_flow
from flows.stages import (
    alert_flow,
    crawl_flow,
    enrich_flow,
    export_flow,
    load_flow,
    resolve_flow,
    score_flow,
)
from leadpipe.config import Config

WORK_POOL = "leadpipe"
TAG = "leadpipe"


@dataclass(frozen=True)
class Spec:
    """One deployment: which flow, its name, what it is for, and how it is started."""

    flow: Any
    name: str
    description: str
    tags: tuple[str, ...]
    parameters: dict[str, Any] = field(default_factory=dict)
    cron: str | None = None
    concurrency_limit: int | None = None


def specs(config: Config, config_path: str | None = None) -> list[Spec]:
    """The deployments for this config (one crawl per configured source)."""
    base = {"config_path": config_path} if config_path else {}
    out = [
        Spec(pipeline_flow, "pipeline",
             "Everything once: crawl every source (one flow run each), load, resolve, enrich, "
             "score, export and alert. Runs one at a time; a second run waits for the first.",
             (TAG, "pipeline"), dict(base), cron=config.schedule.pipeline_cron,
             concurrency_limit=1),
    ]
    for source in config.crawl.sources:
        out.append(Spec(crawl_flow, f"crawl-{source}",
                        f"Crawl {source} into a new landing run (does not touch the warehouse).",
                        (TAG, "crawl", source), {**base, "sources": [source]}))
    out += [
        Spec(load_flow, "load", "Load new landing files into the warehouse.",
             (TAG, "warehouse"), dict(base)),
        Spec(resolve_flow, "resolve", "Merge source records into companies (stable ids).",
             (TAG, "warehouse"), dict(base)),
        Spec(enrich_flow, "enrich", "Websites, industry and solvency for every company.",
             (TAG, "warehouse"), dict(base)),
        Spec(score_flow, "score", "Score every company against an ideal customer profile.",
             (TAG, "sales"), dict(base)),
        Spec(export_flow, "export", "Write the prospects file for the sales team.",
             (TAG, "sales"), dict(base)),
        Spec(alert_flow, "alert", "Send the profile's new hot signals once by e-mail and/or "
             "webhook ([alerts] in the config).", (TAG, "sales"), dict(base)),
    ]
    return out


def choices(config: Config) -> dict[str, list[str]]:
    """Parameter name → the values a form may offer, from this config."""
    from sales.export import format_names
    from sales.score import FUNNEL_STAGES

    return {
        "sources": list(config.crawl.sources),
        "profile": list(config.profile_names),
        "export_format": format_names(),
        "funnel_stages": list(FUNNEL_STAGES),
    }


def defaults(config: Config) -> dict[str, Any]:
    """What a form shows filled in when the flow's own default is 'the config's'."""
    return {"sources": list(config.crawl.sources), "profile": config.score.profile,
            "funnel_stages": ["prospect"]}


def _non_null(prop: dict[str, Any]) -> dict[str, Any]:
    """``anyOf [X, null]`` → ``X``: an empty field already means the flow's default, and the UI
    otherwise shows a type picker ("Property is type None") instead of the field."""
    options = prop.get("anyOf")
    if not options:
        return prop
    kept = [o for o in options if o.get("type") != "null"]
    if len(kept) != 1:
        return prop
    out = {k: v for k, v in prop.items() if k not in ("anyOf", "default")}
    out.update(kept[0])
    return out


def form_schema(schema: dict[str, Any], config: Config) -> dict[str, Any]:
    """A flow's parameter schema with the config's choices and defaults and no null types."""
    schema = copy.deepcopy(schema)
    allowed, filled = choices(config), defaults(config)
    for name, prop in list(schema.get("properties", {}).items()):
        prop = _non_null(prop)
        prop["title"] = name.replace("_", " ").capitalize()  # "Fetch websites", not a name
        if name in allowed:
            target = prop["items"] if prop.get("type") == "array" else prop
            target["enum"] = allowed[name]
        if name in filled and prop.get("default") is None:
            prop["default"] = filled[name]
        schema["properties"][name] = prop
    return schema


def deployment(spec: Spec, config: Config) -> RunnerDeployment:
    """A runnable deployment (module entrypoint: any worker with leadpipe installed finds it)."""
    dep = spec.flow.to_deployment(
        name=spec.name,
        description=spec.description,
        tags=list(spec.tags),
        parameters=spec.parameters,
        cron=spec.cron,
        concurrency_limit=spec.concurrency_limit,
        entrypoint_type=EntrypointType.MODULE_PATH,
    )
    dep._parameter_openapi_schema = type(dep._parameter_openapi_schema)(
        **form_schema(dep._parameter_openapi_schema.model_dump(exclude_unset=True), config)
    )
    return dep


def deployments(config: Config, config_path: str | None = None) -> list[RunnerDeployment]:
    return [deployment(s, config) for s in specs(config, config_path)]


def register(config: Config, config_path: str | None = None, work_pool: str = WORK_POOL,
             working_dir: Path | None = None) -> list[str]:
    """Register every deployment on ``work_pool`` (created as a process pool if missing);
    returns their full names (``flow/deployment``). Flow runs start in ``working_dir`` (the
    project folder: a relative data directory and ./leadpipe.toml resolve as for the CLI)."""
    ensure_process_pool(work_pool)
    names = []
    for dep in deployments(config, config_path):
        if working_dir is not None:
            dep.job_variables = {**(dep.job_variables or {}), "working_dir": str(working_dir)}
        dep.apply(work_pool_name=work_pool)
        names.append(f"{dep.flow_name}/{dep.name}")
    return names


def ensure_process_pool(name: str = WORK_POOL) -> None:
    from prefect.client.orchestration import get_client
    from prefect.client.schemas.actions import WorkPoolCreate
    from prefect.exceptions import ObjectNotFound

    with get_client(sync_client=True) as client:
        try:
            client.read_work_pool(name)
        except ObjectNotFound:
            client.create_work_pool(WorkPoolCreate(name=name, type="process"))
