"""The nightly DAG for the e2e tests: the session's Airflow database migrated once, and one real `dag.test()` run
on the samples that test_dag.py (what it publishes, its lineage) and test_dag_lock.py (the lock) both read."""

from __future__ import annotations

import json
import os
import subprocess
import sys
from pathlib import Path

import pytest

from tests.helpers import REPO, SAMPLE_AS_OF, SAMPLES, sealreg_cli


@pytest.fixture(scope="session")
def airflow_db() -> None:
    """`airflow db migrate` of the session's AIRFLOW_HOME (tests/conftest.py), which `dag.test()` needs."""
    subprocess.run([str(Path(sys.executable).parent / "airflow"), "db", "migrate"], check=True,
                   capture_output=True, env=os.environ.copy(), timeout=600)


def _nightly():
    from airflow.dag_processing.dagbag import DagBag

    return DagBag(dag_folder=str(REPO / "dags")).dags["sealreg_nightly"]


@pytest.fixture(scope="session")
def nightly(airflow_db):
    """The repository's `sealreg_nightly` DAG, parsed."""
    return _nightly()


@pytest.fixture(scope="session")
def nightly_run(airflow_db, tmp_path_factory) -> dict:
    """One `dag.test()` of the samples into a new home, with Airflow's OpenLineage events written to a file
    (docs/interface.md) and an operator's `sealreg refresh` of the same home started between the first two
    tasks, when nobody holds the flock: the run, its home, the lineage file and what that refresh did."""
    from sealreg.config import RunContext

    root = tmp_path_factory.mktemp("nightly-run")
    home, lineage = root / "home", root / "openlineage.jsonl"
    seen: dict[str, object] = {}

    def cli_refresh_before_validate_raw(name, ctx_dict, last=False):
        if name == "validate_raw":
            seen["cli"] = sealreg_cli("refresh", "--inbox", str(SAMPLES), "--home", str(home), "--as-of", SAMPLE_AS_OF)
            seen["run_dir_after_cli"] = RunContext.from_dict(ctx_dict).run_dir.is_dir()
        return real_run_step(name, ctx_dict, last)

    with pytest.MonkeyPatch.context() as mp:
        mp.setenv("SEALREG_HOME", str(home))
        mp.setenv("SEALREG_INBOX", str(SAMPLES))
        mp.setenv("AIRFLOW__OPENLINEAGE__TRANSPORT",
                  json.dumps({"type": "file", "log_file_path": str(lineage), "append": True}))
        mp.setenv("AIRFLOW__OPENLINEAGE__NAMESPACE", "sealreg")
        dag = _nightly()  # parsed with the settings above, as the scheduler would
        dag_module = dag.get_task("validate_raw").python_callable.__globals__
        real_run_step = dag_module["_run_step"]
        mp.setitem(dag_module, "_run_step", cli_refresh_before_validate_raw)
        run = dag.test(run_conf={"as_of": SAMPLE_AS_OF})
    # what the run left, read before any test refreshes the home or runs the DAG again (test_dag_lock does)
    manifest = home / "current" / "manifest.json"
    left = {"manifest": manifest.read_bytes() if manifest.is_file() else None,
            "runs_left": sorted(p.name for p in (home / "runs").iterdir()),
            "lineage_events": [json.loads(line) for line in lineage.read_text().splitlines()]
            if lineage.exists() else []}  # later DAG runs of the session (test_dag_lock's) cannot add to them
    return {"run": run, "home": home, **left, **seen}
