"""Run the dbt project once per refresh, as a subprocess, against the run warehouse."""

from __future__ import annotations

import json
import os
import re
import subprocess
import sys
from collections.abc import Callable
from pathlib import Path

from sealreg.config import DBT_PROJECT_DIR, RunContext

_PROGRESS_LINE = re.compile(r"\b(\d+) of (\d+) (OK|PASS|ERROR|FAIL|WARN|SKIP)")


def dbt_executable() -> str:
    """The dbt console script of the running interpreter's environment."""
    candidate = Path(sys.executable).parent / "dbt"
    return str(candidate) if candidate.exists() else "dbt"


def dbt_vars(ctx: RunContext) -> dict:
    return {
        "as_of": ctx.as_of.isoformat(),
        "weights_version": ctx.weights_version,
        "run_id": ctx.run_id,
        "associated_countries": list(ctx.associated_countries),
    }


def dbt_command(ctx: RunContext, verb: str = "build", extra: list[str] | None = None) -> list[str]:
    return [
        dbt_executable(), verb,
        "--project-dir", str(DBT_PROJECT_DIR),
        "--profiles-dir", str(DBT_PROJECT_DIR),
        "--target-path", str(ctx.dbt_dir / "target"),
        "--log-path", str(ctx.dbt_dir / "logs"),
        "--vars", json.dumps(dbt_vars(ctx)),
        *(extra or []),
    ]


def run_dbt_build(ctx: RunContext, progress: Callable[[int, int], None] | None = None) -> dict:
    """`dbt build` on ctx.run_warehouse; returns success, node counts and failure messages."""
    ctx.dbt_dir.mkdir(parents=True, exist_ok=True)
    env = {**os.environ, "SEALREG_WAREHOUSE": str(ctx.run_warehouse), "DBT_SEND_ANONYMOUS_USAGE_STATS": "false"}
    cmd = dbt_command(ctx, "build", ["--exclude", "test_type:unit"])
    output: list[str] = []
    with subprocess.Popen(cmd, env=env, stdout=subprocess.PIPE, stderr=subprocess.STDOUT, text=True) as proc:
        assert proc.stdout is not None
        for line in proc.stdout:
            output.append(line.rstrip())
            match = _PROGRESS_LINE.search(line)
            if match and progress:
                progress(int(match.group(1)), int(match.group(2)))
    (ctx.dbt_dir / "dbt_output.log").write_text("\n".join(output) + "\n")
    results = _read_run_results(ctx.dbt_dir / "target" / "run_results.json")
    failures = [f"{r['unique_id']}: {r['status']}: {(r.get('message') or '').strip()}" for r in results
                if r["status"] in ("error", "fail", "runtime error")]
    if proc.returncode != 0 and not failures:
        failures = [line for line in output if "Error" in line or "error" in line][-5:] or output[-5:]
    return {
        "success": proc.returncode == 0,
        "nodes": len(results),
        "failures": failures,
        "log": str(ctx.dbt_dir / "dbt_output.log"),
    }


def _read_run_results(path: Path) -> list[dict]:
    if not path.exists():
        return []
    return json.loads(path.read_text()).get("results", [])
