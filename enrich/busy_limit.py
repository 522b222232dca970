"""How many sites one worker process fetches at once: as many as keep its core busy.

On the real web a site's fetch spends nearly all its time waiting on the network, so one
process needs many sites in flight to keep its core busy. On a fast local network it waits
hardly at all, and threads beyond one or two only hand the GIL to each other at every socket
read and write: eight threads cost about a third more CPU per site than one, for the same
work. So the number of sites in flight follows how busy the process is, the way a congestion
window follows the network: it grows while the process's CPU time falls short of the wall
time (it is waiting, more sites in flight would use the core), and shrinks when the core is
full. It never exceeds the configured thread count, and never falls below one.
"""

from __future__ import annotations

import threading
import time
from collections.abc import Callable
from types import TracebackType

# A process busier than this is using its core: one site fewer in flight.
FULL = 0.9
# Less busy than this, it is waiting: one more (twice as many when far below).
WAITING = 0.75
FAR_BELOW = 0.4
CHECK_SECONDS = 0.25  # how often the busy share is measured


class BusyLimit:
    """A gate for sites in flight: ``with limit:`` around each site's fetch and reading.

    ``most`` is the ceiling (the configured threads per process). ``cpu`` and ``clock`` are
    the process's CPU seconds and the wall clock (parameters so a test can drive them)."""

    def __init__(
        self,
        most: int,
        *,
        start: int = 2,
        cpu: Callable[[], float] = time.process_time,
        clock: Callable[[], float] = time.monotonic,
    ) -> None:
        self.most = max(1, most)
        self.limit = min(self.most, max(1, start))
        self.active = 0
        self._cpu, self._clock = cpu, clock
        self._cond = threading.Condition()
        self._since, self._cpu_since = clock(), cpu()

    def _adjust(self) -> None:
        """Compare the CPU time spent since the last check with the wall time (lock held)."""
        now = self._clock()
        wall = now - self._since
        if wall < CHECK_SECONDS:
            return
        busy = (self._cpu() - self._cpu_since) / wall
        self._since, self._cpu_since = now, self._cpu()
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
