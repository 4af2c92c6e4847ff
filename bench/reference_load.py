"""Reference-load figure at GLEIF scale: `python -m bench --references-only [--reference-rows N]`.

Generates a GLEIF-shaped Level 1 file (default 3 million records, about 0.5 GB) and a Level 2 file
(a fifth of that), then measures, each in its own process (wall, user + sys CPU, peak RSS from wait4):
a plain DuckDB `read_csv` of the Level 1 file (the floor), night 1 (both files loaded with every R001-R004
check) and night 2 (the same files: skipped by digest). `python -m bench.reference_load --child ...` is
the measured process.
"""

from __future__ import annotations

import argparse
import datetime as dt
import json
import os
import shutil
import subprocess
import sys
import time
from pathlib import Path

from bench.references import write_level1, write_level2

AS_OF = dt.date(2026, 11, 28)
LOAD_TARGET_RATIO = 4.0  # issue 16: at most 4x a plain read_csv of the same file
RSS_TARGET_GIB = 1.0


def _measure(cmd: list[str], log: Path) -> dict:
    """Run `cmd`; wall seconds, CPU seconds and peak RSS of that process alone (os.wait4)."""
    env = {**os.environ, "PYTHONPATH": str(Path(__file__).resolve().parent.parent)}
    with open(log, "wb") as out:
        started = time.perf_counter()
        proc = subprocess.Popen(cmd, stdout=out, stderr=subprocess.STDOUT, env=env)
        _, status, usage = os.wait4(proc.pid, 0)
        wall = time.perf_counter() - started
    proc.returncode = os.waitstatus_to_exitcode(status)
    if proc.returncode != 0:
        raise RuntimeError(f"{' '.join(cmd)} failed; see {log}")
    return {"wall_s": round(wall, 2), "cpu_s": round(usage.ru_utime + usage.ru_stime, 2),
            "peak_rss_mib": round(usage.ru_maxrss / 1024)}


def _child(args) -> int:
    """The measured process: a plain read_csv, or one night of reference ingestion on `--home`."""
    import duckdb

    if args.plain:
        con = duckdb.connect()
        started = time.perf_counter()
        rows = con.execute(f"SELECT count(*) FROM read_csv('{args.plain}')").fetchone()[0]
        Path(args.out).write_text(json.dumps({"rows": rows, "seconds": round(time.perf_counter() - started, 3)}))
        return 0
    from ingestion.ingest import _open_warehouse
    from ingestion.references import ingest_references
    from sealreg.config import RunContext

    inbox = Path(args.home) / "inbox"
    inbox.mkdir(parents=True, exist_ok=True)
    ctx = RunContext.create(home=args.home, inbox=inbox, as_of=args.as_of, run_id=args.tag, references=args.refs)
    _open_warehouse(ctx).close()
    result = ingest_references(ctx)
    ctx.paths.warehouse.mkdir(parents=True, exist_ok=True)
    shutil.copyfile(ctx.run_warehouse, ctx.paths.baseline_warehouse)  # what record_history does
    Path(args.out).write_text(json.dumps(result, default=str))
    return 0


def bench_references(work: Path, rows: int, seed: int = 7) -> dict:
    """Generate the files, then the three measurements; returns the figures (also for results/<date>.json)."""
    refs, home = work / "references", work / "home"
    shutil.rmtree(work, ignore_errors=True)
    refs.mkdir(parents=True)
    started = time.perf_counter()
    level1 = write_level1(refs / "gleif-lei2-golden-copy.csv", rows, seed)
    write_level2(refs / "gleif-rr-golden-copy.csv", rows // 5, rows, seed)
    generated = round(time.perf_counter() - started, 1)
    me = [sys.executable, "-m", "bench.reference_load", "--child"]
    out: dict = {"level1_rows": rows, "level1_mib": round(level1.stat().st_size / 2**20),
                 "level2_rows": rows // 5, "generate_s": generated}
    out["plain_read_csv"] = _measure(me + ["--plain", str(level1), "--out", str(work / "plain.json")],
                                     work / "plain.log")
    out["plain_read_csv"]["query_s"] = json.loads((work / "plain.json").read_text())["seconds"]
    for night, tag in ((1, "night-1"), (2, "night-2")):
        as_of = AS_OF + dt.timedelta(days=night - 1)
        figures = _measure(me + ["--refs", str(refs), "--home", str(home), "--as-of", as_of.isoformat(),
                                 "--tag", tag, "--out", str(work / f"{tag}.json")], work / f"{tag}.log")
        summary = json.loads((work / f"{tag}.json").read_text())
        figures["files"] = {o["file"]: {"status": o["status"], "rows": o["rows"], "seconds": o["seconds"]}
                            for o in summary["outcomes"]}
        out[tag] = figures
    floor = out["plain_read_csv"]["query_s"]
    level1_s = out["night-1"]["files"][level1.name]["seconds"]
    out["verdict"] = {
        "level1_load_s": level1_s,
        "level1_vs_plain_read_csv": round(level1_s / floor, 2) if floor else None,
        "ratio_target": LOAD_TARGET_RATIO,
        "peak_rss_gib": round(out["night-1"]["peak_rss_mib"] / 1024, 2),
        "rss_target_gib": RSS_TARGET_GIB,
        "unchanged_night_s": out["night-2"]["wall_s"],
    }
    return out


def print_references(figures: dict) -> None:
    print(f"\nReference load: Level 1 {figures['level1_rows']:,} records ({figures['level1_mib']} MiB), "
          f"Level 2 {figures['level2_rows']:,} records")
    print(f"{'':34}{'wall s':>8}{'CPU s':>8}{'peak MiB':>10}")
    for label, key in (("plain read_csv (Level 1)", "plain_read_csv"), ("night 1: load + R001-R004", "night-1"),
                       ("night 2: unchanged (digest)", "night-2")):
        f = figures[key]
        print(f"{label:34}{f['wall_s']:>8.2f}{f['cpu_s']:>8.2f}{f['peak_rss_mib']:>10}")
    for name, f in figures["night-1"]["files"].items():
        print(f"  night 1 {name}: {f['status']}, {f['rows']} rows, {f['seconds']} s")
    print(f"  plain read_csv query alone: {figures['plain_read_csv']['query_s']} s")
    v = figures["verdict"]
    print(f"Level 1 load (digest, read, every check, switch) {v['level1_load_s']} s = "
          f"{v['level1_vs_plain_read_csv']}x the plain read_csv query "
          f"(target <= {v['ratio_target']}x); peak {v['peak_rss_gib']} GiB (target <= {v['rss_target_gib']})")


def main(argv: list[str] | None = None) -> int:
    ap = argparse.ArgumentParser(prog="python -m bench.reference_load")
    ap.add_argument("--child", action="store_true")
    ap.add_argument("--plain")
    ap.add_argument("--refs")
    ap.add_argument("--home")
    ap.add_argument("--as-of")
    ap.add_argument("--tag", default="night")
    ap.add_argument("--out")
    args = ap.parse_args(argv)
    if not args.child:
        ap.error("run through `python -m bench --references-only`")
    return _child(args)


if __name__ == "__main__":
    sys.exit(main())
