"""build_release: layout, manifest, ordering, determinism, verification and tampering."""

from __future__ import annotations

import base64
import gzip
import json
import os
import stat
import subprocess
import sys
from pathlib import Path

import duckdb
import pytest

from sealreg.config import RULEBOOK_VERSION
from sealreg.publish.release import (
    PARQUET_ZSTD_LEVEL,
    PUBLISHED_BLOCK_SIZE,
    PUBLISHED_ROW_GROUP_SIZE,
    PUBLISHED_TABLES,
    ReleaseError,
    build_release,
    next_release_id,
)
from sealreg.publish.signing import PRIVATE_KEY_FILE, load_or_create_key, verify_signature
from sealreg.publish.switch import switch_current
from sealreg.publish.verify import trust_from, verify_release

EXPECTED_TABLES = {
    "providers", "services", "objective_results", "criterion_results", "washing_flags", "cada_gates",
    "certifications", "decisions", "rejections", "service_history", "changes", "review_items", "reference_sources",
    "service_dependencies", "source_freshness",
}


def _files(root: Path) -> dict[str, bytes]:
    return {p.relative_to(root).as_posix(): p.read_bytes() for p in sorted(root.rglob("*")) if p.is_file()}


def test_layout_and_manifest(ctx):
    rel = build_release(ctx, extra_manifest={"note": "test"})
    assert rel == ctx.paths.releases / "2026-03-01-001"
    assert not any(p.name.startswith(".tmp-") for p in ctx.paths.releases.iterdir())
    assert set(PUBLISHED_TABLES) == EXPECTED_TABLES
    for t in EXPECTED_TABLES:
        assert (rel / "parquet" / f"{t}.parquet").is_file()
        assert (rel / "csv" / f"{t}.csv.gz").is_file()
    assert (rel / "validation" / "final.json").read_text() == '{"success": true}\n'
    assert (rel / "validation" / "docs" / "index.html").is_file()
    assert not (rel / "registry.duckdb.wal").exists()

    body = (rel / "manifest.json").read_bytes()
    m = json.loads(body)
    # compact: one line, no space after a separator (7.4 against 9.0 MiB indented at 10k providers)
    assert body == (json.dumps(m, sort_keys=True, separators=(",", ":"), ensure_ascii=False) + "\n").encode()
    assert m["release_id"] == "2026-03-01-001"
    assert m["as_of"] == "2026-03-01"
    assert m["weights_version"] == "calculator-2026"
    assert m["rulebook_version"] == RULEBOOK_VERSION
    assert m["run_id"] == ctx.run_id
    assert m["created_at"].endswith("Z")
    assert m["note"] == "test"
    assert [f["file_name"] for f in m["input_files"]] == ["alpha.json", "zeta.json"]
    assert m["input_files"][0] == {
        "file_name": "alpha.json", "file_sha256": "a" * 64, "size_bytes": 1024, "status": "accepted",
        "disclosure_id": "d-alpha-1",
    }
    assert m["reference_sources"] == [{"source": "gleif-level1", "kind": "gleif_level1", "file": "lei2.csv",
                                       "file_sha256": "a" * 64, "rows": 3, "first_loaded_on": "2026-03-01"}]
    record = json.loads(ctx.paths.decisions_log.read_text())
    assert m["decision_log_head"] == {"seq": 1, "decision_id": "dec-000001", "hash": record["hash"]}
    assert (rel / "trust" / "decision_log.jsonl").read_bytes() == ctx.paths.decisions_log.read_bytes()
    assert m["sequence"] == 1 and m["previous_release_id"] is None and m["backfill"] is False
    assert m["row_counts"]["services"] == 2 and m["row_counts"]["certifications"] == 3
    assert set(m["row_counts"]) == EXPECTED_TABLES
    assert m["table_keys"]["certifications"] == ["provider_id", "certificate_id", "service_id"]
    listed = set(m["files"])
    on_disk = {p.relative_to(rel).as_posix() for p in rel.rglob("*") if p.is_file()}
    assert listed == on_disk - {"manifest.json", "manifest.sig", "public_key.pem"}
    sums = (rel / "SHA256SUMS").read_text().splitlines()
    assert sums == [f"{m['files'][f]['sha256']}  {f}" for f in sorted(listed - {"SHA256SUMS"})]
    assert "registry.duckdb" in listed and "validation/final.json" in listed
    assert m["site"] is False  # stubbed out here (see conftest)
    assert m["files"]["registry.duckdb"]["size"] == (rel / "registry.duckdb").stat().st_size

    sig = (rel / "manifest.sig").read_text()
    assert len(base64.b64decode(sig)) == 64
    assert verify_signature((rel / "public_key.pem").read_bytes(), body, sig)
    assert verify_release(rel) == []


def test_release_duckdb_has_only_ordered_tables(ctx):
    rel = build_release(ctx)
    con = duckdb.connect(str(rel / "registry.duckdb"), read_only=True)
    try:
        tables = {r[0] for r in con.execute("SELECT table_name FROM duckdb_tables()").fetchall()}
        views = con.execute("SELECT view_name FROM duckdb_views() WHERE NOT internal").fetchall()
        assert tables == EXPECTED_TABLES
        assert views == []
        assert [r[0] for r in con.execute("SELECT service_id FROM services").fetchall()] == ["svc-a", "svc-b"]
        assert con.execute("SELECT certificate_id, service_id FROM certifications").fetchall() == [
            ("CERT-0", "svc-a"), ("CERT-1", "svc-a"), ("CERT-1", None),
        ]
    finally:
        con.close()
    csv = gzip.decompress((rel / "csv" / "cada_gates.csv.gz").read_bytes()).decode().splitlines()
    assert csv == ["service_id,level,gate,passed,gate_order,detail", "svc-a,1,ownership,true,,",
                   "svc-a,2,audit,true,,", "svc-b,1,ownership,false,,"]
    # the release file still opens once the warehouse is gone (no views onto the warehouse)
    ctx.run_warehouse.unlink()
    con = duckdb.connect(str(rel / "registry.duckdb"), read_only=True)
    assert con.execute("SELECT count(*) FROM service_history").fetchone()[0] == 3
    con.close()


def test_release_duckdb_has_small_blocks_and_opens_in_the_duckdb_1_5_cli(ctx):
    """registry.duckdb is written in 64 KiB blocks (a sixth of the 256 KiB default's bytes saved at 10k
    providers), and the DuckDB 1.5 CLI analysts use still reads it: the block size is in the file's header."""
    rel = build_release(ctx)
    db = rel / "registry.duckdb"
    con = duckdb.connect(str(db), read_only=True)
    try:
        assert con.execute("SELECT block_size FROM pragma_database_size()").fetchone()[0] == PUBLISHED_BLOCK_SIZE
        expected = con.execute("SELECT service_id, criterion_id, points FROM criterion_results").fetchall()
    finally:
        con.close()
    cli = Path(sys.executable).parent / "duckdb"  # duckdb-cli 1.5 from the dev extra
    proc = subprocess.run([str(cli), "-readonly", "-json", str(db), "-c",
                           "SELECT service_id, criterion_id, points::VARCHAR AS points FROM criterion_results"],
                          capture_output=True, text=True, timeout=60)
    assert proc.returncode == 0, proc.stderr
    assert [(r["service_id"], r["criterion_id"], r["points"]) for r in json.loads(proc.stdout)] == [
        (s, c, str(p)) for s, c, p in expected]


def test_release_ids_count_per_as_of(ctx):
    assert next_release_id(ctx.paths.releases, ctx.as_of) == "2026-03-01-001"
    a = build_release(ctx)
    (ctx.paths.releases / ".tmp-2026-03-01-009").mkdir()  # unfinished folders do not count
    (ctx.paths.releases / "2026-02-28-004").mkdir()  # another date does not count
    b = build_release(ctx)
    assert (a.name, b.name) == ("2026-03-01-001", "2026-03-01-002")


def test_determinism_same_inputs(ctx):
    a = build_release(ctx)
    b = build_release(ctx)
    fa, fb = _files(a), _files(b)
    assert fa.keys() == fb.keys()
    for name in fa:
        if name.startswith(("csv/", "parquet/", "validation/")) or name == "public_key.pem":
            assert fa[name] == fb[name], f"{name} differs between two releases of the same warehouse"
    ma, mb = json.loads(fa["manifest.json"]), json.loads(fb["manifest.json"])
    for k in ("created_at", "release_id", "sequence", "previous_release_id", "previous_manifest_sha256"):
        ma.pop(k), mb.pop(k)
    # registry.duckdb is not byte-identical (DuckDB's file header/block layout); its tables are
    for name in ("registry.duckdb", "SHA256SUMS"):  # (SHA256SUMS lists registry.duckdb's hash)
        ma["files"].pop(name), mb["files"].pop(name)
    # these name the release id, its creation time and (dcat.jsonld) registry.duckdb's hash
    for name in ("README.md", "datapackage.json", "dcat.jsonld"):
        ma["files"].pop(name), mb["files"].pop(name)
    assert ma == mb


def test_determinism_independent_of_warehouse_row_order(ctx, tmp_path):
    a = build_release(ctx)
    con = duckdb.connect(str(ctx.run_warehouse))
    for t in PUBLISHED_TABLES:  # rewrite every table in the reverse physical order
        con.execute(f"CREATE TABLE tmp_{t} AS SELECT * FROM {t} ORDER BY ALL DESC")
        con.execute(f"DROP TABLE {t}")
        con.execute(f"ALTER TABLE tmp_{t} RENAME TO {t}")
    con.close()
    b = build_release(ctx)
    for sub in ("csv", "parquet"):
        for p in sorted((a / sub).iterdir()):
            assert p.read_bytes() == (b / sub / p.name).read_bytes(), p.name


def test_exports_keep_key_order_across_row_groups(ctx):
    """Parquet and CSV are scanned from registry.duckdb's sorted copy: with several row groups (and
    two export threads) their rows are still in key order, the same order as the DuckDB table."""
    con = duckdb.connect(str(ctx.run_warehouse))
    con.execute("CREATE OR REPLACE TABLE criterion_results AS SELECT "
                "'svc-' || lpad(((i * 7919) % 300000)::VARCHAR, 6, '0') AS service_id, "
                "'SOV-1.' || (i % 3) AS criterion_id, 'SOV-1' AS objective, 1 AS rung, "
                "1.00::DECIMAL(10, 2) AS points, 2.00::DECIMAL(10, 2) AS max_points, 1 AS seal "
                "FROM range(300000) t(i)")
    con.close()
    rel = build_release(ctx)
    expected = [f"svc-{i:06d}" for i in range(300000)]
    con = duckdb.connect()
    try:
        con.execute(f"ATTACH '{rel}/registry.duckdb' AS g (READ_ONLY)")
        groups = con.execute("SELECT count(DISTINCT row_group_id) FROM pragma_storage_info('g.criterion_results')")
        assert groups.fetchone()[0] == -(-300000 // PUBLISHED_ROW_GROUP_SIZE) == 2  # 245,760 rows a group
        con.execute("DETACH g")
        for source in (f"'{rel}/registry.duckdb'", f"read_parquet('{rel}/parquet/criterion_results.parquet')",
                       f"read_csv('{rel}/csv/criterion_results.csv.gz')"):
            if source.startswith("'"):
                con.execute(f"ATTACH {source} AS r (READ_ONLY)")
                source = "r.criterion_results"
            assert [row[0] for row in con.execute(f"SELECT service_id FROM {source}").fetchall()] == expected, source
    finally:
        con.close()
    # the DuckDB 1.5 CLI analysts use reads the two row groups of PUBLISHED_ROW_GROUP_SIZE rows in the same order
    cli = Path(sys.executable).parent / "duckdb"
    proc = subprocess.run([str(cli), "-readonly", "-csv", "-noheader", str(rel / "registry.duckdb"), "-c",
                           "SELECT service_id FROM criterion_results"], capture_output=True, text=True, timeout=120)
    assert proc.returncode == 0, proc.stderr
    assert proc.stdout.split() == expected


def test_parquet_export_is_zstd_at_the_named_level_and_smaller_than_the_default(ctx, tmp_path):
    """The Parquet exports use zstd level PARQUET_ZSTD_LEVEL: the same rows in fewer bytes than DuckDB's
    default level writes them, and two builds still give the same bytes."""
    con = duckdb.connect(str(ctx.run_warehouse))
    con.execute("CREATE OR REPLACE TABLE criterion_results AS SELECT "
                "'svc-' || lpad((i // 48)::VARCHAR, 6, '0') AS service_id, 'SOV-' || (i % 8) || '.' || (i % 6) "
                "AS criterion_id, 'SOV-' || (i % 8) AS objective, (i * 7) % 5 AS rung, "
                "((i * 13) % 9 / 4)::DECIMAL(10, 2) AS points, 2.00::DECIMAL(10, 2) AS max_points, (i * 3) % 5 AS seal "
                "FROM range(200000) t(i)")
    con.close()
    a, b = build_release(ctx), build_release(ctx)
    published = a / "parquet" / "criterion_results.parquet"
    assert published.read_bytes() == (b / "parquet" / "criterion_results.parquet").read_bytes()
    default = tmp_path / "default.parquet"
    con = duckdb.connect()
    try:
        con.execute(f"COPY (SELECT * FROM read_parquet('{published}')) TO '{default}' "
                    "(FORMAT parquet, COMPRESSION zstd, ROW_GROUP_SIZE 122880)")
        assert con.execute(f"SELECT * FROM read_parquet('{published}') EXCEPT ALL "
                           f"SELECT * FROM read_parquet('{default}')").fetchall() == []
    finally:
        con.close()
    assert PARQUET_ZSTD_LEVEL > 3 and published.stat().st_size < default.stat().st_size


def test_missing_table_publishes_nothing(ctx):
    con = duckdb.connect(str(ctx.run_warehouse))
    con.execute("DROP TABLE changes")
    con.close()
    with pytest.raises(ReleaseError, match="changes"):
        build_release(ctx)
    assert list(ctx.paths.releases.iterdir()) == []


def test_extra_manifest_cannot_override(ctx):
    with pytest.raises(ReleaseError):
        build_release(ctx, extra_manifest={"release_id": "forged"})
    assert list(ctx.paths.releases.iterdir()) == []


def test_tampered_parquet_is_named(ctx):
    rel = build_release(ctx)
    p = rel / "parquet" / "services.parquet"
    data = bytearray(p.read_bytes())
    data[len(data) // 2] ^= 0xFF  # same size, different bytes
    p.write_bytes(bytes(data))
    problems = verify_release(rel)
    assert len(problems) == 1 and problems[0].file == "parquet/services.parquet" and problems[0].code == "V005"


def test_tampered_csv_size_missing_and_extra_files(ctx):
    rel = build_release(ctx)
    with open(rel / "csv" / "services.csv.gz", "ab") as f:
        f.write(gzip.compress(b"svc-x,prov-x,Forged,IaaS,100,4,4,listed,,calculator-2026,2026-03-01\n"))
    (rel / "csv" / "decisions.csv.gz").unlink()
    (rel / "csv" / "extra.csv").write_text("x\n")
    problems = "\n".join(p.line() for p in verify_release(rel))
    assert "csv/services.csv.gz: V005 $: size" in problems
    assert "csv/decisions.csv.gz: V001 $: missing" in problems
    assert "csv/extra.csv: V006 $: not listed" in problems


def test_tampered_manifest_fails_signature(ctx):
    rel = build_release(ctx)
    m = json.loads((rel / "manifest.json").read_text())
    m["row_counts"]["services"] = 99
    (rel / "manifest.json").write_text(json.dumps(m, sort_keys=True, indent=2) + "\n")
    problems = verify_release(rel)
    assert [(p.code, p.file) for p in problems] == [("V002", "manifest.json")]


def test_resigned_with_other_key_needs_trusted_key(ctx, tmp_path):
    from tests.publish.test_release_trust import _resign_with_other_key

    rel = build_release(ctx)
    home_key = (rel / "public_key.pem").read_bytes()
    _resign_with_other_key(rel, tmp_path / "evil")  # an attacker alters a file and signs with their own key
    assert verify_release(rel) == []  # self-consistent ...
    trust, _ = trust_from([home_key], [])
    problems = verify_release(rel, trust)  # ... but not by the registry's key
    assert [(p.code, p.file) for p in problems] == [("V003", "public_key.pem")]


def test_key_file_modes(ctx):
    build_release(ctx)
    key = ctx.paths.keys / PRIVATE_KEY_FILE
    assert stat.S_IMODE(key.stat().st_mode) == 0o600
    assert stat.S_IMODE(ctx.paths.keys.stat().st_mode) == 0o700
    # the same key is reused by the next release
    a = load_or_create_key(ctx.paths.keys)
    b = load_or_create_key(ctx.paths.keys)
    assert a.private_bytes_raw() == b.private_bytes_raw()
    os.chmod(key, 0o644)
    load_or_create_key(ctx.paths.keys)
    assert stat.S_IMODE(key.stat().st_mode) == 0o600


def test_build_then_switch(ctx):
    rel = build_release(ctx)
    switch_current(ctx, rel)
    assert os.readlink(ctx.paths.current) == "releases/2026-03-01-001"
    assert ctx.paths.current_release() == rel.resolve()
    assert verify_release(ctx.paths.current) == []


def test_real_site_is_listed_and_verifies(ctx, real_site):
    rel = build_release(ctx)
    m = json.loads((rel / "manifest.json").read_text())
    assert m["site"] is True
    assert "site/index.html" in m["files"]
    assert not (rel / "site.tmp").exists()
    assert verify_release(rel) == []


def test_the_lineage_events_ship_gzipped_with_the_same_bytes_from_build_to_build(ctx):
    """The run's OpenLineage events travel as `lineage/<file>.gz` (a tenth of the bytes, written every
    night): the same events unpack from it, two builds give the same bytes, and verify lists it."""
    from sealreg.lineage import DBT_EVENTS_FILE, lineage_dir

    events = "".join(json.dumps({"eventType": kind, "job": {"name": f"model.{i}"}, "schema": "x" * 200}) + "\n"
                     for i in range(300) for kind in ("START", "COMPLETE")).encode()
    lineage_dir(ctx).mkdir(parents=True)
    (lineage_dir(ctx) / DBT_EVENTS_FILE).write_bytes(events)
    (lineage_dir(ctx) / "elsewhere.jsonl").symlink_to(ctx.paths.decisions_log)  # a link is not followed
    a, b = build_release(ctx), build_release(ctx)
    shipped = a / "lineage" / f"{DBT_EVENTS_FILE}.gz"
    assert sorted(p.name for p in (a / "lineage").iterdir()) == [shipped.name]
    assert gzip.decompress(shipped.read_bytes()) == events
    assert shipped.read_bytes() == (b / "lineage" / shipped.name).read_bytes()
    assert shipped.stat().st_size < len(events) / 10
    manifest = json.loads((a / "manifest.json").read_bytes())
    assert f"lineage/{shipped.name}" in manifest["files"] and verify_release(a) == []
