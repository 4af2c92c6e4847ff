"""The two gate suites and a plain listing of their expectations (no GX import)."""

from __future__ import annotations

from typing import Any

from expectations.checks import Frame, Suite, catalog_frame, columns_frame
from expectations.final_suite import FINAL_SUITE
from expectations.raw_suite import RAW_SUITE

SUITES: dict[str, Suite] = {"raw": RAW_SUITE, "final": FINAL_SUITE}
LAYERS = tuple(SUITES)


def get_suite(layer: str) -> Suite:
    """The suite of `layer` ('raw' or 'final'); ValueError otherwise."""
    try:
        return SUITES[layer]
    except KeyError:
        raise ValueError(f"unknown layer {layer!r}; expected one of {', '.join(LAYERS)}") from None


def frames_of(layer: str) -> tuple[Frame, ...]:
    """Every frame the gate validates: the table and column catalogs first, then tables and derived frames."""
    suite = get_suite(layer)
    catalogs = (catalog_frame(layer, suite.tables),) + ((columns_frame(layer, suite.columns),) if suite.columns else ())
    return (*catalogs, *suite.frames)


def describe_suites() -> list[dict[str, Any]]:
    """One dict per expectation: layer, frame, derived?, expectation type, arguments, rule."""
    rows: list[dict[str, Any]] = []
    for layer in LAYERS:
        for frame in frames_of(layer):
            for check in frame.checks:
                rows.append({
                    "layer": layer,
                    "frame": frame.name,
                    "derived": frame.derived,
                    "expectation": check.snake,
                    "args": check.label,
                    "rule": check.rule,
                })
    return rows
