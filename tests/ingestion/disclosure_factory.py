"""Builds valid disclosure-v1 documents (48 answers from the rulebook CSV) for the ingestion tests."""

from __future__ import annotations

import copy
import datetime as dt
import json
from pathlib import Path

from ingestion.rulebook import criteria_rungs

AS_OF = dt.date(2026, 11, 15)




def service(service_id: str, rung: int | None = None) -> dict:
    """A valid service with every answer on `rung` (clipped to each criterion's top) or on its top rung."""
    rungs = criteria_rungs()
    return {
        "service_id": service_id,
        "name": f"Service {service_id}",
        "model": "IaaS",
        "regions": ["SE", "FI"],
        "answers": {cid: min(rung, top) if rung else top for cid, top in rungs.items()},
        "evidence": {"SOV-1.1": {"url": "https://example.eu/governance", "note": "board seated in Stockholm"}},
        "cada": {
            "statement_of_conformity": True,
            "subcontractor_register": True,
            "data_location_checkable": True,
            "audit": {"auditor": "Example Audit GmbH", "opinion": "positive", "date": "2026-09-30",
                      "claimed_level": 3},
            "cyber_certificate": "substantial",
            "personnel": "eu_citizens",
            "support_in_union": True,
            "sbom": True,
            "no_third_country_ai_training": True,
            "safeguards": {"no_delivery_restraint": True, "no_data_access": True,
                           "no_continuity_disruption": True, "no_forced_sanctions": False},
            "source_code_access": False,
            "no_third_country_kill_switch": True,
        },
    }


_BASE = {
    "schema_version": "1",
    "disclosure_id": "nordcloud-2026-11-01",
    "submitted_at": "2026-11-01T09:00:00Z",
    "provider": {
        "provider_id": "nordcloud",
        "legal_name": "Nordcloud Hosting AB",
        "country": "SE",
        "lei": "5493001KJTIIGC8Y1R12",
        "website": "https://nordcloud.example",
    },
    "ownership": [
        {"holder_id": "nordcloud-holding", "holder_name": "Nordcloud Holding AB", "country": "SE",
         "capital_pct": 100, "voting_pct": 100, "controls": True},
    ],
    "parents": [
        {"entity_id": "nordcloud-holding", "name": "Nordcloud Holding AB", "country": "SE",
         "controlled_by": "atlas-capital", "controlled_by_name": "Atlas Capital LLC", "controlled_by_country": "US"},
    ],
    "certifications": [
        {"scheme": "ISO27001", "certificate_id": "ISO-123", "issuer": "Example Cert AB",
         "valid_from": "2025-01-15", "valid_until": "2028-01-14", "services": []},
    ],
}


def disclosure(
    provider_id: str = "nordcloud",
    disclosure_id: str | None = None,
    submitted_at: str = "2026-11-01T09:00:00Z",
    n_services: int = 1,
    service_ids: list[str] | None = None,
) -> dict:
    """A valid disclosure: the spec example, with `n_services` services (ids `<provider>-s<i>`)."""
    doc = copy.deepcopy(_BASE)
    doc["provider"]["provider_id"] = provider_id
    doc["disclosure_id"] = disclosure_id or f"{provider_id}-{submitted_at[:10]}"
    doc["submitted_at"] = submitted_at
    ids = service_ids or [f"{provider_id}-s{i}" for i in range(n_services)]
    doc["services"] = [service(sid) for sid in ids]
    doc["certifications"][0]["services"] = [ids[0]]
    return doc


def to_bytes(doc: object) -> bytes:
    return json.dumps(doc, ensure_ascii=False).encode("utf-8")


def write(folder: Path, name: str, doc: object) -> Path:
    """Write `doc` as JSON (or raw bytes) to folder/name."""
    path = folder / name
    path.write_bytes(doc if isinstance(doc, bytes) else to_bytes(doc))
    return path


def problems_of(doc: object, file_name: str = "t.json", as_of: dt.date = AS_OF) -> list:
    """The problems validate_document reports for `doc` (a dict, or raw bytes)."""
    from ingestion.validate import validate_document

    data = doc if isinstance(doc, bytes) else to_bytes(doc)
    result, problems = validate_document(data, file_name, as_of)
    assert (result is None) == bool(problems)
    return problems


def codes_paths(doc: object, **kwargs: object) -> set[tuple[str, str]]:
    """{(code, path)} of the problems of `doc`."""
    return {(p.code, p.path) for p in problems_of(doc, **kwargs)}
