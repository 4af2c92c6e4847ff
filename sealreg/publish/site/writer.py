"""Writing the site's files: page paths checked to stay inside the site, sha256 and size of each file."""

from __future__ import annotations

import hashlib
import os
import re
from pathlib import Path
from typing import Any

from sealreg.publish.reuse import link_file

SAFE_ID = re.compile(r"^[a-z0-9][a-z0-9-]{1,63}$")


def is_safe(identifier: Any) -> bool:
    """True for an id that can be a page's file name (lower-case letters, digits, hyphens)."""
    return isinstance(identifier, str) and SAFE_ID.fullmatch(identifier) is not None


class Writer:
    """Writes the site's files under one root and keeps the sha256 and size of each."""

    def __init__(self, root: Path, make_dirs: bool = True) -> None:
        self.root = Path(os.path.abspath(root))
        self.digests: dict[str, dict[str, Any]] = {}
        self._dirs: set[Path] = set()
        self._make_dirs = make_dirs  # workers write into folders the parent made, never recreate them

    def write(self, rel_path: str, data: bytes) -> None:
        target = safe_target(self.root, rel_path)
        if self._make_dirs and target.parent not in self._dirs:
            target.parent.mkdir(parents=True, exist_ok=True)
            self._dirs.add(target.parent)
        with open(target, "wb") as f:
            f.write(data)
        self.digests[rel_path] = {"sha256": hashlib.sha256(data).hexdigest(), "size": len(data)}

    def link(self, rel_path: str, source: Path, entry: dict[str, Any]) -> bool:
        """Hard-link `source` (a file of the previous release listed with `entry`'s sha256 and size) as
        `rel_path`; False if it cannot be linked (the page is then rendered)."""
        target = safe_target(self.root, rel_path)
        if self._make_dirs and target.parent not in self._dirs:
            target.parent.mkdir(parents=True, exist_ok=True)
            self._dirs.add(target.parent)
        if not link_file(source, target):
            return False
        self.digests[rel_path] = {"sha256": entry["sha256"], "size": entry["size"]}
        return True


def safe_target(root: Path, rel_path: str) -> Path:
    """Resolve a page path and refuse anything that would leave the site folder."""
    parts = rel_path.split("/")
    *dirs, name = parts
    stem, dot, suffix = name.rpartition(".")
    if not (
        all(d in ("services", "providers", "static") for d in dirs)
        and dot
        and suffix in ("html", "js", "css")
        and is_safe(stem)
    ):
        raise ValueError(f"unsafe page path: {rel_path!r}")
    # every part is a plain name (no "..", no "/"), so the path stays inside root; checked once more
    # without touching the disk (resolve() per page cost 41 k x 8 lstat calls)
    target = Path(os.path.normpath(root / rel_path))
    if not target.is_relative_to(root):
        raise ValueError(f"page path escapes the site: {rel_path!r}")
    return target
