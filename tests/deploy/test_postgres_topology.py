"""Smoke test of the docker-compose topology without a container runtime, under both executors.

The same components as docker-compose.yml, as real processes on loopback, started once for the module:

    compose service          here
    ---------------          ----
    postgres                 scripts/start-postgres.sh: Debian PostgreSQL, throwaway cluster, 127.0.0.1:<free port>
    airflow-init             airflow db migrate
    airflow-apiserver        airflow api-server  (127.0.0.1:<free port>, health: /api/v2/version)
    airflow-scheduler        airflow scheduler   (health: 127.0.0.1:<free port>/health)
    airflow-dag-processor    airflow dag-processor
    airflow-triggerer        airflow triggerer
    sealreg-home volume      a temp dir as SEALREG_HOME
    inbox bind-mount         samples/disclosures as SEALREG_INBOX
    (operator's mail server) an aiosmtpd sink on 127.0.0.1 as AIRFLOW_CONN_SMTP_DEFAULT, SEALREG_ALERT_TO set

  profile "celery" (second phase: the scheduler restarts with CeleryExecutor, the dag-processor with
  SEALREG_DUCKDB_QUEUE=duckdb):
    redis                    Debian's redis-server (scripts/install-redis.sh), 127.0.0.1:<free port>, no persistence
    airflow-worker           airflow celery worker --queues default
    airflow-worker-duckdb    airflow celery worker --queues duckdb --concurrency 1 --celery-hostname duckdb@%h

Each phase triggers the repo's `sealreg_nightly` DAG and waits for the run to succeed and for
`<home>/current/manifest.json`; a successful night sends no mail. Under Celery every task runs on the
queue `duckdb`, on the single-slot worker only, and a run with a hostile conf fails and mails the
operator from the worker. Everything started here is stopped at the end of the module.

Needs the PostgreSQL server binaries (scripts/install-postgres.sh) and redis-server
(scripts/install-redis.sh); fails, not skips, without them.
"""

from __future__ import annotations

import contextlib
import glob
import json
import os
import re
import secrets
import shutil
import signal
import socket
import subprocess
import sys
import tempfile
import time
import urllib.request
from dataclasses import dataclass, field
from pathlib import Path

import pytest

from tests.deploy.conftest import WALL_TIMES_KEY
from tests.deploy.smtp_sink import SmtpSink, html_body

pytestmark = pytest.mark.slow

REPO = Path(__file__).resolve().parents[2]
DAGS_FOLDER = REPO / "dags"
DAG_ID = "sealreg_nightly"
TASKS = ["ingest", "validate_raw", "build", "validate_final", "publish", "record_history"]
INBOX = REPO / "samples" / "disclosures"
START_POSTGRES = REPO / "scripts" / "start-postgres.sh"
AIRFLOW = str(Path(sys.executable).parent / "airflow")
ALERT_TO = "ops@registry.example"

RUN_TIMEOUT = 600  # seconds for one DAG run
STARTUP_TIMEOUT = 240  # api-server / scheduler health, DAG parsed, workers ready


def _free_port() -> int:
    with socket.socket(socket.AF_INET, socket.SOCK_STREAM) as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def _http_ok(url: str) -> bool:
    try:
        with urllib.request.urlopen(url, timeout=3) as resp:
            return resp.status == 200
    except Exception:
        return False


def _tail(path: Path, lines: int = 60) -> str:
    try:
        return "\n".join(path.read_text(errors="replace").splitlines()[-lines:])
    except OSError as exc:
        return f"<{exc}>"


class Processes:
    """Long-running components, each in its own process group, output to <logdir>/<name>.log."""

    def __init__(self, logdir: Path, env: dict[str, str]):
        self.logdir = logdir
        self.env = env
        self.procs: dict[str, subprocess.Popen] = {}

    def start(self, name: str, *args: str, program: str = AIRFLOW, env: dict[str, str] | None = None) -> None:
        out = open(self.logdir / f"{name}.log", "ab")
        self.procs[name] = subprocess.Popen(
            [program, *args],
            env=env or self.env,
            cwd=self.logdir,
            stdout=out,
            stderr=subprocess.STDOUT,
            stdin=subprocess.DEVNULL,
            start_new_session=True,
        )
        out.close()

    def log(self, name: str) -> str:
        return (self.logdir / f"{name}.log").read_text(errors="replace")

    def check_alive(self) -> None:
        for name, proc in self.procs.items():
            if proc.poll() is not None:
                raise AssertionError(f"{name} exited with {proc.returncode}:\n{_tail(self.logdir / f'{name}.log')}")

    def stop(self, *names: str) -> None:
        """SIGTERM each named process group (and any descendant that left it), then SIGKILL what is left."""
        import psutil

        procs = [self.procs.pop(n) for n in names if n in self.procs]
        tracked: list[psutil.Process] = []
        for proc in procs:
            with contextlib.suppress(psutil.Error):
                parent = psutil.Process(proc.pid)
                tracked += [parent, *parent.children(recursive=True)]
        for proc in reversed(procs):
            if proc.poll() is None:
                with contextlib.suppress(ProcessLookupError):
                    os.killpg(proc.pid, signal.SIGTERM)
        for p in tracked:
            with contextlib.suppress(psutil.Error):
                p.terminate()
        _, alive = psutil.wait_procs(tracked, timeout=30)
        for proc in procs:
            with contextlib.suppress(ProcessLookupError):
                os.killpg(proc.pid, signal.SIGKILL)
        for p in alive:
            with contextlib.suppress(psutil.Error):
                p.kill()
        for proc in procs:
            with contextlib.suppress(subprocess.TimeoutExpired):
                proc.wait(timeout=10)
        still = [p.pid for p in procs if p.poll() is None]
        assert not still, f"processes still running after stop: {still}"

    def stop_all(self) -> None:
        self.stop(*reversed(list(self.procs)))


def _airflow(env: dict[str, str], *args: str, timeout: int = 300) -> str:
    res = subprocess.run(
        [AIRFLOW, *args], env=env, capture_output=True, text=True, timeout=timeout, stdin=subprocess.DEVNULL
    )
    if res.returncode != 0:
        raise AssertionError(f"airflow {' '.join(args)} failed ({res.returncode}):\n{res.stdout}\n{res.stderr}")
    return res.stdout


def _query(url: str, sql: str, params: tuple = ()) -> list[tuple]:
    import psycopg2

    conn = psycopg2.connect(url.replace("postgresql+psycopg2://", "postgresql://"), connect_timeout=5)
    try:
        with conn.cursor() as cur:
            cur.execute(sql, params)
            return cur.fetchall()
    finally:
        conn.close()


def _wait(what: str, predicate, timeout: float, procs: Processes, interval: float = 2.0) -> None:
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        procs.check_alive()
        if predicate():
            return
        time.sleep(interval)
    raise AssertionError(f"timed out after {timeout:.0f}s waiting for {what}")


def _task_logs(airflow_home: Path, run_id: str, max_lines: int = 80) -> str:
    parts = []
    pattern = str(airflow_home / "logs" / f"dag_id={DAG_ID}" / f"run_id={run_id}" / "**" / "*.log")
    for path in sorted(glob.glob(pattern, recursive=True)):
        lines = Path(path).read_text(errors="replace").splitlines()
        rendered = []
        for line in lines[-max_lines:]:
            try:  # Airflow 3 task logs are JSON lines
                rec = json.loads(line)
                msg = f"{rec.get('timestamp', '')} {rec.get('level', '')} {rec.get('event', '')}"
                if rec.get("error_detail"):
                    msg += "\n" + json.dumps(rec["error_detail"], indent=1)[:4000]
                rendered.append(msg)
            except (ValueError, AttributeError):
                rendered.append(line)
        parts.append(f"----- {Path(path).relative_to(airflow_home)} -----\n" + "\n".join(rendered))
    return "\n".join(parts) or f"<no task logs under {pattern}>"


@dataclass
class Topology:
    """The running components and what the tests need to drive and check them."""

    env: dict[str, str]
    db_url: str
    airflow_home: Path
    sealreg_home: Path
    procs: Processes
    sink: SmtpSink
    health_port: int
    t_start: float = field(default_factory=time.monotonic)
    phases: list[tuple[str, float]] = field(default_factory=list)
    run_ids: list[str] = field(default_factory=list)

    def mark(self, phase: str) -> None:
        self.phases.append((phase, time.monotonic() - self.t_start))

    def task_instances(self, run_id: str) -> list[tuple]:
        return _query(
            self.db_url,
            "SELECT task_id, state, queue, external_executor_id FROM task_instance"
            " WHERE dag_id = %s AND run_id = %s ORDER BY start_date NULLS LAST, task_id",
            (DAG_ID, run_id),
        )

    def start_dag_processor(self, duckdb_queue: str) -> None:
        """(Re)start the dag-processor and wait until the DAG is serialized with that queue on its tasks."""
        self.procs.stop("dag-processor")
        self.procs.start("dag-processor", "dag-processor", env={**self.env, "SEALREG_DUCKDB_QUEUE": duckdb_queue})
        # The serializer leaves out a queue equal to [operators] default_queue ("default").
        pattern = r'"queue":\s*"duckdb"'

        def parsed() -> bool:
            errors = _query(self.db_url, "SELECT filename, stacktrace FROM import_error")
            if errors:
                raise AssertionError("DAG import errors:\n" + "\n".join(f"{f}:\n{s}" for f, s in errors))
            rows = _query(
                self.db_url,
                "SELECT data::text ~ %s FROM serialized_dag WHERE dag_id = %s ORDER BY created_at DESC LIMIT 1",
                (pattern, DAG_ID),
            )
            return bool(rows) and rows[0][0] == (duckdb_queue == "duckdb")

        _wait(f"dag-processor to serialize {DAG_ID} with queue {duckdb_queue}", parsed, STARTUP_TIMEOUT, self.procs)

    def start_scheduler(self, **env: str) -> None:
        self.procs.start("scheduler", "scheduler", "--skip-serve-logs", env={**self.env, **env})
        _wait(
            "scheduler /health",
            lambda: _http_ok(f"http://127.0.0.1:{self.health_port}/health"),
            STARTUP_TIMEOUT,
            self.procs,
        )

    def run(self, label: str, conf: dict | None = None) -> tuple[str, str]:
        """Trigger one run of the DAG and wait for its end: (run_id, final state)."""
        run_id = f"smoke_{label}__{time.strftime('%Y%m%dT%H%M%S')}"
        self.run_ids.append(run_id)
        args = ["dags", "trigger", DAG_ID, "--run-id", run_id]
        if conf is not None:
            args += ["--conf", json.dumps(conf)]
        # Triggered while paused the first time (the run is queued), then unpaused: ours runs first.
        _airflow(self.env, *args)
        _airflow(self.env, "dags", "unpause", DAG_ID)
        seen: dict[str, str] = {}

        def finished() -> bool:
            for task_id, state, *_ in self.task_instances(run_id):
                if seen.get(task_id) != state:
                    seen[task_id] = state
                    print(f"[{time.monotonic() - self.t_start:6.1f}s] {run_id} {task_id}: {state}", flush=True)
            rows = _query(self.db_url, "SELECT state FROM dag_run WHERE dag_id = %s AND run_id = %s", (DAG_ID, run_id))
            return bool(rows) and rows[0][0] in ("success", "failed")

        _wait(f"DAG run {run_id}", finished, RUN_TIMEOUT, self.procs, interval=3)
        state = _query(self.db_url, "SELECT state FROM dag_run WHERE dag_id = %s AND run_id = %s", (DAG_ID, run_id))
        self.mark(f"{label} run {state[0][0]}")
        return run_id, state[0][0]

    def assert_succeeded(self, run_id: str, state: str) -> None:
        if state != "success":
            pytest.fail(
                f"DAG run {run_id} ended {state}; tasks: {self.task_instances(run_id)}\n\n"
                f"{_task_logs(self.airflow_home, run_id)}",
                pytrace=False,
            )
        other = _query(self.db_url, "SELECT run_id FROM dag_run WHERE dag_id = %s", (DAG_ID,))
        assert {r for (r,) in other} <= set(self.run_ids), f"unexpected extra runs: {other}"
        manifest = self.sealreg_home / "current" / "manifest.json"
        home = sorted(p.name for p in self.sealreg_home.iterdir())
        assert manifest.is_file(), f"{manifest} missing; home has: {home}"
        json.loads(manifest.read_text())


@pytest.fixture(scope="module")
def topology(request, tmp_path_factory):
    """Postgres, the SMTP sink, migrate, api-server, dag-processor and triggerer: shared by both executors."""
    if not glob.glob("/usr/lib/postgresql/*/bin/initdb"):
        pytest.fail(
            "PostgreSQL server binaries not found (no /usr/lib/postgresql/*/bin/initdb). "
            "Install them with scripts/install-postgres.sh (apt-get install -y postgresql); "
            "`make test` calls it before pytest.",
            pytrace=False,
        )
    assert (DAGS_FOLDER / f"{DAG_ID}.py").is_file(), f"DAG file {DAGS_FOLDER / (DAG_ID + '.py')} missing"

    tmp_path = tmp_path_factory.mktemp("topology")
    # Postgres must run as a non-root user, which cannot enter pytest's root-only tmp_path: own temp dir.
    pg_base = Path(tempfile.mkdtemp(prefix="sealreg-pg-"))
    airflow_home, sealreg_home, logdir = tmp_path / "airflow", tmp_path / "registry_home", tmp_path / "components"
    for d in (airflow_home, sealreg_home, logdir):
        d.mkdir()
    pg_port, api_port, health_port = _free_port(), _free_port(), _free_port()
    t_start = time.monotonic()
    topo: Topology | None = None
    ok = False
    with contextlib.ExitStack() as stack:
        try:
            stack.callback(shutil.rmtree, pg_base, ignore_errors=True)
            stack.callback(
                subprocess.run, ["bash", str(START_POSTGRES), "stop", str(pg_base)], capture_output=True, timeout=120
            )
            res = subprocess.run(
                ["bash", str(START_POSTGRES), "start", str(pg_base), str(pg_port), "airflow", "airflow", "airflow"],
                capture_output=True,
                text=True,
                timeout=180,
            )
            assert res.returncode == 0, f"start-postgres.sh failed:\n{res.stdout}\n{res.stderr}"
            db_url = res.stdout.strip().splitlines()[-1]
            assert db_url.startswith("postgresql+psycopg2://") and "@127.0.0.1:" in db_url, db_url
            sink = stack.enter_context(SmtpSink())

            from cryptography.fernet import Fernet

            env = {k: v for k, v in os.environ.items() if not k.startswith(("AIRFLOW", "SEALREG_"))}
            env.update(
                {
                    "PATH": f"{Path(sys.executable).parent}{os.pathsep}{os.environ.get('PATH', '')}",
                    "AIRFLOW_HOME": str(airflow_home),
                    "AIRFLOW__DATABASE__SQL_ALCHEMY_CONN": db_url,
                    "AIRFLOW__CORE__EXECUTOR": "LocalExecutor",
                    "AIRFLOW__CORE__DAGS_FOLDER": str(DAGS_FOLDER),
                    "AIRFLOW__CORE__LOAD_EXAMPLES": "False",
                    "AIRFLOW__CORE__DAGS_ARE_PAUSED_AT_CREATION": "True",
                    "AIRFLOW__CORE__EXECUTION_API_SERVER_URL": f"http://127.0.0.1:{api_port}/execution/",
                    "AIRFLOW__API__HOST": "127.0.0.1",
                    "AIRFLOW__API__PORT": str(api_port),
                    "AIRFLOW__API__BASE_URL": f"http://127.0.0.1:{api_port}",
                    "AIRFLOW__API__WORKERS": "1",
                    # Shared secrets, as in compose (each component would otherwise generate its own).
                    "AIRFLOW__CORE__FERNET_KEY": Fernet.generate_key().decode(),
                    "AIRFLOW__API_AUTH__JWT_SECRET": secrets.token_urlsafe(32),
                    "AIRFLOW__API__SECRET_KEY": secrets.token_urlsafe(32),
                    "AIRFLOW__SCHEDULER__ENABLE_HEALTH_CHECK": "True",
                    "AIRFLOW__SCHEDULER__SCHEDULER_HEALTH_CHECK_SERVER_HOST": "127.0.0.1",
                    "AIRFLOW__SCHEDULER__SCHEDULER_HEALTH_CHECK_SERVER_PORT": str(health_port),
                    "AIRFLOW__OPERATORS__DEFAULT_QUEUE": "default",
                    "AIRFLOW__DAG_PROCESSOR__REFRESH_INTERVAL": "10",
                    # Only the triggered runs: on its first unpause a catchup=False cron DAG also gets a
                    # scheduled run for the last missed slot (last night 02:00), which would run after (or
                    # before) ours and be killed mid-way at teardown. Compose keeps the schedule on.
                    "AIRFLOW__SCHEDULER__USE_JOB_SCHEDULE": "False",
                    # Celery settings are inert under LocalExecutor (as in compose); the broker is set
                    # when redis starts.
                    "AIRFLOW__CELERY__RESULT_BACKEND": "db+" + db_url.replace("postgresql+psycopg2://", "postgresql://"),
                    "AIRFLOW_CONN_SMTP_DEFAULT": sink.connection_uri(),
                    "SEALREG_ALERT_TO": ALERT_TO,
                    "SEALREG_ALERT_FROM": "sealreg@registry.example",
                    "SEALREG_HOME": str(sealreg_home),
                    "SEALREG_INBOX": str(INBOX),
                    "SEALREG_DUCKDB_QUEUE": "default",
                    "GX_ANALYTICS_ENABLED": "false",
                    "DBT_SEND_ANONYMOUS_USAGE_STATS": "false",
                    "DO_NOT_TRACK": "1",
                }
            )
            topo = Topology(env, db_url, airflow_home, sealreg_home, Processes(logdir, env), sink, health_port, t_start)
            topo.mark("postgres up")
            _airflow(env, "db", "migrate", timeout=600)  # airflow-init
            topo.mark("db migrated")
            stack.callback(topo.procs.stop_all)
            api = ("api-server", "--host", "127.0.0.1", "--port", str(api_port), "--workers", "1")
            topo.procs.start("api-server", *api)
            # Logs are read from the shared AIRFLOW_HOME/logs: no log servers (they would bind 0.0.0.0).
            topo.procs.start("triggerer", "triggerer", "--skip-serve-logs")
            _wait(
                "api-server /api/v2/version",
                lambda: _http_ok(f"http://127.0.0.1:{api_port}/api/v2/version"),
                STARTUP_TIMEOUT,
                topo.procs,
            )
            topo.start_dag_processor("default")
            topo.mark("api-server up, DAG parsed")
            yield topo
            ok = True
        finally:
            if topo is not None and not ok:
                for name in topo.procs.procs:
                    print(f"----- {name} (tail) -----\n{_tail(logdir / f'{name}.log', 40)}")
                for run_id in topo.run_ids:
                    print(_task_logs(airflow_home, run_id))
    if topo is not None:
        line = f"{DAG_ID} on the compose topology (Postgres; LocalExecutor, then Celery): components "
        line += f"{'ok' if ok else 'FAILED'}, wall time {time.monotonic() - t_start:.1f}s ("
        line += ", ".join(f"{p} @{t:.0f}s" for p, t in topo.phases) + ")"
        request.config.stash[WALL_TIMES_KEY].append(line)
        print(line)


def test_local_executor_runs_the_night_and_a_success_mails_nobody(topology):
    topology.start_scheduler(AIRFLOW__CORE__EXECUTOR="LocalExecutor")
    try:
        topology.mark("LocalExecutor scheduler healthy")
        run_id, state = topology.run("local")
        topology.assert_succeeded(run_id, state)
        assert [t for t, *_ in topology.task_instances(run_id)] == TASKS
        assert topology.sink.messages == [], "a successful night sent mail"
    finally:
        topology.procs.stop("scheduler")


@pytest.fixture(scope="module")
def celery(topology, tmp_path_factory):
    """Profile "celery": redis, the CeleryExecutor scheduler, the general worker and the DuckDB worker."""
    if shutil.which("redis-server") is None:
        pytest.fail("redis-server not found: install it with scripts/install-redis.sh (`make test` calls it).",
                    pytrace=False)
    redis_dir = tmp_path_factory.mktemp("redis")
    redis_port = _free_port()
    procs = topology.procs
    procs.start("redis", "--bind", "127.0.0.1", "--port", str(redis_port), "--dir", str(redis_dir),
                "--save", "", "--appendonly", "no", program=shutil.which("redis-server"))
    env = {"AIRFLOW__CORE__EXECUTOR": "CeleryExecutor", "AIRFLOW__CELERY__BROKER_URL": f"redis://127.0.0.1:{redis_port}/0"}
    topology.env.update(env)  # every later airflow command and (re)started component
    try:
        topology.start_dag_processor("duckdb")
        topology.start_scheduler()
        worker = ["celery", "worker", "--skip-serve-logs", "--concurrency", "1"]
        procs.start("worker-duckdb", *worker, "--queues", "duckdb", "--celery-hostname", "duckdb@%h")
        procs.start("worker", *worker, "--queues", "default", "--celery-hostname", "default@%h")
        for name in ("worker-duckdb", "worker"):
            _wait(f"celery {name} ready", lambda n=name: re.search(r"@\S+ ready\.", procs.log(n)) is not None,
                  STARTUP_TIMEOUT, procs)
        topology.mark("Celery scheduler and workers ready")
        yield topology
    finally:
        procs.stop("worker", "worker-duckdb", "scheduler", "redis")


def test_celery_profile_runs_the_night_on_the_single_slot_duckdb_worker(celery):
    run_id, state = celery.run("celery")
    celery.assert_succeeded(run_id, state)
    tis = celery.task_instances(run_id)
    assert [t for t, *_ in tis] == TASKS
    for task_id, _, queue, celery_task_id in tis:
        assert queue == "duckdb", (task_id, queue)
        assert celery_task_id, f"{task_id} has no Celery task id: it did not go through the broker"
    # The DuckDB worker received every task; the general worker none.
    received = re.findall(r"Task \S+\[([0-9a-f-]{36})\] received", celery.procs.log("worker-duckdb"))
    assert {c for *_, c in tis} <= set(received), (received, tis)
    assert "received" not in celery.procs.log("worker"), celery.procs.log("worker")[-2000:]
    assert celery.sink.messages == [], "a successful night sent mail"


def test_a_failed_run_under_celery_mails_the_operator_from_the_worker(celery):
    run_id, state = celery.run("hostile", conf={"as_of": "1999-99-99"})
    assert state == "failed"
    states = {t: s for t, s, *_ in celery.task_instances(run_id)}
    assert states["ingest"] == "failed", states
    messages = celery.sink.wait_for(1, timeout=30)
    assert len(messages) == 1, f"expected one notice, got {len(messages)}"
    notice = messages[0]
    assert notice["To"] == ALERT_TO
    assert notice["Subject"] == f"sealreg: nightly refresh failed in task ingest (DAG {DAG_ID}, run {run_id})"
    body = html_body(notice)
    assert f"<td>{run_id}</td>" in body and "<td>ingest</td>" in body
    assert "invalid run conf: as_of must be an ISO date" in body
    assert f"/dags/{DAG_ID}/runs/" in body and "/tasks/ingest" in body
