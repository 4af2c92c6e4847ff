"""Shared test helpers (no side effects on import)."""

from __future__ import annotations

import os
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
