"""Starting the local Prefect server: a start that fails leaves no server running.

``leadpipe up`` gives up when the server does not answer in time; the process it spawned
must not stay behind holding the port (seen on a crowded machine before this was fixed).
"""

from __future__ import annotations

from pathlib import Path

import pytest

from flows import local_prefect as lp


def _servers_on(port: int) -> list[int]:
    found = []
    for proc in Path("/proc").iterdir():
        if not proc.name.isdigit():
            continue
        try:
            argv = (proc / "cmdline").read_bytes().split(b"\0")
        except OSError:
            continue
        if b"server" in argv and str(port).encode() in argv:
            found.append(int(proc.name))
    return found


def test_a_server_that_does_not_answer_in_time_is_stopped(tmp_path):
    port = lp.free_port()
    with pytest.raises(lp.PrefectUpError, match="did not answer within"):
        lp.start_server(port, tmp_path / "home", tmp_path, timeout=0.5)
    assert _servers_on(port) == []
