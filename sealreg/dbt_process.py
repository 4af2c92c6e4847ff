"""`python -m sealreg.dbt_process <dbt arguments>`: one dbt command in this process, its events on stdout.

Prints the events dbt's console would show (info, warn and error) as dbt's own JSON log lines, one per
line, which sealreg.dbt_runner reads for progress and failures. dbt's `--log-format json` console
logger serialises every event, debug ones included, before its level filter drops them (about 3,900
events for ~100 shown in a build); this callback serialises only the events it prints, and dbt's
console logger is off (`--log-level none`). The file log (`dbt.log`, debug, text) is dbt's as before.
A build writes manifest.json once, at the end: see `parse_without_writing`. Compiled Jinja templates
come from the cache the environment names (sealreg.dbt_templates), which is written back at the end.
Exit status as dbt's CLI: 0 success, 1 a node failed, 2 dbt could not run; the process ends without the
interpreter's teardown (`exit_without_teardown`).
"""

from __future__ import annotations

import atexit
import json
import os
import sys
import threading

import dbt.cli.requires
from dbt.cli.main import dbtRunner
from dbt_common.events.base_types import EventMsg
from dbt_common.events.functions import env_scrubber, msg_to_dict
from dbt_common.utils.encoding import ForgivingJSONEncoder

from sealreg.dbt_templates import cache_from_environment

#: The commands that write manifest.json (and run_results.json) when they end (dbt's GraphRunnableTask).
WRITE_AT_END = frozenset({"build", "run", "compile", "test", "seed"})
#: The levels dbt's console shows at its default `--log-level info`.
SHOWN_LEVELS = frozenset({"info", "warn", "error"})
#: Debug events printed all the same: dbt has written an artifact (sealreg.dbt_runner.ARTIFACTS_WRITTEN).
FORWARDED = frozenset({"ArtifactWritten"})
_write_lock = threading.Lock()  # dbt fires events from its worker threads


def print_event(msg: EventMsg) -> None:
    """Print one event as dbt's JSON console logger writes it, if the console would show it or the
    runner waits for it (FORWARDED)."""
    if msg.info.level not in SHOWN_LEVELS and msg.info.name not in FORWARDED:
        return
    line = env_scrubber(json.dumps(msg_to_dict(msg), sort_keys=True, cls=ForgivingJSONEncoder))
    with _write_lock:
        sys.stdout.write(line + "\n")
        sys.stdout.flush()


def parse_without_writing(parse_manifest):
    """dbt's parse_manifest (dbt.cli.requires), told not to write the parsed manifest.json.

    A build writes the whole manifest.json twice: after parsing, then at the end with the nodes it
    compiled, over the first (about 0.5 s of CPU each at 10k). Nothing reads the first one; the
    saved partial parse (partial_parse.msgpack) is written while parsing, apart from this."""
    def parse(runtime_config, write_perf_info, write, write_json, active_integrations):
        return parse_manifest(runtime_config, write_perf_info, False, write_json, active_integrations)
    return parse


def main(argv: list[str]) -> int:
    if argv and argv[0] in WRITE_AT_END:
        dbt.cli.requires.parse_manifest = parse_without_writing(dbt.cli.requires.parse_manifest)
    templates = cache_from_environment()
    # dbt takes the file log's level from --log-level unless told: keep it at its default, debug
    result = dbtRunner(callbacks=[print_event]).invoke(["--log-level", "none", "--log-level-file", "debug", *argv])
    if templates is not None:
        try:
            templates.save()
        except OSError as exc:  # the next build compiles what it needs; this one's result stands
            print(f"dbt template cache not saved: {exc}", file=sys.stderr)
    if result.success:
        return 0
    if result.exception is not None:  # dbt could not run (bad arguments, project, profile): say why
        print(f"dbt error: {type(result.exception).__name__}: {result.exception}", file=sys.stderr)
        return 2
    return 1


def exit_without_teardown(code: int) -> None:
    """End the process with `code` as a normal exit would, but without the interpreter's teardown.

    Freeing dbt's objects one by one at exit (the manifest, macro contexts, agate tables) costs ~0.7 s of
    CPU after a 10k build and changes nothing on disk. The atexit handlers run first, as at a normal exit
    (dbt-duckdb's closes the warehouse connection, which checkpoints its write-ahead log; logging's
    flushes and closes the file log), then stdout and stderr are flushed. The process exits normally
    instead while a thread that a normal exit would wait for is alive, or when the warehouse named by
    SEALREG_WAREHOUSE still has a write-ahead log after the handlers (something still holds its
    connection, which the interpreter's teardown then closes, as before)."""
    main_thread = threading.main_thread()
    if any(t is not main_thread and not t.daemon and t.is_alive() for t in threading.enumerate()):
        sys.exit(code)
    atexit._run_exitfuncs()
    sys.stdout.flush()
    sys.stderr.flush()
    warehouse = os.environ.get("SEALREG_WAREHOUSE")
    if not warehouse or os.path.lexists(warehouse + ".wal"):
        sys.exit(code)
    os._exit(code)


if __name__ == "__main__":
    exit_without_teardown(main(sys.argv[1:]))
