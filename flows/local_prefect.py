"""A local Prefect server and process workers, started and stopped by their process ids.

``leadpipe up`` uses this to give ops the UI on one machine; the end-to-end test uses it to
run the deployments on two workers. The server, the UI and every client must agree on the API
address: the UI asks ``PREFECT_UI_API_URL`` (which follows ``PREFECT_API_URL``) and otherwise
calls port 4200, so both are set for the server as well as for the workers.
"""

from __future__ import annotations

import json
import os
import signal
import subprocess
import sys
import time
from collections.abc import Mapping
from dataclasses import asdict, dataclass, field
from pathlib import Path

import httpx

STATE_FILE = "prefect-up.json"
HOST = "127.0.0.1"


class PrefectUpError(RuntimeError):
    """The server or a worker did not come up; the message says which and where its log is."""


def api_url(port: int, host: str = HOST) -> str:
    return f"http://{host}:{port}/api"


def prefect_env(port: int, home: Path, base: Mapping[str, str] | None = None) -> dict[str, str]:
    """The environment for the server, its workers and clients: one API address for all."""
    env = dict(os.environ if base is None else base)
    url = api_url(port)
    env.update({
        "PREFECT_API_URL": url,
        "PREFECT_UI_API_URL": url,
        "PREFECT_HOME": str(home),
        "PREFECT_SERVER_ANALYTICS_ENABLED": "false",
    })
    return env


def prefect_cli() -> list[str]:
    """Prefect's CLI from this interpreter's environment."""
    return [sys.executable, "-m", "prefect"]


@dataclass
class Started:
    """What ``up`` started: the server and the workers, by process id (each leads its group)."""

    port: int
    home: str
    server_pid: int
    worker_pids: list[int] = field(default_factory=list)
    worker_names: list[str] = field(default_factory=list)
    logs: list[str] = field(default_factory=list)

    @property
    def api_url(self) -> str:
        return api_url(self.port)

    @property
    def ui_url(self) -> str:
        return f"http://{HOST}:{self.port}"

    def save(self, path: Path) -> None:
        path.parent.mkdir(parents=True, exist_ok=True)
        path.write_text(json.dumps(asdict(self), indent=1), encoding="utf-8")

    @classmethod
    def read(cls, path: Path) -> Started:
        return cls(**json.loads(path.read_text(encoding="utf-8")))


def _spawn(cmd: list[str], env: dict[str, str], log: Path, cwd: Path | None = None) -> int:
    """Start a process in its own session (it outlives the caller; its group is killable)."""
    log.parent.mkdir(parents=True, exist_ok=True)
    with open(log, "ab") as out:
        proc = subprocess.Popen(cmd, env=env, stdout=out, stderr=subprocess.STDOUT,
                                stdin=subprocess.DEVNULL, cwd=cwd, start_new_session=True)
    return proc.pid


def _alive(pid: int) -> bool:
    try:
        os.kill(pid, 0)
    except ProcessLookupError:
        return False
    except PermissionError:
        return True
    try:  # a child of ours that exited is a zombie until reaped
        done, _ = os.waitpid(pid, os.WNOHANG)
        return done == 0
    except ChildProcessError:
        return True


def port_in_use(port: int, host: str = HOST) -> bool:
    import socket

    with socket.socket() as sock:
        return sock.connect_ex((host, port)) == 0


def free_port(host: str = HOST) -> int:
    import socket

    with socket.socket() as sock:
        sock.bind((host, 0))
        return sock.getsockname()[1]


def wait_healthy(port: int, pid: int, log: Path, timeout: float = 120) -> None:
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        if not _alive(pid):
            raise PrefectUpError(f"the Prefect server exited; see {log}")
        try:
            if httpx.get(api_url(port) + "/health", timeout=2).status_code == 200:
                return
        except httpx.HTTPError:
            pass
        time.sleep(0.5)
    raise PrefectUpError(f"the Prefect server did not answer within {timeout:.0f}s; see {log}")


# A fresh server answers in ~16 s on an idle machine; on a crowded 2-core machine (load ~10)
# the same start took over 120 s, so the wait is generous.
SERVER_START_SECONDS = 300.0


def start_server(port: int, home: Path, logs: Path,
                 extra_env: Mapping[str, str] | None = None,
                 timeout: float = SERVER_START_SECONDS) -> int:
    """Start the server and wait until its API answers; ``extra_env`` adds server settings.
    A server that does not answer in time is stopped before the error is raised, so a failed
    start leaves nothing running."""
    log = logs / "prefect-server.log"
    pid = _spawn(prefect_cli() + ["server", "start", "--host", HOST, "--port", str(port)],
                 {**prefect_env(port, home), **(extra_env or {})}, log)
    try:
        wait_healthy(port, pid, log, timeout=timeout)
    except PrefectUpError:
        stop(pid)
        raise
    return pid


def start_worker(port: int, home: Path, logs: Path, pool: str, name: str,
                 limit: int | None = None, cwd: Path | None = None,
                 extra_env: Mapping[str, str] | None = None) -> int:
    """Start a process worker on ``pool``; its flow runs start in ``cwd``."""
    cmd = prefect_cli() + ["worker", "start", "--pool", pool, "--name", name, "--type", "process"]
    if limit:
        cmd += ["--limit", str(limit)]
    env = {**prefect_env(port, home), **(extra_env or {})}
    env.setdefault("PREFECT_WORKER_QUERY_SECONDS", "2")
    return _spawn(cmd, env, logs / f"prefect-{name}.log", cwd=cwd)


def stop(pid: int, grace: float = 20) -> None:
    """SIGTERM the process group ``pid`` leads, SIGKILL it if still there after ``grace``."""
    try:
        os.killpg(pid, signal.SIGTERM)
    except ProcessLookupError:
        return
    deadline = time.monotonic() + grace
    while time.monotonic() < deadline and _alive(pid):
        time.sleep(0.2)
    try:
        os.killpg(pid, signal.SIGKILL)
    except ProcessLookupError:
        pass
    if _alive(pid):
        time.sleep(0.2)


def stop_all(started: Started) -> None:
    """Workers first (their runs end cleanly while the API still answers), then the server."""
    for pid in started.worker_pids:
        stop(pid)
    stop(started.server_pid)
