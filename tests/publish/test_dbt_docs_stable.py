"""docs/index.html is the same from one night to the next: what changes with the run (its folder, dbt's
invocation stamps, the evaluation date in the compiled SQL) is not on the page; the SQL still runs."""

from __future__ import annotations

import json
from pathlib import Path

import duckdb

from sealreg.publish.dbt_docs import AS_OF_VARIABLE, docs_page, publishable_manifest

TEMPLATE = '<html><head></head><body><script>var m = "MANIFEST.JSON INLINE DATA"; ' \
           'var c = "CATALOG.JSON INLINE DATA";</script></body></html>'
RAW = "select {{ as_of_date() }} - date '2026-01-01' as days, {{ as_of_date() }} as as_of"


def _manifest(run: Path, as_of: str, invocation: str, parsed_at: float) -> dict:
    """A dbt manifest as one night's `dbt build` in `run` writes it."""
    compiled = f"select cast('{as_of}' as date) - date '2026-01-01' as days, cast('{as_of}' as date) as as_of"
    return {
        "metadata": {"dbt_version": "1.11.16", "invocation_id": invocation, "generated_at": f"{as_of}T01:00:00Z",
                     "invocation_started_at": f"{as_of}T00:59:00Z", "run_started_at": f"{as_of}T00:59:00Z",
                     "project_name": "sealreg"},
        "nodes": {"model.sealreg.services": {
            "resource_type": "model", "schema": "main", "name": "services", "created_at": parsed_at,
            "raw_code": RAW, "compiled_code": compiled, "build_path": str(run / "dbt" / "target"),
            "root_path": str(run / "dbt"),
            "compiled_path": str(run / "dbt" / "target" / "compiled" / "sealreg" / "models" / "services.sql"),
            "original_file_path": "models/marts/services.sql"}},
        "macros": {"macro.sealreg.as_of_date": {"name": "as_of_date", "created_at": parsed_at,
                                                "root_path": str(run / "dbt")}},
    }


def _page(run: Path, as_of: str, invocation: str, parsed_at: float) -> str:
    published = publishable_manifest(_manifest(run, as_of, invocation, parsed_at), run / "dbt" / "target", as_of)
    return docs_page(TEMPLATE, published, {"metadata": {}, "nodes": {}, "sources": {}})


def test_two_nights_give_the_same_page_without_the_operators_paths(tmp_path):
    first = _page(tmp_path / "runs" / "2026-11-28-aaaa", "2026-11-28", "inv-1", 1796142182.07)
    second = _page(tmp_path / "runs" / "2026-11-29-bbbb", "2026-11-29", "inv-2", 1796142318.86)
    assert first == second
    assert str(tmp_path) not in first and "2026-11-2" not in first and "inv-" not in first
    node = json.loads(first[first.index("var m = ") + 8: first.index("; var c")])["nodes"]["model.sealreg.services"]
    assert node["compiled_path"] == "target/compiled/sealreg/models/services.sql"
    assert (node["build_path"], node["root_path"]) == ("target", ".")
    assert node["raw_code"] == RAW


def test_the_published_sql_computes_what_the_night_computed(tmp_path):
    night = _manifest(tmp_path, "2026-11-29", "inv", 1.0)
    published = publishable_manifest(night, tmp_path / "dbt" / "target", "2026-11-29")
    sql = published["nodes"]["model.sealreg.services"]["compiled_code"]
    assert AS_OF_VARIABLE in sql and "2026-11-29" not in sql
    con = duckdb.connect()
    ran = con.execute(night["nodes"]["model.sealreg.services"]["compiled_code"]).fetchall()
    con.execute("SET VARIABLE as_of = '2026-11-29'")  # the release manifest's as_of
    assert con.execute(sql).fetchall() == ran
    con.close()


def test_another_date_in_the_sql_is_left_as_compiled(tmp_path):
    night = _manifest(tmp_path, "2026-11-29", "inv", 1.0)
    published = publishable_manifest(night, tmp_path / "dbt" / "target", "2026-11-30")  # not this run's date
    assert published["nodes"]["model.sealreg.services"]["compiled_code"] == \
        night["nodes"]["model.sealreg.services"]["compiled_code"]
