"""The bench's report: sizes run with `--full-only` have no night, and the targets read the 10k figures."""

from __future__ import annotations

import datetime as dt
from pathlib import Path

import pytest

import bench.__main__ as bench_main
from bench.__main__ import STAGES, print_table, verdicts


def _size(n: int, wall: float, night: bool) -> dict:
    run = {"wall_s": wall, "cpu_s": wall, "refresh_s": wall, "peak_rss_bytes": 2**30,
           "timings": dict.fromkeys(STAGES, 1.0), "cpu": dict.fromkeys(STAGES, 1.0),
           "peak_rss_mib_by_step": {"publish": 1024}}
    figures = {"providers": n, "generate": {"valid_files": n, "invalid_files": 0, "services": 3 * n},
               "full": run, "floor": {"seconds": 1.0, "service_mismatches": 0}, "criterion_rows": 144 * n,
               "rows_per_s": 1.0, "floor_ratio": 2.0, "site_kib_per_service": 10.0 if n == 10000 else 99.0,
               "release_bytes": {"full": {"total": 100, "site": 50, "parts": {}}},
               "loadavg_before": (1.0, 1.0, 1.0), "loadavg_after": (1.0, 1.0, 1.0)}
    if night:
        figures.update(first_night={**run, "wall_s": wall / 5, "new_bytes": 8, "new_bytes_share": 0.08},
                       incremental={**run, "wall_s": wall / 10, "cpu_s": wall / 5}, incremental_share=0.1,
                       incremental_share_cpu=0.2, new_bytes_share=0.04)
        figures["release_bytes"]["night"] = {"total": 100, "new": 4, "site": 50, "parts": {},
                                             "new_parts": {"site": 2**20, "(top)": 3 * 2**20, "csv": 10}}
    return figures


def test_full_only_size_has_no_night_and_targets_read_ten_thousand(capsys: pytest.CaptureFixture[str]) -> None:
    fixed = _size(1, 20.0, night=True)["full"]
    sizes = {10000: _size(10000, 30.0, night=True), 100000: _size(100000, 500.0, night=False)}
    verdict = verdicts(fixed, sizes)
    assert verdict["incremental_share_cpu"]["size"] == 10000
    assert verdict["site_kib_per_service"] == {"value": 10.0, "target": 12.0, "met": True, "size": 10000}
    assert verdict["full_100k_s"]["met"] is False  # 500 s > 8 min
    assert verdict["rss_100k_gib"]["value"] == pytest.approx(1.0)
    print_table(fixed, sizes, verdict)
    out = capsys.readouterr().out
    assert "(--full-only)" in out and "100,000 providers" in out
    assert "(top) 3.0, site 1.0" in out and "csv" not in out.split("(top) 3.0")[1].split("\n")[0]


def test_without_any_night_the_night_targets_are_absent() -> None:
    sizes = {100000: _size(100000, 400.0, night=False)}
    verdict = verdicts(_size(1, 20.0, night=True)["full"], sizes)
    assert "incremental_share" not in verdict and verdict["full_100k_s"]["met"] is True


def test_a_second_run_of_the_day_does_not_overwrite_the_first(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr(bench_main, "RESULTS", tmp_path)
    day = dt.date(2026, 12, 1)
    assert bench_main._results_path(day) == tmp_path / "2026-12-01.json"
    (tmp_path / "2026-12-01.json").write_text("{}")
    (tmp_path / "2026-12-01-2.json").write_text("{}")
    assert bench_main._results_path(day) == tmp_path / "2026-12-01-3.json"
