"""The published JSON Schema documents the format: valid documents conform, and it agrees with the rulebook."""

from __future__ import annotations

import datetime as dt
import json
from pathlib import Path

import pytest

from ingestion.rulebook import SCHEMES, criteria_rungs
from sealreg.config import SAMPLES_INBOX

jsonschema = pytest.importorskip("jsonschema")

SCHEMA_PATH = Path(__file__).resolve().parents[2] / "ingestion" / "schema" / "disclosure-v1.schema.json"


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
    return [full, minimal, no_audit, other]


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


@pytest.mark.parametrize(
    "mutate",
    [
        lambda d: d.update(extra=1),
        lambda d: d["services"][0]["answers"].pop("SOV-8.4"),
        lambda d: d["services"][0]["answers"].update({"SOV-1.1": 9}),
        lambda d: d["ownership"][0].update(capital_pct=True),
        lambda d: d["services"][0].update(model="DaaS"),
        lambda d: d["certifications"][0].update(scheme="Gaia-X-L4"),
    ],
)
def test_schema_also_rejects_typical_mistakes(validator, factory, mutate):
    doc = factory.disclosure()
    mutate(doc)
    assert factory.problems_of(doc)
    assert list(validator.iter_errors(doc))


def test_schema_agrees_with_the_rulebook():
    schema = json.loads(SCHEMA_PATH.read_text(encoding="utf-8"))
    answers = schema["$defs"]["service"]["properties"]["answers"]
    assert {k: v["maximum"] for k, v in answers["properties"].items()} == criteria_rungs()
    assert sorted(answers["required"]) == sorted(criteria_rungs())
    assert set(schema["properties"]["certifications"]["items"]["properties"]["scheme"]["anyOf"][0]["enum"]) == SCHEMES
