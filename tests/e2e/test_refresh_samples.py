"""End to end: `sealreg refresh` on the bundled samples, checked against the independent oracle."""

from __future__ import annotations

import json
from pathlib import Path

import duckdb
import pytest

from tests.helpers import REPO, sealreg_cli

CONTRACT_TABLES = ["providers", "services", "objective_results", "criterion_results", "washing_flags",
                   "cada_gates", "certifications", "decisions", "rejections", "service_history", "changes",
                   "review_items", "service_dependencies"]
EXPECTED = json.loads((REPO / "samples" / "expected.json").read_text())


def _query(home: Path, sql: str, params=None) -> list[tuple]:
    con = duckdb.connect(str(home / "current" / "registry.duckdb"), read_only=True)
    try:
        return con.execute(sql, params or []).fetchall()
    finally:
        con.close()


def test_refresh_prints_summary_and_where_the_release_is(sample_home):
    out = (sample_home / "refresh-output.txt").read_text()
    assert "Published release" in out
    assert "registry.duckdb" in out
    assert "rejected" in out
    assert "capped by what they run on (W8-dependency)" in out
    assert "kite-forms: runs on Example Hyperscale Compute (US)" in out
    assert "via kite-forms → sovra-office → Example Hyperscale Compute (US)" in out


def test_release_folder_matches_the_contract(sample_home):
    current = sample_home / "current"
    assert current.is_symlink()
    release = current.resolve()
    assert release.parent == (sample_home / "releases").resolve()
    for table in CONTRACT_TABLES:
        assert (release / "parquet" / f"{table}.parquet").is_file(), table
        assert (release / "csv" / f"{table}.csv.gz").is_file(), table
    manifest = json.loads((release / "manifest.json").read_text())
    for key in ("release_id", "created_at", "as_of", "weights_version", "rulebook_version", "row_counts", "files",
                "spdx_license_list_version"):
        assert key in manifest, key
    assert manifest["as_of"] == "2026-11-28"
    assert manifest["spdx_license_list_version"] == "3.29"
    assert manifest["row_counts"]["services"] == _query(sample_home, "select count(*) from services")[0][0]
    assert (release / "site" / "index.html").is_file()
    assert any((release / "validation").rglob("index.html"))


def test_release_file_holds_tables_not_views(sample_home):
    kinds = dict(_query(sample_home, "select table_name, table_type from information_schema.tables "
                                     "where table_schema = 'main'"))
    for table in CONTRACT_TABLES:
        assert kinds.get(table) == "BASE TABLE", (table, kinds.get(table))


def test_every_service_has_eight_objectives_and_48_criteria(sample_home):
    rows = _query(sample_home, """
        select s.service_id,
               (select count(*) from objective_results o where o.service_id = s.service_id),
               (select count(*) from criterion_results c where c.service_id = s.service_id)
        from services s""")
    assert rows
    assert all(r[1] == 8 and r[2] == 48 for r in rows), rows


def test_broken_samples_are_quarantined_and_the_rest_published(sample_home):
    rejected = _query(sample_home, "select distinct file from rejections")
    assert rejected, "the samples include broken files"
    quarantine = list((sample_home / "quarantine").rglob("*.errors.json"))
    assert {Path(p).name for p in quarantine} == {Path(f[0]).name + ".errors.json" for f in rejected}
    assert _query(sample_home, "select count(*) from services")[0][0] >= 12


@pytest.mark.parametrize("service_id", sorted(EXPECTED["services"]))
def test_service_levels_match_the_hand_checked_oracle(sample_home, service_id):
    want = EXPECTED["services"][service_id]
    row = _query(sample_home, "select sovereignty_score, seal, ual, status, tender_eligible from services "
                              "where service_id = ?", [service_id])
    assert row, f"{service_id} missing from services"
    score, seal, ual, status, eligible = row[0]
    assert score == pytest.approx(want["sovereignty_score"], abs=1e-6)
    assert (seal, ual, status, eligible) == (want["seal"], want["ual"], want["status"], want["tender_eligible"])
    flags = sorted(f for (f,) in _query(sample_home, "select flag from washing_flags where service_id = ?",
                                        [service_id]))
    assert flags == sorted(want["flags"])
    (open_source_status,) = _query(sample_home, "select open_source_status from services where service_id = ?",
                                   [service_id])[0]
    assert open_source_status == want["open_source_status"]
    objective_seals = dict(_query(sample_home, "select objective, seal from objective_results "
                                               "where service_id = ?", [service_id]))
    assert objective_seals == want["objective_seals"]


PROVIDER_COLUMNS = ["ultimate_controller_name", "ultimate_controller_country", "third_country_control",
                    "ownership_ok", "lei_check", "gleif_legal_name", "gleif_country", "gleif_parent_lei",
                    "gleif_parent_name", "gleif_parent_country", "third_country_control_declared",
                    "control_evidence"]


@pytest.mark.parametrize("provider_id", sorted(EXPECTED["providers"]))
def test_provider_columns_match_the_oracle(sample_home, provider_id):
    want = EXPECTED["providers"][provider_id]
    row = _query(sample_home, f"select {', '.join(PROVIDER_COLUMNS)} from providers where provider_id = ?",
                 [provider_id])
    assert row, f"{provider_id} missing from providers"
    assert dict(zip(PROVIDER_COLUMNS, row[0], strict=True)) == {c: want[c] for c in PROVIDER_COLUMNS}


def test_certificate_corroboration_matches_the_oracle(sample_home):
    got = {f"{p}/{c}": {"corroboration": v, "register_source_url": u} for p, c, v, u in _query(
        sample_home, "select distinct provider_id, certificate_id, corroboration, register_source_url "
                     "from certifications")}
    assert got == EXPECTED["certifications"]


def test_rejected_reference_file_is_reported_and_the_rest_loaded(sample_home):
    rejected = _query(sample_home, "select file, code, path from rejections where code like 'R%' order by all")
    assert [dict(zip(("file", "code", "path"), r, strict=True)) for r in rejected] == EXPECTED["reference_rejections"]
    assert _query(sample_home, "select count(*) from providers where lei_check = 'not_checked'") == [(0,)]


def test_review_queue_lists_every_reference_flag_of_the_first_night(sample_home):
    got = _query(sample_home, "select subject_id, kind from review_items order by all")
    assert [list(r) for r in got] == EXPECTED["review_items"]
    proc = sealreg_cli("review", "--home", str(sample_home))
    assert proc.returncode == 0, proc.stderr
    for subject_id, kind in EXPECTED["review_items"]:
        assert subject_id in proc.stdout and kind in proc.stdout
    assert f"{len(EXPECTED['review_items'])} item(s) to review" in proc.stdout


def test_w9_names_the_licence_ids_that_are_not_osi_approved(sample_home):
    (reason,) = _query(sample_home, "select reason from washing_flags where flag = 'W9-open-source'")[0]
    assert "SSPL-1.0 OR Elastic-2.0" in reason and "Elastic-2.0, SSPL-1.0 are not OSI-approved" in reason
    want = {sid for sid, s in EXPECTED["services"].items() if "W9-open-source" in s["flags"]}
    assert want == {sid for (sid,) in _query(sample_home, "select service_id from washing_flags "
                                                          "where flag = 'W9-open-source'")}


def test_refresh_summary_names_the_reference_flags_the_rejected_file_and_the_review_queue(sample_home):
    out = " ".join((sample_home / "refresh-output.txt").read_text().split())
    counts: dict[str, int] = {}
    for service in EXPECTED["services"].values():
        for flag in service["flags"]:
            counts[flag] = counts.get(flag, 0) + 1
    for flag in ("W5-undeclared-parent", "W6-identity", "W7-certificate-register"):
        assert f"{flag} {counts[flag]}" in out, flag
    for r in EXPECTED["reference_rejections"]:
        assert f"reference file rejected: {r['file']} {r['code']} at {r['path']}" in out
    assert f"review queue: {len(EXPECTED['review_items'])} change(s)" in out


def test_review_as_json_and_without_a_release(sample_home, tmp_path):
    proc = sealreg_cli("review", "--home", str(sample_home), "--json")
    assert proc.returncode == 0, proc.stderr
    rows = json.loads(proc.stdout)
    assert sorted([r["subject_id"], r["kind"]] for r in rows) == EXPECTED["review_items"]
    assert all(r["first_seen_on"] == "2026-11-28" and r["previous_as_of"] is None for r in rows)
    empty = sealreg_cli("review", "--home", str(tmp_path / "no-home"))
    assert empty.returncode == 1 and "no published release" in empty.stderr


def test_own_levels_and_dependencies_match_the_oracle(sample_home):
    """§7: seal_own/ual_own and every (service, dependency) row with kind, depth, path and caps."""
    own = {sid: (so, uo) for sid, so, uo in _query(sample_home, "select service_id, seal_own, ual_own from services")}
    assert own == {sid: (s["seal_own"], s["ual_own"]) for sid, s in EXPECTED["services"].items()}
    got = {(r[0], r[1]): r[2:] for r in _query(
        sample_home, "select service_id, dependency, kind, depth, path, cap_seal, cap_ual from service_dependencies")}
    want = {(sid, dep): (d["kind"], d["depth"], d["path"], d["cap_seal"], d["cap_ual"])
            for sid, s in EXPECTED["services"].items() for dep, d in s["dependencies"].items()}
    assert got == want
    assert {kind for kind, *_ in got.values()} == {"service", "platform", "unregistered"}


def test_w8_names_the_weakest_dependency_and_its_path(sample_home):
    reasons = dict(_query(sample_home, "select service_id, reason from washing_flags where flag = 'W8-dependency'"))
    capped = {sid: s for sid, s in EXPECTED["services"].items() if "W8-dependency" in s["flags"]}
    assert set(reasons) == set(capped) and len(capped) >= 4
    for sid, s in capped.items():
        for level in ("seal", "ual"):
            dep = s[f"{level}_capped_by"]
            if dep is not None:
                assert f"runs on {dep}," in reasons[sid] and s["dependencies"][dep]["path"] in reasons[sid], sid
    assert "kite-forms → sovra-office → Example Hyperscale Compute (US)" in reasons["kite-forms"]
    cap = dict(_query(sample_home, "select service_id, cap from washing_flags where flag = 'W8-dependency'"))
    assert cap == {sid: s["seal"] for sid, s in capped.items()}


def test_site_shows_the_supply_chain_both_ways_and_explains_the_cap(sample_home):
    site = sample_home / "current" / "site"
    forms = (site / "services" / "kite-forms.html").read_text(encoding="utf-8")
    assert '<a href="../services/sovra-office.html">Sovra Office</a>' in forms  # what it runs on, linked
    assert "Capped by what it runs on." in forms and "caps this service" in forms
    assert "On its own answers this service reaches SEAL-2 and UAL-2" in forms
    assert "via kite-forms → sovra-office → Example Hyperscale Compute (US)" in forms
    office = (site / "services" / "sovra-office.html").read_text(encoding="utf-8")
    runs_under = office.split("What runs on it", 1)[1]
    assert '<a href="../services/kite-forms.html">Kite Forms</a>' in runs_under  # what runs on it, linked
    docs = (site / "services" / "sovra-docs.html").read_text(encoding="utf-8")
    assert "Nothing it runs on lowers its levels" in docs and "caps nothing" in docs
    provider = (site / "providers" / "kite-software.html").read_text(encoding="utf-8")
    platforms = provider.split("Dependencies on third-country platforms", 1)[1].split("<h2", 1)[0]
    assert "Example Hyperscale Compute (US)" in platforms and "Kite Forms" in platforms
    assert "Kite Backup" not in platforms  # an unregistered id is not a platform
    assert "No service of this provider runs on a platform operated outside the Union" in (
        site / "providers" / "aurora-cloud.html").read_text(encoding="utf-8")
