"""Run one refresh in this process and print its timings as JSON (run by bench/__main__.py in a
subprocess, so the parent can sample the peak RSS of the whole process tree).

    python -m bench.driver --inbox DIR --home DIR --as-of DATE --out FILE [--keep-dbt DIR] [--profile FILE]

Nothing of sealreg is changed: the build step is wrapped only to copy dbt's run_results.json (per-model
timings) out of the run folder before `publish` deletes it; `--profile` runs the refresh under cProfile.
"""

from __future__ import annotations

import argparse
import json
import resource
import shutil
import sys
import time
from pathlib import Path

T0 = time.perf_counter()


def main(argv: list[str] | None = None) -> int:
    ap = argparse.ArgumentParser()
    ap.add_argument("--inbox", required=True)
    ap.add_argument("--home", required=True)
    ap.add_argument("--as-of", required=True)
    ap.add_argument("--out", required=True)
    ap.add_argument("--keep-dbt", help="copy dbt target/run_results.json and the dbt log here")
    ap.add_argument("--profile", help="write a cProfile stats file of the refresh here")
    args = ap.parse_args(argv)

    from sealreg import config, steps
    from sealreg.refresh import run_refresh

    imported = time.perf_counter() - T0
    ctx = config.RunContext.create(home=args.home, inbox=args.inbox, as_of=args.as_of)
    context_s = time.perf_counter() - T0 - imported

    if args.keep_dbt:
        keep = Path(args.keep_dbt)
        original_build = steps.STEPS["build"]

        def build(ctx, progress=None):
            try:
                return original_build(ctx, progress=progress)
            finally:
                keep.mkdir(parents=True, exist_ok=True)
                for src in (ctx.dbt_dir / "target" / "run_results.json", ctx.dbt_dir / "dbt_output.log"):
                    if src.exists():
                        shutil.copy2(src, keep / src.name)

        steps.STEPS["build"] = build

    # CPU seconds per step (this process + waited-for children such as the dbt subprocess): on a shared,
    # overloaded machine these are steadier than wall times.
    cpu: dict[str, float] = {}
    spans: dict[str, list[float]] = {}  # step -> [start, end] as epoch seconds (for RSS attribution)
    for name, fn in list(steps.STEPS.items()):
        steps.STEPS[name] = _cpu_timed(name, fn, cpu, spans)

    started = time.perf_counter()
    if args.profile:
        import cProfile

        prof = cProfile.Profile()
        result = prof.runcall(run_refresh, ctx)
        prof.dump_stats(args.profile)
    else:
        result = run_refresh(ctx)
    refresh_s = time.perf_counter() - started
    out = {
        "ok": result.ok,
        "failed_step": result.failed_step,
        "error": str(result.error)[:2000] if result.error else None,
        "timings": result.timings,
        "cpu": cpu,
        "spans": spans,
        "steps": result.steps,
        "import_s": imported,
        "context_s": context_s,
        "refresh_s": refresh_s,
        "process_s": time.perf_counter() - T0,
        "run_id": ctx.run_id,
    }
    Path(args.out).write_text(json.dumps(out, indent=2, default=str))
    return 0 if result.ok else 1


def _cpu_seconds() -> float:
    own, kids = resource.getrusage(resource.RUSAGE_SELF), resource.getrusage(resource.RUSAGE_CHILDREN)
    return own.ru_utime + own.ru_stime + kids.ru_utime + kids.ru_stime


def _cpu_timed(name, fn, sink: dict[str, float], spans: dict[str, list[float]]):
    def step(ctx, progress=None):
        before = _cpu_seconds()
        spans[name] = [time.time(), 0.0]
        try:
            return fn(ctx, progress=progress)
        finally:
            sink[name] = _cpu_seconds() - before
            spans[name][1] = time.time()

    return step


if __name__ == "__main__":
    sys.exit(main())
