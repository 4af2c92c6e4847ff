"""Airflow DAG `sealreg_nightly`: the nightly registry refresh, one task per step of `sealreg refresh`.

Thin on purpose: every task calls one function of `sealreg.steps`; the run context travels over XCom.
The run holds the refresh lock's lease from its first task to its last (or a failure), so no other
refresh can run between two of its tasks.
Inbox, reference files and home come from SEALREG_INBOX / SEALREG_REFERENCES (default
`<inbox>/references`) / SEALREG_HOME; `as_of` from the run's conf, else the date the
run was due (UTC), so clearing and rerunning a night evaluates the same date.
A failed task ends the lease and, when SEALREG_ALERT_TO is set, mails the operator
(`sealreg.failure_notice`). Callbacks are set per task through `default_args`: Airflow 3.3 does not
fire a DAG-level `on_failure_callback`.
"""

from __future__ import annotations

import datetime as dt
import os

import pendulum
from airflow.sdk import Asset, dag, get_current_context, task

from sealreg.failure_notice import failure_notifiers

RELEASE_ASSET = Asset("sealreg://registry/current")
# Every task touches the run's DuckDB file: route them to one single-slot queue when scaled out.
DUCKDB_QUEUE = os.environ.get("SEALREG_DUCKDB_QUEUE", "default")
# ... and, for executors without queues (Kubernetes), to a pool of one slot (`airflow pools set duckdb 1 ...`).
DUCKDB_POOL = os.environ.get("SEALREG_DUCKDB_POOL", "default_pool")


def _lease_owner(context) -> str:
    """The DAG run that holds the registry: `<dag_id>/<run_id>`."""
    dag_run = context["dag_run"]
    return f"{dag_run.dag_id}/{dag_run.run_id}"


def _run_step(name: str, ctx_dict: dict, last: bool = False) -> dict:
    """One step under the refresh lock and this DAG run's lease (ended after the last step)."""
    from airflow.sdk.exceptions import AirflowFailException

    from sealreg.config import RunContext
    from sealreg.lock import RefreshLock
    from sealreg.steps import STEPS, GateFailed

    ctx = RunContext.from_dict(ctx_dict)
    try:
        with RefreshLock(ctx.paths.lock, lease_owner=_lease_owner(get_current_context())) as lock:
            result = STEPS[name](ctx)
            if last:
                lock.release_lease()
            return result
    except GateFailed as exc:  # a data failure is not transient: fail without retries
        raise AirflowFailException(str(exc)) from exc


def _end_lease(context) -> None:
    """Failure callback of every task: the failed run gives the registry back."""
    from sealreg.config import RegistryHome
    from sealreg.lock import LockHeld, RefreshLock

    try:
        with RefreshLock(RegistryHome.at().lock, lease_owner=_lease_owner(context)) as lock:
            lock.release_lease()
    except LockHeld:
        pass  # another run holds it: nothing of ours to end


def _run_settings(context) -> tuple:
    """(as_of, weights_version) from the run's conf, checked exactly like `sealreg refresh`'s arguments."""
    from airflow.sdk.exceptions import AirflowFailException

    from sealreg.config import UnknownWeights, check_weights_version, default_weights
    from sealreg.run_settings import SettingsError, check_as_of

    conf = dict(context["params"] or {})
    conf.update(context["dag_run"].conf or {})
    try:
        as_of = check_as_of(conf.get("as_of") or context["dag_run"].run_after.astimezone(dt.timezone.utc).date())
        weights = check_weights_version(conf.get("weights_version") or default_weights())
    except (SettingsError, UnknownWeights) as exc:
        raise AirflowFailException(f"invalid run conf: {exc}") from exc
    return as_of, weights


@dag(
    dag_id="sealreg_nightly",
    description="Nightly certification refresh: ingest, validate, dbt build, validate, publish, history",
    schedule="0 2 * * *",
    start_date=pendulum.datetime(2026, 1, 1, tz="UTC"),
    catchup=False,
    max_active_runs=1,
    max_active_tasks=1,
    default_args={
        "owner": "registry",
        "retries": 0,
        "queue": DUCKDB_QUEUE,
        "pool": DUCKDB_POOL,
        "on_failure_callback": [_end_lease, *failure_notifiers()],
    },
    params={"as_of": None, "weights_version": None},
    tags=["sealreg", "registry"],
)
def sealreg_nightly():
    @task
    def ingest() -> dict:
        from sealreg.config import RunContext

        as_of, weights = _run_settings(get_current_context())
        ctx = RunContext.create(as_of=as_of, weights_version=weights)
        result = _run_step("ingest", ctx.to_dict())
        return {"ctx": ctx.to_dict(), "ingest": result}

    @task
    def validate_raw(run: dict) -> dict:
        return {**run, "validate_raw": _run_step("validate_raw", run["ctx"])}

    @task
    def build(run: dict) -> dict:
        return {**run, "build": _run_step("build", run["ctx"])}

    @task
    def validate_final(run: dict) -> dict:
        return {**run, "validate_final": _run_step("validate_final", run["ctx"])}

    @task(outlets=[RELEASE_ASSET])
    def publish(run: dict) -> dict:
        return {**run, "publish": _run_step("publish", run["ctx"])}

    @task
    def record_history(run: dict) -> dict:
        return {**run, "record_history": _run_step("record_history", run["ctx"], last=True)}

    record_history(publish(validate_final(build(validate_raw(ingest())))))


sealreg_nightly()
