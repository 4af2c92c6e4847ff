"""Atomic switch of `<home>/current`, and cleanup of what crashed runs leave behind."""

from __future__ import annotations

import errno
import logging
import os
import re
import shutil
from pathlib import Path
from typing import TYPE_CHECKING

from sealreg.durable import fsync_dir
from sealreg.faults import crash_point
from sealreg.publish.release import MANIFEST_FILE, SIGNATURE_FILE
from sealreg.publish.verify import verify_release

if TYPE_CHECKING:
    from sealreg.config import RunContext

log = logging.getLogger(__name__)

_RUN_PID = re.compile(r"-(\d+)$")
_TMP_LINK_PID = re.compile(r"\.tmp-(\d+)$")


class SwitchError(RuntimeError):
    """`current` was not switched (the previous release stays current)."""


def switch_current(ctx: "RunContext", release_dir: Path, verify: bool = True) -> Path:
    """Point `<home>/current` at `release_dir` atomically; return the new target (absolute).

    A symlink `current.tmp-<pid>` with the relative target `releases/<release_id>` is created and
    renamed over `current` (rename(2) is atomic: a reader sees the old or the new release, never
    no link). The home directory is fsynced afterwards. With `verify` (default), the release is
    checked first (`verify_release`) and a release with problems is refused.
    """
    home = ctx.home
    releases = ctx.releases_dir.resolve()
    release_dir = Path(release_dir).resolve()
    if release_dir.parent != releases:
        raise SwitchError(f"{release_dir} is not a release of {releases}")
    if release_dir.name.startswith("."):
        raise SwitchError(f"{release_dir} is an unfinished release")
    if not (release_dir / MANIFEST_FILE).is_file() or not (release_dir / SIGNATURE_FILE).is_file():
        raise SwitchError(f"{release_dir} is not a complete release (manifest or signature missing)")
    if verify:
        problems = verify_release(release_dir)
        if problems:
            lines = "; ".join(p.line() for p in problems)
            raise SwitchError(f"release {release_dir.name} failed verification: {lines}")
    target = os.path.join(ctx.releases_dir.name, release_dir.name)  # relative: the home can move
    tmp_link = home / f"{ctx.current_link.name}.tmp-{os.getpid()}"
    try:
        tmp_link.unlink()
    except FileNotFoundError:
        pass
    os.symlink(target, tmp_link)
    crash_point("publish:link_created")
    try:
        os.replace(tmp_link, ctx.current_link)
    except BaseException:
        try:
            tmp_link.unlink()
        except FileNotFoundError:
            pass
        raise
    fsync_dir(home)
    return release_dir


def current_release(home: Path | str) -> Path | None:
    """The release `<home>/current` points to (resolved), or None if there is none (yet)."""
    link = Path(home) / "current"
    if not link.is_symlink():
        return None
    target = link.resolve()
    if not target.is_dir():
        return None
    return target


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
    current = current_release(ctx.home)
    releases = ctx.releases_dir
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
        for child in sorted(ctx.home.glob(f"{ctx.current_link.name}.tmp-*")):
            if child.is_symlink() or child.is_file():
                m = _TMP_LINK_PID.search(child.name)
                if m and _pid_alive(int(m.group(1))) and int(m.group(1)) != os.getpid():
                    continue
                child.unlink()
                removed.append(child)
    runs = ctx.runs_dir
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
