"""`run_gate`: validate one layer of a DuckDB warehouse with GX and write Data Docs + a JSON summary."""

from __future__ import annotations

import datetime as dt
import html
import json
import time
from dataclasses import asdict, dataclass, field
from pathlib import Path
from typing import Any

from expectations.frames import (
    SEEDS_DIR,
    WarehouseUnavailable,
    catalog_of,
    fetch_chunks,
    frame_sql,
    is_scoped,
    missing_tables,
    open_read_only,
    sql_error,
)
from expectations.report import sentence, write_summary
from expectations.scope import checked_ids, read_digests, record_checked, register_checked
from expectations.suites import frames_of, get_suite


@dataclass
class GateResult:
    """Outcome of one gate: success, failure sentences, counts and where the report is."""

    layer: str
    success: bool
    failures: list[str]
    statistics: dict[str, int]
    report_path: Path | None
    summary_path: Path | None = None
    skipped: dict[str, str] = field(default_factory=dict)
    seconds: float = 0.0

    def to_dict(self) -> dict[str, Any]:
        """JSON-friendly form (paths as strings), e.g. for XCom."""
        out = asdict(self)
        out["report_path"] = str(self.report_path) if self.report_path else None
        out["summary_path"] = str(self.summary_path) if self.summary_path else None
        return out


def run_gate(layer: str, warehouse: Path, report_dir: Path, seeds_dir: Path = SEEDS_DIR,
             incremental: bool = False) -> GateResult:
    """Validate `layer` ('raw' or 'final') of `warehouse` (opened read-only).

    `incremental` (the refresh's raw gate): the `per_disclosure` frames read only the rows of disclosures
    not recorded as checked by this suite (`expectations.scope`); when the gate passes, every disclosure the
    gate read is recorded as checked, with the file and rows digests read once at the start on the gate's
    read-only connection (a row edited after that read does not match its record). The summary's
    `checked_before` says how many disclosures' rows were not read again.

    Writes an HTML report to `report_dir` (`report_dir/index.html`, offline, under the release CSP) and a
    summary to `report_dir/<layer>.json`;
    use one folder per layer. When `report_dir` is named after the layer (`<validation>/<layer>`), also
    refreshes `<validation>/index.html`, a page linking the layers' reports.
    Never raises for bad data, missing tables or an unreadable warehouse: those make `success` False.
    """
    started = time.perf_counter()
    get_suite(layer)  # ValueError for an unknown layer
    report_dir = Path(report_dir)
    frames = frames_of(layer)
    failures: list[str] = []
    stats = {"evaluated": 0, "successful": 0, "unsuccessful": 0, "frames": 0, "frames_skipped": 0,
             "frame_errors": 0}
    detail: list[dict[str, Any]] = []
    report_path: Path | None = None
    skipped: dict[str, str] = {}
    checked_before: list[str] = []
    digests = None
    scope: str | None = None
    try:
        con = open_read_only(layer, Path(warehouse))
    except WarehouseUnavailable as exc:
        failures.append(str(exc))
    else:
        try:
            if incremental:
                digests = read_digests(con)
                checked_before = checked_ids(con, seeds_dir, digests)
                scope = register_checked(con, checked_before) if checked_before else None
            outcomes, skipped, errors, scoped = _validate(layer, frames, con, seeds_dir, scope)
        finally:
            con.close()
        stats["frames_skipped"] = len(skipped)
        stats["frame_errors"] = len(errors)
        for outcome in outcomes:
            stats["frames"] += 1
            stats["evaluated"] += int(outcome.statistics.get("evaluated_expectations", 0))
            stats["successful"] += int(outcome.statistics.get("successful_expectations", 0))
            stats["unsuccessful"] += int(outcome.statistics.get("unsuccessful_expectations", 0))
            detail.append(_frame_detail(outcome, outcome.frame.name in scoped))
            for res in outcome.results:
                if not res.get("success"):
                    failures.append(sentence(layer, outcome.frame.name, res, outcome.index_columns))
        failures.extend(errors)
        report_path = _write_report(report_dir, layer, failures, stats, detail)
    result = GateResult(
        layer=layer,
        success=not failures,
        failures=failures,
        statistics=stats,
        report_path=report_path,
        skipped=skipped,
        seconds=round(time.perf_counter() - started, 3),
    )
    if incremental and result.success:
        record_checked(Path(warehouse), digests, seeds_dir)
    summary = {**result.to_dict(), "warehouse": str(warehouse), "frames": detail,
               "finished_at": dt.datetime.now(dt.timezone.utc).isoformat(timespec="seconds")}
    if incremental:
        summary["checked_before"] = len(checked_before)
    summary.pop("summary_path")
    result.summary_path = write_summary(report_dir / f"{layer}.json", summary)
    if report_dir.name == layer:
        write_overview(report_dir.parent)
    return result


def _validate(layer: str, frames, con, seeds_dir: Path, scope: str | None = None):
    """Stream each frame out of DuckDB in chunks into GX: (outcomes, skipped frames, SQL error sentences,
    names of the frames read only in part under `scope`, see `frame_sql`)."""
    import duckdb

    from expectations.gx_run import GateValidator

    catalog = catalog_of(con)
    validator = GateValidator(layer)
    outcomes, skipped, errors, scoped = [], {}, [], set()
    for frame in frames:
        missing = missing_tables(frame, catalog)
        if missing:
            skipped[frame.name] = f"needs missing table(s) {', '.join(missing)}"
            continue
        if is_scoped(frame, catalog, scope):
            scoped.add(frame.name)
        sql = {ordered: frame_sql(frame, catalog, seeds_dir, scope, ordered) for ordered in (False, True)}
        try:
            outcomes.append(validator.validate(
                frame, lambda in_order=False, sql=sql: fetch_chunks(con, sql[in_order], in_order=in_order)))
        except duckdb.Error as exc:
            errors.append(sql_error(layer, frame, exc))
    return outcomes, skipped, errors, scoped


def _write_report(folder: Path, layer: str, failures: list[str], stats: dict[str, int],
                  detail: list[dict[str, Any]]) -> Path:
    """`folder/index.html` (and its stylesheet): the gate's report, rendered from the results."""
    from expectations.report_html import layer_report, write_stylesheet

    folder.mkdir(parents=True, exist_ok=True)
    write_stylesheet(folder)
    index = folder / "index.html"
    index.write_text(layer_report(layer, not failures, failures, stats, detail), encoding="utf-8")
    return index


#: A scoped frame's detail says whose rows it read.
SCOPED_ROWS = "rows of the disclosures not checked before"


def _frame_detail(outcome, scoped: bool = False) -> dict[str, Any]:
    expectations = []
    for res in outcome.results:
        cfg = res.get("expectation_config") or {}
        meta = cfg.get("meta") or {}
        expectations.append({
            "expectation": cfg.get("type"),
            "args": meta.get("args"),
            "rule": meta.get("rule"),
            "success": bool(res.get("success")),
            "unexpected_count": (res.get("result") or {}).get("unexpected_count"),
        })
    detail = {"frame": outcome.frame.name, "derived": outcome.frame.derived, "rows": outcome.rows,
              "expectations": expectations}
    if scoped:
        detail["rows_of"] = SCOPED_ROWS
    return detail


def write_overview(validation_dir: Path) -> Path:
    """`validation_dir/index.html`: one line per `<layer>/<layer>.json` found, linking that layer's Data Docs."""
    items = []
    for layer in ("raw", "final"):
        path = validation_dir / layer / f"{layer}.json"
        if not path.is_file():
            continue
        try:
            data = json.loads(path.read_text(encoding="utf-8"))
        except (OSError, ValueError):
            continue
        failures = data.get("failures", [])
        verdict = "passed" if data.get("success") else f"FAILED ({len(failures)} failures)"
        stats = data.get("statistics", {})
        has_docs = (validation_dir / layer / "index.html").is_file()
        link = f'<a href="{layer}/index.html">{layer}</a>' if has_docs else layer
        lines = "".join(f"<li>{html.escape(f)}</li>" for f in failures)
        items.append(
            f"<li>{link}: {verdict}, {stats.get('successful', 0)}/{stats.get('evaluated', 0)} expectations met "
            f'(<a href="{layer}/{layer}.json">{layer}.json</a>)' + (f"<ul>{lines}</ul>" if lines else "") + "</li>"
        )
    from expectations.report_html import page, write_stylesheet

    body = ("<h1>sealreg data-quality gates</h1><ul>" + "".join(items) + "</ul>"
            "<p>Each layer links to its report: every expectation, the rule it guards and its result.</p>")
    write_stylesheet(validation_dir)
    index = validation_dir / "index.html"
    index.write_text(page("sealreg validation", body), encoding="utf-8")
    return index
