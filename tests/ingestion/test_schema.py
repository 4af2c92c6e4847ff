"""The shipped JSON Schema documents formats 1 and 1.1: generated from the validator's tables and up to date,
valid documents conform, typical mistakes fail, and it agrees with the rulebook."""

from __future__ import annotations

import datetime as dt
import json
from pathlib import Path

import jsonschema
import pytest

from ingestion import format_1_1, json_schema
from ingestion.iso3166 import ALPHA2
from ingestion.rulebook import MAX_RUNS_ON, SCHEMES, criteria_rungs
from sealreg.config import SAMPLES_INBOX

SCHEMA_PATH = Path(__file__).resolve().parents[2] / "ingestion" / "schema" / "disclosure-v1.schema.json"
US_PLATFORM = {"platform": "Example Hyperscale Compute", "operator_name": "Example Cloud Inc.",
               "operator_country": "US"}


@pytest.fixture(scope="module")
def validator():
    schema = json.loads(SCHEMA_PATH.read_text(encoding="utf-8"))
    jsonschema.Draft202012Validator.check_schema(schema)
    return jsonschema.Draft202012Validator(schema, format_checker=jsonschema.FormatChecker())


def _variants(factory) -> list[dict]:
    full = factory.disclosure(n_services=3)
    minimal = factory.disclosure()
    del minimal["provider"]["lei"], minimal["provider"]["website"]
    del minimal["services"][0]["evidence"], minimal["services"][0]["cada"]
    minimal["ownership"], minimal["parents"], minimal["certifications"] = [], [], []
    no_audit = factory.disclosure()
    del no_audit["services"][0]["cada"]["audit"]
    other = factory.disclosure()
    other["certifications"][0]["scheme"] = "other:BSI C5 2020"
    other["ownership"][0].update(capital_pct=33.3, voting_pct=50)
    v11 = factory.disclosure(n_services=2)
    v11["schema_version"] = "1.1"
    v11["services"][0]["runs_on"] = [{"service_id": "nordcloud-s1"}, {"service_id": "other-iaas"}, US_PLATFORM]
    v11["services"][1]["runs_on"] = []
    return [full, minimal, no_audit, other, v11]


def test_valid_documents_conform_to_the_schema(validator, factory):
    for doc in _variants(factory):
        assert factory.problems_of(doc) == []
        assert list(validator.iter_errors(doc)) == []


def test_bundled_valid_samples_conform_to_the_schema(validator, factory):
    from ingestion.validate import validate_document

    checked = 0
    for path in sorted(SAMPLES_INBOX.glob("*.json")):
        doc, _ = validate_document(path.read_bytes(), path.name, dt.date(9999, 12, 30))
        if doc is not None:
            assert list(validator.iter_errors(doc)) == [], path.name
            checked += 1
    assert checked >= 12, "the bundled samples hold at least 12 valid disclosures"


def _v11(factory, runs_on) -> dict:
    doc = factory.disclosure()
    doc["schema_version"] = "1.1"
    doc["services"][0]["runs_on"] = runs_on
    return doc


def _set_runs_on(runs_on):
    def mutate(doc):
        doc["schema_version"] = "1.1"
        doc["services"][0]["runs_on"] = runs_on
    return mutate


@pytest.mark.parametrize(
    "mutate",
    [
        lambda d: d.update(extra=1),
        lambda d: d["services"][0]["answers"].pop("SOV-8.4"),
        lambda d: d["services"][0]["answers"].update({"SOV-1.1": 9}),
        lambda d: d["ownership"][0].update(capital_pct=True),
        lambda d: d["services"][0].update(model="DaaS"),
        lambda d: d["certifications"][0].update(scheme="Gaia-X-L4"),
        lambda d: d["provider"].update(country="XX"),
        lambda d: d["services"][0]["regions"].append("UK"),
        lambda d: d["services"][0].update(runs_on=[US_PLATFORM]),  # a 1.1 field in a "1" file
        lambda d: d.update(schema_version="1.2"),
        _set_runs_on([dict(US_PLATFORM, service_id="x1")]),  # both shapes in one item
        _set_runs_on([{"service_id": "Upper"}]),
        _set_runs_on([dict(US_PLATFORM, operator_country="XX")]),
        _set_runs_on([{"service_id": f"dep-{i}"} for i in range(MAX_RUNS_ON + 1)]),
    ],
)
def test_schema_also_rejects_typical_mistakes(validator, factory, mutate):
    doc = factory.disclosure()
    mutate(doc)
    assert factory.problems_of(doc)
    assert list(validator.iter_errors(doc))


def test_rules_only_the_validator_checks_pass_the_schema_and_are_named_in_its_description(validator, factory):
    doc = _v11(factory, [{"service_id": "nordcloud-s0"}, US_PLATFORM, US_PLATFORM])  # itself, repeated: E016
    doc["provider"]["lei"] = "5493001KJTIIGC8Y1R13"  # check digits: E008
    assert {p.code for p in factory.problems_of(doc)} == {"E008", "E016"}
    assert list(validator.iter_errors(doc)) == []
    description = json.loads(SCHEMA_PATH.read_text(encoding="utf-8"))["description"]
    for code in ("E008", "E010", "E011", "E012", "E013", "E014", "E015", "E016"):
        assert f"({code})" in description, code


def test_committed_schema_is_generated_from_the_validator_tables():
    assert SCHEMA_PATH.read_text(encoding="utf-8") == json_schema.render(), (
        "ingestion/schema/disclosure-v1.schema.json is stale: run .venv/bin/python -m ingestion.json_schema")


def test_schema_lists_the_249_country_codes_and_every_1_1_field():
    schema = json.loads(SCHEMA_PATH.read_text(encoding="utf-8"))
    assert set(schema["$defs"]["country"]["enum"]) == ALPHA2 and len(ALPHA2) == 249
    assert set(format_1_1.SERVICE_FIELDS) <= set(schema["$defs"]["service"]["properties"])
    assert schema["properties"]["schema_version"]["enum"] == ["1", "1.1"]


def test_schema_agrees_with_the_rulebook():
    schema = json.loads(SCHEMA_PATH.read_text(encoding="utf-8"))
    answers = schema["$defs"]["service"]["properties"]["answers"]
    assert {k: v["maximum"] for k, v in answers["properties"].items()} == criteria_rungs()
    assert sorted(answers["required"]) == sorted(criteria_rungs())
    assert set(schema["properties"]["certifications"]["items"]["properties"]["scheme"]["anyOf"][0]["enum"]) == SCHEMES
