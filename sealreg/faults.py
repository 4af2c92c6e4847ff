"""Fault injection for crash-safety tests: `SEALREG_CRASH_AT=<point>` kills the process there.

Points: `before:<step>`, `after:<step>` (around each refresh step) and `publish:<stage>` inside
publishing. The kill is a real SIGKILL: no cleanup handler runs, exactly like a power cut.
"""

from __future__ import annotations

import os
import signal


def crash_point(name: str) -> None:
    """Die here, by SIGKILL, when the environment asks for it."""
    if os.environ.get("SEALREG_CRASH_AT") == name:
        os.kill(os.getpid(), signal.SIGKILL)
