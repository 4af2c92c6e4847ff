"""Small reference files for the tests (GLEIF golden-copy and register layouts) and a night-by-night home."""

from __future__ import annotations

import csv
import datetime as dt
import json
import shutil
from pathlib import Path

import duckdb

from bench.references import LEVEL1_COLUMNS, LEVEL2_COLUMNS, REGISTER_COLUMNS, synthetic_lei
from ingestion.ingest import _open_warehouse
from ingestion.references import ingest_references
from sealreg.config import RunContext

L1_HEADER = [name for name, _ in LEVEL1_COLUMNS]
L2_HEADER = [name for name, _ in LEVEL2_COLUMNS]
START = dt.date(2026, 11, 28)


def lei(i: int) -> str:
    return synthetic_lei(i, seed=7)


def l1_row(i: int, **overrides: str) -> dict[str, str]:
    row = {"LEI": lei(i), "Entity.LegalName": f"Example Entity {i} GmbH", "Entity.LegalAddress.Country": "DE",
           "Entity.LegalAddress.City": "Berlin", "Entity.EntityStatus": "ACTIVE",
           "Registration.RegistrationStatus": "ISSUED", "Registration.ManagingLOU": lei(999)}
    row.update(overrides)
    return row


def l2_row(child: int, parent: int, kind: str = "IS_DIRECTLY_CONSOLIDATED_BY", **overrides: str) -> dict[str, str]:
    row = {"Relationship.StartNode.NodeID": lei(child), "Relationship.StartNode.NodeIDType": "LEI",
           "Relationship.EndNode.NodeID": lei(parent), "Relationship.EndNode.NodeIDType": "LEI",
           "Relationship.RelationshipType": kind, "Relationship.RelationshipStatus": "ACTIVE",
           "Registration.RegistrationStatus": "PUBLISHED"}
    row.update(overrides)
    return row


def cert_row(i: int, scheme: str = "SecNumCloud", **overrides: str) -> dict[str, str]:
    row = {"scheme": scheme, "certificate_id": f"{scheme}-{i:03d}", "holder_lei": lei(i),
           "holder_name": f"Example Entity {i} GmbH", "status": "granted", "valid_from": "2025-01-01",
           "valid_until": "2027-12-31", "source_url": f"https://register.example/{scheme}/{i}"}
    row.update(overrides)
    return row


def write_csv(path: Path, header: list[str], rows: list[dict[str, str]]) -> Path:
    path.parent.mkdir(parents=True, exist_ok=True)
    with open(path, "w", newline="", encoding="utf-8") as fh:
        out = csv.DictWriter(fh, header, extrasaction="raise")
        out.writeheader()
        for row in rows:
            out.writerow(row)
    return path


def level1(path: Path, rows: list[dict[str, str]], header: list[str] | None = None) -> Path:
    return write_csv(path, header or L1_HEADER, rows)


def level2(path: Path, rows: list[dict[str, str]]) -> Path:
    return write_csv(path, L2_HEADER, rows)


def register(path: Path, rows: list[dict[str, str]]) -> Path:
    return write_csv(path, list(REGISTER_COLUMNS), rows)


class Nights:
    """A registry home and a references folder, ingested night after night like a refresh does: the run
    warehouse starts as a copy of the baseline and becomes the baseline when the night succeeds."""

    def __init__(self, root: Path):
        self.inbox = root / "inbox"
        self.inbox.mkdir(parents=True, exist_ok=True)
        self.refs = root / "references"
        self.refs.mkdir(exist_ok=True)
        self.home = root / "home"
        self.night = 0
        self.ctx: RunContext | None = None
        self.quarantine_dirs: dict[str, Path] = {}  # run id -> its quarantine folder

    def run(self) -> dict:
        self.night += 1
        self.ctx = RunContext.create(home=self.home, inbox=self.inbox, as_of=START + dt.timedelta(days=self.night - 1),
                                     run_id=f"night-{self.night}", references=self.refs)
        _open_warehouse(self.ctx).close()
        self.quarantine_dirs[self.ctx.run_id] = self.ctx.quarantine_dir
        result = ingest_references(self.ctx)
        self.ctx.paths.warehouse.mkdir(parents=True, exist_ok=True)
        shutil.copyfile(self.ctx.run_warehouse, self.ctx.paths.baseline_warehouse)
        return result

    def query(self, sql: str, params: list | None = None) -> list[tuple]:
        con = duckdb.connect(str(self.ctx.run_warehouse), read_only=True)
        try:
            return con.execute(sql, params or []).fetchall()
        finally:
            con.close()

    def rejections(self) -> list[tuple[str, str, str, str]]:
        return self.query("SELECT file, code, path, message FROM raw.rejections ORDER BY file, path, code")

    def in_use(self) -> dict[str, tuple]:
        rows = self.query("SELECT source, file, file_sha256, rows, first_loaded_on FROM raw.ref_sources WHERE in_use")
        return {r[0]: r[1:] for r in rows}

    def quarantine_folder(self, name: str) -> Path:
        """The folder holding the quarantined copy of a rejected reference file: the one its rejection names."""
        (folder,) = {f for (f,) in self.query("SELECT quarantined_in FROM raw.rejections WHERE file = ?",
                                              [f"references/{name}"])}
        run_id, _, below = folder.partition("/")
        return self.quarantine_dirs[run_id] / below

    def quarantined(self, name: str) -> list[dict]:
        errors = self.quarantine_folder(name) / f"{name}.errors.json"
        return json.loads(errors.read_text(encoding="utf-8"))
