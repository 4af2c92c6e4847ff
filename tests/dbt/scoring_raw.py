"""Test helper: write disclosures (dicts in the disclosure-v1 format) into the raw tables.

A deliberately small stand-in for `ingestion.load` so the dbt tests do not depend on it:
no validation, one INSERT per row, the raw DDL from ingestion/raw_schema.sql.
"""

from __future__ import annotations

from datetime import datetime, timezone
from pathlib import Path
from typing import Any

import duckdb

REPO = Path(__file__).resolve().parents[2]
RAW_SCHEMA = REPO / "ingestion" / "raw_schema.sql"

CADA_FLAGS = (
    "statement_of_conformity",
    "subcontractor_register",
    "data_location_checkable",
)
CADA_TAIL = (
    "cyber_certificate",
    "personnel",
    "support_in_union",
    "sbom",
    "no_third_country_ai_training",
)
SAFEGUARDS = ("no_delivery_restraint", "no_data_access", "no_continuity_disruption", "no_forced_sanctions")


def create_raw_schema(con: duckdb.DuckDBPyConnection) -> None:
    """Run the raw-layer DDL on `con`."""
    con.execute(RAW_SCHEMA.read_text())


def _utc(ts: str) -> datetime:
    return datetime.fromisoformat(ts.replace("Z", "+00:00")).astimezone(timezone.utc).replace(tzinfo=None)


def _insert(con: duckdb.DuckDBPyConnection, table: str, row: dict[str, Any]) -> None:
    cols = ", ".join(row)
    marks = ", ".join("?" for _ in row)
    con.execute(f"insert into raw.{table} ({cols}) values ({marks})", list(row.values()))


def _service_row(d_id: str, p_id: str, pos: int, svc: dict[str, Any]) -> dict[str, Any]:
    cada = svc.get("cada")
    audit = (cada or {}).get("audit")
    safeguards = (cada or {}).get("safeguards", {})
    row: dict[str, Any] = {
        "disclosure_id": d_id,
        "provider_id": p_id,
        "service_id": svc["service_id"],
        "position": pos,
        "name": svc["name"],
        "model": svc["model"],
        "has_cada": cada is not None,
    }
    for key in CADA_FLAGS + CADA_TAIL + ("source_code_access", "no_third_country_kill_switch"):
        row[key] = cada.get(key) if cada else None
    for key in SAFEGUARDS:
        row[f"safeguard_{key}"] = safeguards.get(key) if cada else None
    row["has_audit"] = (audit is not None) if cada else None
    row["audit_auditor"] = audit["auditor"] if audit else None
    row["audit_opinion"] = audit["opinion"] if audit else None
    row["audit_date"] = audit["date"] if audit else None
    row["audit_claimed_level"] = audit["claimed_level"] if audit else None
    return row


def insert_disclosure(con: duckdb.DuckDBPyConnection, doc: dict[str, Any], file_name: str | None = None) -> None:
    """Insert one disclosure document into every raw table it touches."""
    d_id, prov = doc["disclosure_id"], doc["provider"]
    p_id = prov["provider_id"]
    _insert(
        con,
        "disclosures",
        {
            "disclosure_id": d_id,
            "provider_id": p_id,
            "submitted_at": _utc(doc["submitted_at"]),
            "legal_name": prov["legal_name"],
            "country": prov["country"],
            "lei": prov.get("lei"),
            "website": prov.get("website"),
            "file_name": file_name or f"{d_id}.json",
            "file_sha256": "0" * 64,
        },
    )
    for pos, h in enumerate(doc.get("ownership", [])):
        _insert(con, "ownership", {"disclosure_id": d_id, "position": pos, **h})
    for pos, p in enumerate(doc.get("parents", [])):
        _insert(con, "parents", {"disclosure_id": d_id, "position": pos, **p})
    for pos, svc in enumerate(doc["services"]):
        s_id = svc["service_id"]
        _insert(con, "services", _service_row(d_id, p_id, pos, svc))
        for rpos, region in enumerate(svc.get("regions", [])):
            _insert(
                con, "service_regions", {"disclosure_id": d_id, "service_id": s_id, "position": rpos, "region": region}
            )
        if "open_source" in svc:
            _insert_licenses(con, d_id, s_id, svc["open_source"])
        for rpos, item in enumerate(svc.get("runs_on", [])):
            _insert(con, "service_runs_on", {"disclosure_id": d_id, "service_id": s_id, "position": rpos,
                                             "dependency_service_id": item.get("service_id"), **{
                                                 k: item.get(k) for k in ("platform", "operator_name",
                                                                          "operator_country")}})
        for crit, rung in svc["answers"].items():
            _insert(con, "answers", {"disclosure_id": d_id, "service_id": s_id, "criterion_id": crit, "rung": rung})
        for crit, ev in (svc.get("evidence") or {}).items():
            _insert(
                con,
                "evidence",
                {
                    "disclosure_id": d_id,
                    "service_id": s_id,
                    "criterion_id": crit,
                    "url": ev["url"],
                    "note": ev.get("note"),
                },
            )
    for pos, cert in enumerate(doc.get("certifications", [])):
        _insert(
            con,
            "certifications",
            {
                "disclosure_id": d_id,
                "position": pos,
                "scheme": cert["scheme"],
                "certificate_id": cert["certificate_id"],
                "issuer": cert["issuer"],
                "valid_from": cert["valid_from"],
                "valid_until": cert["valid_until"],
            },
        )
        for s_id in cert.get("services", []):
            _insert(
                con,
                "certification_services",
                {"disclosure_id": d_id, "certificate_id": cert["certificate_id"], "service_id": s_id},
            )


#: Reference CSV layouts (spec/references.md): marker column -> (kind, raw table, {file column: raw column})
REFERENCE_LAYOUTS = {
    "Entity.LegalName": ("gleif_level1", "ref_lei_records", {
        "LEI": "lei", "Entity.LegalName": "legal_name", "Entity.LegalAddress.Country": "legal_address_country",
        "Entity.EntityStatus": "entity_status", "Registration.RegistrationStatus": "registration_status"}),
    "Relationship.StartNode.NodeID": ("gleif_level2", "ref_relationships", {
        "Relationship.StartNode.NodeID": "start_lei", "Relationship.EndNode.NodeID": "end_lei",
        "Relationship.RelationshipType": "relationship_type",
        "Relationship.RelationshipStatus": "relationship_status",
        "Registration.RegistrationStatus": "registration_status"}),
    "certificate_id": ("scheme_register", "ref_certificates", {
        c: c for c in ("scheme", "certificate_id", "holder_lei", "holder_name", "status", "valid_from",
                       "valid_until", "source_url")}),
}


def insert_references(con: duckdb.DuckDBPyConnection, folder: Path, loaded_on: str) -> None:
    """Load the reference CSVs of `folder` as snapshots in use (files named broken-* are skipped: the
    oracle expects them rejected). No validation: a stand-in for ingestion's reference loader."""
    import csv

    for path in sorted(folder.glob("*.csv")):
        if path.name.startswith("broken-"):
            continue
        with open(path, newline="", encoding="utf-8") as f:
            rows = list(csv.DictReader(f))
        marker = next(m for m in REFERENCE_LAYOUTS if m in rows[0])
        kind, table, columns = REFERENCE_LAYOUTS[marker]
        source = {"gleif_level1": "gleif-level1", "gleif_level2": "gleif-level2"}.get(kind, f"register:{path.name}")
        for r in rows:
            row = {raw: (r[col] or None) for col, raw in columns.items()}
            if kind == "scheme_register":
                row["source"] = source
            _insert(con, table, row)
        _insert(con, "ref_sources", {"source": source, "kind": kind, "file": path.name, "file_sha256": "0" * 64,
                                     "rows": len(rows), "first_loaded_on": loaded_on, "in_use": True})


def _insert_licenses(con: duckdb.DuckDBPyConnection, d_id: str, s_id: str, open_source: dict[str, Any]) -> None:
    """raw.open_source_licenses rows of one service (format 1.1): one per licence and exception id of the
    SPDX expression, parsed by the project's SPDX parser (a parser is not worth a second copy here)."""
    from ingestion.spdx import LicenseIds, parse_license

    ids = parse_license(open_source["license"])
    assert isinstance(ids, LicenseIds), open_source
    for key, is_exception in [(k, False) for k in ids.licenses] + [(k, True) for k in ids.exceptions]:
        _insert(con, "open_source_licenses", {"disclosure_id": d_id, "service_id": s_id,
                                              "repository": open_source["repository"],
                                              "license": open_source["license"], "license_id": key,
                                              "is_exception": is_exception})
