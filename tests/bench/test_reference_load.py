"""The reference-load bench on a small file: night 1 loads both GLEIF files, night 2 skips them by digest."""

from __future__ import annotations

from bench.reference_load import bench_references


def test_reference_bench_loads_then_skips_unchanged_files(tmp_path):
    figures = bench_references(tmp_path / "work", rows=2000)
    assert {f["status"] for f in figures["night-1"]["files"].values()} == {"loaded"}
    assert {f["status"] for f in figures["night-2"]["files"].values()} == {"unchanged"}
    assert figures["night-1"]["files"]["gleif-lei2-golden-copy.csv"]["rows"] == 2000
    assert figures["verdict"]["peak_rss_gib"] > 0 and figures["plain_read_csv"]["query_s"] > 0
