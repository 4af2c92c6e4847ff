"""Reference ingestion (spec/references.md) on a real DuckDB warehouse: sources told by header, R001-R004
with row and column, snapshots that survive rejected files, digest skip, registers as sources."""

from __future__ import annotations

import datetime as dt
import os
from pathlib import Path

import pytest

from ingestion.lei import checksum_ok
from ingestion.reference_files import folder_digests
from tests.ingestion.reference_files_factory import (
    L1_HEADER,
    START,
    Nights,
    cert_row,
    l1_row,
    l2_row,
    lei,
    level1,
    level2,
    register,
    write_csv,
)


@pytest.fixture
def nights(tmp_path: Path) -> Nights:
    return Nights(tmp_path)


def _only_rejection(nights: Nights, file: str) -> tuple[str, str, str]:
    rows = [r for r in nights.rejections() if r[0] == f"references/{file}"]
    assert len(rows) == 1, rows
    return rows[0][1:]


def test_factory_leis_have_valid_check_digits():
    assert all(checksum_ok(lei(i)) for i in range(50))


def test_r003_check_digits_outside_02_98_are_refused_even_when_the_remainder_is_1(nights):
    i = next(i for i in range(5000) if lei(i).endswith("02"))
    twin = lei(i)[:18] + "99"  # 99 = 2 (mod 97): the remainder is 1, but ISO 17442 check digits are 02-98
    level1(nights.refs / "lei2.csv", [l1_row(0, LEI=twin)])
    nights.run()
    assert _only_rejection(nights, "lei2.csv")[:2] == ("R003", "row 2, column LEI")


def test_level1_level2_and_registers_become_snapshots_in_use(nights):
    level1(nights.refs / "20261128-gleif-lei2.csv", [l1_row(i) for i in range(3)])
    level2(nights.refs / "20261128-gleif-rr.csv", [l2_row(0, 1), l2_row(0, 2, "IS_ULTIMATELY_CONSOLIDATED_BY")])
    register(nights.refs / "secnumcloud.csv", [cert_row(0), cert_row(1)])
    register(nights.refs / "bsi-c5.csv", [cert_row(2, "C5-Type2")])
    result = nights.run()
    assert (result["loaded"], result["rejected"]) == (4, 0)
    assert nights.rejections() == []
    in_use = nights.in_use()
    assert {s: (f, n, d) for s, (f, _, n, d) in in_use.items()} == {
        "gleif-level1": ("20261128-gleif-lei2.csv", 3, START),
        "gleif-level2": ("20261128-gleif-rr.csv", 2, START),
        "register:secnumcloud.csv": ("secnumcloud.csv", 2, START),
        "register:bsi-c5.csv": ("bsi-c5.csv", 1, START),
    }
    assert nights.query("SELECT lei, legal_name, legal_address_country, entity_status, registration_status "
                        "FROM raw.ref_lei_records ORDER BY lei")[0] == (lei(0), "Example Entity 0 GmbH", "DE",
                                                                         "ACTIVE", "ISSUED")
    sha = in_use["gleif-level1"][1]
    assert nights.query("SELECT DISTINCT source_file_sha256 FROM raw.ref_lei_records") == [(sha,)]
    assert nights.query("SELECT source, scheme, certificate_id, valid_until FROM raw.ref_certificates "
                        "ORDER BY ALL") == [
        ("register:bsi-c5.csv", "C5-Type2", "C5-Type2-002", dt.date(2027, 12, 31)),
        ("register:secnumcloud.csv", "SecNumCloud", "SecNumCloud-000", dt.date(2027, 12, 31)),
        ("register:secnumcloud.csv", "SecNumCloud", "SecNumCloud-001", dt.date(2027, 12, 31)),
    ]


def test_source_is_told_by_the_header_not_the_file_name(nights):
    level1(nights.refs / "secnumcloud-register.csv", [l1_row(0)])
    register(nights.refs / "gleif-golden-copy-lei2.csv", [cert_row(0)])
    level2(nights.refs / "lei-records.csv", [l2_row(0, 1)])
    nights.run()
    assert {s: v[0] for s, v in nights.in_use().items()} == {
        "gleif-level1": "secnumcloud-register.csv",
        "gleif-level2": "lei-records.csv",
        "register:gleif-golden-copy-lei2.csv": "gleif-golden-copy-lei2.csv",
    }


def test_extra_and_reordered_columns_are_ignored(nights):
    header = ["Registration.ManagingLOU", "Entity.EntityStatus", "Unknown.Future.Column", *reversed(L1_HEADER[2:]),
              "Entity.LegalName", "LEI"]
    header = list(dict.fromkeys(header))
    rows = [{**l1_row(0), "Unknown.Future.Column": "x,y \"quoted\"\nline"}]
    level1(nights.refs / "lei2.csv", rows, header=header)
    nights.run()
    assert nights.rejections() == []
    assert nights.query("SELECT lei, legal_name, entity_status FROM raw.ref_lei_records") == [
        (lei(0), "Example Entity 0 GmbH", "ACTIVE")]


def test_bom_and_crlf_line_ends_are_read(nights):
    path = level1(nights.refs / "lei2.csv", [l1_row(0), l1_row(1)])
    path.write_bytes(b"\xef\xbb\xbf" + path.read_bytes().replace(b"\r\n", b"\n").replace(b"\n", b"\r\n"))
    nights.run()
    assert nights.rejections() == []
    assert nights.query("SELECT count(*) FROM raw.ref_lei_records WHERE registration_status = 'ISSUED'") == [(2,)]


# --- R001 ----------------------------------------------------------------------------------------
def test_r001_not_utf8_names_the_row_and_column(nights):
    path = level1(nights.refs / "lei2.csv", [l1_row(0), l1_row(1), l1_row(2)])
    data = path.read_bytes().replace(b"Example Entity 1 GmbH", b"Example Entity 1 Gmb\xff")
    path.write_bytes(data)
    nights.run()
    code, where, message = _only_rejection(nights, "lei2.csv")
    assert (code, where) == ("R001", "row 3, column Entity.LegalName")
    assert "UTF-8" in message or "unicode" in message.lower()
    assert nights.in_use() == {}


def test_r001_row_with_a_wrong_number_of_fields(nights):
    path = register(nights.refs / "anssi.csv", [cert_row(0), cert_row(1)])
    path.write_text(path.read_text(encoding="utf-8") + "SecNumCloud,x,,holder,granted,2025-01-01\n",
                    encoding="utf-8")
    nights.run()
    found = nights.rejections()
    assert found and {(r[0], r[1]) for r in found} == {("references/anssi.csv", "R001")}
    assert {r[2] for r in found} == {"row 4, column valid_until", "row 4, column source_url"}
    assert all("Expected Number of Columns: 8" in r[3] for r in found)


@pytest.mark.parametrize("content", [b"", b"\n\n", b"\xff\xfeL\x00E\x00I\x00\n"])
def test_r001_empty_file_or_unreadable_header(nights, content):
    (nights.refs / "x.csv").write_bytes(content)
    nights.run()
    code, where, _ = _only_rejection(nights, "x.csv")
    assert (code, where) == ("R001", "row 1")
    assert nights.quarantined("x.csv")[0]["code"] == "R001"
    assert (nights.ctx.quarantine_dir / "references" / "x.csv").read_bytes() == content


def test_r001_symbolic_links_folders_and_pipes_are_never_read(nights, tmp_path):
    target = level1(tmp_path / "outside.csv", [l1_row(0)])
    (nights.refs / "link.csv").symlink_to(target)
    (nights.refs / "folder.csv").mkdir()
    os.mkfifo(nights.refs / "pipe.csv")
    result = nights.run()
    assert result["rejected"] == 3 and nights.in_use() == {}
    assert {r[0]: (r[1], r[2]) for r in nights.rejections()} == {
        f"references/{n}": ("R001", "row 1") for n in ("link.csv", "folder.csv", "pipe.csv")}
    assert not (nights.ctx.quarantine_dir / "references" / "link.csv").exists()


def test_hidden_files_are_skipped(nights):
    level1(nights.refs / ".lei2.csv.part", [l1_row(0)])
    assert nights.run()["files"] == 0


# --- R002 ----------------------------------------------------------------------------------------
@pytest.mark.parametrize("header", [["name", "country"], ["LEI", "Exception.Category", "Exception.Reason.1"],
                                    ["Entity.LegalName", "certificate_id"]])
def test_r002_header_matching_no_single_source(nights, header):
    write_csv(nights.refs / "other.csv", header, [dict.fromkeys(header, "x")])
    nights.run()
    code, where, message = _only_rejection(nights, "other.csv")
    assert (code, where) == ("R002", "row 1")
    assert "matches no reference source" in message


# --- R003 ----------------------------------------------------------------------------------------
def test_r003_missing_required_column_names_it(nights):
    header = [h for h in L1_HEADER if h != "Entity.EntityStatus"]
    rows = [{k: v for k, v in l1_row(0).items() if k != "Entity.EntityStatus"}]
    level1(nights.refs / "lei2.csv", rows, header=header)
    nights.run()
    assert _only_rejection(nights, "lei2.csv")[:2] == ("R003", "row 1, column Entity.EntityStatus")


@pytest.mark.parametrize(("override", "column"), [
    ({"LEI": lei(1)[:19] + str((int(lei(1)[19]) + 1) % 10)}, "LEI"),
    ({"LEI": lei(1).lower()}, "LEI"),
    ({"LEI": ""}, "LEI"),
    ({"Entity.LegalName": "  "}, "Entity.LegalName"),
    ({"Entity.LegalAddress.Country": "EU"}, "Entity.LegalAddress.Country"),
    ({"Entity.EntityStatus": "active"}, "Entity.EntityStatus"),
    ({"Registration.RegistrationStatus": "UNKNOWN"}, "Registration.RegistrationStatus"),
])
def test_r003_level1_values_are_checked_with_row_and_column(nights, override, column):
    level1(nights.refs / "lei2.csv", [l1_row(0), l1_row(1, **override), l1_row(2)])
    nights.run()
    code, where, message = _only_rejection(nights, "lei2.csv")
    assert (code, where) == ("R003", f"row 3, column {column}")
    assert "must be" in message


@pytest.mark.parametrize(("override", "column"), [
    ({"Relationship.EndNode.NodeID": "NOT-AN-LEI"}, "Relationship.EndNode.NodeID"),
    ({"Relationship.RelationshipType": "IS_OWNED_BY"}, "Relationship.RelationshipType"),
    ({"Relationship.RelationshipStatus": ""}, "Relationship.RelationshipStatus"),
    ({"Registration.RegistrationStatus": "ISSUED"}, "Registration.RegistrationStatus"),
])
def test_r003_level2_values(nights, override, column):
    level2(nights.refs / "rr.csv", [l2_row(0, 1), l2_row(2, 3, **override)])
    nights.run()
    assert _only_rejection(nights, "rr.csv")[:2] == ("R003", f"row 3, column {column}")


@pytest.mark.parametrize(("override", "column"), [
    ({"scheme": "SecretCloud"}, "scheme"),
    ({"certificate_id": ""}, "certificate_id"),
    ({"holder_lei": "12345"}, "holder_lei"),
    ({"holder_name": ""}, "holder_name"),
    ({"status": "revoked"}, "status"),
    ({"valid_from": "2025-13-01"}, "valid_from"),
    ({"valid_until": ""}, "valid_until"),
    ({"valid_until": "2024-12-31"}, "valid_until"),
    ({"source_url": "http://register.example/1"}, "source_url"),
])
def test_r003_register_values(nights, override, column):
    register(nights.refs / "anssi.csv", [cert_row(0), cert_row(1, **override)])
    nights.run()
    assert _only_rejection(nights, "anssi.csv")[:2] == ("R003", f"row 3, column {column}")


def test_register_accepts_empty_holder_lei_and_open_ended_in_progress(nights):
    register(nights.refs / "anssi.csv", [cert_row(0, holder_lei=""),
                                         cert_row(1, status="in_progress", valid_until=""),
                                         cert_row(2, scheme="other:TISAX")])
    nights.run()
    assert nights.rejections() == []
    assert nights.query("SELECT certificate_id, holder_lei, valid_until FROM raw.ref_certificates ORDER BY 1") == [
        ("SecNumCloud-000", None, dt.date(2027, 12, 31)), ("SecNumCloud-001", lei(1), None),
        ("other:TISAX-002", lei(2), dt.date(2027, 12, 31))]


def test_r003_file_without_records_never_empties_a_source(nights):
    level1(nights.refs / "lei2.csv", [l1_row(0)])
    nights.run()
    level1(nights.refs / "lei2.csv", [])
    nights.run()
    assert _only_rejection(nights, "lei2.csv")[:2] == ("R003", "row 2")
    assert nights.query("SELECT count(*) FROM raw.ref_lei_records") == [(1,)]


def test_many_bad_rows_are_reported_up_to_the_cap_with_a_count(nights):
    rows = [l1_row(i, **{"Entity.LegalAddress.Country": "??"}) for i in range(150)]
    level1(nights.refs / "lei2.csv", rows)
    nights.run()
    found = [r for r in nights.rejections() if r[0] == "references/lei2.csv"]
    assert len(found) == 100
    assert sorted(int(r[2].split(",")[0].split()[1]) for r in found) == list(range(2, 102))
    assert any("(and 50 more problems in this file)" in r[3] for r in found)


# --- R004 ----------------------------------------------------------------------------------------
def test_r004_same_lei_twice(nights):
    level1(nights.refs / "lei2.csv", [l1_row(0), l1_row(1), l1_row(0, **{"Entity.LegalName": "Other"})])
    nights.run()
    code, where, message = _only_rejection(nights, "lei2.csv")
    assert (code, where) == ("R004", "row 4, column LEI")
    assert "first in row 2" in message


def test_r004_level2_same_key_twice_and_two_in_force_parents(nights):
    level2(nights.refs / "rr.csv", [l2_row(0, 1), l2_row(0, 1, **{"Relationship.RelationshipStatus": "INACTIVE"})])
    nights.run()
    assert _only_rejection(nights, "rr.csv")[:2] == ("R004", "row 3, column Relationship.StartNode.NodeID")
    level2(nights.refs / "rr.csv", [l2_row(0, 1), l2_row(0, 2)])
    nights.run()
    code, where, message = _only_rejection(nights, "rr.csv")
    assert (code, where) == ("R004", "row 3, column Relationship.StartNode.NodeID")
    assert "in-force" in message


def test_level2_records_not_in_force_may_repeat_and_fund_types_are_not_kept(nights):
    level2(nights.refs / "rr.csv", [
        l2_row(0, 1),
        l2_row(0, 2, **{"Relationship.RelationshipStatus": "INACTIVE"}),
        l2_row(0, 3, **{"Registration.RegistrationStatus": "RETIRED"}),
        l2_row(0, 4, "IS_ULTIMATELY_CONSOLIDATED_BY", **{"Registration.RegistrationStatus": "LAPSED"}),
        l2_row(5, 6, "IS_FUND-MANAGED_BY"),
    ])
    nights.run()
    assert nights.rejections() == []
    assert nights.query("SELECT count(*), count(*) FILTER (WHERE relationship_type = 'IS_FUND-MANAGED_BY') "
                        "FROM raw.ref_relationships") == [(4, 0)]
    assert nights.in_use()["gleif-level2"][2] == 5  # rows of the file


def test_r004_register_same_certificate_twice(nights):
    register(nights.refs / "anssi.csv", [cert_row(0), cert_row(0, holder_name="Someone else")])
    nights.run()
    assert _only_rejection(nights, "anssi.csv")[:2] == ("R004", "row 3, column scheme")


# --- snapshots across nights -----------------------------------------------------------------------
def test_rejected_file_keeps_the_previous_snapshot_in_use_across_two_nights(nights):
    level1(nights.refs / "lei2.csv", [l1_row(0), l1_row(1)])
    nights.run()
    good = nights.in_use()["gleif-level1"]
    level1(nights.refs / "lei2.csv", [l1_row(0), l1_row(1, **{"Entity.EntityStatus": "GONE"}), l1_row(2)])
    for _ in range(2):
        result = nights.run()
        assert result["rejected"] == 1
        assert _only_rejection(nights, "lei2.csv")[:2] == ("R003", "row 3, column Entity.EntityStatus")
        assert nights.in_use() == {"gleif-level1": good}
        assert good[3] == START
        assert nights.query("SELECT count(*), min(source_file_sha256) FROM raw.ref_lei_records") == [(2, good[1])]
        assert nights.quarantined("lei2.csv")[0]["path"] == "row 3, column Entity.EntityStatus"
    assert nights.query("SELECT count(*) FROM raw.ref_sources") == [(1,)]


def test_an_unchanged_rejected_file_is_still_rejected_without_being_read_or_copied_again(nights, monkeypatch):
    bad = level1(nights.refs / "lei2.csv", [l1_row(0), l1_row(1, **{"Entity.EntityStatus": "GONE"})])
    (nights.refs / "odd.csv").write_text("no,known,header\n1,2,3\n", encoding="utf-8")  # R002, from the header
    first = nights.run()
    first_folder = nights.ctx.quarantine_dir / "references"
    reported = nights.rejections()
    assert {o["file"] for o in first["outcomes"] if o["status"] == "rejected"} == {"lei2.csv", "odd.csv"}
    import ingestion.reference_files as reference_files
    import ingestion.references as references

    def must_not_read(*_args, **_kwargs):
        raise AssertionError("an unchanged rejected file was read or copied again")

    monkeypatch.setattr(references, "stage", must_not_read)
    monkeypatch.setattr(reference_files.ReferenceFile, "copy_to", must_not_read)
    for _ in range(2):
        result = nights.run()
        assert result["rejected"] == 2 and result["loaded"] == 0
        assert nights.rejections() == reported  # the regulator still sees both, with the same problems
        rows = nights.query("SELECT DISTINCT file, rejected_since, quarantined_in FROM raw.rejections ORDER BY 1")
        assert rows == [("references/lei2.csv", START, "night-1/references"),
                        ("references/odd.csv", START, "night-1/references")]
        assert nights.quarantine_folder("lei2.csv") == first_folder
        assert (first_folder / "lei2.csv").read_bytes() == bad.read_bytes()
        assert not (nights.ctx.quarantine_dir / "references").exists()  # nothing quarantined tonight
        notes = {o["file"]: o["note"] for o in result["outcomes"]}
        assert notes["lei2.csv"] == f"still rejected since {START}: not copied again"
    monkeypatch.undo()
    level1(bad, [l1_row(0), l1_row(1, **{"Entity.EntityStatus": "LOST"})])  # other bytes: a new rejection
    nights.run()
    assert nights.query("SELECT DISTINCT rejected_since, quarantined_in FROM raw.rejections "
                        "WHERE file = 'references/lei2.csv'") == [(START + dt.timedelta(days=3), "night-4/references")]
    assert "LOST" in nights.quarantined("lei2.csv")[0]["message"]
    assert (nights.ctx.quarantine_dir / "references" / "lei2.csv").read_bytes() == bad.read_bytes()


def test_a_rejected_file_is_checked_again_after_a_full_ingest_or_a_validator_change(nights, monkeypatch):
    level1(nights.refs / "lei2.csv", [l1_row(0), l1_row(1, **{"Entity.EntityStatus": "GONE"})])
    nights.run()
    import ingestion.references as references

    staged = []
    real_stage = references.stage
    monkeypatch.setattr(references, "stage", lambda *a, **k: staged.append(1) or real_stage(*a, **k))
    monkeypatch.setenv("SEALREG_FULL_INGEST", "1")
    nights.run()
    assert staged == [1]
    assert not (nights.ctx.quarantine_dir / "references").exists()
    monkeypatch.delenv("SEALREG_FULL_INGEST")
    monkeypatch.setattr(references, "validator_fingerprint", lambda: "another validator")
    nights.run()
    assert staged == [1, 1]
    # checked again each time, same reasons: still rejected since the first night, its copy not made again
    assert nights.query("SELECT DISTINCT rejected_since, quarantined_in FROM raw.rejections") == [
        (START, "night-1/references")]
    assert not (nights.ctx.quarantine_dir / "references").exists()


def test_missing_folder_loads_nothing_and_keeps_every_snapshot(nights):
    level1(nights.refs / "lei2.csv", [l1_row(0)])
    register(nights.refs / "anssi.csv", [cert_row(0)])
    nights.run()
    before = nights.in_use()
    for path in nights.refs.iterdir():
        path.unlink()
    nights.refs.rmdir()
    result = nights.run()
    assert result["files"] == 0 and nights.in_use() == before
    assert nights.query("SELECT count(*) FROM raw.ref_certificates") == [(1,)]


def test_unchanged_file_is_skipped_by_its_digest(nights, monkeypatch):
    path = level1(nights.refs / "lei2.csv", [l1_row(0), l1_row(1)])
    nights.run()
    import ingestion.references as references

    def must_not_stage(*_args, **_kwargs):
        raise AssertionError("an unchanged file was read again")

    monkeypatch.setattr(references, "stage", must_not_stage)
    os.utime(path, ns=(1, 1))  # a new modification time alone is no change
    result = nights.run()
    assert result["unchanged"] == 1 and result["loaded"] == 0
    assert nights.in_use()["gleif-level1"][3] == START
    assert nights.query("SELECT count(*) FROM raw.ref_lei_records") == [(2,)]


def test_new_snapshot_replaces_the_old_one_and_a_returning_digest_reuses_its_row(nights):
    first = [l1_row(0)]
    level1(nights.refs / "lei2.csv", first)
    nights.run()
    old_sha = nights.in_use()["gleif-level1"][1]
    level1(nights.refs / "lei2.csv", [l1_row(0), l1_row(1)])
    nights.run()
    assert nights.query("SELECT count(*) FROM raw.ref_lei_records") == [(2,)]
    assert nights.query("SELECT file_sha256, in_use, first_loaded_on FROM raw.ref_sources ORDER BY first_loaded_on") \
        == [(old_sha, False, START), (nights.in_use()["gleif-level1"][1], True, START + dt.timedelta(days=1))]
    level1(nights.refs / "lei2.csv", first)
    nights.run()
    assert nights.in_use()["gleif-level1"][1:] == (old_sha, 1, START)
    assert nights.query("SELECT count(*) FROM raw.ref_sources") == [(2,)]


def test_two_register_files_are_two_sources_and_one_rejected_keeps_its_own(nights):
    register(nights.refs / "anssi.csv", [cert_row(0)])
    register(nights.refs / "bsi.csv", [cert_row(1, "C5-Type2")])
    nights.run()
    register(nights.refs / "anssi.csv", [cert_row(0, status="lost")])
    register(nights.refs / "bsi.csv", [cert_row(1, "C5-Type2"), cert_row(2, "C5-Type2")])
    nights.run()
    assert _only_rejection(nights, "anssi.csv")[0] == "R003"
    assert nights.query("SELECT source, count(*) FROM raw.ref_certificates GROUP BY 1 ORDER BY 1") == [
        ("register:anssi.csv", 1), ("register:bsi.csv", 2)]


def test_older_gleif_files_in_the_folder_are_superseded_by_the_newest(nights):
    level1(nights.refs / "20261127-lei2.csv", [l1_row(0)])
    level1(nights.refs / "20261128-lei2.csv", [l1_row(0), l1_row(1)])
    result = nights.run()
    assert {o["file"]: o["status"] for o in result["outcomes"]} == {
        "20261127-lei2.csv": "superseded", "20261128-lei2.csv": "loaded"}
    assert nights.in_use()["gleif-level1"][0] == "20261128-lei2.csv"


def test_run_id_digest_covers_reference_files(tmp_path):
    refs = tmp_path / "refs"
    level1(refs / "lei2.csv", [l1_row(0)])
    before = folder_digests(refs)
    level1(refs / "lei2.csv", [l1_row(1)])
    assert folder_digests(refs) != before and [n for n, _ in before] == ["lei2.csv"]


def test_the_validator_fingerprint_names_the_duckdb_that_reads_and_checks_reference_files(monkeypatch):
    """DuckDB's read_csv decides R001 and its regexp engine R003: another DuckDB must check a remembered
    rejected file again (it was kept as rejected across a DuckDB upgrade, the fingerprint naming only Python
    packages)."""
    import ingestion.cache as cache

    real = cache.version
    before = cache.validator_fingerprint()
    monkeypatch.setattr(cache, "version", lambda p: "0.0.1" if p == "duckdb" else real(p))
    cache.validator_fingerprint.cache_clear()
    try:
        assert cache.validator_fingerprint() != before
    finally:
        monkeypatch.undo()
        cache.validator_fingerprint.cache_clear()
    assert cache.validator_fingerprint() == before
