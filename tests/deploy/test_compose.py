"""Static checks of docker-compose.yml and the Dockerfile (no container runtime needed)."""

from __future__ import annotations

import re
import shlex
from pathlib import Path

import pytest
import yaml

REPO = Path(__file__).resolve().parents[2]
COMPOSE = REPO / "docker-compose.yml"
DOCKERFILE = REPO / "Dockerfile"
DOCKERIGNORE = REPO / ".dockerignore"

AIRFLOW_SERVICES = {
    "airflow-init",
    "airflow-apiserver",
    "airflow-scheduler",
    "airflow-dag-processor",
    "airflow-triggerer",
}
CELERY_SERVICES = {"redis", "airflow-worker", "airflow-worker-duckdb"}
LONG_RUNNING = (AIRFLOW_SERVICES - {"airflow-init"}) | CELERY_SERVICES | {"postgres"}
REGISTRY_HOME = "/var/lib/sealreg/home"


@pytest.fixture(scope="module")
def compose() -> dict:
    return yaml.safe_load(COMPOSE.read_text())


@pytest.fixture(scope="module")
def services(compose) -> dict:
    return compose["services"]


def _env(service: dict) -> dict:
    env = service.get("environment", {})
    if isinstance(env, list):
        env = dict(item.split("=", 1) for item in env)
    return env


def _default(value: str) -> str:
    """'${VAR:-x}' -> 'x'; plain values unchanged (what compose uses when VAR is unset)."""
    return re.sub(r"\$\{[A-Za-z_][A-Za-z0-9_]*:-([^}]*)\}", r"\1", str(value))


def _command(service: dict) -> list[str]:
    cmd = service.get("command", [])
    return shlex.split(cmd) if isinstance(cmd, str) else list(cmd)


def _volume_targets(service: dict) -> dict[str, str]:
    """container path -> source (named volume or host path)."""
    out = {}
    for vol in service.get("volumes", []):
        if isinstance(vol, dict):
            out[vol["target"]] = vol.get("source", "")
        else:
            parts = _default(vol).split(":")  # resolve ${VAR:-default} before splitting on ':'
            out[parts[1]] = parts[0]
    return out


def test_all_services_present(services):
    assert set(services) >= AIRFLOW_SERVICES | CELERY_SERVICES | {"postgres"}


def test_images_pinned(services):
    assert services["postgres"]["image"] == "postgres:16"
    assert services["redis"]["image"] == "redis:7.2-bookworm"


def test_airflow_services_built_from_the_dockerfile_via_common_anchor(compose, services):
    common = compose["x-airflow-common"]
    assert common["build"] == "."
    assert DOCKERFILE.is_file()
    for name in AIRFLOW_SERVICES | {"airflow-worker", "airflow-worker-duckdb"}:
        # YAML merge keys resolve the anchor: every Airflow service carries the common build/env/volumes.
        assert services[name]["build"] == ".", name
        assert services[name]["image"] == common["image"], name
        assert _env(services[name])["AIRFLOW__DATABASE__SQL_ALCHEMY_CONN"].startswith("postgresql+psycopg2://")
    assert "&airflow-common" in COMPOSE.read_text()


@pytest.mark.parametrize("name", sorted(LONG_RUNNING))
def test_long_running_services_have_healthchecks(services, name):
    hc = services[name].get("healthcheck")
    assert hc and hc.get("test"), f"{name} has no healthcheck"
    assert services[name].get("restart") in {"always", "unless-stopped"}, name


def test_healthcheck_targets(services):
    def text(name):
        test = services[name]["healthcheck"]["test"]
        return " ".join(test) if isinstance(test, list) else test

    assert "pg_isready" in text("postgres")
    assert "redis-cli" in text("redis") and "ping" in text("redis")
    assert "/api/v2/version" in text("airflow-apiserver") and ":8080" in text("airflow-apiserver")
    assert ":8974/health" in text("airflow-scheduler")
    assert "DagProcessorJob" in text("airflow-dag-processor")
    assert "TriggererJob" in text("airflow-triggerer")
    assert "inspect ping" in text("airflow-worker")
    assert "duckdb@" in text("airflow-worker-duckdb")


def test_commands(services):
    assert _command(services["airflow-apiserver"]) == ["api-server"]
    assert _command(services["airflow-scheduler"]) == ["scheduler"]
    assert _command(services["airflow-dag-processor"]) == ["dag-processor"]
    assert _command(services["airflow-triggerer"]) == ["triggerer"]
    assert any(p.endswith(":8080") for p in services["airflow-apiserver"]["ports"])


def test_init_migrates_and_creates_admin_once(services):
    init = services["airflow-init"]
    script = " ".join(_command(init))
    assert "airflow db migrate" in script
    assert "airflow users create" in script and "Admin" in script
    assert "healthcheck" not in init
    assert init.get("restart", "no") == "no"


def test_dependency_conditions(services):
    assert services["airflow-init"]["depends_on"]["postgres"]["condition"] == "service_healthy"
    for name in (AIRFLOW_SERVICES - {"airflow-init"}) | {"airflow-worker", "airflow-worker-duckdb"}:
        deps = services[name]["depends_on"]
        assert deps["postgres"]["condition"] == "service_healthy", name
        assert deps["airflow-init"]["condition"] == "service_completed_successfully", name
    for name in ("airflow-worker", "airflow-worker-duckdb"):
        deps = services[name]["depends_on"]
        assert deps["redis"]["condition"] == "service_healthy"
        assert deps["airflow-apiserver"]["condition"] == "service_healthy"
    # The scheduler waits for redis only when the celery profile is active.
    redis_dep = services["airflow-scheduler"]["depends_on"]["redis"]
    assert redis_dep == {"condition": "service_healthy", "required": False}
    for name in AIRFLOW_SERVICES - {"airflow-scheduler"}:
        assert "redis" not in services[name]["depends_on"], name


def test_default_executor_is_local_with_execution_api(services):
    for name in AIRFLOW_SERVICES:
        env = _env(services[name])
        assert _default(env["AIRFLOW__CORE__EXECUTOR"]) == "LocalExecutor", name
        assert env["AIRFLOW__CORE__EXECUTION_API_SERVER_URL"] == "http://airflow-apiserver:8080/execution/"
        assert _default(env["SEALREG_DUCKDB_QUEUE"]) == "default", name
        assert env["AIRFLOW__SCHEDULER__ENABLE_HEALTH_CHECK"] == "true"
        assert env["AIRFLOW__CORE__DAGS_FOLDER"] == "/opt/sealreg/dags"
        assert env["SEALREG_HOME"] == REGISTRY_HOME


def test_executor_and_duckdb_queue_are_env_overridable(services):
    env = _env(services["airflow-scheduler"])
    assert env["AIRFLOW__CORE__EXECUTOR"].startswith("${AIRFLOW_EXECUTOR:-")
    assert env["SEALREG_DUCKDB_QUEUE"].startswith("${SEALREG_DUCKDB_QUEUE:-")
    # airflow-init refuses CeleryExecutor with the DuckDB tasks on the default (multi-slot) queue.
    script = " ".join(_command(services["airflow-init"]))
    assert "CeleryExecutor" in script and "SEALREG_DUCKDB_QUEUE" in script and "exit 1" in script


SECRET_VARS = (
    "POSTGRES_PASSWORD",
    "AIRFLOW_FERNET_KEY",
    "AIRFLOW_JWT_SECRET",
    "AIRFLOW_API_SECRET_KEY",
    "_AIRFLOW_WWW_USER_USERNAME",
    "_AIRFLOW_WWW_USER_PASSWORD",
)
DEV_ENV = REPO / "docker-compose.dev.env"
_VAR = re.compile(r"\$\{([A-Za-z_][A-Za-z0-9_]*)(?:(:-|:\?)([^}]*))?\}")


class MissingVariable(Exception):
    """What `docker compose` reports for an unset `${VAR:?message}`."""


def _interpolate(node, env: dict[str, str]):
    """Compose's interpolation of every string value: `${VAR}`, `${VAR:-default}`, `${VAR:?message}`."""
    if isinstance(node, dict):
        return {k: _interpolate(v, env) for k, v in node.items()}
    if isinstance(node, list):
        return [_interpolate(v, env) for v in node]
    if not isinstance(node, str):
        return node

    def one(m: re.Match) -> str:
        name, op, arg = m.group(1), m.group(2), m.group(3)
        value = env.get(name, "")
        if value:
            return value
        if op == ":?":
            raise MissingVariable(f"{name}: {arg}")
        return arg if op == ":-" else ""

    return "$".join(_VAR.sub(one, part) for part in node.split("$$"))


def _env_file(path: Path) -> dict[str, str]:
    lines = [ln for ln in path.read_text().splitlines() if ln.strip() and not ln.lstrip().startswith("#")]
    return dict(ln.split("=", 1) for ln in lines)


def test_production_topology_refuses_to_start_without_each_secret():
    text = COMPOSE.read_text()
    dev = _env_file(DEV_ENV)
    for var in SECRET_VARS:
        assert not re.search(r"\$\{" + var + r":-", text), f"{var} has a default in the production file"
        assert re.search(r"\$\{" + var + r":\?[^}]+\}", text), f"{var} is not required with a message"
        with pytest.raises(MissingVariable, match=var):
            _interpolate(yaml.safe_load(text), {k: v for k, v in dev.items() if k != var})
    resolved = _interpolate(yaml.safe_load(text), dev)  # every secret given: the file resolves
    assert _env(resolved["services"]["airflow-scheduler"])["AIRFLOW__CORE__FERNET_KEY"] == dev["AIRFLOW_FERNET_KEY"]


def test_dev_defaults_only_in_the_named_dev_override():
    dev = _env_file(DEV_ENV)
    assert set(dev) == set(SECRET_VARS)
    assert "DEV ONLY" in DEV_ENV.read_text() and "docker-compose.dev.env" in COMPOSE.read_text()
    # docker compose loads `.env` and `docker-compose.override.yml` by itself: the dev values must not
    # live under those names, or production would pick them up silently.
    assert DEV_ENV.name not in {".env", "docker-compose.override.yml"}
    for var in ("AIRFLOW_FERNET_KEY", "AIRFLOW_JWT_SECRET", "AIRFLOW_API_SECRET_KEY"):
        assert dev[var] not in COMPOSE.read_text(), var
    # The dev Fernet key must be a valid key, or Airflow fails on the first encrypted field.
    from cryptography.fernet import Fernet

    Fernet(dev["AIRFLOW_FERNET_KEY"].encode())


def test_celery_profile(services):
    for name in CELERY_SERVICES:
        assert services[name].get("profiles") == ["celery"], name
    for name in AIRFLOW_SERVICES | {"postgres"}:
        assert "profiles" not in services[name], name
    for name in ("airflow-worker", "airflow-worker-duckdb"):
        env = _env(services[name])
        assert env["AIRFLOW__CORE__EXECUTOR"] == "CeleryExecutor"
        assert env["AIRFLOW__CELERY__BROKER_URL"].startswith("redis://")
        assert _command(services[name])[:2] == ["celery", "worker"]


def _opt(cmd: list[str], *names: str) -> str | None:
    for i, tok in enumerate(cmd):
        for n in names:
            if tok == n:
                return cmd[i + 1]
            if tok.startswith(n + "="):
                return tok.split("=", 1)[1]
    return None


def test_duckdb_worker_single_slot_on_duckdb_queue(services):
    cmd = _command(services["airflow-worker-duckdb"])
    assert _opt(cmd, "--queues", "-q") == "duckdb"
    assert _opt(cmd, "--concurrency", "-c") == "1"
    assert services["airflow-worker-duckdb"].get("deploy", {}).get("replicas", 1) == 1
    # The general worker never consumes the duckdb queue.
    general = _command(services["airflow-worker"])
    assert "duckdb" not in (_opt(general, "--queues", "-q") or "default").split(",")


def test_volumes(compose, services):
    assert set(compose["volumes"]) >= {"postgres-db-volume", "sealreg-home"}
    assert _volume_targets(services["postgres"])["/var/lib/postgresql/data"] == "postgres-db-volume"
    for name in AIRFLOW_SERVICES | {"airflow-worker", "airflow-worker-duckdb"}:
        vols = _volume_targets(services[name])
        assert vols[REGISTRY_HOME] == "sealreg-home", name
        assert vols["/var/lib/sealreg/inbox"] == "./samples/disclosures", name
        assert _env(services[name])["SEALREG_INBOX"] == "/var/lib/sealreg/inbox"


def test_dockerfile():
    text = DOCKERFILE.read_text()
    lines = [ln.strip() for ln in text.splitlines()]
    assert re.search(r"^FROM\s+\S*python:3\.11-slim", text, re.M) or "PYTHON_IMAGE=python:3.11-slim" in text
    assert re.search(r"pip install[^\n]*--constraint constraints\.txt \.", text), "project not installed"
    assert "COPY pyproject.toml README.md constraints.txt" in text
    assert re.search(r"AIRFLOW_HOME=/opt/airflow\b", text)
    assert re.search(r"AIRFLOW__CORE__DAGS_FOLDER=/opt/sealreg/dags\b", text)
    assert "psycopg2-binary" in text and "apache-airflow-providers-celery" in text
    users = [ln for ln in lines if ln.startswith("USER ")]
    assert users and users[-1] not in {"USER root", "USER 0"}, "image must run as a non-root user"


def test_dockerignore():
    entries = {ln.strip() for ln in DOCKERIGNORE.read_text().splitlines() if ln.strip() and not ln.startswith("#")}
    assert {".venv", "registry_home", ".pytest_cache", ".git"} <= entries


def test_failure_notices_are_configured_by_environment_on_every_airflow_service(services):
    for name in AIRFLOW_SERVICES | {"airflow-worker", "airflow-worker-duckdb"}:
        env = _env(services[name])
        # Off unless the operator names recipients; the SMTP server is Airflow's `smtp_default` connection.
        assert env["SEALREG_ALERT_TO"] == "${SEALREG_ALERT_TO:-}", name
        assert env["SEALREG_ALERT_FROM"] == "${SEALREG_ALERT_FROM:-}", name
        assert env["AIRFLOW_CONN_SMTP_DEFAULT"] == "${SEALREG_SMTP_URL:-}", name
        assert _default(env["AIRFLOW__API__BASE_URL"]).startswith("http"), name
