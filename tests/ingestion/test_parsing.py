"""Strict JSON decoding: duplicate keys, BOM, NaN/Infinity, lone surrogates, huge numbers, hostile input."""

from __future__ import annotations

import json

import pytest

from ingestion.validate import validate_document


def test_duplicate_key_is_rejected_so_a_later_value_cannot_override_a_claim(factory):
    text = factory.to_bytes(factory.disclosure()).decode()
    text = text.replace('"capital_pct": 100', '"capital_pct": 100, "capital_pct": 10', 1)
    assert factory.codes_paths(text.encode()) == {("E001", "$.ownership[0].capital_pct")}


def test_duplicate_top_level_key_is_rejected_with_E001(factory):
    text = factory.to_bytes(factory.disclosure()).decode()
    text = text.replace('"schema_version": "1"', '"schema_version": "1", "schema_version": "1"', 1)
    assert factory.codes_paths(text.encode()) == {("E001", "$.schema_version")}


def test_utf8_bom_is_accepted(factory):
    data = b"\xef\xbb\xbf" + factory.to_bytes(factory.disclosure())
    assert factory.problems_of(data) == []


@pytest.mark.parametrize("bom", [b"\xff\xfe", b"\xfe\xff"])
def test_utf16_file_is_rejected_with_E001(factory, bom):
    data = bom + json.dumps(factory.disclosure()).encode("utf-16-le" if bom == b"\xff\xfe" else "utf-16-be")
    assert factory.codes_paths(data) == {("E001", "$")}


@pytest.mark.parametrize("constant", ["NaN", "Infinity", "-Infinity"])
def test_nan_and_infinity_are_rejected_with_E001(factory, constant):
    text = factory.to_bytes(factory.disclosure()).decode().replace('"voting_pct": 100', f'"voting_pct": {constant}')
    assert factory.codes_paths(text.encode()) == {("E001", "$")}


def test_number_overflowing_to_infinity_is_rejected_with_E001(factory):
    text = factory.to_bytes(factory.disclosure()).decode().replace('"voting_pct": 100', '"voting_pct": 1e999')
    assert factory.codes_paths(text.encode()) == {("E001", "$.ownership[0].voting_pct")}


def test_integer_with_thousands_of_digits_is_rejected_not_raised(factory):
    text = factory.to_bytes(factory.disclosure()).decode().replace('"voting_pct": 100', '"voting_pct": ' + "9" * 5000)
    assert factory.codes_paths(text.encode()) == {("E001", "$")}


def test_huge_integer_rung_is_out_of_range(factory):
    doc = factory.disclosure()
    doc["services"][0]["answers"]["SOV-1.1"] = 10**400
    assert factory.codes_paths(doc) == {("E006", "$.services[0].answers.SOV-1.1")}


def test_lone_surrogate_escape_is_rejected_with_E001(factory):
    text = factory.to_bytes(factory.disclosure()).decode().replace("Nordcloud Hosting AB", "Nordcloud \\ud800 AB")
    assert factory.codes_paths(text.encode()) == {("E001", "$.provider.legal_name")}


def test_raw_control_character_in_a_string_is_rejected_with_E001(factory):
    text = factory.to_bytes(factory.disclosure()).decode().replace("Nordcloud Hosting AB", "Nordcloud\x07AB")
    assert factory.codes_paths(text.encode()) == {("E001", "$")}


def test_escaped_control_character_in_a_name_is_rejected_with_E006(factory):
    doc = factory.disclosure()
    doc["provider"]["legal_name"] = "Nordcloud\nHosting"
    assert factory.codes_paths(doc) == {("E006", "$.provider.legal_name")}


def test_line_breaks_are_allowed_in_evidence_notes(factory):
    doc = factory.disclosure()
    doc["services"][0]["evidence"]["SOV-1.1"]["note"] = "line one\nline two\tend"
    assert factory.problems_of(doc) == []


def test_odd_keys_are_quoted_in_paths_so_output_stays_one_line(factory):
    doc = factory.disclosure()
    doc["provider"]["bad\nkey/../x"] = 1
    (problem,) = factory.problems_of(doc)
    assert problem.code == "E004"
    assert problem.path == '$.provider["bad\\nkey/../x"]'
    assert "\n" not in problem.line()


@pytest.mark.parametrize(
    "value",
    [None, True, 0, -1.5, "", "x" * 100_000, [], [None], {}, {"": None}, [[[[]]]], "../../etc/passwd", "\u202e"],
)
def test_any_value_in_any_field_never_raises(factory, value):
    doc = factory.disclosure(n_services=2)
    targets = [doc, doc["provider"], doc["ownership"][0], doc["parents"][0], doc["services"][1],
               doc["services"][0]["cada"], doc["services"][0]["cada"]["audit"], doc["services"][0]["evidence"],
               doc["services"][0]["answers"], doc["certifications"][0]]
    for target in targets:
        for key in list(target):
            saved = target[key]
            target[key] = value
            data, problems = validate_document(factory.to_bytes(doc), "x.json", factory.AS_OF)
            target[key] = saved
            assert (data is None) == bool(problems), (key, value)
            assert all(p.code.startswith("E0") and p.path.startswith("$") for p in problems)


def test_internal_error_becomes_a_problem(factory, monkeypatch):
    import ingestion.validate as validate

    def boom(*args, **kwargs):
        raise KeyError("unexpected")

    monkeypatch.setattr(validate, "check_services", boom)
    doc, problems = validate.validate_document(factory.to_bytes(factory.disclosure()), "x.json", factory.AS_OF)
    assert doc is None
    assert [(p.code, p.path) for p in problems] == [("E018", "$")]
