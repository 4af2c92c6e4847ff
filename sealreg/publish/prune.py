"""Retention: remove old releases and quarantine folders, never what the registry still rests on.

Kept whatever their age: the release `current` points to, the latest release (the next manifest
links to it), the chain's anchors (the first release, and the first release signed by each key),
and the quarantine folders of the current and latest releases' runs. The warehouse (history for
`lookup --as-of`), the decision log and the keys are never touched. Everything younger than
`keep_days` stays.
"""

from __future__ import annotations

import datetime as dt
import os
import shutil
from dataclasses import dataclass, field
from pathlib import Path
from typing import TYPE_CHECKING

import duckdb

from sealreg.config import quarantine_run_id
from sealreg.durable import fsync_dir
from sealreg.publish.chain import published_releases

if TYPE_CHECKING:
    from sealreg.config import RunContext


@dataclass
class PruneResult:
    """What a prune removed (or would remove, dry run) and what it kept, with the reason."""

    removed: list[Path] = field(default_factory=list)
    kept: dict[str, str] = field(default_factory=dict)
    bytes_freed: int = 0


def _tree_bytes(path: Path) -> int:
    """Bytes a removal frees: files with no other hard link (a file shared with a newer release stays)."""
    total = 0
    for dirpath, _dirs, files in os.walk(path):
        for name in files:
            st = os.lstat(os.path.join(dirpath, name))
            if st.st_nlink == 1:
                total += st.st_size
    return total


def _created_at(manifest: dict, folder: Path) -> dt.datetime:
    """When a release was built: its manifest's `created_at`, else the folder's mtime (UTC)."""
    try:
        return dt.datetime.fromisoformat(str(manifest["created_at"]).replace("Z", "+00:00"))
    except (KeyError, ValueError):
        return dt.datetime.fromtimestamp(folder.stat().st_mtime, dt.timezone.utc)


def _protected_releases(ctx: "RunContext") -> dict[str, str]:
    """Release id -> why it is never pruned."""
    releases = published_releases(ctx.paths.releases)
    keep: dict[str, str] = {}
    if not releases:
        return keep
    current = ctx.paths.current_release()
    if current is not None:
        keep[current.name] = "current"
    keep.setdefault(releases[-1][0].name, "latest release (the next manifest links to it)")
    keep.setdefault(releases[0][0].name, "chain anchor: first release")
    seen_keys: set[str] = set()
    for folder, manifest in releases:
        signer = manifest.get("public_key_sha256")
        if signer not in seen_keys:
            seen_keys.add(signer)
            keep.setdefault(folder.name, f"chain anchor: first release signed by key {str(signer)[:16]}…")
    return keep


def _still_rejected_runs(ctx: "RunContext") -> set[str]:
    """Runs whose quarantine folders hold the copies of files the current release lists as still rejected
    (older releases named the folder itself)."""
    db = ctx.paths.current_database
    if not db.exists():
        return set()
    con = duckdb.connect(str(db), read_only=True)
    try:
        rows = con.execute("SELECT DISTINCT split_part(quarantined_in, '/', 1) FROM rejections "
                           "WHERE quarantined_in IS NOT NULL").fetchall()
    except duckdb.Error:  # a release from before rejections carried their quarantine folder
        rows = []
    finally:
        con.close()
    return {quarantine_run_id(r[0]) for r in rows}


def _cutoff(now: dt.datetime, keep_days: int) -> dt.datetime:
    """`keep_days` days before `now`, or the calendar's first moment when that is earlier (nothing is older)."""
    earliest = dt.datetime.min.replace(tzinfo=dt.timezone.utc)
    return earliest if keep_days >= (now - earliest).days else now - dt.timedelta(days=keep_days)


def _remove(path: Path, dry_run: bool) -> None:
    """Rename out of sight first (`.tmp-prune-*`, which `clean_stale` finishes after a crash), then delete."""
    if dry_run:
        return
    hidden = path.with_name(f".tmp-prune-{path.name}")
    os.rename(path, hidden)
    fsync_dir(path.parent)
    shutil.rmtree(hidden)


def prune(ctx: "RunContext", keep_days: int, now: dt.datetime | None = None, dry_run: bool = False) -> PruneResult:
    """Remove releases and quarantine folders older than `keep_days` days (call under the refresh lock)."""
    if keep_days < 0:
        raise ValueError("keep_days must be 0 or more")
    now = now or dt.datetime.now(dt.timezone.utc)
    cutoff = _cutoff(now, keep_days)
    result = PruneResult()
    protected = _protected_releases(ctx)
    releases = published_releases(ctx.paths.releases)
    current = ctx.paths.current_release()
    in_use = releases[-1:] + [r for r in releases if r[0].resolve() == current]
    protected_runs = {str(manifest.get("run_id")) for _folder, manifest in in_use}
    still_held = _still_rejected_runs(ctx)
    for folder, manifest in releases:
        if folder.name in protected:
            result.kept[folder.name] = protected[folder.name]
        elif _created_at(manifest, folder) >= cutoff:
            result.kept[folder.name] = f"younger than {keep_days} days"
        else:
            result.bytes_freed += _tree_bytes(folder)
            _remove(folder, dry_run)
            result.removed.append(folder)
    quarantine = ctx.paths.quarantine
    if quarantine.is_dir():
        for folder in sorted(p for p in quarantine.iterdir() if p.is_dir() and not p.is_symlink()):
            label = f"quarantine/{folder.name}"
            age = dt.datetime.fromtimestamp(folder.stat().st_mtime, dt.timezone.utc)
            if folder.name.startswith(".tmp-prune-"):
                result.bytes_freed += _tree_bytes(folder)
                if not dry_run:
                    shutil.rmtree(folder)
                result.removed.append(folder)
            elif quarantine_run_id(folder.name) in protected_runs:
                result.kept[label] = "rejections of the current or latest release"
            elif quarantine_run_id(folder.name) in still_held:
                result.kept[label] = "holds files the current release lists as still rejected"
            elif age >= cutoff:
                result.kept[label] = f"younger than {keep_days} days"
            else:
                result.bytes_freed += _tree_bytes(folder)
                _remove(folder, dry_run)
                result.removed.append(folder)
    return result
