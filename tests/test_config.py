"""RegistryHome owns the paths of a home; RunContext carries the settings of a run."""

from __future__ import annotations

import json
import os
import re
import subprocess
import sys
from pathlib import Path

import pytest

from sealreg.config import RegistryHome, RunContext

REPO = Path(__file__).resolve().parents[1]
HOME_PARTS = ("current", "releases", "runs", "warehouse", "quarantine", "decisions", "keys", "lock")


def test_registry_home_owns_every_path_of_a_home(tmp_path: Path) -> None:
    home = RegistryHome.at(tmp_path)
    assert {part: getattr(home, part) for part in HOME_PARTS} == {part: tmp_path / part for part in HOME_PARTS}
    assert home.current_database == tmp_path / "current" / "registry.duckdb"
    assert home.decisions_log == tmp_path / "decisions" / "log.jsonl"
    assert home.current_release() is None
    ctx = RunContext.create(home=tmp_path, inbox=tmp_path, as_of="2026-03-01", run_id="r1", pid=7)
    assert ctx.paths == home and RegistryHome.of(ctx) == home and RegistryHome.of(tmp_path) == home
    assert ctx.run_dir == tmp_path / "runs" / "r1-7"
    assert re.fullmatch(r"\d{8}T\d{6}Z", ctx.started)  # quarantine folders sort by the run's start
    assert ctx.quarantine_dir == tmp_path / "quarantine" / f"{ctx.started}-r1"


def test_full_ingest_is_a_run_setting_that_travels_with_the_context(tmp_path: Path, monkeypatch) -> None:
    monkeypatch.delenv("SEALREG_FULL_INGEST", raising=False)
    make = dict(home=tmp_path, inbox=tmp_path, as_of="2026-03-01", run_id="r1")
    assert RunContext.create(**make).full_ingest is False
    forced = RunContext.create(**make, full_ingest=True)
    assert RunContext.from_dict(forced.to_dict()).full_ingest is True  # as the DAG passes it over XCom
    monkeypatch.setenv("SEALREG_FULL_INGEST", "yes")
    assert RunContext.create(**make).full_ingest is True


def test_no_module_builds_a_path_of_the_home_by_hand() -> None:
    by_hand = re.compile(r'/ "(' + "|".join(HOME_PARTS) + r')"')
    offenders = [
        f"{path.relative_to(REPO)}:{n}"
        for folder in ("sealreg", "ingestion", "dags", "bench", "expectations")
        for path in sorted((REPO / folder).rglob("*.py"))
        if path != REPO / "sealreg" / "config.py"
        for n, line in enumerate(path.read_text(encoding="utf-8").splitlines(), start=1)
        if by_hand.search(line)
    ]
    assert offenders == []


def test_a_quarantine_folder_is_found_by_its_run_id_never_by_a_pattern_or_a_path(tmp_path):
    from sealreg.config import NotARunId, RegistryHome

    home = RegistryHome(tmp_path / "home")
    (home.quarantine / "20261128T010203Z-2026-11-28-aaaaaaaaaaaa").mkdir(parents=True)
    (home.quarantine / "20261129T010203Z-2026-11-28-aaaaaaaaaaaa").mkdir()
    (home.quarantine / "20261129T010203Z-x-2026-11-28-aaaaaaaaaaaa").mkdir()
    assert home.quarantine_folder("2026-11-28-aaaaaaaaaaaa").name == "20261129T010203Z-2026-11-28-aaaaaaaaaaaa"
    assert home.quarantine_folder("*").name == "*"  # a pattern matches nothing
    for hostile in ("../../etc", "..", "", "a/b", "a\0b"):
        with pytest.raises(NotARunId):
            home.quarantine_folder(hostile)


def test_a_relative_project_root_still_gives_dbt_absolute_paths(tmp_path: Path) -> None:
    """dbt runs in the run folder (sealreg/dbt_runner.py), so every path of its command line must be absolute,
    also when SEALREG_PROJECT_ROOT is given relative to the caller's folder."""
    script = ("import json, sys; from sealreg.config import RunContext; from sealreg.dbt_runner import dbt_command; "
              "ctx = RunContext.create(home=sys.argv[1], inbox=sys.argv[1], as_of='2026-03-01', run_id='r1'); "
              "print(json.dumps(dbt_command(ctx)))")
    proc = subprocess.run([sys.executable, "-c", script, str(tmp_path)], cwd=REPO, capture_output=True, text=True,
                          env={**os.environ, "SEALREG_PROJECT_ROOT": "."}, timeout=120)
    assert proc.returncode == 0, proc.stderr
    cmd = json.loads(proc.stdout)
    paths = {flag: cmd[cmd.index(flag) + 1] for flag in ("--project-dir", "--profiles-dir", "--target-path",
                                                        "--log-path")}
    assert paths["--project-dir"] == str(REPO / "dbt_project")
    assert all(Path(p).is_absolute() for p in paths.values()), paths
