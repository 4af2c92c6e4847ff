"""A small, hostile test release: 4 services, 3 providers, one washing-flag reason with a script tag."""

from __future__ import annotations

import datetime as dt
from pathlib import Path

import duckdb
import pytest

AS_OF = dt.date(2026, 3, 14)
RELEASE_ID = "2026-03-14-001"
XSS = "<script>alert(1)</script>"
OBJECTIVES = [
    ("SOV-1", "Strategic sovereignty", 0.15),
    ("SOV-2", "Legal and jurisdictional sovereignty", 0.10),
    ("SOV-3", "Data and AI sovereignty", 0.10),
    ("SOV-4", "Operational sovereignty", 0.15),
    ("SOV-5", "Supply chain sovereignty", 0.20),
    ("SOV-6", "Technology sovereignty", 0.15),
    ("SOV-7", "Security and compliance sovereignty", 0.10),
    ("SOV-8", "Environmental sustainability", 0.05),
]
RUNG_LABELS = ["none", "partly", "mostly", "largely within EU", "entirely within EU"]

DDL = """
create table providers (provider_id varchar, legal_name varchar, country varchar, lei varchar, website varchar,
  ultimate_controller_name varchar, ultimate_controller_country varchar, third_country_control boolean,
  ownership_ok boolean, control_chain varchar, disclosure_id varchar, submitted_at timestamp);
create table services (service_id varchar, provider_id varchar, name varchar, model varchar,
  sovereignty_score double, seal integer, seal_uncapped integer, ual integer, status varchar, status_reason varchar,
  weights_version varchar, evaluated_on date, regions varchar, flag_count integer);
create table objective_results (service_id varchar, objective varchar, objective_name varchar, score_pct double,
  seal integer, seal_uncapped integer, weight double);
create table criterion_results (service_id varchar, criterion_id varchar, objective varchar, title varchar,
  rung integer, rung_label varchar, points decimal(6,2), max_points decimal(6,2), seal integer,
  evidence_url varchar, evidence_note varchar);
create table washing_flags (service_id varchar, flag varchar, objective varchar, cap integer, reason varchar);
create table cada_gates (service_id varchar, level integer, gate varchar, gate_order integer, passed boolean,
  detail varchar);
create table certifications (provider_id varchar, certificate_id varchar, service_id varchar, scheme varchar,
  issuer varchar, valid_from date, valid_until date, valid_on_as_of boolean);
create table decisions (decision_id varchar, service_id varchar, action varchar, reason varchar,
  decided_by varchar, decided_at timestamp, in_force boolean);
create table service_history (service_id varchar, valid_from date, valid_to date, seal integer, ual integer,
  sovereignty_score double, status varchar);
create table changes (service_id varchar, field varchar, change varchar, old_value varchar, new_value varchar);
create table rejections (file varchar, code varchar, path varchar, message varchar, run_id varchar);
create table service_dependencies (service_id varchar, dependency varchar, kind varchar, operator_name varchar,
  operator_country varchar, depth integer, path varchar, dependency_seal_own integer, dependency_ual_own integer,
  cap_seal integer, cap_ual integer, is_capping boolean);
"""

# service_id, provider, name, model, base rung (1..5), ual, status, status_reason, flags
SERVICES = [
    ("nimbus-compute", "nimbus-cloud", "Nimbus Sovereign Compute", "IaaS", 5, 3, "listed", None, []),
    (
        "stratus-storage",
        "stratus-eu",
        "Stratus Object Storage",
        "IaaS",
        4,
        2,
        "suspended",
        "Suspended by regulator decision d-0001",
        [
            ("W1-control", "SOV-1", 1, f"SOV-1.1 claims EU control but the ultimate controller is in US {XSS}"),
            ("W4-certificate", "SOV-7", 2, "SOV-7.1 claims certification but none is valid on 2026-03-14"),
        ],
    ),
    ("stratus-db", "stratus-eu", "Stratus Managed Postgres", "PaaS", 3, 0, "not_listed", "No CADA declaration", []),
    (
        "alto-ai",
        "alto-hold",
        "Alto AI Platform",
        "SaaS",
        2,
        1,
        "expired",
        "Audit of 2024-11-02 is older than 365 days",
        [
            ("W2-regions", "SOV-3", 1, "SOV-3.4 claims EU-only regions but region us-east-1 is outside the Union"),
        ],
    ),
]


def _service_rows(sid: str, base: int, flags: list) -> tuple[list, list, float, int, int]:
    caps = {obj: cap for _, obj, cap, _ in flags}
    objectives, criteria, total, seals, uncapped = [], [], 0.0, [], []
    for o, (obj, name, weight) in enumerate(OBJECTIVES):
        pts = maxp = 0
        crit_seals = []
        for c in range(1, 7):
            rung = max(1, min(5, base - ((o + c) % 3 == 0) - (o % 4 == 3) + (o % 3 == 1) - (c == 6 and o == 4)))
            seal = rung - 1
            crit_seals.append(seal)
            pts += (rung - 1) * 2
            maxp += 8
            url = (
                f"https://{sid}.example.eu/evidence/{obj.lower()}-{c}"
                if c == 1
                else ("javascript:alert(5)" if (sid, o, c) == ("stratus-storage", 0, 2) else None)
            )
            note = f"Note for {obj}.{c} <b>bold</b>" if c <= 2 else None
            criteria.append(
                (
                    sid,
                    f"{obj}.{c}",
                    obj,
                    f"Criterion {obj}.{c}",
                    rung,
                    RUNG_LABELS[rung - 1],
                    (rung - 1) * 2,
                    8,
                    seal,
                    url,
                    note,
                )
            )
        pct = round(100 * pts / maxp, 10)
        seal_u = min(crit_seals)
        seal_c = min(seal_u, caps.get(obj, 4))
        objectives.append((sid, obj, name, pct, seal_c, seal_u, weight))
        total += weight * pct
        seals.append(seal_c)
        uncapped.append(seal_u)
    return objectives, criteria, round(total, 10), min(seals), min(uncapped)


def make_release(release_dir: Path, extra_services: list[tuple] = ()) -> Path:
    """Write registry.duckdb for the test release into release_dir and return release_dir."""
    release_dir.mkdir(parents=True, exist_ok=True)
    con = duckdb.connect(str(release_dir / "registry.duckdb"))
    con.execute(DDL)
    con.executemany(
        "insert into providers values (?,?,?,?,?,?,?,?,?,?,?,?)",
        [
            (
                "nimbus-cloud",
                "Nimbus Cloud SAS",
                "FR",
                "969500ABCDEFGHIJKL12",
                "https://nimbus.example.eu",
                "Nimbus Cloud SAS",
                "FR",
                False,
                True,
                "nimbus-cloud",
                "disc-nimbus-1",
                dt.datetime(2026, 3, 1, 9, 30),
            ),
            (
                "stratus-eu",
                'Stratus "EU" GmbH <img src=x onerror=alert(2)>',
                "DE",
                None,
                "javascript:alert(3)",
                "Stratus Holdings Inc.",
                "US",
                True,
                False,
                "stratus-eu → Stratus EU GmbH (DE) → Stratus Holdings Inc. (US)",
                "disc-stratus-2",
                dt.datetime(2026, 3, 2, 14, 5),
            ),
            (
                "alto-hold",
                "Alto Cloud BV",
                "NL",
                None,
                None,
                "Alto Cloud BV",
                "NL",
                False,
                True,
                None,
                "disc-alto-1",
                dt.datetime(2026, 2, 20, 8, 0),
            ),
        ],
    )
    for sid, pid, name, model, base, ual, status, reason, flags in [*SERVICES, *extra_services]:
        objectives, criteria, score, seal, seal_u = _service_rows(sid, base, flags)
        regions = "eu-west-1,us-east-1" if sid == "alto-ai" else "eu-central-1,eu-west-1"
        con.execute(
            "insert into services values (?,?,?,?,?,?,?,?,?,?,?,?,?,?)",
            [
                sid,
                pid,
                name,
                model,
                score,
                seal,
                seal_u,
                ual,
                status,
                reason,
                "calculator-2026",
                AS_OF,
                regions,
                len(flags),
            ],
        )
        con.executemany("insert into objective_results values (?,?,?,?,?,?,?)", objectives)
        con.executemany("insert into criterion_results values (?,?,?,?,?,?,?,?,?,?,?)", criteria)
        for flag in flags:
            con.execute("insert into washing_flags values (?,?,?,?,?)", [sid, *flag])
        gates = []
        if ual > 0 or sid == "stratus-storage":
            for lvl, names in enumerate(
                [
                    ["statement_of_conformity", "subcontractor_register", "data_location_checkable"],
                    ["audit_opinion", "cyber_certificate", "personnel", "sbom"],
                    ["claimed_level", "personnel_citizens"],
                    ["cyber_certificate_high", "no_third_country_kill_switch"],
                ],
                start=1,
            ):
                for order, gate in enumerate(names):
                    passed = lvl <= ual or (lvl == ual + 1 and order > 0)
                    gates.append((sid, lvl, gate, order, passed, "ok" if passed else f"{gate} not met"))
        for gate in gates:
            con.execute("insert into cada_gates values (?,?,?,?,?,?)", list(gate))
        con.execute("insert into service_history values (?,?,?,?,?,?,?)", [sid, AS_OF, None, seal, ual, score, status])
        con.execute(
            "insert into service_history values (?,?,?,?,?,?,?)",
            [sid, dt.date(2026, 3, 1), AS_OF, seal, ual, score - 1.25, "listed"],
        )
    con.executemany(
        "insert into certifications values (?,?,?,?,?,?,?,?)",
        [
            (
                "nimbus-cloud",
                "SNC-2025-017",
                "nimbus-compute",
                "SecNumCloud 3.2",
                "ANSSI",
                dt.date(2025, 1, 10),
                dt.date(2028, 1, 9),
                True,
            ),
            (
                "stratus-eu",
                "C5-2023-88",
                None,
                "BSI C5",
                "TÜV Example",
                dt.date(2023, 1, 1),
                dt.date(2025, 12, 31),
                False,
            ),
        ],
    )
    con.execute(
        "insert into decisions values (?,?,?,?,?,?,?)",
        [
            "d-0001",
            "stratus-storage",
            "suspend",
            f"Misleading control claims {XSS}",
            "ECCA desk",
            dt.datetime(2026, 3, 10, 12, 0),
            True,
        ],
    )
    con.executemany(
        "insert into changes values (?,?,?,?,?)",
        [
            ("alto-ai", "open_source_status", "changed", "undeclared", "open_source"),
            ("alto-ai", "status", "changed", "listed", "expired"),
            ("gone-service", "service", "removed", "listed", None),
            ("stratus-storage", "status", "changed", "listed", f"suspended {XSS}"),
        ],
    )
    con.execute(
        "insert into rejections values (?,?,?,?,?)",
        ["bad<file>.json", "E008", "/provider/lei", f"LEI checksum fails {XSS}", "2026-03-14T010203-1"],
    )
    con.execute(  # columns the pages read that this release leaves empty
        "alter table providers add column non_union_capital_pct double;"
        "alter table providers add column non_union_voting_pct double;"
        "alter table services add column disclosure_withdrawn boolean default false"
    )
    con.execute(REFERENCE_CHECKS)
    con.close()
    return release_dir


#: The §6 columns: nimbus-cloud checked against GLEIF (a US parent GLEIF shows, hostile parent name),
#: stratus-eu without an LEI, alto-hold never checked; one corroborated certificate and one withdrawn whose
#: register link is not https.
REFERENCE_CHECKS = f"""
alter table providers add column third_country_control_declared boolean;
alter table providers add column control_evidence varchar;
alter table providers add column lei_check varchar default 'not_checked';
alter table providers add column gleif_checked_on date;
alter table providers add column gleif_legal_name varchar;
alter table providers add column gleif_country varchar;
alter table providers add column gleif_registration_status varchar;
alter table providers add column gleif_parent_check varchar default 'not_checked';
alter table providers add column gleif_parent_lei varchar;
alter table providers add column gleif_parent_name varchar;
alter table providers add column gleif_parent_country varchar;
alter table providers add column gleif_parent_path varchar;
alter table providers add column gleif_parent_checked_on date;
update providers set third_country_control_declared = third_country_control,
  control_evidence = case when third_country_control then 'declared' end;
update providers set lei_check = 'verified', gleif_checked_on = date '2026-03-10',
  gleif_legal_name = 'Nimbus Cloud SAS', gleif_country = 'FR',
  gleif_registration_status = 'ISSUED', gleif_parent_check = 'ultimate',
  gleif_parent_lei = '5493001KJTIIGC8Y1R12', gleif_parent_name = 'Hidden Parent Inc. {XSS}',
  gleif_parent_country = 'US',
  gleif_parent_path = '969500ABCDEFGHIJKL12 → 5493001KJTIIGC8Y1R12', gleif_parent_checked_on = date '2026-03-11',
  third_country_control = true, control_evidence = 'gleif'
  where provider_id = 'nimbus-cloud';
update providers set lei_check = 'not_declared', gleif_checked_on = date '2026-03-10',
  gleif_parent_check = 'not_declared' where provider_id = 'stratus-eu';
alter table certifications add column corroboration varchar default 'self_declared';
alter table certifications add column register_source_url varchar;
update certifications set corroboration = 'corroborated',
  register_source_url = 'https://cyber.gouv.example/secnumcloud/SNC-2025-017' where certificate_id = 'SNC-2025-017';
update certifications set corroboration = 'withdrawn', register_source_url = 'javascript:alert(7)'
  where certificate_id = 'C5-2023-88';
alter table services add column open_source_status varchar default 'undeclared';
alter table services add column open_source_license varchar;
alter table services add column open_source_repository varchar;
update services set open_source_status = 'open_source', open_source_license = 'Apache-2.0',
  open_source_repository = 'https://code.nimbus.example.eu/compute' where service_id = 'nimbus-compute';
update services set open_source_status = 'source_available', open_source_license = 'BUSL-1.1 {XSS}',
  open_source_repository = 'javascript:alert(8)' where service_id = 'stratus-storage';
"""


@pytest.fixture
def release(tmp_path: Path) -> Path:
    """A release folder holding only registry.duckdb, named like a real release."""
    return make_release(tmp_path / "releases" / RELEASE_ID)


@pytest.fixture(name="make_release")
def make_release_fixture():
    """The release builder itself, for tests that vary the tables (test modules cannot import conftest)."""
    return make_release
