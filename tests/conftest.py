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
