"""The nightly dbt invocation (sealreg/dbt_runner.py): --vars that do not change from night to night,
the evaluation date through SEALREG_AS_OF, and a saved parse that is reused but never compiles old SQL."""

from __future__ import annotations

import json
import shutil
import subprocess
import sys
import threading
from pathlib import Path

import duckdb
import pytest

from sealreg import dbt_runner
from sealreg.config import RunContext

MODEL = "int_decisions__flagged"  # calls as_of_date()


def _ctx(home: Path, as_of: str, run_id: str) -> RunContext:
    return RunContext.create(home=home, inbox=home / "inbox", as_of=as_of, run_id=run_id,
                             associated_countries=(), weights_version="calculator-2026")


def test_vars_do_not_change_from_night_to_night(tmp_path: Path) -> None:
    one = _ctx(tmp_path, "2026-11-28", "2026-11-28-aaaa")
    two = _ctx(tmp_path, "2026-11-29", "2026-11-29-bbbb")
    assert dbt_runner.dbt_vars(one) == dbt_runner.dbt_vars(two)
    assert dbt_runner.dbt_env(two)["SEALREG_AS_OF"] == "2026-11-29"
    assert dbt_runner.partial_parse_file(one) == dbt_runner.partial_parse_file(two)


def _compile(ctx: RunContext) -> tuple[str, str]:
    ctx.run_dir.mkdir(parents=True, exist_ok=True)
    result = dbt_runner.run_dbt(ctx, "compile", ["--select", MODEL])
    assert result["success"], (Path(result["log"]).read_text())[-3000:]
    compiled = next((ctx.dbt_dir / "target" / "compiled").rglob(f"{MODEL}.sql")).read_text()
    log = (ctx.dbt_dir / "logs" / "dbt.log").read_text()
    # manifest.json is written once, when the command ends, with the SQL it compiled (not also after parsing)
    assert log.count("Wrote artifact WritableManifest") == 1
    manifest = json.loads((ctx.dbt_dir / "target" / "manifest.json").read_text())
    assert manifest["nodes"][f"model.sealreg.{MODEL}"]["compiled_code"].strip() == compiled.strip()
    shutil.rmtree(ctx.run_dir)
    return compiled, log


def test_saved_parse_is_reused_and_follows_the_date(tmp_path: Path) -> None:
    first, log = _compile(_ctx(tmp_path, "2026-11-28", "night-1"))
    assert "'2026-11-28'" in first
    assert dbt_runner.partial_parse_file(_ctx(tmp_path, "2026-11-28", "x")).is_file()
    assert not list(tmp_path.rglob("*.duckdb.wal")), "dbt's warehouse is the run folder's file, closed"

    # next night: same --vars, new run folder, new date -> the saved parse is used, the new date compiled
    second, log = _compile(_ctx(tmp_path, "2026-11-29", "night-2"))
    assert "Unable to do partial parsing" not in log
    assert "Partial parsing enabled" in log
    assert "Partial parsing: updated file" not in log, "the date is read when dbt executes, never while parsing"
    assert "'2026-11-29'" in second and "'2026-11-28'" not in second


def test_a_new_home_starts_from_the_parse_another_home_saved(tmp_path: Path) -> None:
    _compile(_ctx(tmp_path / "one", "2026-11-28", "night-1"))
    assert dbt_runner.project_parse_file().is_file()
    fresh = _ctx(tmp_path / "two", "2026-11-29", "night-1")
    assert not dbt_runner.partial_parse_file(fresh).exists()
    compiled, log = _compile(fresh)
    assert "Unable to do partial parsing" not in log, "the profile's warehouse path is the same for every home"
    assert "Partial parsing enabled" in log
    assert "'2026-11-29'" in compiled and "'2026-11-28'" not in compiled
    assert dbt_runner.partial_parse_file(fresh).is_file()


def test_a_module_file_in_the_run_folder_is_never_imported_by_dbt(tmp_path: Path) -> None:
    """dbt runs in the run folder; Python must not put that folder on dbt's import path (a `json.py` or
    `dbt_common.py` there would run inside dbt's process)."""
    ctx = _ctx(tmp_path, "2026-11-28", "planted")
    ctx.run_dir.mkdir(parents=True)
    for name in ("json.py", "dbt_common.py"):
        (ctx.run_dir / name).write_text('raise SystemExit("planted module imported")\n')
    compiled, log = _compile(ctx)
    assert "'2026-11-28'" in compiled and "planted module imported" not in log


def test_a_failing_node_and_a_command_dbt_cannot_run_are_reported(tmp_path: Path) -> None:
    ctx = _ctx(tmp_path, "2026-11-28", "broken")
    ctx.run_dir.mkdir(parents=True)
    failed = dbt_runner.run_dbt(ctx, "run", ["--select", "stg_raw__disclosures"])  # no raw schema
    assert not failed["success"]
    assert any(f.startswith("model.sealreg.stg_raw__disclosures: error") and "raw" in f
               for f in failed["failures"]), failed["failures"]
    unusable = dbt_runner.run_dbt(ctx, "run", ["--no-such-option"])
    assert not unusable["success"]
    assert any("no-such-option" in line for line in unusable["failures"]), unusable["failures"]


def test_progress_comes_from_dbt_json_events_and_the_log_keeps_plain_messages(tmp_path: Path) -> None:
    ctx = _ctx(tmp_path, "2026-11-28", "night-1")
    ctx.run_dir.mkdir(parents=True, exist_ok=True)
    seen: list[tuple[int, int]] = []
    result = dbt_runner.run_dbt(ctx, "seed", ["--select", "countries", "csf_weights"],
                                progress=lambda i, n: seen.append((i, n)))
    output = Path(result["log"]).read_text()
    assert result["success"], output[-3000:]
    assert sorted(seen) == [(1, 2), (2, 2)]
    assert "OK loaded seed file" in output and '{"info"' not in output  # messages, not raw JSON


_EXIT_SCRIPT = """
import atexit, sys
import duckdb
import pytest
from sealreg import dbt_process

class Noisy:
    def __del__(self):
        print("teardown", flush=True)

noisy = Noisy()
con = duckdb.connect("warehouse.duckdb")
con.execute("SET checkpoint_threshold = '1GB'")
con.execute("CREATE TABLE t AS SELECT 42 AS x")
if sys.argv[1] == "closed":
    con.close()
atexit.register(print, "atexit ran")
print("buffered", end=" ")
dbt_process.exit_without_teardown(3)
"""


def test_the_dbt_process_exits_without_teardown_only_once_the_warehouse_is_closed(tmp_path: Path) -> None:
    env = {"SEALREG_WAREHOUSE": "warehouse.duckdb", "PATH": "/usr/bin:/bin"}
    closed = subprocess.run([sys.executable, "-c", _EXIT_SCRIPT, "closed"], cwd=tmp_path, env=env,
                            capture_output=True, text=True)
    assert (closed.returncode, closed.stdout) == (3, "buffered atexit ran\n"), closed.stderr
    (tmp_path / "warehouse.duckdb").unlink()
    held = subprocess.run([sys.executable, "-c", _EXIT_SCRIPT, "held"], cwd=tmp_path, env=env,
                          capture_output=True, text=True)
    assert held.returncode == 3, held.stderr
    assert held.stdout.startswith("buffered atexit ran\n") and "teardown" in held.stdout
    assert not (tmp_path / "warehouse.duckdb.wal").exists()  # the teardown closed it: checkpointed
    with duckdb.connect(str(tmp_path / "warehouse.duckdb"), read_only=True) as con:
        assert con.execute("SELECT x FROM t").fetchall() == [(42,)]


def test_a_dbt_command_leaves_its_warehouse_checkpointed_and_its_log_complete(tmp_path: Path) -> None:
    ctx = _ctx(tmp_path, "2026-11-28", "night-1")
    ctx.run_dir.mkdir(parents=True, exist_ok=True)
    result = dbt_runner.run_dbt(ctx, "seed", ["--select", "countries"])
    assert result["success"], Path(result["log"]).read_text()[-3000:]
    assert ctx.run_warehouse.is_file() and not Path(f"{ctx.run_warehouse}.wal").exists()
    with duckdb.connect(str(ctx.run_warehouse), read_only=True) as con:
        assert con.execute("SELECT count(*) FROM main.countries").fetchall()[0][0] > 0
    last = (ctx.dbt_dir / "logs" / "dbt.log").read_text().splitlines()[-3:]  # flushed to its last lines
    assert any("Command `cli seed` succeeded" in line for line in last), last


def test_the_artifacts_are_read_while_dbt_ends_or_after_it_when_dbt_never_wrote_them(tmp_path: Path) -> None:
    ctx = _ctx(tmp_path, "2026-11-28", "night-1")
    ctx.run_dir.mkdir(parents=True, exist_ok=True)
    seen: list[tuple[str, int, bool]] = []
    target = ctx.dbt_dir / "target"

    def read_artifacts() -> None:
        results = json.loads((target / "run_results.json").read_text())["results"]
        seen.append((threading.current_thread().name, len(results), (target / "manifest.json").is_file()))

    result = dbt_runner.run_dbt(ctx, "seed", ["--select", "countries"], artifacts_written=read_artifacts)
    assert result["success"] and result["nodes"] == 1
    # in the runner's thread, started by dbt's event, with both files complete
    assert seen == [("dbt-artifacts-reader", 1, True)]
    assert not any("Wrote artifact" in line for line in Path(result["log"]).read_text().splitlines())
    seen.clear()
    unusable = dbt_runner.run_dbt(ctx, "seed", ["--no-such-option"],
                                  artifacts_written=lambda: seen.append((threading.current_thread().name, 0, False)))
    assert not unusable["success"]
    assert seen == [("MainThread", 0, False)]  # dbt wrote nothing: once, after the process ended

    def broken() -> None:
        raise ValueError("reader failed")

    with pytest.raises(ValueError, match="reader failed"):
        dbt_runner.run_dbt(ctx, "seed", ["--select", "countries"], artifacts_written=broken)


def test_a_line_that_is_not_a_dbt_event_is_kept_as_text() -> None:
    assert dbt_runner.read_event("Traceback (most recent call last):\n") == ("Traceback (most recent call last):", None)
    line = '{"info": {"name": "LogTestResult", "msg": "1 of 3 PASS x"}, "data": {"index": 1, "num_models": 3}}'
    assert dbt_runner.read_event(line) == ("1 of 3 PASS x", (1, 3))


def test_a_build_computes_the_project_digest_once_and_stamps_the_rows_with_it(tmp_path: Path, monkeypatch) -> None:
    ctx = _ctx(tmp_path, "2026-11-28", "night-1")
    ctx.run_warehouse.parent.mkdir(parents=True, exist_ok=True)
    ctx.run_warehouse.touch()  # a warehouse to look into: the full-refresh decision reads the digest too
    real, calls, given = dbt_runner.project_digest, [], []
    monkeypatch.setattr(dbt_runner, "project_digest", lambda c: calls.append(1) or real(c))
    # the command itself is pinned by the tests above; this one is about what is computed before it starts
    monkeypatch.setattr(dbt_runner, "run_dbt", lambda c, verb, extra, progress, digest, artifacts_written:
                        given.append(digest) or {})
    dbt_runner.run_dbt_build(ctx)
    assert len(calls) == 1
    assert given == [real(ctx)]
    assert dbt_runner.dbt_env(ctx, digest=given[0])["SEALREG_DBT_DIGEST"] == given[0]
    assert len(calls) == 1  # a digest given is not computed again


#: What `as_of_date()` renders while dbt parses (macros/as_of_date.sql): a node that kept it would hold a fixed
#: date whatever the night's.
PARSE_PLACEHOLDER = "cast('2026-11-28' as date)"


def test_no_node_keeps_the_parse_time_placeholder_date(tmp_path: Path) -> None:
    """`as_of_date()` renders a placeholder while dbt parses: a call whose result dbt keeps from parsing (a
    config, a data test's `where`, a hook) would bake that date into every night's build. Compiled for another
    date, no node of the project (models, seeds, data tests) holds the placeholder anywhere."""
    ctx = _ctx(tmp_path, "2026-11-30", "night-1")
    ctx.run_dir.mkdir(parents=True, exist_ok=True)
    result = dbt_runner.run_dbt(ctx, "compile", ["--exclude", "test_type:unit"])
    assert result["success"], (Path(result["log"]).read_text())[-3000:]
    nodes = json.loads((ctx.dbt_dir / "target" / "manifest.json").read_text())["nodes"]
    dated = [uid for uid, node in nodes.items() if "cast('2026-11-30' as date)" in (node.get("compiled_code") or "")]
    assert len(dated) >= 9, dated  # the models that call as_of_date() compiled the night's date
    kept = [uid for uid, node in nodes.items()
            if PARSE_PLACEHOLDER in json.dumps({k: v for k, v in node.items() if k != "raw_code"})]
    assert not kept, kept
