"""Screenshots of the Prefect UI as ops see it, taken with headless Chromium (run by hand).

Needs a server with leadpipe's deployments and one finished pipeline run (``leadpipe up``, then
``prefect deployment run pipeline/pipeline --watch``). Writes into docs/img/:
deployments.png, pipeline-form.png, run-graph.png (the finished run's stage runs by name),
run-artifacts.png (the artifacts list) and one page per pipeline artifact.

    python scripts/screenshots.py --api http://127.0.0.1:4200/api
"""

from __future__ import annotations

import argparse
import os
import shutil
import subprocess
import sys
import tempfile
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
# The UI is a JavaScript app: give it virtual time to fetch and render before the shot.
CHROMIUM_FLAGS = [
    "--headless", "--no-sandbox", "--disable-gpu", "--disable-background-networking",
    "--disable-component-update", "--disable-sync", "--no-first-run", "--hide-scrollbars",
    "--virtual-time-budget=15000",
]
ARTIFACT_PAGES = ("pipeline-summary", "crawl-report", "resolution-summary", "top-prospects",
                  "export", "funnel")
# Window per artifact page: wide tables need width, the long markdown pages height.
ARTIFACT_SIZES = {"top-prospects": "1600,2700", "funnel": "1900,1300"}


def shoot(url: str, out: Path, size: str = "1440,1000") -> None:
    browser = shutil.which("chromium") or shutil.which("chromium-browser")
    if browser is None:
        raise SystemExit("chromium is not installed (apt-get install chromium)")
    with tempfile.TemporaryDirectory(prefix="leadpipe-chromium-") as profile:
        cmd = [browser, *CHROMIUM_FLAGS, f"--user-data-dir={profile}", f"--window-size={size}",
               f"--screenshot={out}", url]
        subprocess.run(cmd, check=True, timeout=120, capture_output=True)
    print(f"{out.relative_to(ROOT)}  <- {url}")


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--api", default=os.environ.get("PREFECT_API_URL",
                                                        "http://127.0.0.1:4200/api"))
    parser.add_argument("--out", type=Path, default=ROOT / "docs" / "img")
    args = parser.parse_args(argv)
    os.environ["PREFECT_API_URL"] = args.api
    from prefect.client.orchestration import get_client
    from prefect.client.schemas.filters import (
        ArtifactFilter,
        ArtifactFilterKey,
        DeploymentFilter,
        DeploymentFilterName,
        FlowRunFilter,
        FlowRunFilterState,
        FlowRunFilterStateType,
    )
    from prefect.client.schemas.objects import StateType
    from prefect.client.schemas.sorting import ArtifactSort, FlowRunSort

    ui = args.api.rstrip("/").removesuffix("/api")
    args.out.mkdir(parents=True, exist_ok=True)
    with get_client(sync_client=True) as client:
        (pipeline,) = client.read_deployments(
            deployment_filter=DeploymentFilter(name=DeploymentFilterName(any_=["pipeline"])))
        runs = client.read_flow_runs(
            deployment_filter=DeploymentFilter(name=DeploymentFilterName(any_=["pipeline"])),
            flow_run_filter=FlowRunFilter(state=FlowRunFilterState(
                type=FlowRunFilterStateType(any_=[StateType.COMPLETED, StateType.FAILED]))),
            sort=FlowRunSort.END_TIME_DESC, limit=1)
        if not runs:
            raise SystemExit("no finished pipeline run yet: run "
                             "`prefect deployment run pipeline/pipeline --watch` first")
        run = runs[0]
        artifacts = {}  # the latest of each (the pipeline's own and its stage runs')
        for key in ARTIFACT_PAGES:
            found = client.read_artifacts(
                artifact_filter=ArtifactFilter(key=ArtifactFilterKey(any_=[key])),
                sort=ArtifactSort.CREATED_DESC, limit=1)
            if found:
                artifacts[key] = found[0]
    shoot(f"{ui}/deployments", args.out / "deployments.png")
    shoot(f"{ui}/deployments/deployment/{pipeline.id}/run", args.out / "pipeline-form.png",
          "1440,1500")
    # The run page's top only: its graph of stage runs (the logs under it name server paths).
    shoot(f"{ui}/runs/flow-run/{run.id}", args.out / "run-graph.png", "1440,500")
    # The artifacts list, the latest of each key: the run page's own Artifacts tab cannot be
    # opened by its address (the UI falls back to Logs while the run loads).
    shoot(f"{ui}/artifacts", args.out / "run-artifacts.png", "1440,1100")
    for key in ARTIFACT_PAGES:
        if key in artifacts:
            shoot(f"{ui}/artifacts/artifact/{artifacts[key].id}", args.out / f"artifact-{key}.png",
                  ARTIFACT_SIZES.get(key, "1900,900"))
    return 0


if __name__ == "__main__":
    sys.exit(main())
