"""The nightly DAG holds the registry for its whole run, and checks its conf before any work."""

from __future__ import annotations

from pathlib import Path

import pytest

from sealreg.publish.chain import published_releases
from tests.helpers import SAMPLE_AS_OF, SAMPLES, sealreg_cli


@pytest.fixture
def home(tmp_path, monkeypatch) -> Path:
    home = tmp_path / "home"
    monkeypatch.setenv("SEALREG_HOME", str(home))
    monkeypatch.setenv("SEALREG_INBOX", str(SAMPLES))
    return home


def test_a_cli_refresh_between_two_dag_tasks_is_refused_and_the_run_completes(nightly_run):
    """The session's DAG run of the samples, whose fixture starts a CLI refresh before validate_raw
    (tests/e2e/conftest.py)."""
    run, home, cli = nightly_run["run"], nightly_run["home"], nightly_run["cli"]
    assert cli.returncode == 1, cli.stdout + cli.stderr
    assert "DAG run sealreg_nightly/" in cli.stderr
    assert nightly_run["run_dir_after_cli"], "the DAG run's scratch folder survived the CLI refresh"
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
