"""The only module that imports great_expectations: one ephemeral context per gate run."""

from __future__ import annotations

import os
from dataclasses import dataclass
from typing import Any

import pandas as pd

from expectations.checks import Check, Frame


@dataclass
class FrameOutcome:
    """GX results of one frame, as plain JSON dicts, plus the statistics GX reported."""

    frame: Frame
    rows: int
    results: list[dict[str, Any]]
    statistics: dict[str, Any]
    index_columns: list[str]


def import_gx():
    """Import great_expectations with analytics off (unless the caller set GX_ANALYTICS_ENABLED)."""
    os.environ.setdefault("GX_ANALYTICS_ENABLED", "false")
    import great_expectations as gx

    return gx


def make_context(gx):
    """Ephemeral context, progress bars off, no Data Docs site (the report is rendered by report_html)."""
    from great_expectations.data_context.types.base import ProgressBarsConfig

    ctx = gx.get_context(mode="ephemeral")
    ctx.variables.progress_bars = ProgressBarsConfig(globally=False)
    return ctx


def make_expectation(gx, check: Check, meta: dict[str, Any]):
    """GX expectation object for `check`; the rule goes to `meta` and to `notes` (shown in Data Docs)."""
    cls = getattr(gx.expectations, check.expectation)
    return cls(**check.kwargs, meta=meta, notes=check.rule)


def validate_frames(layer: str, frames: list[Frame], data: dict[str, pd.DataFrame]) -> list[FrameOutcome]:
    """One suite + batch definition + checkpoint per frame, all in one context.

    A pandas batch takes its DataFrame from the run's batch parameters, so each frame needs its own
    checkpoint run. GX's Data Docs are not built: they load assets from public CDNs, which a release
    must not (the runner renders the report itself, `expectations/report_html.py`).
    """
    gx = import_gx()
    ctx = make_context(gx)
    source = ctx.data_sources.add_pandas(name=f"sealreg_{layer}")
    outcomes: list[FrameOutcome] = []
    for frame in frames:
        df = data.pop(frame.name)  # the caller's dict no longer holds it: freed once validated
        batch = source.add_dataframe_asset(name=frame.name).add_batch_definition_whole_dataframe("whole")
        suite = ctx.suites.add(gx.ExpectationSuite(name=f"{layer}.{frame.name}"))
        for i, check in enumerate(frame.checks):
            meta = {"rule": check.rule, "check": i, "args": check.label}
            if check.hint:
                meta["hint"] = check.hint
            suite.add_expectation(make_expectation(gx, check, meta))
        vd = ctx.validation_definitions.add(
            gx.ValidationDefinition(name=f"{layer}.{frame.name}", data=batch, suite=suite)
        )
        index_columns = [c for c in frame.keys if c in df.columns]
        result_format: dict[str, Any] = {"result_format": "SUMMARY"}
        if index_columns:
            result_format["unexpected_index_column_names"] = index_columns
        checkpoint = ctx.checkpoints.add(
            gx.Checkpoint(
                name=f"{layer}.{frame.name}",
                validation_definitions=[vd],
                actions=[],
                result_format=result_format,
            )
        )
        run = checkpoint.run(batch_parameters={"dataframe": df})
        for vr in run.run_results.values():
            js = vr.to_json_dict()
            results = sorted(js["results"], key=lambda r: (r.get("expectation_config") or {}).get("meta", {})
                             .get("check", 0))
            outcomes.append(FrameOutcome(frame, len(df), results, js.get("statistics", {}), index_columns))
        # GX's execution engine caches every batch's DataFrame for the life of the context: drop it so
        # each frame is freed once validated (peak memory = the largest frame, not all of them).
        batches = source.get_execution_engine().batch_manager
        batches.batch_data_cache.clear()
        batches.reset_batch_cache()
        del df, run, checkpoint, vd, batch
    return outcomes
