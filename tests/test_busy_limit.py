"""The number of sites a process fetches at once follows how busy it is: more while it waits on
the network, fewer when its core is full, never above the configured threads nor below one.

The gate's own rule is driven by a clock and a CPU counter the test moves; the last test runs
real threads against a slow 127.0.0.1 server, where the sites in flight must grow to the
ceiling (a latency-bound network needs them) while one host is still never fetched twice at
once.
"""

from __future__ import annotations

import os
import subprocess
import sys
import threading
import time
from pathlib import Path
from urllib.parse import urlsplit

import pytest
from localhttp import LocalServer, QuietHandler

from enrich.busy_limit import CHECK_SECONDS, BusyLimit
from enrich.site_pool import FetchOptions, read_here


class _Clock:
    def __init__(self) -> None:
        self.wall = 0.0
        self.cpu = 0.0
        self.ready = 0.0

    def spend(self, wall: float, busy: float, crowded: float = 0.0) -> None:
        """``wall`` seconds pass, with the process busy for ``busy`` of them and ready to run
        but waiting for a core (other processes had it) for ``crowded`` of them."""
        self.wall += wall
        self.cpu += wall * busy
        self.ready += wall * crowded


def _gate(most: int, clock: _Clock, start: int = 2) -> BusyLimit:
    return BusyLimit(most, start=start, cpu=lambda: clock.cpu, ready=lambda: clock.ready,
                     clock=lambda: clock.wall)


def _hold(gate: BusyLimit, clock: _Clock, busy: float, rounds: int, crowded: float = 0.0
          ) -> list[int]:
    """Keep every permit in use for ``rounds`` checks at ``busy``; the limit after each."""
    seen = []
    for _ in range(rounds):
        entered = []
        while gate.active < gate.limit:
            entered.append(gate.__enter__())
        clock.spend(CHECK_SECONDS, busy, crowded)
        for g in entered:
            g.__exit__(None, None, None)
        seen.append(gate.limit)
    return seen


def test_a_waiting_process_gets_more_sites_in_flight_up_to_the_ceiling():
    clock = _Clock()
    gate = _gate(8, clock)
    seen = _hold(gate, clock, busy=0.05, rounds=6)
    assert seen[:3] == [4, 8, 8]  # far below busy: doubles
    assert max(seen) == 8 and gate.limit == 8  # never above the ceiling


def test_a_nearly_busy_process_grows_one_at_a_time():
    clock = _Clock()
    gate = _gate(8, clock)
    assert _hold(gate, clock, busy=0.6, rounds=3) == [3, 4, 5]


def test_a_busy_process_drops_to_one_and_no_lower():
    clock = _Clock()
    gate = _gate(8, clock, start=8)
    seen = _hold(gate, clock, busy=1.0, rounds=10)
    assert seen[:3] == [7, 6, 5]
    assert gate.limit == 1 and min(seen) == 1


def test_a_crowded_machine_is_not_read_as_a_slow_network():
    """Half the wall time on the core, the other half waiting for it: the core is full."""
    clock = _Clock()
    gate = _gate(8, clock, start=4)
    assert _hold(gate, clock, busy=0.5, rounds=3, crowded=0.5) == [3, 2, 1]


@pytest.mark.skipif(not Path("/proc/self/task").is_dir(), reason="Linux's per-thread counters")
def test_the_time_spent_waiting_for_a_core_is_read_off_this_process():
    """With more busy processes than cores, this one waits for a core: the counter grows by
    the wall time it spent ready to run without a core, which with its CPU time makes up the
    wall time."""
    from enrich.busy_limit import ready_seconds

    spin = "import time\nend = time.monotonic() + 3\nwhile time.monotonic() < end: pass"
    hogs = [subprocess.Popen([sys.executable, "-c", spin]) for _ in range(os.cpu_count() or 1)]
    try:
        time.sleep(0.3)  # the others are running
        first, cpu, start = ready_seconds(), time.process_time(), time.monotonic()
        while time.monotonic() < start + 1.0:
            pass
        waited, worked = ready_seconds() - first, time.process_time() - cpu
        wall = time.monotonic() - start
    finally:
        for hog in hogs:
            hog.kill()
            hog.wait()
    assert waited > 0.1, (waited, worked, wall)
    # the wait is the wall time it did not get, not its own CPU time
    assert abs(waited + worked - wall) < 0.15, (waited, worked, wall)


def test_a_process_neither_waiting_nor_full_keeps_its_limit():
    clock = _Clock()
    gate = _gate(8, clock, start=3)
    assert _hold(gate, clock, busy=0.8, rounds=4) == [3, 3, 3, 3]


def test_an_idle_gate_does_not_grow():
    """Few sites left (permits unused): low CPU says nothing about the need."""
    clock = _Clock()
    gate = _gate(8, clock)
    for _ in range(5):
        with gate:
            clock.spend(CHECK_SECONDS, 0.01)
    assert gate.limit == 2


def test_the_ceiling_holds_for_a_start_above_it():
    clock = _Clock()
    assert _gate(3, clock, start=10).limit == 3
    assert _gate(0, clock).limit == 1


class _Slow(QuietHandler):
    """A slow network: every answer takes 0.1 s. Counts requests in flight, in all and per
    host."""

    lock = threading.Lock()
    in_flight = 0
    most = 0
    per_host: dict[str, int] = {}
    most_per_host = 0

    def do_GET(self):  # noqa: N802 - http.server API
        host = urlsplit(self.path).hostname or ""
        cls = type(self)
        with cls.lock:
            cls.in_flight += 1
            cls.most = max(cls.most, cls.in_flight)
            cls.per_host[host] = cls.per_host.get(host, 0) + 1
            cls.most_per_host = max(cls.most_per_host, cls.per_host[host])
        time.sleep(0.1)
        with cls.lock:
            cls.in_flight -= 1
            cls.per_host[host] -= 1
        body = b"User-agent: *\nAllow: /\n" if self.path.endswith("/robots.txt") else (
            b"<html><body><p>Hello.</p></body></html>")
        self.reply(200, body, {"Content-Type": "text/html; charset=utf-8"})


def test_on_a_slow_network_the_sites_in_flight_grow_to_the_threads():
    websites = [f"http://slow{n}.test/" for n in range(40)]
    with LocalServer(_Slow) as server:
        options = FetchOptions("leadpipe-test", server.url, ("127.0.0.1",), workers=8)
        got = dict(read_here(websites, options, lambda site: site.status))
    assert sorted(got) == sorted(websites) and set(got.values()) == {"ok"}
    assert _Slow.most == 8  # waiting on the network: every thread at work
    assert _Slow.most_per_host == 1  # and still one request at a time per host
