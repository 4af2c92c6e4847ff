"""Run the dbt project once per refresh, as a subprocess, against the run warehouse."""

from __future__ import annotations

import filecmp
import hashlib
import json
import os
import shutil
import subprocess
import sys
import threading
from collections.abc import Callable
from importlib import metadata
from pathlib import Path

import duckdb

from ingestion.cache import validator_fingerprint
from sealreg.config import DBT_PROJECT_DIR, RunContext
from sealreg.dbt_templates import CACHE_ENV

_PARTIAL_PARSE_NAME = "partial_parse.msgpack"  # dbt's file name in the target path
_TEMPLATES_NAME = "dbt-templates.marshal"
#: dbt's structured events (`--log-format json`) that report one finished node, with its index and total.
NODE_DONE_EVENTS = frozenset({"LogModelResult", "LogTestResult", "LogSeedResult", "LogSnapshotResult",
                              "LogNodeNoOpResult", "LogFunctionResult", "SkippingDetails"})
#: dbt's event after it wrote run_results.json (with manifest.json before it, dbt's GraphRunnableTask.run);
#: a debug event, which sealreg.dbt_process prints for the runner.
ARTIFACTS_WRITTEN = "ArtifactWritten"
_RUN_RESULTS_ARTIFACT = "RunExecutionResult"


#: Models incremental by disclosure (dbt_project/macros/scored_by_disclosure.sql): each row carries the
#: project digest it was computed with.
INCREMENTAL_BY_DISCLOSURE = ("int_criteria__scored", "int_objectives__scored")
#: What the project digest covers: every file dbt reads to compute rows, and the engines that run it.
_DIGEST_FOLDERS = ("models", "macros", "seeds")
_DIGEST_FILES = ("dbt_project.yml", "profiles.yml")
_DIGEST_PACKAGES = ("dbt-core", "dbt-duckdb", "duckdb")


def dbt_executable() -> str:
    """The dbt console script of the running interpreter's environment."""
    candidate = Path(sys.executable).parent / "dbt"
    return str(candidate) if candidate.exists() else "dbt"


def dbt_vars(ctx: RunContext) -> dict:
    """The --vars of a build: settings that stay the same from night to night.

    dbt parses the whole project again (about 2 s of CPU more than a partial parse) whenever --vars
    differ from its saved parse, so the values that change every night are not vars: the evaluation
    date goes in the environment (SEALREG_AS_OF, see dbt_env and macros/as_of_date.sql) and the run
    id is not passed at all (no model reads it)."""
    return {
        "weights_version": ctx.weights_version,
        "associated_countries": list(ctx.associated_countries),
    }


def dbt_env(ctx: RunContext, warehouse: Path | None = None, digest: str | None = None) -> dict[str, str]:
    """The environment of a dbt command; `digest` is the build's project_digest (computed here if not given)."""
    return {
        **os.environ,
        "SEALREG_WAREHOUSE": str(warehouse or ctx.run_warehouse),
        "SEALREG_AS_OF": ctx.as_of.isoformat(),
        "SEALREG_DBT_DIGEST": digest or project_digest(ctx),
        CACHE_ENV: str(template_cache_file(ctx)),
        "DBT_SEND_ANONYMOUS_USAGE_STATS": "false",
    }


def project_digest(ctx: RunContext) -> str:
    """sha256 over what decides the rows of a model: the project's models, macros, seeds and settings
    (names and bytes), the --vars, the versions of dbt-core, dbt-duckdb and DuckDB, and the ingestion's
    validator fingerprint (the code that turns a file's bytes into raw rows: another version may map the
    same bytes to other rows, so the rows scored by (disclosure_id, file_sha256) are recomputed)."""
    digest = hashlib.sha256(json.dumps(dbt_vars(ctx), sort_keys=True).encode())
    digest.update(f"ingestion={validator_fingerprint()}\0".encode())
    for package in _DIGEST_PACKAGES:
        digest.update(f"{package}=={metadata.version(package)}\0".encode())
    files = [DBT_PROJECT_DIR / name for name in _DIGEST_FILES]
    for folder in _DIGEST_FOLDERS:
        files += sorted(p for p in (DBT_PROJECT_DIR / folder).rglob("*") if p.is_file())
    for path in files:
        digest.update(path.relative_to(DBT_PROJECT_DIR).as_posix().encode() + b"\0")
        digest.update(hashlib.sha256(path.read_bytes()).digest())
    return digest.hexdigest()


def needs_full_refresh(ctx: RunContext, digest: str | None = None) -> bool:
    """True when a model incremental by disclosure holds rows computed with another project digest than
    `digest` (default: this project's), or cannot be read, or the run re-ingests everything (--full-ingest):
    then `dbt build --full-refresh` recomputes every disclosure. History models are `full_refresh=false`
    and keep their rows."""
    if ctx.full_ingest:
        return True
    if not ctx.run_warehouse.is_file():
        return False
    digest = digest or project_digest(ctx)
    try:
        con = duckdb.connect(str(ctx.run_warehouse), read_only=True)
    except duckdb.Error:
        return True
    try:
        existing = {name for (name,) in con.execute(
            "SELECT table_name FROM duckdb_tables() WHERE schema_name = 'main' AND table_name IN (SELECT unnest(?))",
            [list(INCREMENTAL_BY_DISCLOSURE)]).fetchall()}
        for table in sorted(existing):
            stale = con.execute(f'SELECT count(*) FROM main."{table}" WHERE project_digest IS DISTINCT FROM ?',
                                [digest]).fetchone()[0]
            if stale:
                return True
    except duckdb.Error:  # e.g. a table of an older project without project_digest
        return True
    finally:
        con.close()
    return False


def partial_parse_file(ctx: RunContext) -> Path:
    """dbt's saved parse of this home, kept next to the baseline warehouse so that it outlives the run folder.

    dbt reads and writes its parse as <target-path>/partial_parse.msgpack; the target path is new
    for every run, so run_dbt copies a saved parse in before the command and the new one back after.
    Safe to reuse: dbt re-parses every file whose checksum changed and the nodes that read a changed
    env_var (SEALREG_AS_OF), and parses from scratch when --vars, the profile's connection values, the
    dbt version or dbt_project.yml change or when the file cannot be read. The name carries the
    project path so that two checkouts sharing a registry home never exchange parses."""
    key = hashlib.sha256(str(DBT_PROJECT_DIR.resolve()).encode()).hexdigest()[:12]
    return ctx.paths.warehouse / f"dbt-partial-parse-{key}.msgpack"


def template_cache_file(ctx: RunContext) -> Path:
    """The home's cache of dbt's compiled Jinja templates (sealreg.dbt_templates), beside its saved parse.

    Its entries are keyed by each template's source and the engines, so any home may start from another's:
    a new home gets the project's copy (`project_template_file`) before its first command."""
    return ctx.paths.warehouse / _TEMPLATES_NAME


def project_template_file() -> Path:
    """The template cache last saved by any home of this checkout, beside the project's saved parse."""
    return project_parse_file().with_name(_TEMPLATES_NAME)


def project_parse_file() -> Path:
    """The saved parse shared by every home of this checkout, in the project's (git-ignored) target folder.

    The profile's warehouse path is the same relative name for every run (see run_dbt), so a parse saved
    by one home is valid for any other: a new home's first build (each test's, the bench's 1-provider
    refresh) skips dbt's full parse. It lives inside the project, as trusted as the SQL it describes; a
    read-only checkout simply has none."""
    return DBT_PROJECT_DIR / "target" / "sealreg" / _PARTIAL_PARSE_NAME


def _restore_partial_parse(ctx: RunContext) -> None:
    """Copy the home's saved parse, else the project's, to where dbt reads it (the home's first: it was
    saved with this home's --vars, which another home's may not share)."""
    saved = next((p for p in (partial_parse_file(ctx), project_parse_file()) if p.is_file()), None)
    if saved is not None:
        target = ctx.dbt_dir / "target"
        target.mkdir(parents=True, exist_ok=True)
        shutil.copyfile(saved, target / _PARTIAL_PARSE_NAME)


def _restore_templates(ctx: RunContext) -> None:
    """A home without a template cache starts from the project's."""
    home, project = template_cache_file(ctx), project_template_file()
    if not home.is_file() and project.is_file():
        _replace_with_copy(project, home)


def _save_templates(ctx: RunContext) -> None:
    """Offer the home's template cache to the next new home, where the project's folder is writable (a
    project copy with the same bytes is left as it is)."""
    home = template_cache_file(ctx)
    if home.is_file():
        try:
            _copy_if_changed(home, project_template_file())
        except OSError:  # a read-only checkout: the home's cache still serves its nights
            pass


def _save_partial_parse(ctx: RunContext) -> None:
    """Keep the parse dbt wrote for the home, and for the project where its folder is writable (a copy with
    the same bytes is left as it is)."""
    fresh = ctx.dbt_dir / "target" / _PARTIAL_PARSE_NAME
    if not fresh.is_file():
        return
    _copy_if_changed(fresh, partial_parse_file(ctx))
    try:
        _copy_if_changed(fresh, project_parse_file())
    except OSError:  # a read-only checkout: the home's parse still serves its nights
        pass


def _copy_if_changed(source: Path, dest: Path) -> None:
    """`_replace_with_copy` unless `dest` is a regular file with the bytes of `source` already."""
    filecmp.clear_cache()  # its cache is keyed by size and mtime, which a rewrite may keep
    try:
        if filecmp.cmp(source, dest, shallow=False):
            return
    except OSError:  # no dest yet, or unreadable: copy
        pass
    _replace_with_copy(source, dest)


def _replace_with_copy(source: Path, dest: Path) -> None:
    dest.parent.mkdir(parents=True, exist_ok=True)
    tmp = dest.with_name(f".{dest.name}.tmp-{os.getpid()}")
    try:
        shutil.copyfile(source, tmp)
        os.replace(tmp, dest)
    finally:
        tmp.unlink(missing_ok=True)


def dbt_command(ctx: RunContext, verb: str = "build", extra: list[str] | None = None) -> list[str]:
    return [
        # dbt's JSON events on stdout (its docstring); -P: dbt runs in the run folder, which must not be on
        # its import path
        sys.executable, "-P", "-m", "sealreg.dbt_process", verb,
        "--project-dir", str(DBT_PROJECT_DIR),
        "--profiles-dir", str(DBT_PROJECT_DIR),
        "--target-path", str(ctx.dbt_dir / "target"),
        "--log-path", str(ctx.dbt_dir / "logs"),
        "--log-format-file", "text",  # the run folder's dbt.log stays readable
        "--vars", json.dumps(dbt_vars(ctx)),
        *(extra or []),
    ]


def run_dbt_build(ctx: RunContext, progress: Callable[[int, int], None] | None = None,
                  artifacts_written: Callable[[], object] | None = None) -> dict:
    """`dbt build` on ctx.run_warehouse; returns success, node counts, failure messages and whether it
    was a full refresh of the models incremental by disclosure (see needs_full_refresh). For
    `artifacts_written`, see run_dbt."""
    digest = project_digest(ctx)  # once per build: the full-refresh decision and the rows' stamp
    full = needs_full_refresh(ctx, digest)
    extra = ["--exclude", "test_type:unit", *(["--full-refresh"] if full else [])]
    return {**run_dbt(ctx, "build", extra, progress, digest, artifacts_written), "full_refresh": full}


def run_dbt(ctx: RunContext, verb: str, extra: list[str] | None = None,
            progress: Callable[[int, int], None] | None = None, digest: str | None = None,
            artifacts_written: Callable[[], object] | None = None) -> dict:
    """One dbt command on ctx.run_warehouse, with the newest saved parse (`digest`: the build's
    project_digest, computed if not given).

    `artifacts_written` (a reader of run_results.json and manifest.json) runs once dbt says it has
    written them, in a thread, while the dbt process ends (closing the warehouse checkpoints what its
    write-ahead log still holds); if dbt never says so (it failed before, or writes no artifacts), it
    runs after the process ended. Either way run_dbt returns after it, and raises what it raised.

    dbt hashes the profile's connection values (the DuckDB `path` among them) into its saved parse and
    parses from scratch when they differ, so the profile's path is the warehouse's file name, the same
    for every run and home, and dbt runs in the run folder. The file name, hence the DuckDB catalog name
    (`warehouse`), is that of ctx.run_warehouse; its `.wal` stays next to it."""
    ctx.dbt_dir.mkdir(parents=True, exist_ok=True)
    (ctx.dbt_dir / "target" / "run_results.json").unlink(missing_ok=True)  # never an earlier command's
    _restore_partial_parse(ctx)
    _restore_templates(ctx)
    env = dbt_env(ctx, Path(ctx.run_warehouse.name), digest)
    cmd = dbt_command(ctx, verb, extra)
    output: list[str] = []
    after = _OnceInBackground(artifacts_written)
    with subprocess.Popen(cmd, env=env, cwd=ctx.run_warehouse.parent, stdout=subprocess.PIPE,
                          stderr=subprocess.STDOUT, text=True) as proc:
        assert proc.stdout is not None
        for line in proc.stdout:
            artifact = _artifact_written(line)
            if artifact is not None:  # forwarded for the runner, not one of the lines dbt's console shows
                if artifact == _RUN_RESULTS_ARTIFACT:
                    after.start()
                continue
            message, done = read_event(line)
            output.append(message)
            if done and progress:
                progress(*done)
    after.finish()
    (ctx.dbt_dir / "dbt_output.log").write_text("\n".join(output) + "\n")
    _save_partial_parse(ctx)
    _save_templates(ctx)
    results = _read_run_results(ctx.dbt_dir / "target" / "run_results.json")
    failures = [f"{r['unique_id']}: {r['status']}: {(r.get('message') or '').strip()}" for r in results
                if r["status"] in ("error", "fail", "runtime error")]
    if proc.returncode != 0 and not failures:
        failures = [line for line in output if "Error" in line or "error" in line][-5:] or output[-5:]
    return {
        "success": proc.returncode == 0,
        "nodes": len(results),
        "failures": failures,
        "log": str(ctx.dbt_dir / "dbt_output.log"),
    }


class _OnceInBackground:
    """Runs `fn` once: in a thread from `start`, else in `finish`, which waits for it and raises what it raised."""

    def __init__(self, fn: Callable[[], object] | None):
        self.fn = fn
        self.thread: threading.Thread | None = None
        self.error: BaseException | None = None

    def _run(self) -> None:
        try:
            self.fn()  # type: ignore[misc]
        except BaseException as exc:  # noqa: BLE001 - raised again in finish, in the caller's thread
            self.error = exc

    def start(self) -> None:
        if self.fn is not None and self.thread is None:
            self.thread = threading.Thread(target=self._run, name="dbt-artifacts-reader", daemon=True)
            self.thread.start()

    def finish(self) -> None:
        if self.fn is None:
            return
        if self.thread is None:
            self.fn()
            return
        self.thread.join()
        if self.error is not None:
            raise self.error


def _artifact_written(line: str) -> str | None:
    """The artifact type of dbt's event that it wrote an artifact, None for any other line."""
    if ARTIFACTS_WRITTEN not in line:
        return None
    try:
        event = json.loads(line)
        if event["info"]["name"] != ARTIFACTS_WRITTEN:
            return None
        return str((event.get("data") or {}).get("artifact_type"))
    except (ValueError, KeyError, TypeError, AttributeError):
        return None


def read_event(line: str) -> tuple[str, tuple[int, int] | None]:
    """(message text, (index, total) when the event reports a finished node) of one line of dbt's JSON log.

    A line that is not a dbt event (a crash before logging started) is kept as it is."""
    try:
        event = json.loads(line)
        info, data = event["info"], event.get("data") or {}
        message = str(info.get("msg", ""))
    except (ValueError, KeyError, TypeError, AttributeError):
        return line.rstrip(), None
    if info.get("name") not in NODE_DONE_EVENTS:
        return message, None
    index, total = data.get("index"), data.get("total", data.get("num_models"))
    if isinstance(index, int) and isinstance(total, int) and total > 0:
        return message, (index, total)
    return message, None


def _read_run_results(path: Path) -> list[dict]:
    if not path.exists():
        return []
    return json.loads(path.read_text()).get("results", [])
