"""Format 1.1 `services[].open_source`: the SPDX licence check (E006 naming the id) and its raw load."""

from __future__ import annotations

import duckdb
import pytest

from ingestion.ingest import run_ingest
from ingestion.rulebook import MAX_LICENSE, MAX_REPOSITORY_URL

REPO = "https://code.example.eu/alpha"


def _doc(factory, open_source, version: str = "1.1") -> dict:
    doc = factory.disclosure("alpha", n_services=2)
    doc["schema_version"] = version
    doc["services"][0]["open_source"] = open_source
    return doc


def _problems(factory, open_source) -> list:
    return factory.problems_of(_doc(factory, open_source))


def _rows(ctx, sql: str) -> list[tuple]:
    con = duckdb.connect(str(ctx.run_warehouse), read_only=True)
    try:
        return con.execute(sql).fetchall()
    finally:
        con.close()


@pytest.mark.parametrize("license_", [
    "Apache-2.0", "MIT OR Apache-2.0", "GPL-2.0-only WITH Classpath-exception-2.0", "BUSL-1.1",
    "LicenseRef-acme-community-1.0", "(MIT AND BSD-3-Clause) OR LicenseRef-x", "mit",
])
def test_valid_licence_expressions_are_accepted(factory, license_):
    assert _problems(factory, {"repository": REPO, "license": license_}) == []


@pytest.mark.parametrize(("license_", "named"), [
    ("Apache 2.0", '"Apache 2.0"'),
    ("MIT OR Foo-1.0", '"Foo-1.0"'),
    ("GPL-2.0-only WITH MIT", '"MIT"'),
    ("GPL-2.0-only WITH Bogus-exception", '"Bogus-exception"'),
    ("MIT AND (Apache-2.0", "unbalanced parentheses"),
    ("MIT AND", "AND"),
])
def test_unknown_ids_and_bad_syntax_are_E006_naming_the_offender(factory, license_, named):
    (problem,) = _problems(factory, {"repository": REPO, "license": license_})
    assert (problem.code, problem.path) == ("E006", "$.services[0].open_source.license")
    assert named in problem.message


def test_licence_over_200_characters_is_E006(factory):
    long_expression = " OR ".join(["MIT"] * 60)
    assert len(long_expression) > MAX_LICENSE
    (problem,) = _problems(factory, {"repository": REPO, "license": long_expression})
    assert (problem.code, problem.path) == ("E006", "$.services[0].open_source.license")
    assert "limit is 200" in problem.message


@pytest.mark.parametrize("url", ["http://code.example.eu/alpha", "ftp://x.example", "code.example.eu",
                                 "https://" + "a" * MAX_REPOSITORY_URL, "https://exa mple.eu"])
def test_repository_must_be_an_https_url_of_at_most_500_characters(factory, url):
    (problem,) = _problems(factory, {"repository": url, "license": "MIT"})
    assert (problem.code, problem.path) == ("E006", "$.services[0].open_source.repository")


def test_open_source_needs_both_fields_and_no_others(factory):
    found = {(p.code, p.path) for p in _problems(factory, {"license": "MIT", "licence": "MIT"})}
    assert found == {("E003", "$.services[0].open_source.repository"), ("E004", "$.services[0].open_source.licence")}


@pytest.mark.parametrize("value", ["MIT", ["MIT"], None, 3])
def test_open_source_that_is_not_an_object_is_E005(factory, value):
    (problem,) = _problems(factory, value)
    assert (problem.code, problem.path) == ("E005", "$.services[0].open_source")


def test_licence_that_is_not_a_string_is_E005(factory):
    (problem,) = _problems(factory, {"repository": REPO, "license": ["MIT"]})
    assert (problem.code, problem.path) == ("E005", "$.services[0].open_source.license")


def test_open_source_in_a_version_1_file_is_E004(factory):
    (problem,) = factory.problems_of(_doc(factory, {"repository": REPO, "license": "MIT"}, version="1"))
    assert (problem.code, problem.path) == ("E004", "$.services[0].open_source")


def test_licence_ids_are_loaded_one_row_each_in_spdx_case(ctx, factory):
    doc = _doc(factory, {"repository": REPO, "license": "gpl-2.0-only WITH Classpath-exception-2.0 OR mit"})
    factory.write(ctx.inbox, "alpha.json", doc)
    assert run_ingest(ctx)["accepted"] == 1
    assert _rows(ctx, "SELECT * FROM raw.open_source_licenses ORDER BY license_id") == [
        ("alpha-2026-11-01", "alpha-s0", REPO, "gpl-2.0-only WITH Classpath-exception-2.0 OR mit",
         "Classpath-exception-2.0", True),
        ("alpha-2026-11-01", "alpha-s0", REPO, "gpl-2.0-only WITH Classpath-exception-2.0 OR mit",
         "GPL-2.0-only", False),
        ("alpha-2026-11-01", "alpha-s0", REPO, "gpl-2.0-only WITH Classpath-exception-2.0 OR mit", "MIT", False),
    ]


def test_a_bad_licence_rejects_the_file_and_loads_nothing_but_the_batch_goes_on(ctx, factory):
    factory.write(ctx.inbox, "alpha.json", _doc(factory, {"repository": REPO, "license": "Apache 2.0"}))
    beta = factory.disclosure("beta")
    factory.write(ctx.inbox, "beta.json", beta)
    result = run_ingest(ctx)
    assert (result["accepted"], result["rejected"]) == (1, 1)
    assert _rows(ctx, "SELECT count(*) FROM raw.open_source_licenses") == [(0,)]
    assert _rows(ctx, "SELECT file, code, path FROM raw.rejections") == [
        ("alpha.json", "E006", "$.services[0].open_source.license")]
