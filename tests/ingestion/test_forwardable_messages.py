"""Rejection messages a regulator can forward as they are: the near key of a typo, a cut-off file in plain words."""

from __future__ import annotations

import pytest


def test_unknown_key_near_a_known_one_is_named_as_the_likely_typo(factory):
    doc = factory.disclosure()
    doc["services"][0]["evidnce"] = doc["services"][0].pop("evidence")
    problems = factory.problems_of(doc)
    e004 = [p for p in problems if p.code == "E004"]
    assert [p.path for p in e004] == ["$.services[0].evidnce"]
    assert 'did you mean "evidence"?' in e004[0].message


def test_unknown_top_level_and_provider_keys_get_their_near_key(factory):
    doc = factory.disclosure()
    doc["servces"] = doc.pop("services")
    doc["provider"]["legal_nmae"] = doc["provider"].pop("legal_name")
    messages = {p.path: p.message for p in factory.problems_of(doc) if p.code == "E004"}
    assert 'did you mean "services"?' in messages["$.servces"]
    assert 'did you mean "legal_name"?' in messages["$.provider.legal_nmae"]


@pytest.mark.parametrize("key", ["colour", "x" * 5000])
def test_an_unknown_key_with_no_near_key_suggests_nothing(factory, key):
    doc = factory.disclosure()
    doc["services"][0][key] = 1
    (e004,) = [p for p in factory.problems_of(doc) if p.code == "E004"]
    assert "did you mean" not in e004.message and "check the spelling" in e004.message


def test_a_truncated_file_says_the_file_ends_early_with_where(factory):
    data = factory.to_bytes(factory.disclosure())
    cut = data[: len(data) // 2]
    line = cut.count(b"\n") + 1
    column = len(cut) - (cut.rfind(b"\n") + 1)
    (problem,) = factory.problems_of(cut)
    assert problem.code == "E001" and problem.path == "$"
    assert problem.message.startswith(f"the file ends early, after line {line} column {column}")
    assert "Expecting" not in problem.message and "Unterminated" not in problem.message


def test_a_file_cut_inside_a_string_also_ends_early(factory):
    (problem,) = factory.problems_of(b'{"schema_version": "1", "disclosure_id": "abc')
    assert problem.message.startswith("the file ends early, after line 1 column 45")


@pytest.mark.parametrize("data", [b"", b" \n\t"])
def test_an_empty_file_is_called_empty(factory, data):
    (problem,) = factory.problems_of(data)
    assert problem.code == "E001" and problem.message.startswith("the file is empty")


def test_a_syntax_error_inside_the_file_is_not_called_truncated(factory):
    (problem,) = factory.problems_of(b'{"schema_version": "1",, "x": 1}')
    assert problem.code == "E001" and "ends early" not in problem.message and "line 1 column 24" in problem.message
