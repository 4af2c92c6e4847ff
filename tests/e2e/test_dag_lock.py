"""The nightly DAG holds the registry for its whole run, and checks its conf before any work."""

from __future__ import annotations

import os
import subprocess
import sys
from pathlib import Path

import pytest

from sealreg.publish.chain import published_releases
from tests.helpers import REPO, SAMPLE_AS_OF, SAMPLES, sealreg_cli


@pytest.fixture(scope="module")
def nightly():
    subprocess.run([str(Path(sys.executable).parent / "airflow"), "db", "migrate"], check=True,
                   capture_output=True, env=os.environ.copy(), timeout=600)
    from airflow.dag_processing.dagbag import DagBag

    return DagBag(dag_folder=str(REPO / "dags")).dags["sealreg_nightly"]


@pytest.fixture
def home(tmp_path, monkeypatch) -> Path:
    home = tmp_path / "home"
    monkeypatch.setenv("SEALREG_HOME", str(home))
    monkeypatch.setenv("SEALREG_INBOX", str(SAMPLES))
    return home


def test_a_cli_refresh_between_two_dag_tasks_is_refused_and_the_run_completes(nightly, home, monkeypatch):
    from sealreg.config import RunContext

    seen: dict[str, object] = {}
    dag_module = nightly.get_task("validate_raw").python_callable.__globals__
    real_run_step = dag_module["_run_step"]

    def cli_refresh_before_validate_raw(name, ctx_dict, last=False):
        if name == "validate_raw":  # between two tasks nobody holds the flock: an operator starts a refresh
            seen["cli"] = sealreg_cli("refresh", "--inbox", str(SAMPLES), "--home", str(home), "--as-of", SAMPLE_AS_OF)
            seen["run_dir_after_cli"] = RunContext.from_dict(ctx_dict).run_dir.is_dir()
        return real_run_step(name, ctx_dict, last)

    monkeypatch.setitem(dag_module, "_run_step", cli_refresh_before_validate_raw)
    run = nightly.test(run_conf={"as_of": SAMPLE_AS_OF})
    cli = seen["cli"]
    assert cli.returncode == 1, cli.stdout + cli.stderr
    assert "DAG run sealreg_nightly/" in cli.stderr
    assert seen["run_dir_after_cli"], "the DAG run's scratch folder survived the CLI refresh"
    assert run.state == "success"
    assert not (home / "lock.run").exists(), "the lease ends with the run"
    assert len(published_releases(home / "releases")) == 1  # the DAG's; releases/ also holds .verified/
    after = sealreg_cli("refresh", "--inbox", str(SAMPLES), "--home", str(home), "--as-of", SAMPLE_AS_OF)
    assert after.returncode == 0, after.stderr


def test_a_failed_dag_run_gives_the_registry_back(nightly, home, monkeypatch):
    from sealreg import steps

    def broken_build(ctx, progress=None):
        raise steps.StepFailed("dbt build failed: injected")

    monkeypatch.setitem(steps.STEPS, "build", broken_build)
    run = nightly.test(run_conf={"as_of": SAMPLE_AS_OF})
    assert run.state == "failed"
    assert not (home / "lock.run").exists(), "the failure callback ends the lease"


@pytest.mark.parametrize("conf, reason", [
    ({"as_of": "2999-01-01"}, "in the future"),
    ({"as_of": SAMPLE_AS_OF, "weights_version": "made-up-2099"}, "unknown weights version"),
])
def test_the_dag_refuses_a_bad_conf_before_any_work(nightly, home, conf, reason, capfd):
    run = nightly.test(run_conf=conf)
    assert run.state == "failed"
    assert not (home / "runs").exists() and not (home / "quarantine").exists() and not (home / "releases").exists()
    out = capfd.readouterr()
    assert reason in out.out + out.err


@pytest.mark.parametrize("value", ["2026-13-01", "28/11/2026", "2026-11-28T00:00:00", "", 20261128, None])
def test_as_of_must_be_an_iso_date(value):
    from sealreg.run_settings import SettingsError, check_as_of

    with pytest.raises(SettingsError, match="ISO date"):
        check_as_of(value)


def test_the_cli_refuses_the_same_settings(tmp_path):
    home = str(tmp_path / "home")
    future = sealreg_cli("refresh", "--inbox", str(SAMPLES), "--home", home, "--as-of", "2999-01-01")
    assert future.returncode == 2 and "in the future" in future.stderr
    weights = sealreg_cli("refresh", "--inbox", str(SAMPLES), "--home", home, "--weights", "made-up-2099")
    assert weights.returncode == 2 and "unknown weights version" in weights.stderr
    assert not (tmp_path / "home" / "runs").exists()
