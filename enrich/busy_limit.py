"""How many sites one worker process fetches at once: as many as keep its core busy.

On the real web a site's fetch spends nearly all its time waiting on the network, so one
process needs many sites in flight to keep its core busy. On a fast local network it waits
hardly at all, and threads beyond one or two only hand the GIL to each other at every socket
read and write: eight threads cost about a third more CPU per site than one, for the same
work. So the number of sites in flight follows how busy the process is, the way a congestion
window follows the network: it grows while the process's CPU time falls short of the wall
time (it is waiting, more sites in flight would use the core), and shrinks when the core is
full. It never exceeds the configured thread count, and never falls below one.

A process that shares its cores with others also gets less CPU time than wall time, without
waiting on anything: the time its threads spent ready to run while another process had the
core (Linux's per-thread ``schedstat``) is taken off the wall time first, so a crowded machine
is not read as a slow network.
"""

from __future__ import annotations

import os
import threading
import time
from collections.abc import Callable
from pathlib import Path
from types import TracebackType

# A process busier than this is using its core: one site fewer in flight.
FULL = 0.9
# Less busy than this, it is waiting: one more (twice as many when far below).
WAITING = 0.75
FAR_BELOW = 0.4
CHECK_SECONDS = 0.25  # how often the busy share is measured
_TASKS = Path("/proc/self/task")


def ready_seconds() -> float:
    """Seconds this process's threads have spent ready to run but waiting for a core (0 where
    the system does not say: then a crowded machine looks like a slow network)."""
    total = 0
    try:
        tasks = os.listdir(_TASKS)
    except OSError:
        return 0.0
    for task in tasks:
        try:
            total += int((_TASKS / task / "schedstat").read_text().split()[1])
        except (OSError, IndexError, ValueError):  # a thread that just ended
            continue
    return total / 1e9


class BusyLimit:
    """A gate for sites in flight: ``with limit:`` around each site's fetch and reading.

    ``most`` is the ceiling (the configured threads per process). ``cpu``, ``ready`` and
    ``clock`` are the process's CPU seconds, the seconds its threads waited for a core
    (``ready_seconds``) and the wall clock (parameters so a test can drive them)."""

    def __init__(
        self,
        most: int,
        *,
        start: int = 2,
        cpu: Callable[[], float] = time.process_time,
        ready: Callable[[], float] = ready_seconds,
        clock: Callable[[], float] = time.monotonic,
    ) -> None:
        self.most = max(1, most)
        self.limit = min(self.most, max(1, start))
        self.active = 0
        self._cpu, self._ready, self._clock = cpu, ready, clock
        self._cond = threading.Condition()
        self._since, self._cpu_since, self._ready_since = clock(), cpu(), ready()

    def _adjust(self) -> None:
        """Compare the CPU time spent since the last check with the wall time (lock held)."""
        now = self._clock()
        wall = now - self._since
        if wall < CHECK_SECONDS:
            return
        cpu, ready = self._cpu(), self._ready()
        # the wall time the process could have used: less what it spent waiting for a core
        could = max(wall - max(0.0, ready - self._ready_since), wall * 0.05)
        busy = (cpu - self._cpu_since) / could
        self._since, self._cpu_since, self._ready_since = now, cpu, ready
        if busy > FULL and self.limit > 1:
            self.limit -= 1
        elif busy < WAITING and self.limit < self.most and self.active >= self.limit:
            # only when every permit is in use: an idle gate says nothing about the need
            self.limit = min(self.most, self.limit * 2 if busy < FAR_BELOW else self.limit + 1)
            self._cond.notify_all()

    def __enter__(self) -> BusyLimit:
        with self._cond:
            while True:
                self._adjust()
                if self.active < self.limit:
                    break
                self._cond.wait(CHECK_SECONDS)
            self.active += 1
        return self

    def __exit__(
        self,
        exc_type: type[BaseException] | None,
        exc: BaseException | None,
        tb: TracebackType | None,
    ) -> None:
        with self._cond:
            self._adjust()  # before this site leaves: were all permits in use?
            self.active -= 1
            self._cond.notify()
