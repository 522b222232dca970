"""Flow run names that read well in the run list and the pipeline's run graph ("score profile
default", "crawl demo_expo") instead of Prefect's random ones ("crimson-otter").

Each is a ``flow_run_name=`` callable: Prefect calls it as the run starts, and
``prefect.runtime.flow_run.parameters`` holds only the parameters passed to the run, so a
missing profile is named after the config's default, as the flow itself will choose it.
"""

from __future__ import annotations

from typing import Any


def _parameters() -> dict[str, Any]:
    from prefect.runtime import flow_run

    return dict(flow_run.parameters or {})


def _profile(params: dict[str, Any]) -> str:
    """The profile the run scores or exports for: the one passed, else the config's."""
    if params.get("profile"):
        return str(params["profile"])
    from leadpipe.config import ConfigError, load_config

    try:
        return load_config(params.get("config_path")).score.profile
    except (ConfigError, OSError, ValueError):
        return "the configured profile"


def crawl() -> str:
    sources = _parameters().get("sources") or []
    return "crawl " + (", ".join(sources) if sources else "configured sources")


def pipeline() -> str:
    return f"pipeline, profile {_profile(_parameters())}"


def load() -> str:
    return "load landing files"


def resolve() -> str:
    return "resolve companies"


def enrich() -> str:
    fetch = _parameters().get("fetch_websites", True)
    return "enrich companies" + ("" if fetch else " (stored websites only)")


def score() -> str:
    return f"score profile {_profile(_parameters())}"


def export() -> str:
    params = _parameters()
    return f"export profile {_profile(params)} as {params.get('export_format') or 'generic'}"


def alert() -> str:
    return f"alert profile {_profile(_parameters())}"
