"""A throw-away PostgreSQL cluster for the tests: ``initdb`` in a temporary folder, started
with ``pg_ctl`` on 127.0.0.1 and a free port, stopped (and its folder removed) afterwards.

PostgreSQL refuses to run as root: as root the cluster runs as ``nobody``, which owns its
folder. ``skip_reason()`` says in one line why no cluster can be started here (no binaries).
"""

from __future__ import annotations

import glob
import os
import shutil
import socket
import subprocess
import tempfile
import time
from pathlib import Path

UNPRIVILEGED = "nobody"


NEEDED = ("initdb", "pg_ctl", "createdb")


def binaries() -> Path | None:
    """The folder with initdb, pg_ctl and createdb: the newest Debian/Ubuntu install, else the
    folder the first of them on PATH really lives in."""
    found = sorted(glob.glob("/usr/lib/postgresql/*/bin/pg_ctl"),
                   key=lambda p: int(Path(p).parent.parent.name))
    candidates = [Path(p).parent for p in reversed(found)]
    on_path = shutil.which("pg_ctl")
    if on_path:
        candidates.append(Path(on_path).resolve().parent)
    return next((c for c in candidates if all((c / n).is_file() for n in NEEDED)), None)


def skip_reason() -> str | None:
    if binaries() is None:
        return "PostgreSQL server binaries (initdb, pg_ctl, createdb) are not installed"
    if os.geteuid() == 0 and shutil.which("runuser") is None:
        return "running as root without runuser, so PostgreSQL cannot be started"
    return None


def _free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


class PgCluster:
    """A running cluster while the ``with`` block runs; ``dsn`` is its libpq string."""

    def __init__(self) -> None:
        self.bin = binaries()
        assert self.bin is not None, skip_reason()
        self.root = Path(tempfile.mkdtemp(prefix="leadpipe-pg-"))
        self.data = self.root / "data"
        self.port = _free_port()
        self.user = UNPRIVILEGED if os.geteuid() == 0 else None

    @property
    def dsn(self) -> str:
        return f"host=127.0.0.1 port={self.port} dbname=postgres user=postgres"

    def database(self, name: str) -> str:
        """Create the database ``name``; return its connection string."""
        subprocess.run([str(self.bin / "createdb"), "-h", "127.0.0.1", "-p", str(self.port),
                        "-U", "postgres", name], check=True, capture_output=True, timeout=60)
        return self.dsn.replace("dbname=postgres", f"dbname={name}")

    def _run(self, *args: str) -> None:
        cmd = [str(self.bin / args[0]), *args[1:]]
        if self.user:
            cmd = ["runuser", "-u", self.user, "--", *cmd]
        subprocess.run(cmd, check=True, capture_output=True, timeout=120)

    def __enter__(self) -> PgCluster:
        if self.user:
            os.chmod(self.root, 0o755)
            shutil.chown(self.root, self.user)
        self._run("initdb", "-D", str(self.data), "-U", "postgres", "--auth=trust",
                  "-E", "UTF8", "--no-sync")
        options = (f"-p {self.port} -c listen_addresses=127.0.0.1 "
                   f"-c unix_socket_directories={self.root} -c fsync=off "
                   "-c max_connections=100")
        self._run("pg_ctl", "-D", str(self.data), "-o", options, "-w", "-t", "60",
                  "-l", str(self.root / "log"), "start")
        deadline = time.monotonic() + 30
        while time.monotonic() < deadline:
            try:
                socket.create_connection(("127.0.0.1", self.port), timeout=1).close()
                break
            except OSError:
                time.sleep(0.2)
        return self

    def __exit__(self, *exc: object) -> None:
        try:
            self._run("pg_ctl", "-D", str(self.data), "-m", "immediate", "-w", "stop")
        finally:
            shutil.rmtree(self.root, ignore_errors=True)
