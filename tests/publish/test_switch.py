"""switch_current, RegistryHome.current_release and housekeeping.clean_stale."""

from __future__ import annotations

import os
import subprocess
import sys
import threading

import pytest

from sealreg.config import RegistryHome
from sealreg.housekeeping import clean_stale
from sealreg.publish.release import build_release
from sealreg.publish.switch import SwitchError, switch_current


def test_no_current_yet(ctx):
    assert ctx.paths.current_release() is None


def test_switch_is_relative_and_survives_a_moved_home(ctx, tmp_path):
    rel = build_release(ctx)
    switch_current(ctx, rel)
    assert os.readlink(ctx.paths.current) == "releases/2026-03-01-001"
    moved = tmp_path / "moved-home"
    ctx.home.rename(moved)
    assert RegistryHome(moved).current_release() == (moved / "releases" / "2026-03-01-001").resolve()


def test_switch_refuses_bad_targets(ctx, tmp_path):
    rel = build_release(ctx)
    switch_current(ctx, rel)
    with pytest.raises(SwitchError):
        switch_current(ctx, tmp_path)  # not under releases/
    tmp = ctx.paths.releases / ".tmp-2026-03-01-002"
    tmp.mkdir()
    with pytest.raises(SwitchError):
        switch_current(ctx, tmp)
    (rel / "csv" / "services.csv.gz").write_text("tampered\n")
    with pytest.raises(SwitchError, match="csv/services.csv.gz"):
        switch_current(ctx, rel)
    assert ctx.paths.current_release() == rel.resolve()  # unchanged


def test_switch_is_atomic_for_readers(ctx):
    a = build_release(ctx)
    b = build_release(ctx)
    switch_current(ctx, a)
    stop = threading.Event()
    seen: set[str] = set()
    errors: list[BaseException] = []

    def reader():
        while not stop.is_set():
            try:
                target = os.readlink(ctx.paths.current)
                if not (ctx.paths.current / "manifest.json").is_file():
                    raise AssertionError("current resolves to an incomplete release")
                seen.add(target)
            except BaseException as e:  # noqa: BLE001 - any failure is a finding
                errors.append(e)
                return

    t = threading.Thread(target=reader)
    t.start()
    try:
        for i in range(50):
            switch_current(ctx, b if i % 2 == 0 else a, verify=False)
    finally:
        stop.set()
        t.join()
    assert errors == []
    assert seen <= {"releases/" + a.name, "releases/" + b.name}
    assert ctx.paths.current_release() == a.resolve()
    assert not list(ctx.home.glob("current.tmp-*"))


def test_clean_stale(ctx):
    a = build_release(ctx)
    switch_current(ctx, a)
    stale_tmp = ctx.paths.releases / ".tmp-2026-03-01-002"
    (stale_tmp / "parquet").mkdir(parents=True)
    # a run folder of a process that has exited
    proc = subprocess.run([sys.executable, "-c", "import os; print(os.getpid())"], capture_output=True, text=True)
    dead = ctx.paths.runs / f"2026-02-28-aaaaaaaaaaaa-{proc.stdout.strip()}"
    (dead / "dbt").mkdir(parents=True)
    # a run folder of a live process (pid 1 always exists), and one with an unexpected name
    live = ctx.paths.runs / "2026-02-28-bbbbbbbbbbbb-1"
    live.mkdir()
    odd = ctx.paths.runs / "scratch"
    odd.mkdir()
    dangling = ctx.home / "current.tmp-999999999"
    os.symlink("releases/nowhere", dangling)

    removed = clean_stale(ctx)

    assert set(removed) == {stale_tmp, dead, dangling}
    assert ctx.run_dir.is_dir()  # this run's own folder stays
    assert live.is_dir() and odd.is_dir()
    assert ctx.paths.current_release() == a.resolve()
    assert a.is_dir()


CHILD = """
import sys
from sealreg.config import RunContext
from sealreg.publish.release import build_release
from sealreg.publish.switch import switch_current
ctx = RunContext.create(home=sys.argv[1], inbox=sys.argv[1], as_of="2026-03-01", run_id=sys.argv[2],
                        pid=int(sys.argv[3]))
switch_current(ctx, build_release(ctx))
"""


@pytest.mark.parametrize(
    "point", ["publish:tables_written", "publish:before_rename", "publish:after_rename", "publish:link_created"]
)
def test_crash_inside_publish_keeps_last_release(ctx, point):
    a = build_release(ctx)
    switch_current(ctx, a)
    env = {**os.environ, "SEALREG_CRASH_AT": point}
    args = [sys.executable, "-c", CHILD, str(ctx.home), ctx.run_id, str(ctx.pid)]
    proc = subprocess.run(args, env=env, capture_output=True)
    assert proc.returncode == -9, proc.stderr.decode()
    assert ctx.paths.current_release() == a.resolve()  # readers still see the last good release
    from sealreg.publish.verify import verify_release

    assert verify_release(ctx.paths.current) == []
    clean_stale(ctx)
    assert not list(ctx.paths.releases.glob(".tmp-*"))
    assert not list(ctx.home.glob("current.tmp-*"))
    # a complete release renamed just before the crash stays (never current, harmless); the next gets a new id
    b = build_release(ctx)
    switch_current(ctx, b)
    renamed = point in ("publish:after_rename", "publish:link_created")
    assert b.name == ("2026-03-01-003" if renamed else "2026-03-01-002")
    assert ctx.paths.current_release() == b.resolve()
