"""What a benchmark's child process printed: the one ``RESULT {json}`` it ends with.

The children run stages whose DuckDB queries may take over two seconds, and DuckDB then draws
its progress bar on stdout with carriage returns, so the marker may not start a line: it is
found wherever it is, the last one wins.
"""

from __future__ import annotations

import json
import subprocess
from typing import Any

MARKER = "RESULT "


def result(done: subprocess.CompletedProcess, what: str) -> Any:
    """The JSON after the child's last ``RESULT ``; a ``RuntimeError`` naming ``what`` with the
    ends of its output when it failed or printed none."""
    found = done.stdout.rfind(MARKER) if done.returncode == 0 else -1
    if found < 0:
        how = f"exited {done.returncode}" if done.returncode else "printed no result"
        raise RuntimeError(f"{what} {how}:\n{done.stdout[-2000:]}\n{done.stderr[-3000:]}")
    return json.loads(done.stdout[found + len(MARKER):].splitlines()[0])
