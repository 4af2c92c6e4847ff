"""`README.md` of a release: what the files are, how to verify them, how to query them, which contract."""

from __future__ import annotations

from typing import Any


def _cell(text: str) -> str:
    """Text safe in a Markdown table cell."""
    return (text or "").replace("|", "\\|")


def _files(has_docs: bool) -> list[tuple[str, str]]:
    """(path, what it is) of each kind of file in a release."""
    files = [
        ("registry.duckdb", "every table below in one DuckDB file (schema `main`)"),
        ("parquet/<table>.parquet", "each table as Parquet; every column carries its description "
                                    "(Arrow field metadata)"),
        ("csv/<table>.csv.gz", "each table as gzipped CSV (UTF-8, header, comma); text a spreadsheet would run "
                               "as a formula starts with `'`"),
        ("rulebook/", "the rulebook the figures were computed with: criteria and rungs, objective weights, "
                      "countries (CSV and Parquet)"),
        ("datapackage.json", "Frictionless Data Package v2: every file with its schema, field types and "
                             "descriptions, keys, sha256 and licence"),
        ("dcat.jsonld", "DCAT-AP 3 metadata, for open-data portals"),
        ("contract/", "the registry contract this release follows and its changelog"),
    ]
    if has_docs:
        files.append(("docs/index.html", "the dbt documentation: every model, column and test, and the lineage "
                                         "from each published column back to the disclosure field and the "
                                         "rulebook seed (opens offline)"))
    return files + [
        ("site/index.html", "the public registry site"),
        ("validation/", "the data-quality report of the run"),
        ("trust/", "the regulator's decision records and the signing-key rotations"),
        ("manifest.json", "what the release holds and the sha256 of every file; `manifest.sig` signs it"),
        ("SHA256SUMS", "the same digests for `sha256sum -c`"),
    ]


def release_readme(release: dict[str, Any], fingerprint: str, tables: list[tuple[str, str, int]],
                   rulebook: list[str], has_docs: bool) -> str:
    """The README text. `release`: release_id, as_of, created_at, contract_version, weights_version,
    rulebook_version; `tables`: (name, description, rows) of each published table."""
    rid = release["release_id"]
    lines = [
        f"# Sovereign cloud registry, release {rid}",
        "",
        f"Evaluated on {release['as_of']}, published {release['created_at']}, with the weights "
        f"`{release['weights_version']}` and the rulebook `{release['rulebook_version']}`.",
        "",
        f"**Registry contract version {release['contract_version']}.** The tables, columns and keys below are",
        "stable within a contract version; `contract/CHANGELOG.md` says what changed between versions and",
        "from which release, and `contract/registry-contract.md` is the contract itself.",
        "",
        "## What is in this folder",
        "",
        "| Path | What |",
        "|---|---|",
    ]
    lines += [f"| `{path}` | {what} |" for path, what in _files(has_docs)]
    lines += [
        "",
        "## Tables",
        "",
        "| Table | Rows | What |",
        "|---|---:|---|",
    ]
    lines += [f"| `{name}` | {rows:,} | {_cell(text)} |" for name, text, rows in tables]
    if rulebook:
        lines += ["", "Rulebook: " + ", ".join(f"`rulebook/{t}.csv`" for t in rulebook) + "."]
    lines += [
        "",
        "## Verify it",
        "",
        "The manifest lists the sha256 of every file and is signed with the registry's Ed25519 key, whose",
        "fingerprint is:",
        "",
        f"    {fingerprint}",
        "",
        "Compare it with the one the registry publishes, then:",
        "",
        f"    sealreg verify RELEASE_DIR --fingerprint {fingerprint}",
        "",
        "or, without sealreg, check the files with `sha256sum -c SHA256SUMS` from this folder and the",
        "signature with openssl (`scripts/verify-release.sh` in the sealreg sources).",
        "",
        "## Query it",
        "",
        "    duckdb -readonly registry.duckdb \\",
        "      \"SELECT service_id, name, seal, ual, status FROM services ORDER BY service_id\"",
        "",
        "    python -c \"import duckdb; print(duckdb.sql(\\\"FROM 'parquet/services.parquet' LIMIT 5\\\"))\"",
        "",
        "Every column's description is in `datapackage.json`, in `docs/index.html` and in the Parquet files:",
        "`pyarrow.parquet.read_schema('parquet/services.parquet').field('seal').metadata`.",
        "",
    ]
    return "\n".join(lines)
