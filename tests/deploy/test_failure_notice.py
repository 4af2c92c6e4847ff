"""Failure notices: a failed task of `sealreg_nightly` mails the operator (real Airflow, SMTP sink on loopback).

`airflow dags test` runs the DAG in-process with a project-local AIRFLOW_HOME (SQLite); the SMTP server
is an aiosmtpd sink on 127.0.0.1.
"""

from __future__ import annotations

import json
import os
import subprocess
import sys
from pathlib import Path

import pytest

from sealreg.failure_notice import failure_notifiers, recipients
from tests.deploy.smtp_sink import SmtpSink, html_body
from tests.helpers import REPO, SAMPLES

AIRFLOW = str(Path(sys.executable).parent / "airflow")
DAG_ID = "sealreg_nightly"
HOSTILE_WEIGHTS = "<script>alert(1)</script>"


def test_recipients_are_split_on_commas_and_semicolons_and_blanks_dropped():
    assert recipients({"SEALREG_ALERT_TO": " ops@a.example ; b@a.example,, "}) == ["ops@a.example", "b@a.example"]
    assert recipients({}) == []
    assert failure_notifiers({"SEALREG_ALERT_TO": " , "}) == []
    assert len(failure_notifiers({"SEALREG_ALERT_TO": "ops@a.example"})) == 1


def _airflow_env(airflow_home: Path, **extra: str) -> dict[str, str]:
    env = {k: v for k, v in os.environ.items() if not k.startswith(("AIRFLOW", "SEALREG_"))}
    env.update(
        {
            "AIRFLOW_HOME": str(airflow_home),
            "AIRFLOW__CORE__DAGS_FOLDER": str(REPO / "dags"),
            "AIRFLOW__CORE__LOAD_EXAMPLES": "False",
            "GX_ANALYTICS_ENABLED": "false",
            "DBT_SEND_ANONYMOUS_USAGE_STATS": "false",
            **extra,
        }
    )
    return env


def _dags_test(env: dict[str, str], conf: dict) -> subprocess.CompletedProcess:
    return subprocess.run(
        [AIRFLOW, "dags", "test", DAG_ID, "--conf", json.dumps(conf)],
        env=env, capture_output=True, text=True, timeout=600, stdin=subprocess.DEVNULL,
    )


@pytest.fixture(scope="module")
def airflow_home(tmp_path_factory) -> Path:
    """A project-local AIRFLOW_HOME with a migrated SQLite metadata DB."""
    home = tmp_path_factory.mktemp("airflow")
    migrate = subprocess.run([AIRFLOW, "db", "migrate"], env=_airflow_env(home), capture_output=True, text=True,
                             timeout=600)
    assert migrate.returncode == 0, migrate.stdout + migrate.stderr
    return home


def test_a_failed_task_mails_the_operator_the_dag_task_run_id_reason_and_log(tmp_path, airflow_home):
    with SmtpSink() as sink:
        env = _airflow_env(
            airflow_home,
            SEALREG_HOME=str(tmp_path / "home"),
            SEALREG_INBOX=str(SAMPLES),
            SEALREG_ALERT_TO="ops@registry.example; duty@registry.example",
            SEALREG_ALERT_FROM="sealreg@registry.example",
            AIRFLOW_CONN_SMTP_DEFAULT=sink.connection_uri(),
            AIRFLOW__API__BASE_URL="https://airflow.registry.example",
        )
        # A hostile conf: an unknown weights version that is also markup.
        run = _dags_test(env, {"weights_version": HOSTILE_WEIGHTS})
        assert run.returncode != 0, "the run must fail"
        messages = sink.wait_for(1, timeout=30)

    log = run.stdout + run.stderr
    assert len(messages) == 1, f"expected one notice, got {len(messages)}\n{log[-4000:]}"
    (mail_from, rcpts), = sink.envelopes
    assert mail_from == "sealreg@registry.example"
    assert rcpts == ["ops@registry.example", "duty@registry.example"]

    notice = messages[0]
    run_id = next(line.split("run_id=", 1)[1].split(",", 1)[0] for line in log.splitlines() if "run_id=" in line)
    assert notice["Subject"] == f"sealreg: nightly refresh failed in task ingest (DAG {DAG_ID}, run {run_id})"
    body = html_body(notice)
    for row in (f"<td>{DAG_ID}</td>", "<td>ingest</td>", f"<td>{run_id}</td>"):
        assert row in body, row
    # The reason, escaped: the conf is input, never markup.
    assert "invalid run conf: unknown weights version" in body
    assert "&lt;script&gt;alert(1)&lt;/script&gt;" in body and HOSTILE_WEIGHTS not in body
    assert f'href="https://airflow.registry.example/dags/{DAG_ID}/runs/' in body and "/tasks/ingest" in body
    assert "quarantine/" in body


@pytest.mark.parametrize("alert_to", ["", None])
def test_without_recipients_the_tasks_only_end_the_lease(monkeypatch, alert_to):
    if alert_to is None:
        monkeypatch.delenv("SEALREG_ALERT_TO", raising=False)
    else:
        monkeypatch.setenv("SEALREG_ALERT_TO", alert_to)
    from airflow.dag_processing.dagbag import DagBag

    dag = DagBag(dag_folder=str(REPO / "dags")).dags[DAG_ID]
    for task in dag.tasks:
        assert [cb.__name__ for cb in task.on_failure_callback] == ["_end_lease"], task.task_id


def test_with_recipients_every_task_ends_the_lease_then_mails(monkeypatch):
    monkeypatch.setenv("SEALREG_ALERT_TO", "ops@registry.example")
    from airflow.dag_processing.dagbag import DagBag

    dag = DagBag(dag_folder=str(REPO / "dags")).dags[DAG_ID]
    for task in dag.tasks:
        assert [cb.__name__ for cb in task.on_failure_callback] == ["_end_lease", "mail_operator"], task.task_id
