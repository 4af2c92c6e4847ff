"""Quarantine of rejected files: a copy plus `<basename>.errors.json`, never outside the quarantine folder."""

from __future__ import annotations

import json
import os
import shutil
from collections.abc import Sequence
from pathlib import Path, PurePosixPath, PureWindowsPath

from ingestion.problems import Problem


def safe_basename(file_name: str) -> str:
    """The last path component of `file_name` (either separator), never empty, '.' or '..'."""
    base = PureWindowsPath(PurePosixPath(file_name.replace("\x00", "_")).name).name
    return base if base not in ("", ".", "..") else "unnamed"


def _target(folder: Path, name: str) -> Path:
    target = folder / name
    if target.parent.resolve() != folder.resolve():
        raise ValueError(f"refusing to write outside the quarantine folder: {name!r}")
    return target


def quarantine(folder: Path, file_name: str, problems: Sequence[Problem], source: Path | bytes | None) -> Path:
    """Copy the rejected file (a path or its bytes) to folder/<basename> and write its errors.json.

    Returns the path of the errors file. Existing files of the same name are replaced.
    """
    folder.mkdir(parents=True, exist_ok=True)
    base = safe_basename(file_name)
    copy = _target(folder, base)
    errors = _target(folder, base + ".errors.json")
    for path in (copy, errors):
        if path.is_symlink():
            path.unlink()
    if isinstance(source, bytes):
        copy.write_bytes(source)
    elif source is not None:
        try:
            shutil.copyfile(source, copy)
        except OSError:  # unreadable source: its errors.json still explains the rejection
            pass
    payload = [{"code": p.code, "path": p.path, "message": p.message, "file": p.file} for p in problems]
    tmp = errors.with_name(errors.name + f".tmp{os.getpid()}")
    tmp.write_text(json.dumps(payload, indent=2, ensure_ascii=True) + "\n", encoding="utf-8")
    os.replace(tmp, errors)
    return errors
