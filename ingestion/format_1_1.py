"""The optional service fields format 1.1 adds to format 1, each with its check.

A check is called as `check(checker, value, path, service_id)` for a field present in a "1.1" file
(`service_id` is the service's own id, None if it is invalid); in a "1" file the field is E004.
"""

from __future__ import annotations

from collections.abc import Callable

from ingestion.checks import Checker
from ingestion.validate_open_source import check_open_source
from ingestion.validate_runs_on import check_runs_on

VERSION = "1.1"
FieldCheck = Callable[[Checker, object, str, "str | None"], None]

SERVICE_FIELDS: dict[str, FieldCheck] = {
    "runs_on": check_runs_on,
    "open_source": check_open_source,
}
