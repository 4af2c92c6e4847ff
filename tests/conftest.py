"""Test-wide settings: private Airflow home, no telemetry, and the sample release built once."""

from __future__ import annotations

import os
import tempfile
from pathlib import Path

import pytest

from tests.helpers import REPO, SAMPLE_AS_OF, SAMPLE_REFERENCES, SAMPLES, sealreg_cli

# Set before anything imports Airflow, GX or dbt: tests never touch a user's Airflow or phone home.
os.environ["AIRFLOW_HOME"] = tempfile.mkdtemp(prefix="sealreg-airflow-")
os.environ["AIRFLOW__CORE__DAGS_FOLDER"] = str(REPO / "dags")
os.environ["AIRFLOW__CORE__LOAD_EXAMPLES"] = "False"
os.environ["AIRFLOW__CORE__UNIT_TEST_MODE"] = "False"
os.environ["GX_ANALYTICS_ENABLED"] = "false"
os.environ["DBT_SEND_ANONYMOUS_USAGE_STATS"] = "false"
os.environ.pop("SEALREG_HOME", None)
os.environ.pop("SEALREG_INBOX", None)


@pytest.fixture(scope="session")
def sample_home(tmp_path_factory) -> Path:
    """A registry home holding one release built by `sealreg refresh` on the bundled samples and references."""
    home = tmp_path_factory.mktemp("sample-home")
    proc = sealreg_cli("refresh", "--inbox", str(SAMPLES), "--references", str(SAMPLE_REFERENCES),
                       "--home", str(home), "--as-of", SAMPLE_AS_OF)
    assert proc.returncode == 0, f"refresh failed:\n{proc.stdout}\n{proc.stderr}"
    (home / "refresh-output.txt").write_text(proc.stdout)
    return home
