"""Deployment tests: compose/Dockerfile structure and the loopback smoke test of the same topology."""

from __future__ import annotations

import pytest

WALL_TIMES_KEY = pytest.StashKey[list]()


def pytest_configure(config: pytest.Config) -> None:
    config.addinivalue_line(
        "markers",
        "slow: starts real processes (Postgres, Airflow api-server/scheduler/dag-processor/triggerer); minutes",
    )
    config.stash[WALL_TIMES_KEY] = []


@pytest.fixture
def wall_times(request: pytest.FixtureRequest) -> list:
    """Lines appended here are printed in the terminal summary (visible without -s)."""
    return request.config.stash[WALL_TIMES_KEY]


def pytest_terminal_summary(terminalreporter, exitstatus, config: pytest.Config) -> None:
    lines = config.stash.get(WALL_TIMES_KEY, [])
    if lines:
        terminalreporter.section("deployment smoke test timings")
        for line in lines:
            terminalreporter.write_line(line)
