"""Format 1.1 `services[].runs_on`: every rule of spec/disclosure-v1.md "Version 1.1", and its raw load."""

from __future__ import annotations

import duckdb
import pytest

from ingestion.ingest import run_ingest
from ingestion.rulebook import MAX_RUNS_ON

EU_PLATFORM = {"platform": "Nordic Bare Metal", "operator_name": "Nordic Metal Oy", "operator_country": "FI"}
US_PLATFORM = {"platform": "Example Hyperscale Compute", "operator_name": "Example Cloud Inc.",
               "operator_country": "US"}


def _doc(factory, runs_on, version: str = "1.1", provider: str = "alpha") -> dict:
    doc = factory.disclosure(provider, n_services=2)
    doc["schema_version"] = version
    doc["services"][0]["runs_on"] = runs_on
    return doc


def _runs_on_paths(factory, runs_on) -> set[tuple[str, str]]:
    return factory.codes_paths(_doc(factory, runs_on))


def test_version_1_1_file_with_both_shapes_is_accepted(factory):
    assert factory.problems_of(_doc(factory, [{"service_id": "alpha-s1"}, {"service_id": "other-iaas"},
                                              EU_PLATFORM, US_PLATFORM])) == []


def test_version_1_1_file_without_new_fields_and_version_1_file_are_accepted(factory):
    doc = factory.disclosure()
    assert factory.problems_of(doc) == []
    doc["schema_version"] = "1.1"
    assert factory.problems_of(doc) == []
    assert factory.problems_of(_doc(factory, [])) == []


def test_unsupported_version_names_both_readable_versions_in_E002(factory):
    doc = factory.disclosure()
    doc["schema_version"] = "1.2"
    (problem,) = factory.problems_of(doc)
    assert (problem.code, problem.path) == ("E002", "$.schema_version")
    assert '"1" and "1.1"' in problem.message


@pytest.mark.parametrize("field", ["runs_on", "open_source"])
def test_a_1_1_field_in_a_version_1_file_is_rejected_with_E004(factory, field):
    doc = factory.disclosure()
    doc["services"][0][field] = [] if field == "runs_on" else {"repository": "https://x.example", "license": "MIT"}
    assert factory.codes_paths(doc) == {("E004", f"$.services[0].{field}")}


def test_runs_on_in_a_version_1_file_says_which_version_it_needs(factory):
    (problem,) = factory.problems_of(_doc(factory, [EU_PLATFORM], version="1"))
    assert problem.code == "E004" and 'schema_version "1.1"' in problem.message


@pytest.mark.parametrize("value", [{"service_id": "x"}, "alpha-s1", None, 3])
def test_runs_on_that_is_not_an_array_is_rejected_with_E005(factory, value):
    assert _runs_on_paths(factory, value) == {("E005", "$.services[0].runs_on")}


@pytest.mark.parametrize("item", ["alpha-s1", ["alpha-s1"], None, 7])
def test_runs_on_item_that_is_not_an_object_is_rejected_with_E005(factory, item):
    assert _runs_on_paths(factory, [item]) == {("E005", "$.services[0].runs_on[0]")}


def test_runs_on_with_more_than_50_items_is_rejected_with_E006(factory):
    items = [{"service_id": f"dep-{i:02d}"} for i in range(MAX_RUNS_ON)]
    assert _runs_on_paths(factory, items) == set()
    assert _runs_on_paths(factory, items + [{"service_id": "dep-last"}]) == {("E006", "$.services[0].runs_on")}


@pytest.mark.parametrize("sid", ["A-upper", "x", "-lead", "has space", "a" * 65, ""])
def test_runs_on_service_id_off_the_id_pattern_is_rejected_with_E006(factory, sid):
    assert _runs_on_paths(factory, [{"service_id": sid}]) == {("E006", "$.services[0].runs_on[0].service_id")}


def test_runs_on_service_id_of_wrong_type_is_rejected_with_E005(factory):
    assert _runs_on_paths(factory, [{"service_id": 12}]) == {("E005", "$.services[0].runs_on[0].service_id")}


def test_service_running_on_itself_is_rejected_with_E016(factory):
    (problem,) = factory.problems_of(_doc(factory, [{"service_id": "alpha-s0"}]))
    assert (problem.code, problem.path) == ("E016", "$.services[0].runs_on[0].service_id")
    assert "itself" in problem.message


def test_repeated_service_id_is_rejected_with_E016_at_the_repeat(factory):
    paths = _runs_on_paths(factory, [{"service_id": "dep-a"}, {"service_id": "dep-b"}, {"service_id": "dep-a"}])
    assert paths == {("E016", "$.services[0].runs_on[2].service_id")}


def test_repeated_platform_and_country_is_rejected_with_E016(factory):
    renamed_operator = dict(US_PLATFORM, operator_name="Example Cloud EMEA Ltd")
    assert _runs_on_paths(factory, [US_PLATFORM, renamed_operator]) == {("E016", "$.services[0].runs_on[1].platform")}


def test_same_platform_operated_from_two_countries_is_accepted(factory):
    assert _runs_on_paths(factory, [US_PLATFORM, dict(US_PLATFORM, operator_country="IE")]) == set()


@pytest.mark.parametrize("country", ["XX", "us", "USA", "EU", "UK"])
def test_invalid_operator_country_is_rejected_with_E007(factory, country):
    item = dict(US_PLATFORM, operator_country=country)
    assert _runs_on_paths(factory, [item]) == {("E007", "$.services[0].runs_on[0].operator_country")}


@pytest.mark.parametrize("field", ["platform", "operator_name"])
@pytest.mark.parametrize("value", ["", "   ", "x" * 301, "two\nlines"])
def test_empty_long_or_control_character_names_are_rejected_with_E006(factory, field, value):
    item = dict(US_PLATFORM, **{field: value})
    assert _runs_on_paths(factory, [item]) == {("E006", f"$.services[0].runs_on[0].{field}")}


def test_names_of_300_characters_are_accepted(factory):
    assert _runs_on_paths(factory, [dict(US_PLATFORM, platform="p" * 300, operator_name="o" * 300)]) == set()


@pytest.mark.parametrize("missing", ["platform", "operator_name", "operator_country"])
def test_platform_item_missing_a_field_is_rejected_with_E003(factory, missing):
    item = {k: v for k, v in US_PLATFORM.items() if k != missing}
    assert _runs_on_paths(factory, [item]) == {("E003", f"$.services[0].runs_on[0].{missing}")}


def test_item_mixing_both_shapes_is_rejected_with_E004(factory):
    item = dict(US_PLATFORM, service_id="dep-a")
    assert _runs_on_paths(factory, [item]) == {("E004", f"$.services[0].runs_on[0].{k}") for k in US_PLATFORM}


def test_item_with_a_typo_is_rejected_with_E004(factory):
    assert _runs_on_paths(factory, [dict(US_PLATFORM, operator_contry="US")]) == {
        ("E004", "$.services[0].runs_on[0].operator_contry")}
    assert _runs_on_paths(factory, [{"service_id": "dep-a", "note": "x"}]) == {
        ("E004", "$.services[0].runs_on[0].note")}


def test_empty_or_unknown_item_is_rejected_with_E003_naming_the_shapes(factory):
    assert _runs_on_paths(factory, [{}]) == {("E003", "$.services[0].runs_on[0].service_id")}
    assert _runs_on_paths(factory, [{"servce_id": "dep-a"}]) == {
        ("E003", "$.services[0].runs_on[0].service_id"), ("E004", "$.services[0].runs_on[0].servce_id")}


def test_runs_on_problems_of_two_services_carry_their_own_paths(factory):
    doc = _doc(factory, [{"service_id": "alpha-s0"}])
    doc["services"][1]["runs_on"] = [US_PLATFORM, US_PLATFORM]
    assert factory.codes_paths(doc) == {("E016", "$.services[0].runs_on[0].service_id"),
                                        ("E016", "$.services[1].runs_on[1].platform")}


def _rows(ctx, sql: str) -> list[tuple]:
    con = duckdb.connect(str(ctx.run_warehouse), read_only=True)
    try:
        return con.execute(sql).fetchall()
    finally:
        con.close()


def test_runs_on_items_are_loaded_one_row_each_in_order(ctx, factory):
    factory.write(ctx.inbox, "alpha.json", _doc(factory, [{"service_id": "beta-s0"}, US_PLATFORM]))
    factory.write(ctx.inbox, "beta.json", factory.disclosure("beta"))
    result = run_ingest(ctx)
    assert (result["accepted"], result["rejected"]) == (2, 0)
    assert _rows(ctx, "SELECT * FROM raw.service_runs_on ORDER BY service_id, position") == [
        ("alpha-2026-11-01", "alpha-s0", 0, "beta-s0", None, None, None),
        ("alpha-2026-11-01", "alpha-s0", 1, None, "Example Hyperscale Compute", "Example Cloud Inc.", "US"),
    ]


def test_rejected_1_1_file_loads_no_runs_on_rows(ctx, factory):
    factory.write(ctx.inbox, "alpha.json", _doc(factory, [{"service_id": "alpha-s0"}]))
    result = run_ingest(ctx)
    assert (result["accepted"], result["rejected"]) == (0, 1)
    assert _rows(ctx, "SELECT count(*) FROM raw.service_runs_on") == [(0,)]
    assert _rows(ctx, "SELECT code FROM raw.rejections") == [("E016",)]


def test_a_newer_1_1_file_and_the_older_1_file_of_a_provider_are_both_loaded(ctx, factory):
    old = factory.disclosure("alpha", submitted_at="2026-10-01T09:00:00Z")
    new = _doc(factory, [US_PLATFORM])
    factory.write(ctx.inbox, "alpha-old.json", old)
    factory.write(ctx.inbox, "alpha-new.json", new)
    assert run_ingest(ctx)["accepted"] == 2
    assert _rows(ctx, "SELECT disclosure_id FROM raw.disclosures ORDER BY 1") == [
        ("alpha-2026-10-01",), ("alpha-2026-11-01",)]
    assert _rows(ctx, "SELECT DISTINCT disclosure_id FROM raw.service_runs_on") == [("alpha-2026-11-01",)]
