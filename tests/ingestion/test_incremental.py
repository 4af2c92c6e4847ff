"""Incremental ingest == full ingest, on real DuckDB files and a few hundred generated disclosures.

Each "night" ingests the inbox incrementally into a home whose baseline warehouse is the previous
night's run warehouse (as `record_history` leaves it), and compares every raw table, raw.file_cache
included, and the quarantine folder with a full ingest of the same inbox into an empty home.
"""

from __future__ import annotations

import datetime as dt
import json
import os
import shutil
import subprocess
import sys
from pathlib import Path

import duckdb
import pytest

from bench.generate import generate, mutate
from ingestion import cache as cache_module
from ingestion.ingest import run_ingest
from ingestion.load import RAW_TABLES
from sealreg.config import RunContext

AS_OF = dt.date(2026, 11, 28)
TABLES = (*RAW_TABLES, "file_cache")
N_PROVIDERS = 300


def _dump(warehouse: Path) -> dict[str, list[tuple]]:
    con = duckdb.connect(str(warehouse), read_only=True)
    try:
        return {t: con.execute(f"SELECT * FROM raw.{t} ORDER BY ALL").fetchall() for t in TABLES}
    finally:
        con.close()


def _tree(folder: Path) -> dict[str, bytes]:
    return {str(p.relative_to(folder)): p.read_bytes() for p in sorted(folder.rglob("*")) if p.is_file()}


class Nights:
    """An inbox, a home ingested night after night (incremental) and a full reference ingest per night."""

    def __init__(self, root: Path):
        self.root = root
        self.inbox = root / "inbox"
        self.home = root / "home"
        self.night = 0

    def ingest(self, as_of: dt.date, **kwargs) -> dict:
        """One incremental night, checked against a full ingest of the same inbox; returns its result."""
        self.night += 1
        run_id = f"night-{self.night}"
        ctx = RunContext.create(home=self.home, inbox=self.inbox, as_of=as_of, run_id=run_id)
        ref_home = self.root / f"ref-{self.night}"
        ref = RunContext.create(home=ref_home, inbox=self.inbox, as_of=as_of, run_id=run_id, started=ctx.started)
        if ctx.paths.baseline_warehouse.exists():  # the same last release: the rules across files read what it holds
            ref.paths.warehouse.mkdir(parents=True)
            shutil.copyfile(ctx.paths.baseline_warehouse, ref.paths.baseline_warehouse)
        result = run_ingest(ctx, decisions=[], **kwargs)
        ctx.paths.warehouse.mkdir(parents=True, exist_ok=True)
        shutil.copyfile(ctx.run_warehouse, ctx.paths.baseline_warehouse)  # what record_history does
        shutil.rmtree(ctx.run_dir)

        expected = run_ingest(ref, decisions=[], full=True)
        assert {k: result[k] for k in ("files", "accepted", "rejected", "problems")} == {
            k: expected[k] for k in ("files", "accepted", "rejected", "problems")}
        got, want = _dump(ctx.paths.baseline_warehouse), _dump(ref.run_warehouse)
        for table in TABLES:
            assert got[table] == want[table], f"raw.{table} differs after night {self.night}"
        assert _tree(ctx.quarantine_dir) == _tree(ref.quarantine_dir)
        shutil.rmtree(ref_home)
        self.last = got
        return result

    def accepted(self) -> dict[str, str]:
        """file name -> disclosure_id of the files accepted last night."""
        return {f: d for f, _, _, status, d in self.last["input_files"] if status == "accepted"}

    def rejections(self, file_name: str) -> list[tuple[str, str]]:
        return [(code, path) for _, f, code, path, *_ in self.last["rejections"] if f == file_name]


@pytest.fixture(scope="module")
def nights(tmp_path_factory) -> Nights:
    n = Nights(tmp_path_factory.mktemp("incremental"))
    generate(n.inbox, N_PROVIDERS, seed=11, invalid_share=0.05, as_of=AS_OF)
    return n


def _load(path: Path) -> dict:
    return json.loads(path.read_bytes())


def _write(path: Path, doc: dict) -> None:
    path.write_bytes(json.dumps(doc, indent=2, ensure_ascii=False).encode() + b"\n")


# The tests below run in file order on one module-scoped inbox: each is one night.

def test_first_night_has_no_cache_and_equals_full(nights):
    result = nights.ingest(AS_OF)
    assert result["files"] > N_PROVIDERS and result["rejected"] >= 15
    assert result["reused"] == 0 and result["kept"] == 0
    assert len(nights.last["file_cache"]) == result["files"]


def test_unchanged_night_reuses_every_outcome_and_keeps_every_row(nights):
    result = nights.ingest(AS_OF + dt.timedelta(days=1))  # a later evaluation date: outcomes still hold
    assert result["reused"] == result["files"]  # no file read by the validator
    assert result["kept"] == result["accepted"]


def test_one_percent_changed_files(nights):
    new = mutate(nights.inbox, 0.01, seed=5)  # newer submissions, new files (2026-11-29T01:30Z)
    assert len(new) == 3
    accepted = sorted(nights.accepted())
    for name in accepted[10:13]:  # and three files edited in place
        doc = _load(nights.inbox / name)
        doc["provider"]["legal_name"] += " (renamed)"
        doc["services"][0]["answers"]["SOV-1.1"] = 1
        _write(nights.inbox / name, doc)
    result = nights.ingest(dt.date(2026, 11, 29))
    assert result["kept"] == result["accepted"] - 6
    assert result["reused"] == result["files"] - 6


def test_deleted_file(nights):
    gone = sorted(nights.accepted())[20]
    (nights.inbox / gone).unlink()
    result = nights.ingest(dt.date(2026, 11, 29))
    assert gone not in nights.accepted()
    assert result["kept"] == result["accepted"]


def test_new_earlier_dated_file_cannot_evict_an_accepted_file(nights):
    accepted = nights.accepted()
    victim = sorted(accepted)[30]
    victim_doc = _load(nights.inbox / victim)
    intruder = _load(nights.inbox / sorted(accepted)[31])
    assert intruder["provider"]["provider_id"] != victim_doc["provider"]["provider_id"]
    intruder["disclosure_id"] = "intruder-1"
    intruder["provider"]["provider_id"] = "intruder-co"  # a provider of its own (its rival's name would be E021)
    intruder["submitted_at"] = "2025-01-01T00:00:00Z"  # earlier than every generated submission: used to win E013
    intruder["services"][0]["service_id"] = victim_doc["services"][0]["service_id"]
    intruder["certifications"] = []
    _write(nights.inbox / "aaa-intruder.json", intruder)
    nights.ingest(dt.date(2026, 11, 29))
    assert victim in nights.accepted() and "aaa-intruder.json" not in nights.accepted()
    assert ("E013", "$.services[0].service_id") in nights.rejections("aaa-intruder.json")
    assert [r for r in nights.last["answers"] if r[0] == victim_doc["disclosure_id"]]
    (nights.inbox / "aaa-intruder.json").unlink()
    nights.ingest(dt.date(2026, 11, 29))
    assert victim in nights.accepted()


def test_earlier_as_of_makes_submissions_future_and_rejects_them(nights):
    future = [n for n in nights.accepted() if _load(nights.inbox / n)["submitted_at"] == "2026-11-29T01:30:00Z"]
    assert len(future) == 3
    nights.ingest(AS_OF)  # 2026-11-28: the mutated submissions are after the evaluation date
    for name in future:
        assert name not in nights.accepted()
        assert nights.rejections(name) == [("E010", "$.submitted_at")]
    result = nights.ingest(dt.date(2026, 11, 30))  # and accepted again later
    assert all(name in nights.accepted() for name in future)
    assert result["kept"] < result["accepted"]


def test_changed_validator_or_forced_full_reuses_nothing(nights, monkeypatch):
    monkeypatch.setenv("SEALREG_FULL_INGEST", "1")
    result = nights.ingest(dt.date(2026, 11, 30))
    assert result["mode"] == "full" and result["reused"] == 0 and result["kept"] == 0
    monkeypatch.delenv("SEALREG_FULL_INGEST")
    monkeypatch.setattr(cache_module, "validator_fingerprint", lambda: "another-version")
    result = nights.ingest(dt.date(2026, 11, 30))
    assert result["mode"] == "incremental" and result["reused"] == 0 and result["kept"] == 0
    monkeypatch.undo()
    result = nights.ingest(dt.date(2026, 11, 30))  # the other version's cache is not this one's
    assert result["reused"] == 0 and result["kept"] == 0


def test_future_audit_date_is_not_reused_before_its_day(tmp_path, factory):
    doc = factory.disclosure("audited", submitted_at="2026-11-01T09:00:00Z")
    doc["services"][0]["cada"]["audit"]["date"] = "2026-11-29"
    n = Nights(tmp_path)
    n.inbox.mkdir()
    factory.write(n.inbox, "audited.json", doc)
    n.ingest(dt.date(2026, 11, 29))
    assert n.accepted() == {"audited.json": doc["disclosure_id"]}
    n.ingest(dt.date(2026, 11, 28))
    assert n.rejections("audited.json") == [("E010", "$.services[0].cada.audit.date")]
    n.ingest(dt.date(2026, 11, 27))  # same problem, but the message names the other date: not reused
    assert n.rejections("audited.json") == [("E010", "$.services[0].cada.audit.date")]


# --- end to end: `sealreg refresh` twice (full, full) vs (full, incremental) ----------------------------

def _refresh(inbox: Path, home: Path, as_of: str, full: bool) -> None:
    exe = Path(sys.executable).parent / "sealreg"
    env = {k: v for k, v in os.environ.items() if k != "SEALREG_FULL_INGEST"}
    if full:
        env["SEALREG_FULL_INGEST"] = "1"
    proc = subprocess.run([str(exe), "refresh", "--inbox", str(inbox), "--home", str(home), "--as-of", as_of],
                          capture_output=True, text=True, timeout=900, env=env)
    assert proc.returncode == 0, proc.stdout[-3000:] + proc.stderr[-3000:]


def test_refresh_full_then_incremental_publishes_the_same_csv_as_two_full_refreshes(tmp_path):
    inbox = tmp_path / "inbox"
    generate(inbox, 200, seed=3, invalid_share=0.05, as_of=AS_OF)
    full_home, incr_home = tmp_path / "home-full", tmp_path / "home-incr"
    _refresh(inbox, full_home, "2026-11-28", full=True)
    shutil.copytree(full_home, incr_home, symlinks=True)  # the same first night for both (`current` is relative)
    mutate(inbox, 0.01, seed=9)
    victim = sorted(p for p in inbox.glob("*.json") if not p.name.startswith("zz-"))[7]
    doc = _load(victim)
    doc["services"][0]["answers"]["SOV-2.1"] = 1
    _write(victim, doc)
    _refresh(inbox, full_home, "2026-11-29", full=True)
    _refresh(inbox, incr_home, "2026-11-29", full=False)
    full_csv, incr_csv = full_home / "current" / "csv", incr_home / "current" / "csv"
    names = sorted(p.name for p in full_csv.iterdir())
    assert names and names == sorted(p.name for p in incr_csv.iterdir())
    for name in names:
        assert (full_csv / name).read_bytes() == (incr_csv / name).read_bytes(), name
    con = duckdb.connect(str(incr_home / "warehouse" / "registry.duckdb"), read_only=True)
    try:
        assert con.execute("SELECT count(*) FROM raw.file_cache").fetchone()[0] > 200
    finally:
        con.close()
