"""Crash safety and concurrency: SIGKILL at every stage never costs the published release.

A reference home runs two nights without interruption. A second home runs night 1, then night 2
is killed at several points; after each kill `current` is still the last complete release and
readable. A final uninterrupted run publishes exactly what the reference published. Night 1 of every
home is a copy of the session's sample home (the same refresh of the samples on NIGHT_1).
"""

from __future__ import annotations

import json
import os
import signal
import subprocess
import sys
import threading
import time
from pathlib import Path

import duckdb
import pytest

from tests.helpers import SAMPLE_AS_OF, SAMPLES, copy_home, sealreg_cli

NIGHT_1, NIGHT_2 = SAMPLE_AS_OF, "2026-11-29"
EXE = str(Path(sys.executable).parent / "sealreg")


def _start(home: Path, as_of: str, crash_at: str | None = None) -> subprocess.Popen:
    env = {**os.environ}
    if crash_at:
        env["SEALREG_CRASH_AT"] = crash_at
    return subprocess.Popen([EXE, "refresh", "--inbox", str(SAMPLES), "--home", str(home), "--as-of", as_of],
                            stdout=subprocess.PIPE, stderr=subprocess.STDOUT, text=True, env=env)


def _refresh(home: Path, as_of: str) -> None:
    proc = sealreg_cli("refresh", "--inbox", str(SAMPLES), "--home", str(home), "--as-of", as_of)
    assert proc.returncode == 0, proc.stdout + proc.stderr


def _kill_when(proc: subprocess.Popen, condition, timeout: float = 300) -> bool:
    """SIGKILL `proc` as soon as condition() holds; True if it was killed while still running."""
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline and proc.poll() is None:
        if condition():
            proc.send_signal(signal.SIGKILL)
            proc.wait()
            return True
        time.sleep(0.005)
    proc.wait()
    return False


def _release_is_complete(release: Path) -> None:
    manifest = json.loads((release / "manifest.json").read_text())
    con = duckdb.connect(str(release / "registry.duckdb"), read_only=True)
    try:
        for table, count in manifest["row_counts"].items():
            assert con.execute(f'select count(*) from "{table}"').fetchone()[0] == count, table
    finally:
        con.close()


def _csvs(home: Path) -> dict[str, bytes]:
    return {p.name: p.read_bytes() for p in sorted((home / "current" / "csv").glob("*.csv.gz"))}


def _refused_while_running(first: subprocess.Popen, home: Path) -> tuple[subprocess.CompletedProcess, float]:
    """A second `sealreg refresh` of `home`, started once `first` holds the lock: (its result, its seconds)."""
    deadline = time.monotonic() + 120
    while not (home / "lock").exists() or not (home / "lock").read_text().strip():
        assert time.monotonic() < deadline and first.poll() is None, "first refresh never took the lock"
        time.sleep(0.05)
    started = time.monotonic()
    second = sealreg_cli("refresh", "--inbox", str(SAMPLES), "--home", str(home), "--as-of", NIGHT_2)
    return second, time.monotonic() - started


@pytest.fixture(scope="module")
def reference(sample_home, tmp_path_factory):
    """Two uninterrupted nights, with analysts reading `current` in a loop during the second, and a second
    refresh started while the second night runs."""
    home = copy_home(sample_home, tmp_path_factory.mktemp("reference") / "home")
    reads, errors, stop = [], [], threading.Event()

    def reader():
        while not stop.is_set():
            try:
                release = (home / "current").resolve()
                _release_is_complete(release)
                reads.append(release.name)
            except Exception as exc:  # any failure to read is what this test is looking for
                errors.append(repr(exc))

    thread = threading.Thread(target=reader)
    thread.start()
    try:
        night_2 = _start(home, NIGHT_2)
        try:
            second, second_seconds = _refused_while_running(night_2, home)
        finally:
            output, _ = night_2.communicate(timeout=600)
    finally:
        stop.set()
        thread.join()
    assert night_2.returncode == 0, output
    return {"home": home, "reads": reads, "errors": errors, "pid": night_2.pid, "second": second,
            "second_seconds": second_seconds}


def test_analysts_reading_current_during_a_refresh_are_never_blocked(reference):
    assert reference["errors"] == []
    assert len(reference["reads"]) > 10
    assert len(set(reference["reads"])) in (1, 2)  # the old release, then the new one: never a mix


def test_a_second_refresh_exits_at_once_while_one_runs(reference):
    """The reference's second night held the lock (and still published: its fixture asserts it)."""
    second = reference["second"]
    assert second.returncode == 1
    assert "another refresh is running" in second.stderr
    assert str(reference["pid"]) in second.stderr
    assert reference["second_seconds"] < 30


KILLS = [
    ("during ingest", None, lambda home: any((home / "runs").glob("*/warehouse.duckdb"))),
    ("after dbt build", "after:build", None),
    ("after the final gate", "after:validate_final", None),
    ("during publish", None, lambda home: any((home / "releases").glob(".tmp-*"))),
    ("between writing the release and switching current", "publish:before_switch", None),
]


@pytest.fixture(scope="module")
def crashed(sample_home, tmp_path_factory):
    """Night 1, then night 2 killed at each point of KILLS in turn; `after_kills` is a copy of the home as the
    last kill left it (a complete night-2 release that is not current)."""
    root = tmp_path_factory.mktemp("crashed")
    home = copy_home(sample_home, root / "home")
    good = os.readlink(home / "current")
    night_1 = _baseline(home)
    outcomes = []
    for label, crash_at, condition in KILLS:
        proc = _start(home, NIGHT_2, crash_at)
        if condition:
            killed = _kill_when(proc, lambda c=condition: c(home))
        else:
            proc.wait(timeout=600)
            killed = proc.returncode == -signal.SIGKILL
        outcomes.append({"label": label, "killed": killed, "current": os.readlink(home / "current"),
                         "visible_releases": sorted(p.name for p in (home / "releases").iterdir()
                                                    if not p.name.startswith(".")),
                         "baseline": _baseline(home)})
    return {"home": home, "good": good, "outcomes": outcomes, "night_1": night_1,
            "after_kills": copy_home(home, root / "after-kills")}


def test_every_kill_leaves_the_last_complete_release_current(crashed):
    for outcome in crashed["outcomes"]:
        assert outcome["killed"], f"{outcome['label']}: the refresh finished before it could be killed"
        assert outcome["current"] == crashed["good"], outcome["label"]
        _release_is_complete((crashed["home"] / "current").resolve())


def test_killed_runs_leave_no_visible_half_release(crashed):
    good_name = Path(crashed["good"]).name
    for outcome in crashed["outcomes"][:4]:
        assert outcome["visible_releases"] == [good_name], outcome
    # killed between writing and switching: the release is complete, just not current yet
    last = crashed["outcomes"][4]["visible_releases"]
    assert good_name in last and len(last) == 2
    _release_is_complete(crashed["home"] / "releases" / [n for n in last if n != good_name][0])


def test_the_next_refresh_recovers_and_publishes_what_an_uninterrupted_run_would(crashed, reference):
    home = crashed["home"]
    _refresh(home, NIGHT_2)
    assert _csvs(home) == _csvs(reference["home"])
    assert not list((home / "runs").iterdir()), "stale run folders are cleaned"
    assert not list((home / "releases").glob(".tmp-*")), "half-written releases are cleaned"


def _baseline(home: Path) -> tuple[int, str | None]:
    """(inode of the baseline warehouse, release it belongs to)."""
    marker = home / "warehouse" / "baseline.json"
    release = json.loads(marker.read_text())["release_id"] if marker.exists() else None
    return (home / "warehouse" / "registry.duckdb").stat().st_ino, release


def test_the_history_baseline_moves_only_with_a_published_release(crashed):
    night_1 = crashed["night_1"]
    assert night_1[1] == Path(crashed["good"]).name
    # killed at every point before the switch, the last with the release written but not current: nobody saw
    # night 2, the baseline stays
    assert [(o["label"], o["baseline"]) for o in crashed["outcomes"]] == [(label, night_1) for label, *_ in KILLS]
    # killed after the switch, before history was recorded: the next refresh finishes the job first
    home = crashed["after_kills"]
    before = _baseline(home)
    assert before[1] == night_1[1]
    proc = _start(home, NIGHT_2, "after:publish")
    proc.wait(timeout=600)
    assert proc.returncode == -signal.SIGKILL
    published = (home / "current").resolve().name
    assert published != Path(night_1[1]).name and _baseline(home) == before
    from sealreg.config import RunContext
    from sealreg.steps import recover_baseline

    recover_baseline(RunContext.create(home=home, inbox=SAMPLES, as_of=NIGHT_2))  # what the next ingest does first
    inode, release = _baseline(home)
    assert inode != before[0] and release == published
