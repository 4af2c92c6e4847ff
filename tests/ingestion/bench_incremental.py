"""Benchmark (not a test): full vs incremental ingest after a night where 1 % of the disclosures changed.

`python tests/ingestion/bench_incremental.py [N_PROVIDERS] [DIR] [REPEATS]`: generates N providers with
bench.generate (once per DIR), ingests them fully into a baseline, lets bench.generate.mutate re-submit
1 % of them, then times `run_ingest` on that inbox with full=True and incrementally (each from the same
baseline copy), REPEATS times each, alternating. Prints wall and CPU seconds per run.
"""

from __future__ import annotations

import datetime as dt
import os
import resource
import shutil
import sys
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parents[2]))

from bench.generate import generate, mutate  # noqa: E402
from ingestion.ingest import run_ingest  # noqa: E402
from sealreg.config import RunContext  # noqa: E402

AS_OF = dt.date(2026, 11, 28)


def _timed(ctx: RunContext, full: bool) -> tuple[float, float, dict]:
    cpu, wall = time.process_time(), time.perf_counter()
    result = run_ingest(ctx, decisions=[], full=full)
    return time.perf_counter() - wall, time.process_time() - cpu, result


def main() -> None:
    n = int(sys.argv[1]) if len(sys.argv) > 1 else 10_000
    root = Path(sys.argv[2]) if len(sys.argv) > 2 else Path("/tmp/sealreg-bench-incremental")
    repeats = int(sys.argv[3]) if len(sys.argv) > 3 else 2
    inbox, home = root / "inbox", root / "home"
    if not (root / "generated").exists():
        shutil.rmtree(root, ignore_errors=True)
        print(generate(inbox, n, seed=1, as_of=AS_OF))
        (root / "generated").touch()
    night1 = RunContext.create(home=home, inbox=inbox, as_of=AS_OF, run_id="bench-1")
    print("night 1 (full, empty home):", _timed(night1, full=True))
    night1.paths.warehouse.mkdir(parents=True, exist_ok=True)
    shutil.copyfile(night1.run_warehouse, night1.paths.baseline_warehouse)
    shutil.rmtree(night1.run_dir)
    changed = mutate(inbox, 0.01, seed=2)
    size = sum(p.stat().st_size for p in inbox.glob("*.json"))
    print(f"{len(changed)} new submissions; inbox {len(list(inbox.glob('*.json')))} files, {size / 1e6:.1f} MB; "
          f"baseline {night1.paths.baseline_warehouse.stat().st_size / 1e6:.1f} MB")
    night2 = RunContext.create(home=home, inbox=inbox, as_of=AS_OF + dt.timedelta(days=1), run_id="bench-2")
    for i in range(repeats):
        for full in (True, False):
            wall, cpu, result = _timed(night2, full)
            print(f"run {i} {'full       ' if full else 'incremental'}: wall {wall:6.2f} s, cpu {cpu:6.2f} s  "
                  f"{result}  load {os.getloadavg()[0]:.1f}")
            shutil.rmtree(night2.run_dir)
    print(f"peak RSS {resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024:.0f} MB")


if __name__ == "__main__":
    main()
