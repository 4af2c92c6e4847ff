"""A copy of the dbt project and of the sample home's warehouse, to plant a fault in and run dbt on."""

from __future__ import annotations

import json
import os
import shutil
import subprocess
from pathlib import Path

from sealreg.config import RegistryHome
from sealreg.dbt_runner import dbt_executable
from tests.helpers import REPO, SAMPLE_AS_OF


def edit_once(path: Path, old: str, new: str) -> None:
    """Replace `old`, which must occur exactly once in the file, by `new`."""
    text = path.read_text()
    assert text.count(old) == 1, f"{path.name}: {old!r} not found once"
    path.write_text(text.replace(old, new))


def copy_project_and_warehouse(sample_home: Path, tmp_path: Path) -> tuple[Path, Path]:
    """(project, warehouse): fresh copies under tmp_path; the warehouse keeps the run warehouse's file name,
    which its views use as catalog name."""
    project = tmp_path / "dbt_project"
    shutil.copytree(REPO / "dbt_project", project, ignore=shutil.ignore_patterns("target", "logs"))
    warehouse = tmp_path / "run" / "warehouse.duckdb"
    warehouse.parent.mkdir()
    shutil.copyfile(RegistryHome.at(sample_home).baseline_warehouse, warehouse)
    return project, warehouse


def run_dbt_on_copy(project: Path, warehouse: Path, tmp_path: Path, *args: str) -> tuple[subprocess.CompletedProcess,
                                                                                       dict[str, dict]]:
    """Run `dbt <args>` on the copies; the process and {unique_id: result} of its run_results.json."""
    proc = subprocess.run(
        [dbt_executable(), *args, "--project-dir", str(project), "--profiles-dir", str(project),
         "--target-path", str(tmp_path / "target"), "--log-path", str(tmp_path / "logs")],
        env={**os.environ, "SEALREG_WAREHOUSE": str(warehouse), "SEALREG_AS_OF": SAMPLE_AS_OF},
        capture_output=True, text=True, timeout=300)
    results = json.loads((tmp_path / "target" / "run_results.json").read_text())["results"]
    return proc, {r["unique_id"]: r for r in results}
