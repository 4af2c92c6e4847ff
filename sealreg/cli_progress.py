"""Rich progress display for a refresh: one line per step, a bar while a step reports progress."""

from __future__ import annotations

from rich.console import Console
from rich.progress import (
    BarColumn,
    MofNCompleteColumn,
    Progress,
    SpinnerColumn,
    TextColumn,
    TimeElapsedColumn,
)

from sealreg.refresh import Reporter

LABELS = {
    "ingest": "Validate and ingest disclosures",
    "validate_raw": "Quality gate: raw data",
    "build": "dbt build (scores, levels, history)",
    "validate_final": "Quality gate: registry tables",
    "publish": "Publish release",
    "record_history": "Record history of the published release",
}


class RichReporter(Reporter):
    """Renders step progress on a rich console (plain lines when not a terminal)."""

    def __init__(self, console: Console):
        self.console = console
        self.progress = Progress(
            SpinnerColumn(), TextColumn("{task.description}"), BarColumn(), MofNCompleteColumn(),
            TimeElapsedColumn(), console=console, transient=True,
        )
        self._task = None

    def __enter__(self) -> "RichReporter":
        self.progress.start()
        return self

    def __exit__(self, *exc) -> None:
        self.progress.stop()

    def step_started(self, name: str) -> None:
        self._task = self.progress.add_task(LABELS.get(name, name), total=None)

    def step_progress(self, name: str, done: int, total: int) -> None:
        if self._task is not None:
            self.progress.update(self._task, completed=done, total=total)

    def step_finished(self, name: str, result: dict, seconds: float) -> None:
        self._drop_task()
        detail = _detail(name, result)
        self.progress.console.print(f"✓ {LABELS.get(name, name):<38} {seconds:6.1f} s  {detail}", style="green")

    def step_failed(self, name: str, error: Exception) -> None:
        self._drop_task()
        self.progress.console.print(f"✗ {LABELS.get(name, name):<38} failed", style="red")

    def _drop_task(self) -> None:
        if self._task is not None:
            self.progress.remove_task(self._task)
            self._task = None


def _detail(name: str, result: dict) -> str:
    if name == "ingest":
        reused = f", {result['reused']} unchanged reused" if result.get("reused") else ""
        return (f"{result.get('files', 0)} files: {result.get('accepted', 0)} accepted, "
                f"{result.get('rejected', 0)} rejected{reused}; {result.get('decisions', 0)} decisions")
    if name in ("validate_raw", "validate_final"):
        return f"{result.get('successful', '?')}/{result.get('evaluated', '?')} expectations met"
    if name == "build":
        return f"{result.get('nodes', 0)} dbt nodes"
    if name == "publish":
        return f"release {result.get('release_id')}"
    return ""
