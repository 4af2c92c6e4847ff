"""Benchmark (not a test): `python tests/ingestion/bench_ingest.py [N] [DIR]` times run_ingest on N ~10 KB files."""

from __future__ import annotations

import sys
import tempfile
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent))

import disclosure_factory as factory  # noqa: E402

from ingestion.ingest import run_ingest  # noqa: E402
from sealreg.config import RunContext  # noqa: E402


def generate(inbox: Path, n: int) -> int:
    """Write n valid disclosures of ~10 KB (3 services, evidence) plus 1 % broken ones; returns total bytes."""
    total = 0
    for i in range(n):
        doc = factory.disclosure(f"p{i:05d}", n_services=3, submitted_at=f"2026-{1 + i % 11:02d}-01T09:00:00Z")
        for s in doc["services"]:
            s["evidence"] = {cid: {"url": f"https://p{i}.example/{cid}", "note": "documented in the annual report"}
                             for cid in list(s["answers"])[:20]}
        if i % 100 == 99:
            doc["provider"]["lei"] = "5493001KJTIIGC8Y1R13"
        total += factory.write(inbox, f"p{i:05d}.json", doc).stat().st_size
    return total


def main() -> None:
    n = int(sys.argv[1]) if len(sys.argv) > 1 else 10_000
    root = Path(sys.argv[2]) if len(sys.argv) > 2 else Path(tempfile.mkdtemp(prefix="sealreg-bench-"))
    inbox = root / "inbox"
    inbox.mkdir(parents=True, exist_ok=True)
    size = generate(inbox, n) if not any(inbox.iterdir()) else sum(p.stat().st_size for p in inbox.iterdir())
    ctx = RunContext.create(home=root / "home", inbox=inbox, as_of=factory.AS_OF, run_id="bench")
    start = time.perf_counter()
    result = run_ingest(ctx)
    elapsed = time.perf_counter() - start
    print(f"{result} {size / 1e6:.1f} MB in {elapsed:.1f} s ({n / elapsed:.0f} files/s)")


if __name__ == "__main__":
    main()
