"""Atomic switch of `<home>/current` to a verified release."""

from __future__ import annotations

import logging
import os
from pathlib import Path
from typing import TYPE_CHECKING

from sealreg.durable import fsync_dir
from sealreg.errors import SealregError
from sealreg.faults import crash_point
from sealreg.publish.release import MANIFEST_FILE, SIGNATURE_FILE
from sealreg.publish.reuse import record_verified
from sealreg.publish.verify import verify_release

if TYPE_CHECKING:
    from sealreg.config import RunContext

log = logging.getLogger(__name__)


class SwitchError(SealregError, RuntimeError):
    """`current` was not switched (the previous release stays current)."""


def switch_current(ctx: "RunContext", release_dir: Path, verify: bool = True) -> Path:
    """Point `<home>/current` at `release_dir` atomically; return the new target (absolute).

    A symlink `current.tmp-<pid>` with the relative target `releases/<release_id>` is created and
    renamed over `current` (rename(2) is atomic: a reader sees the old or the new release, never
    no link). The home directory is fsynced afterwards. With `verify` (default), the release is
    checked first (`verify_release`) and a release with problems is refused.
    """
    home = ctx.home
    releases = ctx.paths.releases.resolve()
    release_dir = Path(release_dir).resolve()
    if release_dir.parent != releases:
        raise SwitchError(f"{release_dir} is not a release of {releases}")
    if release_dir.name.startswith("."):
        raise SwitchError(f"{release_dir} is an unfinished release")
    if not (release_dir / MANIFEST_FILE).is_file() or not (release_dir / SIGNATURE_FILE).is_file():
        raise SwitchError(f"{release_dir} is not a complete release (manifest or signature missing)")
    stamps: dict[str, list[int]] = {}
    if verify:
        problems = verify_release(release_dir, stamps=stamps)
        if problems:
            lines = "; ".join(p.line() for p in problems)
            raise SwitchError(f"release {release_dir.name} failed verification: {lines}")
    target = os.path.join(ctx.paths.releases.name, release_dir.name)  # relative: the home can move
    tmp_link = home / f"{ctx.paths.current.name}.tmp-{os.getpid()}"
    try:
        tmp_link.unlink()
    except FileNotFoundError:
        pass
    os.symlink(target, tmp_link)
    crash_point("publish:link_created")
    try:
        os.replace(tmp_link, ctx.paths.current)
    except BaseException:
        try:
            tmp_link.unlink()
        except FileNotFoundError:
            pass
        raise
    fsync_dir(home)
    if verify:  # the next release links this one's files without reading them again
        record_verified(release_dir, stamps)
    return release_dir
