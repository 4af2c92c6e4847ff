"""The release carries the OpenLineage events of its dbt build: every published mart started and completed,
with the models it was built from."""

from __future__ import annotations

import gzip
import json

from sealreg.publish.release import PUBLISHED_TABLES


def test_the_release_holds_a_start_and_a_complete_event_per_published_mart(sample_home):
    release = sample_home / "current"
    shipped = release / "lineage" / "dbt-openlineage.jsonl.gz"
    events = [json.loads(line) for line in gzip.decompress(shipped.read_bytes()).decode("utf-8").splitlines()]
    runs = {}
    for e in events:
        runs.setdefault(e["job"]["name"], []).append(e)
    for table in PUBLISHED_TABLES:
        job = runs[f"warehouse.main.sealreg.{table}.build.run"]
        assert [e["eventType"] for e in job] == ["START", "COMPLETE"], table
        complete = job[1]
        assert [o["name"] for o in complete["outputs"]] == [f"warehouse.main.{table}"]
        assert complete["outputs"][0]["namespace"].endswith("/warehouse/registry.duckdb")
        assert complete["inputs"], f"{table}: no input named"
    services = runs["warehouse.main.sealreg.services.build.run"][1]
    assert [i["name"] for i in services["inputs"]] == ["warehouse.main.service_states"]
    manifest = json.loads((release / "manifest.json").read_text())
    assert "lineage/dbt-openlineage.jsonl.gz" in manifest["files"]
