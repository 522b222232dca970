"""CLI commands ``up`` and ``down``: a local Prefect server, a process work pool and a worker
with every deployment registered, started and stopped by their process ids."""

from __future__ import annotations

import os
from pathlib import Path
from typing import Annotated

import typer

from enrich.normalise.words import plural
from leadpipe.commands._common import ConfigOption, console, fail, get_config

WORKER_NAME = "leadpipe-worker-1"


def _state_file(data_dir: Path) -> Path:
    from flows.local_prefect import STATE_FILE

    return data_dir / STATE_FILE


def up(
    port: Annotated[int, typer.Option(help="Port of the Prefect server and UI")] = 4200,
    config: ConfigOption = None,
) -> None:
    """Start a local Prefect server, a process work pool and a worker; register every deployment.

    The process ids go to <data_dir>/prefect-up.json; `leadpipe down` stops them.

    \b
    Examples:
      leadpipe up
      leadpipe up --port 4300
    """
    from flows import local_prefect as lp

    cfg = get_config(config)
    state_path = _state_file(cfg.data_dir)
    if state_path.exists():
        running = lp.Started.read(state_path)
        if lp._alive(running.server_pid):
            fail(f"already up at {running.ui_url} (run `leadpipe down` first)")
    if not 1 <= port <= 65535:
        fail(f"--port {port} is not a port number", code=2)
    if lp.port_in_use(port):
        fail(f"port {port} is in use on {lp.HOST}: choose another with --port", code=2)
    home = Path(os.environ.get("PREFECT_HOME") or cfg.data_dir / "prefect").resolve()
    logs = cfg.data_dir.resolve()
    console.print(f"starting the Prefect server on {lp.HOST}:{port} …")
    try:
        server = lp.start_server(port, home, logs)
    except lp.PrefectUpError as exc:
        fail(str(exc))
    started = lp.Started(port=port, home=str(home), server_pid=server,
                         logs=[str(logs / "prefect-server.log")])
    started.save(state_path)
    try:
        names = _register(cfg, config, port, home)
        pid = lp.start_worker(port, home, logs, pool=_pool(), name=WORKER_NAME, cwd=Path.cwd())
    except Exception as exc:  # noqa: BLE001 - stop what was started, then say why
        lp.stop_all(started)
        state_path.unlink(missing_ok=True)
        fail(f"could not register the deployments: {exc}")
    started.worker_pids.append(pid)
    started.worker_names.append(WORKER_NAME)
    started.logs.append(str(logs / f"prefect-{WORKER_NAME}.log"))
    started.save(state_path)
    console.print(f"{len(names)} deployments on work pool '{_pool()}', worker {WORKER_NAME}")
    console.print(f"[bold green]Prefect UI:[/] {started.ui_url}")
    console.print(f"for the CLI and `prefect` commands: export PREFECT_API_URL={started.api_url}")
    console.print(f"stop with: leadpipe down   (process ids in {state_path})")


def _pool() -> str:
    from flows.deployments import WORK_POOL

    return WORK_POOL


def _register(cfg, config: Path | None, port: int, home: Path) -> list[str]:
    """Register against the new server: this process talks to it from here on."""
    from flows.local_prefect import prefect_env

    os.environ.update({k: v for k, v in prefect_env(port, home, base={}).items()
                       if k != "PREFECT_HOME"})
    from prefect.settings import PREFECT_API_URL, temporary_settings

    from flows.deployments import register
    from flows.stages import ensure_writer_limit

    with temporary_settings(updates={PREFECT_API_URL: os.environ["PREFECT_API_URL"]}):
        ensure_writer_limit()
        config_path = str(cfg.source.resolve()) if config else None
        return register(cfg, config_path, working_dir=Path.cwd())


def down(config: ConfigOption = None) -> None:
    """Stop what `leadpipe up` started, by its process ids: the worker first, then the server.

    \b
    Example:
      leadpipe down
    """
    from flows import local_prefect as lp

    cfg = get_config(config)
    state_path = _state_file(cfg.data_dir)
    if not state_path.exists():
        console.print(f"nothing to stop: no {state_path}")
        return
    try:
        started = lp.Started.read(state_path)
    except (ValueError, TypeError) as exc:
        fail(f"{state_path}: not a file `leadpipe up` wrote ({exc})", code=2)
    lp.stop_all(started)
    state_path.unlink(missing_ok=True)
    console.print(f"stopped {plural(len(started.worker_pids), 'worker')} and the server on port "
                  f"{started.port}")


def register(app: typer.Typer) -> None:
    app.command(rich_help_panel="Run")(up)
    app.command(rich_help_panel="Run")(down)
