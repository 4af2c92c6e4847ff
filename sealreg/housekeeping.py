"""Clean-up of a registry home: what crashed or killed runs leave behind."""

from __future__ import annotations

import errno
import logging
import os
import re
import shutil
from pathlib import Path
from typing import TYPE_CHECKING

from sealreg.durable import fsync_dir

if TYPE_CHECKING:
    from sealreg.config import RunContext

log = logging.getLogger(__name__)

_RUN_PID = re.compile(r"-(\d+)$")
_TMP_LINK_PID = re.compile(r"\.tmp-(\d+)$")


def _pid_alive(pid: int) -> bool:
    if pid <= 0:
        return False
    try:
        os.kill(pid, 0)
    except ProcessLookupError:
        return False
    except PermissionError:
        return True  # exists, owned by someone else
    except OSError as e:  # pragma: no cover - other platforms
        return e.errno != errno.ESRCH
    return True


def clean_stale(ctx: "RunContext") -> list[Path]:
    """Remove what crashed runs left behind; return the removed paths.

    - `releases/.tmp-*` folders (unfinished releases; never a target of `current`),
    - `current.tmp-*` links left by an interrupted switch,
    - `runs/<run_id>` folders whose process (the `-<pid>` suffix of the run id) is gone, except this
      run's own folder.

    Call it while holding the refresh lock: it assumes no other publish is under way.
    """
    removed: list[Path] = []
    current = ctx.paths.current_release()
    releases = ctx.paths.releases
    if releases.is_dir():
        for child in sorted(releases.iterdir()):
            if not child.name.startswith(".tmp-"):
                continue
            if current is not None and child.resolve() == current:  # cannot happen; be safe anyway
                continue
            if child.is_dir() and not child.is_symlink():
                shutil.rmtree(child)
            else:
                child.unlink()
            removed.append(child)
    if ctx.home.is_dir():
        for child in sorted(ctx.home.glob(f"{ctx.paths.current.name}.tmp-*")):
            if child.is_symlink() or child.is_file():
                m = _TMP_LINK_PID.search(child.name)
                if m and _pid_alive(int(m.group(1))) and int(m.group(1)) != os.getpid():
                    continue
                child.unlink()
                removed.append(child)
    runs = ctx.paths.runs
    if runs.is_dir():
        own = ctx.run_dir.resolve() if ctx.run_id else None
        for child in sorted(runs.iterdir()):
            if not child.is_dir() or child.is_symlink():
                continue
            if own is not None and child.resolve() == own:
                continue
            m = _RUN_PID.search(child.name)
            if m is None:
                log.warning("leaving %s: run folder name does not end with -<pid>", child)
                continue
            if _pid_alive(int(m.group(1))):
                continue
            shutil.rmtree(child)
            removed.append(child)
    for parent in {releases, ctx.home, runs}:
        if parent.is_dir():
            fsync_dir(parent)
    return removed
