"""OpenLineage events of a refresh's dbt build, read from dbt's artifacts by openlineage-dbt.

One START and one COMPLETE (or FAIL) event per model, seed and test that the build ran, with the
inputs and outputs of each model and their schemas and descriptions, written by OpenLineage's file
transport to `<run folder>/lineage/dbt-openlineage.jsonl`; the release carries it gzip'd as
`lineage/dbt-openlineage.jsonl.gz` (docs/interface.md). The datasets are named after the home's
warehouse (the file this run's warehouse becomes), not after the run's scratch copy.
"""

from __future__ import annotations

import logging
from pathlib import Path
from typing import Any

from sealreg.config import DBT_PROJECT_DIR, RunContext

log = logging.getLogger(__name__)

LINEAGE_DIR = "lineage"
DBT_EVENTS_FILE = "dbt-openlineage.jsonl"
#: OpenLineage job namespace of the registry's jobs (Airflow's tasks use the same, docs/interface.md).
NAMESPACE = "sealreg"
PRODUCER = "https://github.com/sealreg/sealreg"


def lineage_dir(ctx: RunContext) -> Path:
    return ctx.run_dir / LINEAGE_DIR


def write_dbt_lineage(ctx: RunContext) -> Path | None:
    """Append the OpenLineage events of the run's last dbt command; the file, or None when dbt left no artifacts.

    Lineage is a record about the run, not part of it: a failure here is logged and the refresh goes on.
    """
    from openlineage.client import OpenLineageClient
    from openlineage.client.transport.file import FileConfig, FileTransport
    from openlineage.common.provider.dbt.local import DbtLocalArtifactProcessor

    class _Processor(DbtLocalArtifactProcessor):
        """dbt's artifacts with the registry's profile given directly (profiles.yml reads the environment)."""

        def get_dbt_metadata(self) -> tuple[dict[Any, Any], dict[Any, Any], dict[Any, Any], None]:
            manifest = self.load_metadata(self.manifest_path, list(range(2, 13)), self.logger)
            run_result = self.load_metadata(self.run_result_path, list(range(2, 7)), self.logger)
            return manifest, run_result, {"type": "duckdb", "path": str(ctx.paths.baseline_warehouse)}, None

    target = ctx.dbt_dir / "target"
    if not (target / "run_results.json").is_file() or not (target / "manifest.json").is_file():
        return None
    out = lineage_dir(ctx) / DBT_EVENTS_FILE
    try:
        processor = _Processor(producer=PRODUCER, job_namespace=NAMESPACE, project_dir=str(DBT_PROJECT_DIR),
                               target_path=str(target), profile_name="sealreg", target="default", logger=log)
        events = processor.parse().events()
        out.parent.mkdir(parents=True, exist_ok=True)
        client = OpenLineageClient(transport=FileTransport(FileConfig(log_file_path=str(out), append=True)))
        for event in events:
            client.emit(event)
    except Exception as exc:  # noqa: BLE001 - lineage must never fail a refresh
        log.warning("OpenLineage events of the dbt build not written: %s", exc)
        return None
    return out
