"""Smoke test of the docker-compose topology without a container runtime.

The same components as docker-compose.yml, as real processes on loopback:

    compose service          here
    ---------------          ----
    postgres                 scripts/start-postgres.sh: Debian PostgreSQL, throwaway cluster, 127.0.0.1:<free port>
    airflow-init             airflow db migrate
    airflow-apiserver        airflow api-server  (127.0.0.1:<free port>, health: /api/v2/version)
    airflow-scheduler        airflow scheduler   (LocalExecutor, health: 127.0.0.1:<free port>/health)
    airflow-dag-processor    airflow dag-processor
    airflow-triggerer        airflow triggerer
    sealreg-home volume      a temp dir as SEALREG_HOME
    inbox bind-mount         samples/disclosures as SEALREG_INBOX

Then the repo's `sealreg_nightly` DAG is triggered and unpaused, and the test waits for the run to
succeed and for `<home>/current/manifest.json`. Everything started here is stopped in `finally`.

Needs the PostgreSQL server binaries (scripts/install-postgres.sh); fails, not skips, without them.
"""

from __future__ import annotations

import contextlib
import glob
import json
import os
import secrets
import shutil
import signal
import socket
import subprocess
import sys
import tempfile
import time
import urllib.request
from pathlib import Path

import pytest

pytestmark = pytest.mark.slow

REPO = Path(__file__).resolve().parents[2]
DAGS_FOLDER = REPO / "dags"
DAG_ID = "sealreg_nightly"
INBOX = REPO / "samples" / "disclosures"
START_POSTGRES = REPO / "scripts" / "start-postgres.sh"
AIRFLOW = str(Path(sys.executable).parent / "airflow")

RUN_TIMEOUT = 600  # seconds for the DAG run itself
STARTUP_TIMEOUT = 240  # api-server / scheduler health, DAG parsed


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

    def start(self, name: str, *args: str) -> None:
        out = open(self.logdir / f"{name}.log", "wb")
        self.procs[name] = subprocess.Popen(
            [AIRFLOW, *args],
            env=self.env,
            cwd=self.logdir,
            stdout=out,
            stderr=subprocess.STDOUT,
            stdin=subprocess.DEVNULL,
            start_new_session=True,
        )
        out.close()

    def check_alive(self) -> None:
        for name, proc in self.procs.items():
            if proc.poll() is not None:
                raise AssertionError(
                    f"airflow {name} exited with {proc.returncode}:\n{_tail(self.logdir / f'{name}.log')}"
                )

    def stop_all(self) -> None:
        """SIGTERM each process group (and any descendant that left it), then SIGKILL what is left."""
        import psutil

        tracked: list[psutil.Process] = []
        for proc in self.procs.values():
            with contextlib.suppress(psutil.Error):
                parent = psutil.Process(proc.pid)
                tracked += [parent, *parent.children(recursive=True)]
        for proc in reversed(list(self.procs.values())):
            if proc.poll() is None:
                with contextlib.suppress(ProcessLookupError):
                    os.killpg(proc.pid, signal.SIGTERM)
        for p in tracked:
            with contextlib.suppress(psutil.Error):
                p.terminate()
        _, alive = psutil.wait_procs(tracked, timeout=30)
        for proc in self.procs.values():
            with contextlib.suppress(ProcessLookupError):
                os.killpg(proc.pid, signal.SIGKILL)
        for p in alive:
            with contextlib.suppress(psutil.Error):
                p.kill()
        for proc in self.procs.values():
            with contextlib.suppress(subprocess.TimeoutExpired):
                proc.wait(timeout=10)


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


def test_compose_topology_runs_sealreg_nightly_on_postgres(tmp_path, wall_times):
    t_start = time.monotonic()
    phases: list[tuple[str, float]] = []

    def mark(phase: str) -> None:
        phases.append((phase, time.monotonic() - t_start))

    if not glob.glob("/usr/lib/postgresql/*/bin/initdb"):
        pytest.fail(
            "PostgreSQL server binaries not found (no /usr/lib/postgresql/*/bin/initdb). "
            "Install them with scripts/install-postgres.sh (apt-get install -y postgresql); "
            ".ci/run must call it before pytest.",
            pytrace=False,
        )
    assert (DAGS_FOLDER / f"{DAG_ID}.py").is_file(), f"DAG file {DAGS_FOLDER / (DAG_ID + '.py')} missing"

    # Postgres must run as a non-root user, which cannot enter pytest's root-only tmp_path: own temp dir.
    pg_base = Path(tempfile.mkdtemp(prefix="sealreg-pg-"))
    airflow_home = tmp_path / "airflow"
    sealreg_home = tmp_path / "registry_home"
    logdir = tmp_path / "components"
    for d in (airflow_home, sealreg_home, logdir):
        d.mkdir()
    pg_port, api_port, health_port = _free_port(), _free_port(), _free_port()
    run_id = f"smoke__{time.strftime('%Y%m%dT%H%M%S')}"

    procs: Processes | None = None
    pg_started = False
    ok = False
    try:
        res = subprocess.run(
            ["bash", str(START_POSTGRES), "start", str(pg_base), str(pg_port), "airflow", "airflow", "airflow"],
            capture_output=True,
            text=True,
            timeout=180,
        )
        pg_started = True
        assert res.returncode == 0, f"start-postgres.sh failed:\n{res.stdout}\n{res.stderr}"
        db_url = res.stdout.strip().splitlines()[-1]
        assert db_url.startswith("postgresql+psycopg2://") and "@127.0.0.1:" in db_url, db_url
        mark("postgres up")

        from cryptography.fernet import Fernet

        env = {k: v for k, v in os.environ.items() if not k.startswith("AIRFLOW")}
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
                # Only the triggered run: on its first unpause a catchup=False cron DAG also gets a
                # scheduled run for the last missed slot (last night 02:00), which would run after (or
                # before) ours and be killed mid-way at teardown. Compose keeps the schedule on.
                "AIRFLOW__SCHEDULER__USE_JOB_SCHEDULE": "False",
                "SEALREG_HOME": str(sealreg_home),
                "SEALREG_INBOX": str(INBOX),
                "SEALREG_DUCKDB_QUEUE": "default",
                "GX_ANALYTICS_ENABLED": "false",
                "DBT_SEND_ANONYMOUS_USAGE_STATS": "false",
                "DO_NOT_TRACK": "1",
            }
        )

        # airflow-init
        _airflow(env, "db", "migrate", timeout=600)
        mark("db migrated")

        procs = Processes(logdir, env)
        procs.start("api-server", "api-server", "--host", "127.0.0.1", "--port", str(api_port), "--workers", "1")
        # Logs are read from the shared AIRFLOW_HOME/logs: no log servers (they would bind 0.0.0.0).
        procs.start("scheduler", "scheduler", "--skip-serve-logs")
        procs.start("dag-processor", "dag-processor")
        procs.start("triggerer", "triggerer", "--skip-serve-logs")

        _wait(
            "api-server /api/v2/version",
            lambda: _http_ok(f"http://127.0.0.1:{api_port}/api/v2/version"),
            STARTUP_TIMEOUT,
            procs,
        )
        _wait("scheduler /health", lambda: _http_ok(f"http://127.0.0.1:{health_port}/health"), STARTUP_TIMEOUT, procs)
        mark("api-server and scheduler healthy")

        def parsed() -> bool:
            errors = _query(db_url, "SELECT filename, stacktrace FROM import_error")
            if errors:
                raise AssertionError("DAG import errors:\n" + "\n".join(f"{f}:\n{s}" for f, s in errors))
            return bool(_query(db_url, "SELECT 1 FROM serialized_dag WHERE dag_id = %s", (DAG_ID,)))

        _wait(f"dag-processor to parse {DAG_ID}", parsed, STARTUP_TIMEOUT, procs)
        mark("DAG parsed")

        # Trigger while paused (the run is queued), then unpause: the scheduler starts our run first.
        _airflow(env, "dags", "trigger", DAG_ID, "--run-id", run_id)
        _airflow(env, "dags", "unpause", DAG_ID)
        mark("triggered")

        seen: dict[str, str] = {}

        def run_finished() -> bool:
            for task_id, state in _query(
                db_url,
                "SELECT task_id, state FROM task_instance WHERE dag_id = %s AND run_id = %s",
                (DAG_ID, run_id),
            ):
                if seen.get(task_id) != state:
                    seen[task_id] = state
                    print(f"[{time.monotonic() - t_start:6.1f}s] {task_id}: {state}", flush=True)
            rows = _query(db_url, "SELECT state FROM dag_run WHERE dag_id = %s AND run_id = %s", (DAG_ID, run_id))
            return bool(rows) and rows[0][0] in ("success", "failed")

        _wait(f"DAG run {run_id}", run_finished, RUN_TIMEOUT, procs, interval=3)
        state = _query(db_url, "SELECT state FROM dag_run WHERE dag_id = %s AND run_id = %s", (DAG_ID, run_id))[0][0]
        mark(f"DAG run {state}")
        if state != "success":
            tis = _query(
                db_url,
                "SELECT task_id, state FROM task_instance WHERE dag_id = %s AND run_id = %s ORDER BY start_date",
                (DAG_ID, run_id),
            )
            pytest.fail(
                f"DAG run {run_id} ended {state}; tasks: {tis}\n\n{_task_logs(airflow_home, run_id)}",
                pytrace=False,
            )

        other_runs = _query(db_url, "SELECT run_id FROM dag_run WHERE dag_id = %s AND run_id <> %s", (DAG_ID, run_id))
        assert not other_runs, f"unexpected extra runs: {other_runs}"
        manifest = sealreg_home / "current" / "manifest.json"
        assert manifest.is_file(), f"{manifest} missing; home has: {sorted(p.name for p in sealreg_home.iterdir())}"
        json.loads(manifest.read_text())
        ok = True
    finally:
        if procs is not None:
            if not ok:
                for name in procs.procs:
                    print(f"----- {name} (tail) -----\n{_tail(logdir / f'{name}.log', 40)}")
                print(_task_logs(airflow_home, run_id))
            procs.stop_all()
            leftovers = [n for n, p in procs.procs.items() if p.poll() is None]
            if leftovers:
                ok = False
                print(f"processes still running after stop: {leftovers}")
        if pg_started:
            subprocess.run(["bash", str(START_POSTGRES), "stop", str(pg_base)], capture_output=True, timeout=120)
        shutil.rmtree(pg_base, ignore_errors=True)
        total = time.monotonic() - t_start
        mark("stopped")
        line = f"{DAG_ID} on Postgres/LocalExecutor topology: {'ok' if ok else 'FAILED'}, wall time {total:.1f}s"
        line += " (" + ", ".join(f"{p} @{t:.0f}s" for p, t in phases) + ")"
        wall_times.append(line)
        print(line)
    assert ok, "components did not stop"
