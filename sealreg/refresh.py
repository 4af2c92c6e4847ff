"""One full refresh: the six steps in order under the refresh lock, with progress reporting."""

from __future__ import annotations

import time
from collections.abc import Callable
from dataclasses import dataclass, field

from sealreg.config import RunContext
from sealreg.faults import crash_point
from sealreg.lock import RefreshLock
from sealreg.steps import STEP_NAMES, STEPS


@dataclass
class RefreshResult:
    """What a refresh did, step by step."""

    ok: bool
    steps: dict[str, dict] = field(default_factory=dict)
    timings: dict[str, float] = field(default_factory=dict)
    error: Exception | None = None
    failed_step: str | None = None


class Reporter:
    """Receives progress events; the CLI renders them with rich, tests ignore them."""

    def step_started(self, name: str) -> None: ...
    def step_progress(self, name: str, done: int, total: int) -> None: ...
    def step_finished(self, name: str, result: dict, seconds: float) -> None: ...
    def step_failed(self, name: str, error: Exception) -> None: ...


def _progress_for(reporter: Reporter, name: str) -> Callable[[int, int], None]:
    def progress(done: int, total: int) -> None:
        reporter.step_progress(name, done, total)

    return progress


def run_refresh(ctx: RunContext, reporter: Reporter | None = None) -> RefreshResult:
    """Run every step in order; stop at the first failure (nothing is published then)."""
    reporter = reporter or Reporter()
    result = RefreshResult(ok=True)
    with RefreshLock(ctx.paths.lock):
        for name in STEP_NAMES:
            reporter.step_started(name)
            progress = _progress_for(reporter, name)
            started = time.perf_counter()
            crash_point(f"before:{name}")
            try:
                out = STEPS[name](ctx, progress=progress)
            except Exception as exc:  # the step's error is the run's result; report it and stop
                reporter.step_failed(name, exc)
                result.ok, result.error, result.failed_step = False, exc, name
                return result
            result.timings[name] = time.perf_counter() - started
            result.steps[name] = out
            crash_point(f"after:{name}")
            reporter.step_finished(name, out, result.timings[name])
    return result
