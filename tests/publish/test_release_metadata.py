"""What a release carries for analysts and auditors: contract version, README, rulebook, data dictionary
in Parquet, datapackage.json (validated against the official Data Package 2.0 schema), dcat.jsonld
(parsed as JSON-LD), all of it signed and checked by `sealreg verify`."""

from __future__ import annotations

import csv
import datetime as dt
import hashlib
import json
import shutil
from pathlib import Path

import duckdb
import jsonschema
import pyarrow.parquet as pq
import pytest
import rdflib
from rdflib.namespace import DCAT, DCTERMS, FOAF, OWL, RDF

from sealreg.publish.contract import CONTRACT_VERSION
from sealreg.publish.datapackage import FOREIGN_KEYS
from sealreg.publish.release import TABLE_KEYS
from sealreg.publish.verify import verify_release
from tests.helpers import REPO

SCHEMA = Path(__file__).parent / "schemas" / "datapackage-2.0.json"
SPDX = rdflib.Namespace("http://spdx.org/rdf/terms#")
METADATA_FILES = ("README.md", "datapackage.json", "dcat.jsonld", "docs/index.html", "contract/CHANGELOG.md",
                  "contract/columns.json",
                  "contract/registry-contract.md", "rulebook/csf_criteria.csv", "rulebook/csf_criteria.parquet",
                  "rulebook/csf_weights.csv", "rulebook/csf_weights.parquet", "rulebook/countries.csv",
                  "rulebook/countries.parquet")


@pytest.fixture(scope="module")
def release(sample_home) -> Path:
    return (sample_home / "current").resolve()


@pytest.fixture(scope="module")
def manifest(release) -> dict:
    return json.loads((release / "manifest.json").read_text())


@pytest.fixture(scope="module")
def package(release) -> dict:
    return json.loads((release / "datapackage.json").read_text())


def _sha256(path: Path) -> str:
    return hashlib.sha256(path.read_bytes()).hexdigest()


def test_the_manifest_readme_and_changelog_carry_contract_version_2(release, manifest, package):
    assert CONTRACT_VERSION == 2
    assert manifest["contract_version"] == 2
    readme = (release / "README.md").read_text()
    assert "**Registry contract version 2.**" in readme
    assert f"release {manifest['release_id']}" in readme and manifest["created_at"] in readme
    assert f"--fingerprint {manifest['public_key_sha256']}" in readme
    for table, rows in manifest["row_counts"].items():  # every table, with its row count
        assert f"| `{table}` | {rows:,} |" in readme
    changelog = (release / "contract" / "CHANGELOG.md").read_text()
    assert changelog == (REPO / "docs" / "CHANGELOG-contract.md").read_text()
    assert "## Version 2" in changelog and "new dbt model version" in " ".join(changelog.split())
    contract_text = (REPO / "spec" / "registry-contract.md").read_bytes()
    assert (release / "contract" / "registry-contract.md").read_bytes() == contract_text
    columns = json.loads((release / "contract" / "columns.json").read_text())
    assert columns["services"]["sovereignty_score"] == "double" and set(columns) == set(manifest["row_counts"])
    assert package["sealreg:contract_version"] == 2


def test_every_metadata_file_is_signed_and_an_altered_one_fails_verify(release, manifest, tmp_path):
    sums = dict(reversed(line.split("  ", 1)) for line in (release / "SHA256SUMS").read_text().splitlines())
    for rel in METADATA_FILES:
        assert manifest["files"][rel]["sha256"] == _sha256(release / rel) == sums[rel], rel
    assert verify_release(release) == []
    copy = tmp_path / "copy"
    shutil.copytree(release, copy, symlinks=True)
    (copy / "datapackage.json").write_text((copy / "datapackage.json").read_text().replace('"integer"', '"string"'))
    problems = verify_release(copy)
    assert [(p.code, p.file) for p in problems] == [("V005", "datapackage.json")]


def test_datapackage_is_valid_against_the_official_data_package_2_schema(package):
    schema = json.loads(SCHEMA.read_text())
    jsonschema.Draft7Validator.check_schema(schema)
    jsonschema.validate(package, schema)
    assert package["$schema"] == "https://datapackage.org/profiles/2.0/datapackage.json"
    assert package["licenses"][0]["name"] == "CC-BY-4.0"
    broken = {**package, "resources": [{k: v for k, v in package["resources"][0].items() if k != "path"}]}
    with pytest.raises(jsonschema.ValidationError):  # the schema check can fail: a resource needs path or data
        jsonschema.validate(broken, schema)


def test_datapackage_resources_match_the_files_columns_and_keys(release, manifest, package):
    resources = {r["name"]: r for r in package["resources"]}
    con = duckdb.connect(str(release / "registry.duckdb"), read_only=True)
    try:
        for table in manifest["row_counts"]:
            for name, path in ((table, f"parquet/{table}.parquet"), (f"{table}-csv", f"csv/{table}.csv.gz")):
                res = resources[name]
                assert res["path"] == path
                assert res["hash"] == f"sha256:{_sha256(release / path)}"
                assert res["bytes"] == (release / path).stat().st_size
                cols = [r[0] for r in con.execute(f"DESCRIBE {table}").fetchall()]
                assert [f["name"] for f in res["schema"]["fields"]] == cols
                assert all(f["description"] for f in res["schema"]["fields"]), name  # dbt YAML documents every column
                assert res["schema"]["primaryKey"] == list(TABLE_KEYS[table])
        seal = next(f for f in resources["services"]["schema"]["fields"] if f["name"] == "seal")
        assert seal["type"] == "integer" and "SEAL" in seal["description"]
        points = next(f for f in resources["criterion_results"]["schema"]["fields"] if f["name"] == "points")
        assert points["type"] == "number"
        rung_points = next(f for f in resources["csf_criteria"]["schema"]["fields"] if f["name"] == "points")
        assert rung_points["type"] == "number" and rung_points["sealreg:duckdbType"] == "DECIMAL(10,2)"
        assert {"csf_criteria", "csf_weights", "countries"} <= set(resources)
        # every declared foreign key holds in the data, and is declared on both formats
        for table, cols, parent, pcols in FOREIGN_KEYS:
            fk = {"fields": list(cols), "reference": {"resource": parent, "fields": list(pcols)}}
            assert fk in resources[table]["schema"]["foreignKeys"]
            assert {**fk, "reference": {**fk["reference"], "resource": f"{parent}-csv"}} in \
                resources[f"{table}-csv"]["schema"]["foreignKeys"]
            on = " AND ".join(f"c.{a} = p.{b}" for a, b in zip(cols, pcols, strict=True))
            orphans = con.execute(f"SELECT count(*) FROM {table} c ANTI JOIN {parent} p ON {on}").fetchone()[0]
            assert orphans == 0, (table, cols, parent)
    finally:
        con.close()


def test_parquet_fields_carry_the_descriptions_and_the_same_rows(release, package):
    resources = {r["name"]: r for r in package["resources"]}
    schema = pq.read_schema(release / "parquet" / "services.parquet")
    described = {f["name"]: f["description"] for f in resources["services"]["schema"]["fields"]}
    assert schema.field("seal").metadata[b"description"].decode() == described["seal"]
    assert schema.metadata[b"sealreg:contract_version"] == b"2"
    assert schema.metadata[b"description"].decode() == resources["services"]["description"]
    con = duckdb.connect(str(release / "registry.duckdb"), read_only=True)
    try:
        for table in ("services", "criterion_results", "service_history", "providers"):
            path = f"'{release / 'parquet' / f'{table}.parquet'}'"
            assert con.execute(f"DESCRIBE FROM {path}").fetchall() == con.execute(f"DESCRIBE {table}").fetchall()
            assert con.execute(f"SELECT count(*) FROM (FROM {path} EXCEPT ALL FROM {table})").fetchone()[0] == 0
            assert con.execute(f"SELECT count(*) FROM {path}").fetchone() == con.execute(
                f"SELECT count(*) FROM {table}").fetchone()
    finally:
        con.close()


def test_parquet_written_once_by_duckdb_shows_arrow_readers_its_plain_types(release, tmp_path):
    """The dictionary rides in DuckDB's KV_METADATA (ARROW:schema): the Arrow types are those of a plain COPY."""
    con = duckdb.connect(str(release / "registry.duckdb"), read_only=True)
    try:
        for table in TABLE_KEYS:
            plain = tmp_path / f"{table}.parquet"
            con.execute(f"COPY (SELECT * FROM {table} LIMIT 0) TO '{plain}' (FORMAT parquet)")
            shipped = pq.read_schema(release / "parquet" / f"{table}.parquet")
            assert [(f.name, f.type) for f in shipped] == [(f.name, f.type) for f in pq.read_schema(plain)], table
            assert shipped.metadata[b"sealreg:table"] == table.encode()
            created_by = pq.ParquetFile(release / "parquet" / f"{table}.parquet").metadata.created_by
            assert created_by.startswith("DuckDB"), created_by  # not rewritten by pyarrow
    finally:
        con.close()
    criteria = pq.read_schema(release / "rulebook" / "csf_criteria.parquet")
    assert criteria.metadata[b"sealreg:table"] == b"csf_criteria"
    assert any(f.metadata and f.metadata.get(b"description") for f in criteria)


def test_the_rulebook_seeds_ship_as_the_run_used_them(release):
    for seed in ("csf_criteria", "csf_weights", "countries"):
        with open(REPO / "dbt_project" / "seeds" / f"{seed}.csv", newline="") as f:
            expected = list(csv.reader(f))
        con = duckdb.connect()
        shipped = con.execute(f"SELECT count(*) FROM '{release / 'rulebook' / f'{seed}.parquet'}'").fetchone()[0]
        with open(release / "rulebook" / f"{seed}.csv", newline="") as f:
            rows = list(csv.reader(f))
        assert rows[0] == expected[0] and len(rows) == len(expected) and shipped == len(expected) - 1
        key = 0
        assert sorted(r[key] for r in rows[1:]) == sorted(r[key] for r in expected[1:])


def test_dcat_parses_as_json_ld_with_a_distribution_per_download(release, manifest):
    graph = rdflib.Graph().parse(release / "dcat.jsonld", format="json-ld")
    datasets = list(graph.subjects(RDF.type, DCAT.Dataset))
    assert len(datasets) == 1
    ds = datasets[0]
    created = dt.datetime.fromisoformat(manifest["created_at"].replace("Z", "+00:00"))
    assert graph.value(ds, DCTERMS.issued).toPython() == created == graph.value(ds, DCTERMS.modified).toPython()
    assert graph.value(ds, DCTERMS.license) == rdflib.URIRef(
        "http://publications.europa.eu/resource/authority/licence/CC_BY_4_0")
    assert graph.value(graph.value(ds, DCTERMS.publisher), FOAF.name)
    standard = graph.value(ds, DCTERMS.conformsTo)
    assert str(graph.value(standard, OWL.versionInfo)) == "2"
    distributions = list(graph.objects(ds, DCAT.distribution))
    urls = {}
    for d in distributions:
        url = graph.value(d, DCAT.downloadURL)
        assert graph.value(d, DCAT.accessURL) == url and graph.value(d, DCTERMS.format) is not None
        urls[Path(rdflib.URIRef(url).replace("file://", "")).resolve().relative_to(release).as_posix()] = d
    tables = manifest["row_counts"]
    seeds = ("csf_criteria", "csf_weights", "countries")
    expected = ({"registry.duckdb", "datapackage.json"} | {f"parquet/{t}.parquet" for t in tables}
                | {f"csv/{t}.csv.gz" for t in tables}
                | {f"rulebook/{s}.{x}" for s in seeds for x in ("csv", "parquet")})
    assert set(urls) == expected
    for rel, d in urls.items():
        assert int(graph.value(d, DCAT.byteSize)) == manifest["files"][rel]["size"]
        checksum = graph.value(d, SPDX.checksum)
        assert str(graph.value(checksum, SPDX.checksumValue)) == manifest["files"][rel]["sha256"]
