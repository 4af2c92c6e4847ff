"""`python -m sealreg.dbt_process <dbt arguments>`: one dbt command in this process, its events on stdout.

Prints the events dbt's console would show (info, warn and error) as dbt's own JSON log lines, one per
line, which sealreg.dbt_runner reads for progress and failures. dbt's `--log-format json` console
logger serialises every event, debug ones included, before its level filter drops them (about 3,900
events for ~100 shown in a build); this callback serialises only the events it prints, and dbt's
console logger is off (`--log-level none`). The file log (`dbt.log`, debug, text) is dbt's as before.
Exit status as dbt's CLI: 0 success, 1 a node failed, 2 dbt could not run.
"""

from __future__ import annotations

import json
import sys
import threading

from dbt.cli.main import dbtRunner
from dbt_common.events.base_types import EventMsg
from dbt_common.events.functions import env_scrubber, msg_to_dict
from dbt_common.utils.encoding import ForgivingJSONEncoder

#: The levels dbt's console shows at its default `--log-level info`.
SHOWN_LEVELS = frozenset({"info", "warn", "error"})
_write_lock = threading.Lock()  # dbt fires events from its worker threads


def print_event(msg: EventMsg) -> None:
    """Print one event as dbt's JSON console logger writes it, if the console would show it."""
    if msg.info.level not in SHOWN_LEVELS:
        return
    line = env_scrubber(json.dumps(msg_to_dict(msg), sort_keys=True, cls=ForgivingJSONEncoder))
    with _write_lock:
        sys.stdout.write(line + "\n")
        sys.stdout.flush()


def main(argv: list[str]) -> int:
    # dbt takes the file log's level from --log-level unless told: keep it at its default, debug
    result = dbtRunner(callbacks=[print_event]).invoke(["--log-level", "none", "--log-level-file", "debug", *argv])
    if result.success:
        return 0
    if result.exception is not None:  # dbt could not run (bad arguments, project, profile): say why
        print(f"dbt error: {type(result.exception).__name__}: {result.exception}", file=sys.stderr)
        return 2
    return 1


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
