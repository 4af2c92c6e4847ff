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
        self._dirs: set[str] = set()
        self._make_dirs = make_dirs  # workers write into folders the parent made, never recreate them

    def write(self, rel_path: str, data: bytes) -> None:
        target = self._target(rel_path)
        with open(target, "wb") as f:
            f.write(data)
        self.digests[rel_path] = {"sha256": hashlib.sha256(data).hexdigest(), "size": len(data)}

    def link(self, rel_path: str, source: Path | str, entry: dict[str, Any]) -> bool:
        """Hard-link `source` (a file of the previous release listed with `entry`'s sha256 and size) as
        `rel_path`; False if it cannot be linked (the page is then rendered)."""
        if not link_file(source, self._target(rel_path)):
            return False
        self.digests[rel_path] = {"sha256": entry["sha256"], "size": entry["size"]}
        return True

    def _target(self, rel_path: str) -> str:
        """The checked path of a file of the site, its folder made if this writer makes folders."""
        target = safe_target(self.root, rel_path)
        folder = os.path.dirname(target)
        if self._make_dirs and folder not in self._dirs:
            os.makedirs(folder, exist_ok=True)
            self._dirs.add(folder)
        return target


def safe_target(root: Path, rel_path: str) -> str:
    """The path of a page under root (absolute); anything that could leave the site folder is refused.

    Every part is checked to be a plain name: a folder of the site or a safe id with a page suffix, so
    no part is empty, "." or "..", and none holds a "/". Joined to the absolute root, such a path stays
    inside it without normalising it (pathlib's parse and `resolve()` per page cost 41 k x the work).
    """
    *dirs, name = rel_path.split("/")
    stem, dot, suffix = name.rpartition(".")
    if not (
        all(d in ("services", "providers", "static") for d in dirs)
        and dot
        and suffix in ("html", "js", "css")
        and is_safe(stem)
    ):
        raise ValueError(f"unsafe page path: {rel_path!r}")
    return f"{root}/{rel_path}"
