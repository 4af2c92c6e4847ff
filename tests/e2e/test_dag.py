"""The nightly DAG: it imports cleanly, keeps the house rules, and runs the pipeline end to end."""

from __future__ import annotations

import json

import pytest

from tests.helpers import REPO

STEP_ORDER = ["ingest", "validate_raw", "build", "validate_final", "publish", "record_history"]


@pytest.fixture(scope="module")
def dagbag():
    from airflow.dag_processing.dagbag import DagBag

    return DagBag(dag_folder=str(REPO / "dags"))


def test_dag_folder_imports_without_errors(dagbag):
    assert dagbag.import_errors == {}
    assert "sealreg_nightly" in dagbag.dag_ids


def test_nightly_dag_runs_steps_in_contract_order_one_at_a_time(dagbag):
    dag = dagbag.dags["sealreg_nightly"]
    assert dag.catchup is False
    assert dag.max_active_runs == 1
    assert dag.max_active_tasks == 1
    assert dag.schedule is not None
    # a straight chain: each step's only downstream is the next step
    for upstream, downstream in zip(STEP_ORDER, STEP_ORDER[1:], strict=False):
        assert dag.get_task(upstream).downstream_task_ids == {downstream}
    assert dag.get_task("record_history").downstream_task_ids == set()


def test_dag_test_publishes_a_release_from_the_samples(nightly_run):
    """The session's one DAG run of the samples (tests/e2e/conftest.py)."""
    run, manifest, events = nightly_run["run"], nightly_run["manifest"], nightly_run["lineage_events"]
    assert run.state == "success"
    assert manifest is not None, "the run published no current/manifest.json"
    assert json.loads(manifest)["as_of"] == "2026-11-28"
    assert nightly_run["runs_left"] == [], "the run's scratch folder is removed after publishing"
    for step in STEP_ORDER:  # one START and one COMPLETE event per task of the run, each naming the DAG as parent
        task_events = [e for e in events if e["job"]["name"] == f"sealreg_nightly.{step}"]
        assert [e["eventType"] for e in task_events] == ["START", "COMPLETE"], step
        assert {e["run"]["facets"]["parent"]["job"]["name"] for e in task_events} == {"sealreg_nightly"}
    # The DAG run's own events are sent from the listener's executor after the run returns: not awaited here.
