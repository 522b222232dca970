"""Shared test set-up: Prefect state inside a temp dir, a real Prefect harness on demand."""

from __future__ import annotations

import os
import tempfile

import pytest

# Before anything imports prefect: keep its home out of the user's, no analytics call.
os.environ.setdefault("PREFECT_HOME", tempfile.mkdtemp(prefix="leadpipe-prefect-"))
os.environ["PREFECT_SERVER_ANALYTICS_ENABLED"] = "false"
os.environ.setdefault("PREFECT_LOGGING_LEVEL", "WARNING")


@pytest.fixture(scope="session")
def prefect_harness():
    """A real, temporary Prefect API for flow tests (started once per session, ~15 s)."""
    from prefect.testing.utilities import prefect_test_harness

    with prefect_test_harness(server_startup_timeout=120):
        yield


# Property-based fuzzing (tests/test_fuzz.py): a short profile for every test run, a long one
# for the by-hand reliability run (LEADPIPE_FUZZ=long; see RELIABILITY.md).
from hypothesis import HealthCheck, settings  # noqa: E402

_FUZZ_CHECKS = [HealthCheck.too_slow, HealthCheck.data_too_large,
                HealthCheck.function_scoped_fixture]
settings.register_profile("ci", max_examples=50, deadline=5000, database=None,
                          suppress_health_check=_FUZZ_CHECKS, print_blob=True)
settings.register_profile("long", max_examples=2000, deadline=None, database=None,
                          suppress_health_check=_FUZZ_CHECKS, print_blob=True)
settings.load_profile(os.environ.get("LEADPIPE_FUZZ", "ci"))
