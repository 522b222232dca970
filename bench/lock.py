"""Taking turns on a shared machine: an exclusive ``flock`` on a file named at run time.

A benchmark given ``--lock FILE`` holds it around each heavy part (a crawl, one repetition) and
lets go in between, so other heavy runs that lock the same file (``flock FILE command``) take
turns with it instead of waiting for the whole benchmark or sharing the cores with it.
"""

from __future__ import annotations

import contextlib
import fcntl
from collections.abc import Iterator


@contextlib.contextmanager
def held(lock: str | None) -> Iterator[None]:
    """An exclusive ``flock`` on the file ``lock`` while the block runs (nothing without one)."""
    if not lock:
        yield
        return
    with open(lock, "a") as f:
        fcntl.flock(f, fcntl.LOCK_EX)
        try:
            yield
        finally:
            fcntl.flock(f, fcntl.LOCK_UN)
