"""Enrolment end to end: `sealreg enroll`, signed and unsigned disclosures of enrolled providers through a real
refresh, `providers.disclosure_signed` published, and hostile file names neutralised in the CSV exports."""

from __future__ import annotations

import base64
import csv
import gzip
import shutil

import duckdb
import pytest
from cryptography.hazmat.primitives import serialization
from cryptography.hazmat.primitives.asymmetric.ed25519 import Ed25519PrivateKey

from tests.helpers import SAMPLE_AS_OF, SAMPLES, sealreg_cli

SIGNED, UNSIGNED = "aurora-cloud", "bluefjord"
FORMULA_NAME = "=HYPERLINK(x)@evil.json"


@pytest.fixture(scope="module")
def enrolled_home(tmp_path_factory):
    root = tmp_path_factory.mktemp("enrol")
    inbox, home = root / "inbox", root / "home"
    shutil.copytree(SAMPLES, inbox)
    (inbox / FORMULA_NAME).write_bytes(b"[]")
    for provider in (SIGNED, UNSIGNED):
        key = Ed25519PrivateKey.generate()
        pub = root / f"{provider}.pub"
        pub.write_bytes(key.public_key().public_bytes(serialization.Encoding.PEM,
                                                      serialization.PublicFormat.SubjectPublicKeyInfo))
        proc = sealreg_cli("enroll", provider, "--public-key", str(pub), "--by", "Registrar A", "--home", str(home))
        assert proc.returncode == 0, proc.stderr
        assert "enroll" in proc.stdout
        if provider == SIGNED:
            for path in inbox.glob(f"{provider}-*.json"):
                path.with_name(path.name + ".sig").write_bytes(base64.b64encode(key.sign(path.read_bytes())))
    proc = sealreg_cli("refresh", "--inbox", str(inbox), "--home", str(home), "--as-of", SAMPLE_AS_OF)
    assert proc.returncode == 0, proc.stdout + proc.stderr
    return home


def _query(home, sql):
    con = duckdb.connect(str(home / "current" / "registry.duckdb"), read_only=True)
    try:
        return con.execute(sql).fetchall()
    finally:
        con.close()


def test_signed_disclosure_is_published_as_signed_and_others_as_unsigned(enrolled_home):
    rows = dict(_query(enrolled_home, "SELECT provider_id, disclosure_signed FROM providers"))
    assert rows[SIGNED] is True
    assert UNSIGNED not in rows  # enrolled but unsigned: refused
    assert sum(rows.values()) == 1 and len(rows) > 5


def test_unsigned_file_of_an_enrolled_provider_is_rejected_with_E019(enrolled_home):
    codes = _query(enrolled_home, f"SELECT code FROM rejections WHERE file LIKE '{UNSIGNED}-%'")
    assert codes == [("E019",)]


def test_a_rejected_file_name_starting_a_formula_is_neutralised_in_the_csv(enrolled_home):
    with gzip.open(enrolled_home / "current" / "csv" / "rejections.csv.gz", "rt", newline="") as fh:
        files = [row["file"] for row in csv.DictReader(fh)]
    assert "'" + FORMULA_NAME in files and FORMULA_NAME not in files
    assert (FORMULA_NAME,) in _query(enrolled_home, "SELECT file FROM rejections")  # exact in DuckDB and Parquet


def test_enroll_refuses_a_non_ed25519_key_and_a_second_registration_of_a_key(tmp_path):
    bad = tmp_path / "bad.pub"
    bad.write_text("-----BEGIN PUBLIC KEY-----\nAAAA\n-----END PUBLIC KEY-----\n")
    proc = sealreg_cli("enroll", "acme", "--public-key", str(bad), "--by", "A", "--home", str(tmp_path / "h"))
    assert proc.returncode == 1 and "refused" in proc.stderr
