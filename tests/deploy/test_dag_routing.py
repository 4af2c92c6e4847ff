"""The DAG routes every DuckDB-writing task as the deployment says: queue (Celery) and pool (Kubernetes)."""

from __future__ import annotations

from tests.helpers import REPO


def _dag():
    from airflow.dag_processing.dagbag import DagBag

    bag = DagBag(dag_folder=str(REPO / "dags"))
    assert bag.import_errors == {}
    return bag.dags["sealreg_nightly"]


def test_by_default_tasks_use_the_default_queue_and_pool(monkeypatch):
    monkeypatch.delenv("SEALREG_DUCKDB_QUEUE", raising=False)
    monkeypatch.delenv("SEALREG_DUCKDB_POOL", raising=False)
    for task in _dag().tasks:
        assert (task.queue, task.pool) == ("default", "default_pool"), task.task_id


def test_queue_and_pool_come_from_the_environment_at_parse_time(monkeypatch):
    monkeypatch.setenv("SEALREG_DUCKDB_QUEUE", "duckdb")
    monkeypatch.setenv("SEALREG_DUCKDB_POOL", "duckdb")
    for task in _dag().tasks:
        assert (task.queue, task.pool, task.pool_slots) == ("duckdb", "duckdb", 1), task.task_id
