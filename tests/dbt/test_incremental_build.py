"""A night built incrementally (models incremental by disclosure) == the same night built from scratch.

Two homes share night 1 (the bundled samples on 2026-11-28). Night 2 (2026-12-01) changes what each
layer depends on: a disclosure re-sent under its id with other bytes, a newer disclosure superseding an
older one, a provider whose file left the inbox, a regulator decision, a changed certificate register,
and a date that takes an audit past its age limit (baltic-edge-mail, audited 2025-11-28) and a
certificate past its end (meridian's, valid until 2026-11-30). Home A rebuilds everything (full ingest,
`dbt build --full-refresh`); home B builds incrementally. Every table dbt wrote, the published CSV,
Parquet and site must be the same, byte for byte.
"""

from __future__ import annotations

import datetime as dt
import json
import shutil
from pathlib import Path

import duckdb
import pytest

from sealreg import dbt_runner
from sealreg.config import SAMPLES_INBOX, SAMPLES_REFERENCES, RunContext
from sealreg.refresh import run_refresh
from tests.helpers import sealreg_cli

NIGHT_1, NIGHT_2 = "2026-11-28", "2026-12-01"
#: Files of a release that record the run itself (times, paths, durations, dbt's compiled SQL and run
#: results, and the download page listing their sizes): they differ between any two runs.
RUN_RECORDS = {"README.md", "SHA256SUMS", "manifest.json", "manifest.sig", "datapackage.json", "dcat.jsonld",
               "docs/index.html", "lineage/dbt-openlineage.jsonl.gz", "site/downloads.html", "registry.duckdb"}


def _refresh(home: Path, inbox: Path, as_of: str, full: bool) -> dict:
    ctx = RunContext.create(home=home, inbox=inbox, as_of=as_of, references=inbox / "references", full_ingest=full)
    result = run_refresh(ctx)
    assert result.ok, f"{result.failed_step}: {result.error}"
    return result.steps


def _tables(database: Path) -> dict[str, list[tuple]]:
    con = duckdb.connect(str(database), read_only=True)
    try:
        names = [n for (n,) in con.execute("SELECT table_name FROM duckdb_tables() WHERE schema_name = 'main' "
                                           "ORDER BY table_name").fetchall()]
        return {n: con.execute(f'SELECT * FROM main."{n}" ORDER BY ALL').fetchall() for n in names}
    finally:
        con.close()


def _files(release: Path) -> dict[str, bytes]:
    names = (p.relative_to(release).as_posix() for p in sorted(release.rglob("*")) if p.is_file())
    return {n: (release / n).read_bytes() for n in names if n not in RUN_RECORDS and not n.startswith("validation/")}


def _edit(path: Path, change) -> None:
    doc = json.loads(path.read_text())
    change(doc)
    path.write_text(json.dumps(doc, indent=2) + "\n")


def _night_2_changes(inbox: Path, home: Path) -> None:
    def lower_an_answer(doc):  # same disclosure id, other bytes
        doc["services"][0]["answers"]["SOV-2.1"] = 1

    _edit(inbox / "aurora-cloud-2026-11-02.json", lower_an_answer)
    newer = json.loads((inbox / "bluefjord-2026-10-28.json").read_text())
    newer["disclosure_id"] += "-b"
    newer["submitted_at"] = "2026-11-30T08:00:00Z"
    newer["services"][0]["answers"]["SOV-3.1"] = 1
    (inbox / "bluefjord-2026-11-30.json").write_text(json.dumps(newer, indent=2) + "\n")
    (inbox / "halcyon-systems-2026-06-19.json").unlink()
    register = inbox / "references" / "bsi-c5.csv"
    register.write_text("".join(line for line in register.read_text().splitlines(keepends=True)
                                if "MERIDIAN" not in line))
    proc = sealreg_cli("decide", "corvus-vps", "--action", "suspend", "--reason", "audit under review",
                       "--by", "registry-officer-1", "--home", str(home))
    assert proc.returncode == 0, proc.stdout + proc.stderr


def test_an_incremental_night_gives_the_tables_csv_and_site_of_a_full_rebuild(tmp_path):
    inbox = tmp_path / "inbox"
    shutil.copytree(SAMPLES_INBOX, inbox)
    shutil.copytree(SAMPLES_REFERENCES, inbox / "references")
    full, incr = tmp_path / "home-full", tmp_path / "home-incr"
    assert _refresh(full, inbox, NIGHT_1, full=True)["build"]["full_refresh"]
    _night_2_changes(inbox, full)
    shutil.copytree(full, incr, symlinks=True)  # the same night 1 and decision log for both
    assert _refresh(full, inbox, NIGHT_2, full=True)["build"]["full_refresh"]
    assert not _refresh(incr, inbox, NIGHT_2, full=False)["build"]["full_refresh"]

    full_tables = _tables(full / "warehouse" / "registry.duckdb")
    incr_tables = _tables(incr / "warehouse" / "registry.duckdb")
    assert "int_criteria__scored" in full_tables and "criterion_results" in full_tables
    assert sorted(full_tables) == sorted(incr_tables)
    for name, rows in full_tables.items():
        assert rows == incr_tables[name], name
    scored = {row[3] for row in full_tables["int_criteria__scored"]}  # disclosure_id
    assert "halcyon-systems-2026-06-19" not in scored and any(d.endswith("-b") for d in scored)

    assert _tables(full / "current" / "registry.duckdb") == _tables(incr / "current" / "registry.duckdb")
    full_files, incr_files = _files(full / "current"), _files(incr / "current")
    assert any(name.startswith("site/") for name in full_files) and "csv/criterion_results.csv.gz" in full_files
    assert sorted(full_files) == sorted(incr_files)
    different = [name for name in full_files if full_files[name] != incr_files[name]]
    assert not different, different[:20]


def test_a_full_refresh_is_needed_exactly_when_rows_carry_another_project_digest(tmp_path):
    ctx = RunContext.create(home=tmp_path, inbox=tmp_path / "inbox", as_of=dt.date(2026, 11, 28), run_id="r-1")
    ctx.run_dir.mkdir(parents=True)
    assert not dbt_runner.needs_full_refresh(ctx)  # no warehouse yet: dbt builds every model from scratch
    digest = dbt_runner.project_digest(ctx)
    con = duckdb.connect(str(ctx.run_warehouse))
    con.execute("CREATE TABLE int_criteria__scored AS SELECT 'd' AS disclosure_id, ? AS project_digest", [digest])
    con.close()
    assert not dbt_runner.needs_full_refresh(ctx)
    assert dbt_runner.needs_full_refresh(RunContext.create(home=tmp_path, inbox=tmp_path / "inbox", as_of="2026-11-28",
                                                           run_id="r-1", full_ingest=True))
    assert dbt_runner.needs_full_refresh(RunContext.create(home=tmp_path, inbox=tmp_path / "inbox", as_of="2026-11-28",
                                                           run_id="r-1", weights_version="calculator-2026",
                                                           associated_countries=("CH",)))  # other --vars
    with pytest.MonkeyPatch.context() as mp:  # another ingestion version: the same bytes may give other raw rows
        mp.setattr(dbt_runner, "validator_fingerprint", lambda: "another-ingestion")
        assert dbt_runner.needs_full_refresh(ctx)
    assert not dbt_runner.needs_full_refresh(ctx)
    con = duckdb.connect(str(ctx.run_warehouse))
    con.execute("CREATE TABLE int_objectives__scored AS SELECT 'd' AS disclosure_id")  # an older project's table
    con.close()
    assert dbt_runner.needs_full_refresh(ctx)
