"""Regenerates the bundled reference files in samples/references/ (spec/references.md).

GLEIF Level 1 (LEI records) and Level 2 (relationship records) in GLEIF's golden-copy CSV layout, with
a few of GLEIF's other columns (ignored by the registry, as in the real files), two scheme registers and
one broken register. Every LEI is fictional with valid ISO 17442 check digits.
Run after samples/build_samples.py:  .venv/bin/python samples/build_references.py
What each row is for: samples/README.md, "Reference files".
"""

from __future__ import annotations

import csv
import io
import json
from pathlib import Path

from build_samples import OUT as DISCLOSURES

from ingestion.lei import with_check_digits as lei

HERE = Path(__file__).resolve().parent
OUT = HERE / "references"

# Entities that are not providers: key -> (LEI base, legal name, legal-address country)
ENTITIES = {
    "nimbus-participations": ("969500NIMBUSPART0F", "Nimbus Participations SAS", "FR"),
    "stratus-bv": ("724500STRATUSCLDNL", "Stratus Cloud Holdings B.V.", "NL"),
    "stratus-us": ("549300STRATUSGLBUS", "Stratus Global Inc.", "US"),
    "nimbus-old-parent": ("969500NIMBUSOLDP0F", "Nimbus Ancien Actionnaire SA", "FR"),
    "meridian-corp": ("549300MERIDIANCORP", "Meridian Corporation Inc.", "US"),
    "jadeport-lu": ("222100JADEPORTLU01", "Jadeport Europe Holding S.à r.l.", "LU"),
    "jadeport-cn": ("300300JADEPORTCN01", "Jadeport Technology Group Co., Ltd.", "CN"),
    "aurora-old-parent": ("549300OLDPARENTUS1", "Old Atlantic Parent Inc.", "US"),
    "moreau-famille": ("969500MOREAUFAMHLD", "Moreau Famille Holding SAS", "FR"),
    "fjordkraft": ("598400FJORDKRAFTNO", "Fjordkraft Invest AS", "NO"),  # a parent GLEIF's Level 1 lacks
}
#: Providers GLEIF does not know (their LEI is well formed but absent from Level 1).
NOT_IN_LEVEL1 = {"ferroline-cloud"}
#: Level 1 facts that differ from the disclosure: provider -> (column, value)
LEVEL1_OVERRIDES = {
    "atlantis-data": ("Entity.LegalAddress.Country", "GB"),          # country_mismatch -> W6 (and W3)
    "polarnode": ("Registration.RegistrationStatus", "LAPSED"),      # lapsed: stale, no flag
    "corvus-hosting": ("Registration.RegistrationStatus", "PENDING_TRANSFER"),  # still verified
}

LEVEL1_HEADER = [
    "LEI", "Entity.LegalName", "Entity.LegalName.xmllang", "Entity.LegalAddress.FirstAddressLine",
    "Entity.LegalAddress.City", "Entity.LegalAddress.Country", "Entity.LegalJurisdiction",
    "Entity.EntityCategory", "Entity.EntityStatus", "Registration.InitialRegistrationDate",
    "Registration.LastUpdateDate", "Registration.RegistrationStatus", "Registration.NextRenewalDate",
    "Registration.ManagingLOU",
]
LEVEL2_HEADER = [
    "Relationship.StartNode.NodeID", "Relationship.StartNode.NodeIDType", "Relationship.EndNode.NodeID",
    "Relationship.EndNode.NodeIDType", "Relationship.RelationshipType", "Relationship.RelationshipStatus",
    "Registration.InitialRegistrationDate", "Registration.LastUpdateDate", "Registration.RegistrationStatus",
    "Registration.NextRenewalDate", "Registration.ManagingLOU", "Registration.ValidationSources",
]
REGISTER_HEADER = ["scheme", "certificate_id", "holder_lei", "holder_name", "status", "valid_from", "valid_until",
                   "source_url"]
LOU = "5299000J2N45DDNE4Y28"


def providers() -> dict[str, dict]:
    """The latest disclosure's provider block per provider_id (submitted_at order, as the registry does)."""
    latest: dict[str, tuple[str, dict]] = {}
    for path in sorted(DISCLOSURES.glob("*.json")):
        if path.name.startswith("broken-"):
            continue
        doc = json.loads(path.read_text(encoding="utf-8"))
        pid = doc["provider"]["provider_id"]
        if pid not in latest or doc["submitted_at"] > latest[pid][0]:
            latest[pid] = (doc["submitted_at"], doc["provider"])
    return {pid: prov for pid, (_, prov) in sorted(latest.items())}


def entity_lei(key: str) -> str:
    return lei(ENTITIES[key][0])


def level1_rows(provs: dict[str, dict]) -> list[dict]:
    rows = []
    for pid, prov in provs.items():
        if "lei" not in prov or pid in NOT_IN_LEVEL1:
            continue
        row = _level1(prov["lei"], prov["legal_name"], prov["country"])
        if pid in LEVEL1_OVERRIDES:
            column, value = LEVEL1_OVERRIDES[pid]
            row[column] = value
            if column == "Entity.LegalAddress.Country":
                row["Entity.LegalJurisdiction"] = value
        rows.append(row)
    for key, (_base, name, country) in ENTITIES.items():
        if key != "fjordkraft":
            rows.append(_level1(entity_lei(key), name, country))
    return rows


def _level1(code: str, name: str, country: str) -> dict:
    return {
        "LEI": code, "Entity.LegalName": name, "Entity.LegalName.xmllang": "en",
        "Entity.LegalAddress.FirstAddressLine": "1 Example Street", "Entity.LegalAddress.City": "Example City",
        "Entity.LegalAddress.Country": country, "Entity.LegalJurisdiction": country,
        "Entity.EntityCategory": "GENERAL", "Entity.EntityStatus": "ACTIVE",
        "Registration.InitialRegistrationDate": "2019-03-01T09:00:00Z",
        "Registration.LastUpdateDate": "2026-11-20T06:00:00Z", "Registration.RegistrationStatus": "ISSUED",
        "Registration.NextRenewalDate": "2027-03-01T09:00:00Z", "Registration.ManagingLOU": LOU,
    }


def _rr(start: str, end: str, kind: str, status: str = "ACTIVE", registration: str = "PUBLISHED") -> dict:
    return {
        "Relationship.StartNode.NodeID": start, "Relationship.StartNode.NodeIDType": "LEI",
        "Relationship.EndNode.NodeID": end, "Relationship.EndNode.NodeIDType": "LEI",
        "Relationship.RelationshipType": kind, "Relationship.RelationshipStatus": status,
        "Registration.InitialRegistrationDate": "2020-01-15T09:00:00Z",
        "Registration.LastUpdateDate": "2026-11-20T06:00:00Z", "Registration.RegistrationStatus": registration,
        "Registration.NextRenewalDate": "2027-01-15T09:00:00Z", "Registration.ManagingLOU": LOU,
        "Registration.ValidationSources": "FULLY_CORROBORATED",
    }


DIRECT, ULTIMATE = "IS_DIRECTLY_CONSOLIDATED_BY", "IS_ULTIMATELY_CONSOLIDATED_BY"


def level2_rows(provs: dict[str, dict]) -> list[dict]:
    p = {pid: prov["lei"] for pid, prov in provs.items() if "lei" in prov}
    e = entity_lei
    return [
        # Nimbus: no ultimate record in force (the one naming the old French parent is INACTIVE), so the
        # direct chain is followed: Nimbus -> Nimbus Participations (FR) -> Stratus B.V. (NL) -> Stratus Inc. (US)
        _rr(p["nimbus-souverain"], e("nimbus-old-parent"), ULTIMATE, status="INACTIVE"),
        _rr(p["nimbus-souverain"], e("nimbus-participations"), DIRECT),
        _rr(e("nimbus-participations"), e("stratus-bv"), DIRECT),
        _rr(e("stratus-bv"), e("stratus-us"), DIRECT),
        # Meridian: the ultimate record is LAPSED (stale, still counts): GLEIF agrees with the declared US group
        _rr(p["meridian-cloud-eu"], e("meridian-corp"), ULTIMATE, registration="LAPSED"),
        # Jadeport: direct chain NL -> LU -> CN, agreeing with the declaration
        _rr(p["jadeport-cloud"], e("jadeport-lu"), DIRECT),
        _rr(e("jadeport-lu"), e("jadeport-cn"), DIRECT),
        # Aurora: a RETIRED ultimate record naming a US company must be ignored (Aurora stays EU-controlled)
        _rr(p["aurora-cloud"], e("aurora-old-parent"), ULTIMATE, registration="RETIRED"),
        # LumenStack: GLEIF's ultimate parent is the declared French family holding
        _rr(p["lumenstack"], e("moreau-famille"), ULTIMATE),
        # Bluefjord: the ultimate parent is absent from Level 1: unknown country, no evidence
        _rr(p["bluefjord"], e("fjordkraft"), ULTIMATE),
    ]


def register_rows(provs: dict[str, dict]) -> dict[str, list[dict]]:
    p = {pid: prov["lei"] for pid, prov in provs.items() if "lei" in prov}
    anssi = "https://cyber.gouv.example/secnumcloud/"
    bsi = "https://bsi.bund.example/c5/"
    return {
        "anssi-secnumcloud.csv": [
            _cert("SecNumCloud", "SNC-2025-031", p["lumenstack"], "LumenStack SAS", "granted",
                  "2025-03-01", "2028-02-28", anssi + "SNC-2025-031"),
            _cert("SecNumCloud", "SNC-2024-077", p["certitude-cloud"], "Certitude Cloud SAS", "withdrawn",
                  "2024-06-01", "2027-05-31", anssi + "SNC-2024-077"),
            _cert("SecNumCloud", "SNC-2025-112", p["certitude-cloud"], "Certitude Cloud SAS", "granted",
                  "2025-09-01", "2028-08-31", anssi + "SNC-2025-112"),
            _cert("SecNumCloud", "SNC-2026-004", "", "Qualified Elsewhere SAS", "in_progress",
                  "2026-09-01", "", anssi + "SNC-2026-004"),
        ],
        "bsi-c5.csv": [
            _cert("C5-Type2", "C5-2026-AUR-117", p["aurora-cloud"], "Aurora Cloud GmbH", "granted",
                  "2026-02-01", "2027-01-31", bsi + "C5-2026-AUR-117"),
            _cert("C5-Type2", "C5-2026-MER-009", p["meridian-cloud-eu"], "Meridian Cloud Services Europe Ltd",
                  "granted", "2026-03-01", "2027-02-28", bsi + "C5-2026-MER-009"),
        ],
    }


def _cert(scheme, cid, holder_lei, holder_name, status, vfrom, vuntil, url) -> dict:
    return {"scheme": scheme, "certificate_id": cid, "holder_lei": holder_lei, "holder_name": holder_name,
            "status": status, "valid_from": vfrom, "valid_until": vuntil, "source_url": url}


def broken_register(provs: dict[str, dict]) -> list[dict]:
    """An EUCS register whose row 3 has a holder LEI with wrong check digits: R003, row 3, column holder_lei."""
    good = provs["aurora-cloud"]["lei"]
    forged = good[:18] + f"{(int(good[18:]) + 1) % 100:02d}"
    return [
        _cert("EUCS-substantial", "EUCS-S-EE-2026-007", provs["baltic-edge"]["lei"], "Baltic Edge OÜ", "granted",
              "2026-04-01", "2029-03-31", "https://eucs.example/EUCS-S-EE-2026-007"),
        _cert("EUCS-high", "EUCS-H-DE-2025-0042", forged, "Aurora Cloud GmbH", "granted",
              "2025-09-01", "2028-08-31", "https://eucs.example/EUCS-H-DE-2025-0042"),
    ]


def write_csv(path: Path, header: list[str], rows: list[dict]) -> None:
    buf = io.StringIO()
    writer = csv.DictWriter(buf, fieldnames=header, lineterminator="\r\n")
    writer.writeheader()
    writer.writerows(rows)
    path.write_text(buf.getvalue(), encoding="utf-8")


def main() -> None:
    OUT.mkdir(parents=True, exist_ok=True)
    for old in OUT.glob("*.csv"):
        old.unlink()
    provs = providers()
    write_csv(OUT / "gleif-lei2-golden-copy.csv", LEVEL1_HEADER, level1_rows(provs))
    write_csv(OUT / "gleif-rr-golden-copy.csv", LEVEL2_HEADER, level2_rows(provs))
    for name, rows in register_rows(provs).items():
        write_csv(OUT / name, REGISTER_HEADER, rows)
    write_csv(OUT / "broken-eucs-register.csv", REGISTER_HEADER, broken_register(provs))
    print(f"wrote {len(list(OUT.glob('*.csv')))} reference files to {OUT}")


if __name__ == "__main__":
    main()
