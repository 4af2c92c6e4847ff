"""The six steps of a refresh, called in this order by `sealreg refresh` and by the nightly DAG.

Each step takes a RunContext and returns a small JSON-able dict. A step that must stop the run
raises: `GateFailed` for a failed validation gate, `StepFailed` for anything else.
"""

from __future__ import annotations

import json
import os
import shutil
from collections.abc import Callable
from pathlib import Path

from sealreg.config import RunContext
from sealreg.dbt_runner import run_dbt_build
from sealreg.durable import fsync_dir
from sealreg.errors import SealregError
from sealreg.faults import crash_point
from sealreg.lineage import write_dbt_lineage
from sealreg.publish.chain import read_manifest_fields

Progress = Callable[[int, int], None] | None

STEP_NAMES = ("ingest", "validate_raw", "build", "validate_final", "publish", "record_history")
#: Which release the baseline warehouse belongs to (in the warehouse folder).
BASELINE_MARKER = "baseline.json"


class StepFailed(SealregError, RuntimeError):
    """A step could not complete; nothing was published."""


class GateFailed(StepFailed):
    """A data-quality gate failed; nothing was published, the last release stays current."""

    def __init__(self, layer: str, failures: list[str], report_path: str | None = None):
        self.layer = layer
        self.failures = failures
        self.report_path = report_path
        head = "; ".join(failures[:5]) + (f" (+{len(failures) - 5} more)" if len(failures) > 5 else "")
        super().__init__(f"{layer} validation gate failed: {head}")


def ingest(ctx: RunContext, progress: Progress = None) -> dict:
    """Validate the inbox, quarantine rejects, load accepted disclosures, decisions and reference files into
    the run warehouse."""
    from ingestion.ingest import run_ingest
    from ingestion.references import ingest_references
    from sealreg.decisions import read_decisions
    from sealreg.housekeeping import clean_stale

    recover_baseline(ctx)
    clean_stale(ctx)
    decisions = read_decisions(ctx.home)
    result = run_ingest(ctx, decisions=decisions, progress=progress)
    result["decisions"] = len(decisions)
    result["references"] = ingest_references(ctx)
    return result


def _gate(ctx: RunContext, layer: str) -> dict:
    from expectations.runner import run_gate

    if not ctx.run_warehouse.exists():
        raise StepFailed(f"run warehouse {ctx.run_warehouse} is missing: run the ingest step first")
    result = run_gate(layer, ctx.run_warehouse, ctx.validation_dir / layer, incremental=layer == "raw")
    if not result.success:
        raise GateFailed(layer, list(result.failures), str(result.report_path or ""))
    return {"layer": layer, "success": True, **dict(result.statistics)}


def validate_raw(ctx: RunContext, progress: Progress = None) -> dict:
    """Great Expectations gate over the raw tables; of the per-disclosure tables, only the rows of disclosures
    not checked on an earlier night by the same suite (`expectations.scope`)."""
    return _gate(ctx, "raw")


def build(ctx: RunContext, progress: Progress = None) -> dict:
    """One `dbt build` over the run warehouse: seeds, models, data tests; the lineage events are read from
    its artifacts as soon as dbt has written them, while its process ends."""
    result = run_dbt_build(ctx, progress=progress, artifacts_written=lambda: write_dbt_lineage(ctx))
    if not result["success"]:
        raise StepFailed("dbt build failed: " + "; ".join(result["failures"][:5]))
    return result


def validate_final(ctx: RunContext, progress: Progress = None) -> dict:
    """Great Expectations gate over the published marts."""
    return _gate(ctx, "final")


def record_history(ctx: RunContext, progress: Progress = None) -> dict:
    """Make this run's warehouse (and the history it carries) the baseline, once its release is out.

    Runs after the publish step: the baseline moves only with a release that was published as
    current, or as a backfill (whose history re-cuts the periods, see docs/history.md), so the next
    night's `changes` never compare against a night nobody saw. Removes the run's scratch folder.
    """
    release = _release_for_history(ctx)
    ours = release is not None and (read_manifest_fields(release, ("run_id",)) or {}).get("run_id") == ctx.run_id
    if ours and ctx.run_warehouse.is_file():
        _promote_baseline(ctx, ctx.run_warehouse, release.name)
    shutil.rmtree(ctx.run_dir, ignore_errors=True)
    return {
        "baseline": str(ctx.paths.baseline_warehouse),
        "moved": bool(ours),
        "release_id": release.name if ours else None,
    }


def _release_for_history(ctx: RunContext) -> Path | None:
    """The latest release if it went out (made current, or published as a backfill), else None."""
    from sealreg.publish.chain import latest_release

    found = latest_release(ctx.paths.releases)
    if found is None:
        return None
    latest, manifest = found
    return latest if manifest.get("backfill") is True or latest.resolve() == ctx.paths.current_release() else None


def _promote_baseline(ctx: RunContext, warehouse: Path, release_id: str) -> None:
    """Replace the baseline by `warehouse` atomically, then record which release it belongs to."""
    ctx.paths.warehouse.mkdir(parents=True, exist_ok=True)
    tmp = ctx.paths.warehouse / f".registry.duckdb.tmp-{os.getpid()}"
    tmp.unlink(missing_ok=True)
    try:
        os.link(warehouse, tmp)
    except OSError:
        shutil.copy2(warehouse, tmp)
    os.replace(tmp, ctx.paths.baseline_warehouse)
    marker_tmp = ctx.paths.warehouse / f".{BASELINE_MARKER}.tmp-{os.getpid()}"
    marker_tmp.write_text(json.dumps({"release_id": release_id}) + "\n", encoding="utf-8")
    os.replace(marker_tmp, ctx.paths.warehouse / BASELINE_MARKER)
    fsync_dir(ctx.paths.warehouse)


def _baseline_release(ctx: RunContext) -> str | None:
    try:
        return json.loads((ctx.paths.warehouse / BASELINE_MARKER).read_text(encoding="utf-8")).get("release_id")
    except (OSError, ValueError, AttributeError):
        return None


def recover_baseline(ctx: RunContext) -> None:
    """Finish a run killed between publishing and recording history (call under the lock).

    Its scratch folder still holds the warehouse of the release that went out: that becomes the baseline.
    """
    release = _release_for_history(ctx)
    if release is None or _baseline_release(ctx) == release.name or not ctx.paths.runs.is_dir():
        return
    run_id = (read_manifest_fields(release, ("run_id",)) or {}).get("run_id")
    for folder in sorted(ctx.paths.runs.iterdir()):
        warehouse = folder / "warehouse.duckdb"
        if folder.name.rsplit("-", 1)[0] == run_id and folder != ctx.run_dir and warehouse.is_file():
            _promote_baseline(ctx, warehouse, release.name)
            return


def publish(ctx: RunContext, progress: Progress = None) -> dict:
    """Write the release folder, then switch `current` to it.

    `current` never moves to an older evaluation date: a run for an earlier `as_of` than the current
    release's is published as a backfill (its manifest says so) and `current` stays where it is.
    """
    from sealreg.publish.home_readme import write_home_readme
    from sealreg.publish.release import build_release
    from sealreg.publish.switch import switch_current

    current = ctx.paths.current_release()
    current_as_of = str((read_manifest_fields(current, ("as_of",)) or {}).get("as_of", "")) if current else ""
    backfill = current_as_of > ctx.as_of.isoformat()
    release_dir = build_release(ctx, validation_src=ctx.validation_dir, backfill=backfill)
    crash_point("publish:before_switch")
    if not backfill:
        switch_current(ctx, release_dir)
    crash_point("publish:after_switch")
    write_home_readme(ctx)
    return {"release_id": release_dir.name, "release_dir": str(release_dir), "backfill": backfill,
            "current_as_of": current_as_of if backfill else ctx.as_of.isoformat()}


STEPS: dict[str, Callable[..., dict]] = {
    "ingest": ingest,
    "validate_raw": validate_raw,
    "build": build,
    "validate_final": validate_final,
    "publish": publish,
    "record_history": record_history,
}


