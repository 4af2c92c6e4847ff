"""Raw rows for the assurance/history dbt test: a tiny warehouse built from raw_schema.sql.

Independent of the ingestion package on purpose: rows are inserted straight into `raw.*`.
"""

from __future__ import annotations

import csv
import datetime as dt
import json
import os
import subprocess
from pathlib import Path

import duckdb

REPO = Path(__file__).resolve().parents[2]
DBT_PROJECT = REPO / "dbt_project"
RAW_SCHEMA = REPO / "ingestion" / "raw_schema.sql"
CRITERIA = DBT_PROJECT / "seeds" / "csf_criteria.csv"
DBT = REPO / ".venv" / "bin" / "dbt"

SERVICE_COLUMNS = [
    "disclosure_id", "provider_id", "service_id", "position", "name", "model", "has_cada",
    "statement_of_conformity", "subcontractor_register", "data_location_checkable",
    "has_audit", "audit_auditor", "audit_opinion", "audit_date", "audit_claimed_level",
    "cyber_certificate", "personnel", "support_in_union", "sbom", "no_third_country_ai_training",
    "safeguard_no_delivery_restraint", "safeguard_no_data_access", "safeguard_no_continuity_disruption",
    "safeguard_no_forced_sanctions", "source_code_access", "no_third_country_kill_switch",
]

#: A CADA block meeting every gate up to UAL-4 (audit dated 2026-06-01).
FULL_CADA = {
    "has_cada": True, "statement_of_conformity": True, "subcontractor_register": True,
    "data_location_checkable": True, "has_audit": True, "audit_auditor": "Example Audit GmbH",
    "audit_opinion": "positive", "audit_date": dt.date(2026, 6, 1), "audit_claimed_level": 4,
    "cyber_certificate": "high", "personnel": "eu_citizens_cleared", "support_in_union": True, "sbom": True,
    "no_third_country_ai_training": True, "safeguard_no_delivery_restraint": True,
    "safeguard_no_data_access": True, "safeguard_no_continuity_disruption": True,
    "safeguard_no_forced_sanctions": True, "source_code_access": True, "no_third_country_kill_switch": True,
}


def top_rungs() -> dict[str, int]:
    """criterion_id -> its highest rung (every service answers the top rung: score 100, SEAL-4)."""
    rungs: dict[str, int] = {}
    with CRITERIA.open(newline="") as f:
        for row in csv.DictReader(f):
            rungs[row["criterion_id"]] = max(rungs.get(row["criterion_id"], 0), int(row["rung"]))
    return rungs


def create_warehouse(path: Path) -> None:
    """Empty raw layer (the project's DDL)."""
    con = duckdb.connect(str(path))
    try:
        con.execute(RAW_SCHEMA.read_text())
    finally:
        con.close()


def add_provider(con: duckdb.DuckDBPyConnection, provider_id: str, country: str = "DE",
                 controller_country: str | None = None) -> str:
    """One disclosure of a provider; with controller_country, a controlling holder from that country."""
    disclosure_id = f"{provider_id}-2026-11-01"
    con.execute(
        "insert into raw.disclosures values (?, ?, timestamp '2026-11-01 09:00:00', ?, ?, null, null, ?, ?, null)",
        [disclosure_id, provider_id, f"{provider_id} Ltd", country, f"{provider_id}.json", "0" * 64],
    )
    if controller_country:
        con.execute(
            "insert into raw.ownership values (?, 0, ?, ?, ?, 100, 100, true)",
            [disclosure_id, f"{provider_id}-parent", f"{provider_id} Parent Inc", controller_country],
        )
    return disclosure_id


def add_service(con: duckdb.DuckDBPyConnection, disclosure_id: str, provider_id: str, service_id: str,
                position: int, cada: dict | None, regions: tuple[str, ...] = ("DE", "FR")) -> None:
    """A service with the top rung on every criterion; `cada` None = no cada block."""
    row = {c: None for c in SERVICE_COLUMNS}
    row.update(disclosure_id=disclosure_id, provider_id=provider_id, service_id=service_id, position=position,
               name=service_id.replace("-", " ").title(), model="IaaS", has_cada=False)
    if cada is not None:
        row.update(FULL_CADA)
        row.update(cada)
    placeholders = ", ".join("?" for _ in SERVICE_COLUMNS)
    con.execute(f"insert into raw.services ({', '.join(SERVICE_COLUMNS)}) values ({placeholders})",
                [row[c] for c in SERVICE_COLUMNS])
    for i, region in enumerate(regions):
        con.execute("insert into raw.service_regions values (?, ?, ?, ?)", [disclosure_id, service_id, i, region])
    con.executemany("insert into raw.answers values (?, ?, ?, ?)",
                    [[disclosure_id, service_id, c, r] for c, r in top_rungs().items()])
    _changed(con, [disclosure_id])


def declare_open_source(con: duckdb.DuckDBPyConnection, service_id: str, license_id: str) -> None:
    """The service's disclosure now declares `open_source` with one SPDX licence id (as ingestion loads it)."""
    (disclosure_id,) = con.execute("select disclosure_id from raw.services where service_id = ?",
                                   [service_id]).fetchone()
    con.execute("insert into raw.open_source_licenses values (?, ?, ?, ?, ?, false)",
                [disclosure_id, service_id, f"https://git.example.eu/{service_id}", license_id, license_id])
    _changed(con, [disclosure_id])


def remove_service(con: duckdb.DuckDBPyConnection, service_id: str) -> None:
    ids = [r[0] for r in con.execute("select disclosure_id from raw.services where service_id = ?",
                                     [service_id]).fetchall()]
    for table in ("services", "service_regions", "answers", "evidence", "certification_services"):
        con.execute(f"delete from raw.{table} where service_id = ?", [service_id])
    _changed(con, ids)


def _changed(con: duckdb.DuckDBPyConnection, disclosure_ids: list[str]) -> None:
    """A disclosure whose rows changed has other file bytes, as after a real ingest: a new file_sha256
    (the models incremental by disclosure recompute a disclosure when its bytes change)."""
    con.execute("update raw.disclosures set file_sha256 = sha256(file_sha256 || disclosure_id) "
                "where disclosure_id in (select unnest(?))", [disclosure_ids])


def remove_provider(con: duckdb.DuckDBPyConnection, provider_id: str) -> None:
    ids = [r[0] for r in con.execute("select disclosure_id from raw.disclosures where provider_id = ?",
                                     [provider_id]).fetchall()]
    for table in ("disclosures", "ownership", "parents", "services", "service_regions", "answers", "evidence",
                  "certifications", "certification_services"):
        con.execute(f"delete from raw.{table} where disclosure_id in (select unnest(?))", [ids])


def add_decision(con: duckdb.DuckDBPyConnection, seq: int, service_id: str, action: str, reason: str,
                 decided_at: str) -> None:
    con.execute(
        "insert into raw.decisions values (?, ?, ?, ?, ?, 'Regulator', cast(? as timestamp), ?, ?, null, null)",
        [f"D-{seq:04d}", seq, service_id, action, reason, decided_at, f"prev{seq}", f"hash{seq}"],
    )


def run_dbt(tmp: Path, warehouse: Path, as_of: str, *extra: str) -> subprocess.CompletedProcess:
    """`dbt build` as a subprocess with private target/log paths and warehouse."""
    cmd = [str(DBT), "build", "--project-dir", str(DBT_PROJECT), "--profiles-dir", str(DBT_PROJECT),
           "--target-path", str(tmp / "target"), "--log-path", str(tmp / "logs"),
           "--vars", json.dumps({"as_of": as_of}), *extra]
    env = {**os.environ, "SEALREG_WAREHOUSE": str(warehouse), "DBT_SEND_ANONYMOUS_USAGE_STATS": "false"}
    return subprocess.run(cmd, env=env, capture_output=True, text=True, timeout=600, cwd=REPO)


def query(warehouse: Path, sql: str, params: list | None = None) -> list[tuple]:
    con = duckdb.connect(str(warehouse), read_only=True)
    try:
        return con.execute(sql, params or []).fetchall()
    finally:
        con.close()
