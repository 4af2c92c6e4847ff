"""Runs the real dbt build (one invocation per module) on a small raw layer and checks the marts.

The raw rows are written by `scoring_raw` (not by the ingestion package): a handful of crafted
disclosures that pin one rule each, plus the valid bundled samples, whose results are compared with
the independent oracle `samples/expected.json`. dbt unit tests run inside the same `dbt build`.
"""

from __future__ import annotations

import copy
import csv
import json
import os
import subprocess
import sys
from pathlib import Path
from typing import Any

import duckdb
import pytest

sys.path.insert(0, str(Path(__file__).resolve().parent))
import scoring_raw  # noqa: E402

REPO = Path(__file__).resolve().parents[2]
PROJECT = REPO / "dbt_project"
SAMPLES = REPO / "samples"
AS_OF = "2026-11-28"
# This engineer's marts and everything upstream (the CADA/history models are built and tested elsewhere).
MY_MARTS = (
    "+providers +objective_results +criterion_results +washing_flags +certifications +rejections +int_services__scored"
)


def _rungs() -> tuple[dict[str, int], dict[str, int]]:
    """Top rung and rung 1 for every criterion of the seed rulebook."""
    top: dict[str, int] = {}
    with (PROJECT / "seeds" / "csf_criteria.csv").open(encoding="utf-8") as fh:
        for row in csv.DictReader(fh):
            top[row["criterion_id"]] = max(top.get(row["criterion_id"], 0), int(row["rung"]))
    return top, {crit: 1 for crit in top}


TOP, BOTTOM = _rungs()


def _disclosure(provider_id: str, services: list[dict[str, Any]], **extra: Any) -> dict[str, Any]:
    doc = {
        "disclosure_id": f"{provider_id}-d1",
        "submitted_at": "2026-11-01T09:00:00Z",
        "provider": {"provider_id": provider_id, "legal_name": f"{provider_id} GmbH", "country": "DE"},
        "ownership": [],
        "parents": [],
        "services": services,
        "certifications": [],
    }
    doc.update(extra)
    return doc


def _service(service_id: str, answers: dict[str, int], regions: tuple[str, ...] = ("DE",)) -> dict[str, Any]:
    return {
        "service_id": service_id,
        "name": service_id.title(),
        "model": "IaaS",
        "regions": list(regions),
        "answers": dict(answers),
    }


def _cert(cert_id: str, valid_until: str, services: list[str]) -> dict[str, Any]:
    return {
        "scheme": "ISO27001",
        "certificate_id": cert_id,
        "issuer": "Cert AB",
        "valid_from": "2025-01-01",
        "valid_until": valid_until,
        "services": services,
    }


def crafted_disclosures() -> list[dict[str, Any]]:
    """One disclosure per rule under test (provider ids start with `t-`)."""
    docs = [
        _disclosure(
            "t-top",
            [_service("t-top-svc", TOP)],
            certifications=[_cert("TOP-1", "2027-12-31", ["t-top-svc"]), _cert("TOP-WIDE", "2027-12-31", [])],
        ),
        _disclosure("t-bottom", [_service("t-bottom-svc", BOTTOM)]),
        _disclosure(
            "t-atlas",
            [_service("t-atlas-svc", TOP)],
            ownership=[
                {
                    "holder_id": "t-holding",
                    "holder_name": "T Holding AB",
                    "country": "SE",
                    "capital_pct": 100,
                    "voting_pct": 100,
                    "controls": True,
                }
            ],
            parents=[
                {
                    "entity_id": "t-holding",
                    "name": "T Holding AB",
                    "country": "SE",
                    "controlled_by": "atlas-capital",
                    "controlled_by_name": "Atlas Capital LLC",
                    "controlled_by_country": "US",
                }
            ],
            certifications=[_cert("ATLAS-1", "2027-12-31", ["t-atlas-svc"])],
        ),
        # W4 boundary: a certificate ending on as_of is valid, one ending the day before is not.
        _disclosure(
            "t-cert",
            [_service("t-cert-today", TOP), _service("t-cert-yesterday", TOP)],
            certifications=[
                _cert("ENDS-TODAY", AS_OF, ["t-cert-today"]),
                _cert("ENDED-YESTERDAY", "2026-11-27", ["t-cert-yesterday"]),
            ],
        ),
    ]
    # §6.2 on real DuckDB: a provider whose GLEIF records form a cycle (see GLEIF_CYCLE).
    cycle = _disclosure("t-cycle", [_service("t-cycle-svc", TOP)])
    cycle["provider"]["lei"] = "TCYCLEX0000000000001"
    docs.append(cycle)
    # Supersession: the latest submitted_at wins; equal timestamps -> the larger disclosure_id.
    old = _disclosure("t-super", [_service("t-super-old", TOP)])
    old.update(disclosure_id="t-super-a", submitted_at="2026-10-01T09:00:00Z")
    tie_small = _disclosure("t-super", [_service("t-super-small", BOTTOM)])
    tie_small.update(disclosure_id="t-super-b", submitted_at="2026-11-01T10:00:00+01:00")
    tie_large = _disclosure("t-super", [_service("t-super-new", BOTTOM)])
    tie_large.update(disclosure_id="t-super-c", submitted_at="2026-11-01T09:00:00Z")
    docs += [old, tie_small, tie_large]
    return [copy.deepcopy(d) for d in docs]


#: t-cycle's GLEIF records: direct X -> Y (PUBLISHED), Y -> Z (LAPSED: counts), Z -> X (back to the start:
#: the walk stops before the repeat); an INACTIVE ultimate record X -> EU and a RETIRED direct record Z -> W
#: are ignored. Z is a US entity in Level 1, so the GLEIF parent is Z and the EU chain is contradicted (W5).
GLEIF_CYCLE = """
insert into raw.ref_lei_records values
  ('TCYCLEX0000000000001', 't-cycle GmbH', 'DE', 'ACTIVE', 'ISSUED', 'x'),
  ('TCYCLEZ0000000000003', 'Zed Holdings Inc.', 'US', 'ACTIVE', 'ISSUED', 'x'),
  ('TCYCLEEU000000000004', 'EU Parent GmbH', 'DE', 'ACTIVE', 'ISSUED', 'x'),
  ('TCYCLEW0000000000005', 'Far Away Ltd', 'CN', 'ACTIVE', 'ISSUED', 'x');
insert into raw.ref_relationships values
  ('TCYCLEX0000000000001', 'TCYCLEY0000000000002', 'IS_DIRECTLY_CONSOLIDATED_BY', 'ACTIVE', 'PUBLISHED', 'x'),
  ('TCYCLEY0000000000002', 'TCYCLEZ0000000000003', 'IS_DIRECTLY_CONSOLIDATED_BY', 'ACTIVE', 'LAPSED', 'x'),
  ('TCYCLEZ0000000000003', 'TCYCLEX0000000000001', 'IS_DIRECTLY_CONSOLIDATED_BY', 'ACTIVE', 'PUBLISHED', 'x'),
  ('TCYCLEX0000000000001', 'TCYCLEEU000000000004', 'IS_ULTIMATELY_CONSOLIDATED_BY', 'INACTIVE', 'PUBLISHED', 'x'),
  ('TCYCLEZ0000000000003', 'TCYCLEW0000000000005', 'IS_DIRECTLY_CONSOLIDATED_BY', 'ACTIVE', 'RETIRED', 'x');
"""


def sample_disclosures() -> list[tuple[str, dict[str, Any]]]:
    """The bundled samples that the oracle expects to be accepted."""
    expected = json.loads((SAMPLES / "expected.json").read_text(encoding="utf-8"))
    rejected = {r["file"] for r in expected["rejections"]}
    return [
        (p.name, json.loads(p.read_text(encoding="utf-8")))
        for p in sorted((SAMPLES / "disclosures").glob("*.json"))
        if p.name not in rejected
    ]


@pytest.fixture(scope="module")
def warehouse(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """Build raw tables, run `dbt build` once, return the warehouse path."""
    tmp = tmp_path_factory.mktemp("dbt_scoring")
    path = tmp / "w.duckdb"
    con = duckdb.connect(str(path))
    scoring_raw.create_raw_schema(con)
    for doc in crafted_disclosures():
        scoring_raw.insert_disclosure(con, doc)
    for name, doc in sample_disclosures():
        scoring_raw.insert_disclosure(con, doc, name)
    scoring_raw.insert_references(con, SAMPLES / "references", AS_OF)
    con.execute(GLEIF_CYCLE)
    con.execute("insert into raw.rejections values ('manual', 'broken.json', 'E001', '$', 'not JSON', null, null, "
                f"'{AS_OF}', 'q-manual')")
    con.close()

    dbt = Path(sys.executable).parent / "dbt"
    cmd = [
        str(dbt),
        "build",
        "--project-dir",
        "dbt_project",
        "--profiles-dir",
        "dbt_project",
        "--target-path",
        str(tmp / "target"),
        "--log-path",
        str(tmp / "logs"),
        "--vars",
        f"{{as_of: {AS_OF}}}",
        "--select",
        MY_MARTS,
        "--indirect-selection",
        "cautious",
    ]
    env = {**os.environ, "SEALREG_WAREHOUSE": str(path), "DO_NOT_TRACK": "1"}
    proc = subprocess.run(cmd, cwd=REPO, env=env, capture_output=True, text=True, timeout=600)
    assert proc.returncode == 0, proc.stdout[-6000:] + proc.stderr[-2000:]
    (tmp / "run_results.json").write_text((tmp / "target" / "run_results.json").read_text())
    return path


@pytest.fixture(scope="module")
def db(warehouse: Path):
    con = duckdb.connect(str(warehouse), read_only=True)
    yield con
    con.close()


def one(db: duckdb.DuckDBPyConnection, sql: str, *params: Any) -> tuple:
    row = db.execute(sql, list(params)).fetchone()
    assert row is not None, sql
    return row


def test_unit_tests_ran_inside_the_build_and_passed(warehouse: Path) -> None:
    results = json.loads((warehouse.parent / "run_results.json").read_text())["results"]
    units = [r for r in results if r["unique_id"].startswith("unit_test.")]
    assert len(units) >= 15
    assert {r["status"] for r in units} == {"pass"}


def test_top_rung_everywhere_scores_100_and_seal_4(db) -> None:
    assert one(
        db, "select sovereignty_score, seal, seal_uncapped from int_services__scored where service_id = 't-top-svc'"
    ) == (100.0, 4, 4)
    assert one(
        db, "select count(*), min(score_pct), min(seal) from objective_results where service_id = 't-top-svc'"
    ) == (8, 100.0, 4)


def test_rung_1_everywhere_scores_0_and_seal_0(db) -> None:
    assert one(db, "select sovereignty_score, seal from int_services__scored where service_id = 't-bottom-svc'") == (
        0.0,
        0,
    )
    assert one(db, "select count(*), sum(points) from criterion_results where service_id = 't-bottom-svc'") == (48, 0)


def test_w1_caps_sov1_to_1_and_names_the_foreign_controller(db) -> None:
    assert one(
        db,
        "select control_chain, chain_depth, ultimate_controller_name, third_country_control "
        "from providers where provider_id = 't-atlas'",
    ) == ("t-atlas → T Holding AB (SE) → Atlas Capital LLC (US)", 2, "Atlas Capital LLC", True)
    assert one(db, "select reason from washing_flags where service_id = 't-atlas-svc' and flag = 'W1-control'") == (
        "SOV-1.1 answered rung 4 (entirely within EU) but the ultimate controller Atlas Capital LLC is in US",
    )
    assert one(
        db,
        "select score_pct, seal, seal_uncapped from objective_results "
        "where service_id = 't-atlas-svc' and objective = 'SOV-1'",
    ) == (100.0, 1, 4)
    # Caps never change points or scores.
    assert one(
        db, "select sovereignty_score, seal, seal_uncapped from int_services__scored where service_id = 't-atlas-svc'"
    ) == (100.0, 1, 4)


def test_w4_certificate_boundary_on_the_evaluation_date(db) -> None:
    flags = dict(db.execute("select service_id, flag from washing_flags where service_id like 't-cert-%'").fetchall())
    assert flags == {"t-cert-yesterday": "W4-certificate"}
    validity = dict(
        db.execute("select certificate_id, valid_on_as_of from certifications where provider_id = 't-cert'").fetchall()
    )
    assert validity == {"ENDS-TODAY": True, "ENDED-YESTERDAY": False}
    assert one(
        db,
        "select seal, seal_uncapped from objective_results "
        "where service_id = 't-cert-yesterday' and objective = 'SOV-7'",
    ) == (2, 4)


def test_certificate_without_services_keeps_one_row_with_null_service(db) -> None:
    rows = db.execute(
        "select certificate_id, service_id from certifications where provider_id = 't-top' order by certificate_id"
    ).fetchall()
    assert rows == [("TOP-1", "t-top-svc"), ("TOP-WIDE", None)]


def test_latest_disclosure_wins_and_ties_go_to_the_larger_id(db) -> None:
    assert one(db, "select disclosure_id from providers where provider_id = 't-super'") == ("t-super-c",)
    services = {
        r[0]
        for r in db.execute(
            "select distinct service_id from criterion_results where service_id like 't-super-%'"
        ).fetchall()
    }
    assert services == {"t-super-new"}


def test_gleif_cycle_stops_before_the_repeat_and_ignores_inactive_and_retired_records(db) -> None:
    assert one(db, "select lei_check, gleif_parent_check, gleif_parent_lei, gleif_parent_country, "
                   "third_country_control_declared, third_country_control, control_evidence "
                   "from providers where provider_id = 't-cycle'") == (
        "verified", "direct", "TCYCLEZ0000000000003", "US", False, True, "gleif")
    flags = {f for (f,) in db.execute("select flag from washing_flags where service_id = 't-cycle-svc'").fetchall()}
    assert {"W5-undeclared-parent", "W1-control"} <= flags


def test_rejections_pass_through(db) -> None:
    assert one(db, "select file, code, path, run_id from rejections") == ("broken.json", "E001", "$", "manual")


def test_samples_match_the_independent_oracle(db) -> None:
    expected = json.loads((SAMPLES / "expected.json").read_text(encoding="utf-8"))
    got = {
        r[0]: r[1:]
        for r in db.execute(
            "select service_id, sovereignty_score, seal, seal_uncapped from int_services__scored "
            "where service_id not like 't-%'"
        ).fetchall()
    }
    assert set(got) == set(expected["services"])
    for service_id, exp in expected["services"].items():
        score, seal, seal_uncapped = got[service_id]
        assert score == pytest.approx(exp["sovereignty_score"], abs=1e-6), service_id
        assert (seal, seal_uncapped) == (exp["seal_own"], exp["seal_uncapped"]), service_id  # before §7
        objectives = {
            o: (s, c, u)
            for o, s, c, u in db.execute(
                "select objective, score_pct, seal, seal_uncapped from objective_results where service_id = ?",
                [service_id],
            ).fetchall()
        }
        for objective, (s, c, u) in objectives.items():
            assert s == pytest.approx(exp["objective_scores"][objective], abs=1e-6), (service_id, objective)
            assert (c, u) == (exp["objective_seals"][objective], exp["objective_seals_uncapped"][objective])
        flags = sorted(
            r[0] for r in db.execute("select flag from washing_flags where service_id = ?", [service_id]).fetchall()
        )
        assert flags == sorted(f if isinstance(f, str) else f["flag"] for f in exp["flags"]), service_id
    for provider_id, exp in expected["providers"].items():
        assert one(
            db,
            "select ultimate_controller_name, ultimate_controller_country, third_country_control, "
            "ownership_ok, disclosure_id, lei_check, gleif_country, gleif_parent_lei, gleif_parent_country, "
            "third_country_control_declared, control_evidence from providers where provider_id = ?",
            provider_id,
        ) == (
            exp["ultimate_controller_name"],
            exp["ultimate_controller_country"],
            exp["third_country_control"],
            exp["ownership_ok"],
            exp["disclosure_id"],
            exp["lei_check"],
            exp["gleif_country"],
            exp["gleif_parent_lei"],
            exp["gleif_parent_country"],
            exp["third_country_control_declared"],
            exp["control_evidence"],
        ), provider_id
    for key, exp in expected["certifications"].items():
        provider_id, certificate_id = key.split("/", 1)
        assert one(
            db,
            "select distinct corroboration, register_source_url from certifications "
            "where provider_id = ? and certificate_id = ?",
            provider_id, certificate_id,
        ) == (exp["corroboration"], exp["register_source_url"]), key
