"""GX gates of sealreg (suites `raw` and `final`). Importing this package does not import GX."""

from __future__ import annotations

from typing import Any

__all__ = ["GateResult", "describe_suites", "run_gate"]


def __getattr__(name: str) -> Any:
    if name in ("run_gate", "GateResult"):
        from expectations import runner

        return getattr(runner, name)
    if name == "describe_suites":
        from expectations.suites import describe_suites

        return describe_suites
    raise AttributeError(f"module 'expectations' has no attribute {name!r}")
