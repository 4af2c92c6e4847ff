"""Shared test helpers (no side effects on import)."""

from __future__ import annotations

import os
import shutil
import subprocess
import sys
from pathlib import Path

REPO = Path(__file__).resolve().parent.parent
SAMPLES = REPO / "samples" / "disclosures"
SAMPLE_REFERENCES = REPO / "samples" / "references"
SAMPLE_AS_OF = "2026-11-28"


def sealreg_cli(*args: str, env: dict | None = None, timeout: int = 600) -> subprocess.CompletedProcess:
    """Run the installed `sealreg` command as a user would."""
    exe = Path(sys.executable).parent / "sealreg"
    return subprocess.run([str(exe), *args], capture_output=True, text=True, timeout=timeout,
                          env={**os.environ, **(env or {})})


def query(home: Path, sql: str, params=None) -> list[tuple]:
    """Rows of `sql` against the current release of `home`, opened read-only."""
    import duckdb

    con = duckdb.connect(str(home / "current" / "registry.duckdb"), read_only=True)
    try:
        return con.execute(sql, params or []).fetchall()
    finally:
        con.close()


def refresh_ok(inbox: Path, home: Path, as_of: str, references: Path | None = None) -> subprocess.CompletedProcess:
    """`sealreg refresh` of `inbox` (and `references`, if given) into `home` on `as_of`, asserting that it
    published."""
    extra = ("--references", str(references)) if references is not None else ()
    proc = sealreg_cli("refresh", "--inbox", str(inbox), *extra, "--home", str(home), "--as-of", as_of)
    assert proc.returncode == 0, proc.stdout + proc.stderr
    return proc


def copy_home(home: Path, dest: Path) -> Path:
    """A copy of registry home `home` at `dest`, for a test that changes it (`current` is a relative link)."""
    shutil.copytree(home, dest, symlinks=True)
    return dest


def search_data(site: Path) -> tuple[dict, dict]:
    """The documents the site's search scripts set (`window.SEALREG_NAMES`, `window.SEALREG_DATA`)."""
    import json

    def doc(name: str, var: str) -> dict:
        text = (site / name).read_text("ascii")
        prefix = f"window.{var} = "
        return json.loads(text[text.index(prefix) + len(prefix) :].rstrip().removesuffix(";"))

    return doc("services-names.js", "SEALREG_NAMES"), doc("services-data.js", "SEALREG_DATA")
