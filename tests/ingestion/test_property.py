"""Property: whatever a mutated or random document holds, the validator returns coded problems and never raises."""

from __future__ import annotations

import copy
import json

from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from ingestion.problems import CODES
from ingestion.validate import validate_document

SETTINGS = settings(max_examples=300, derandomize=True, deadline=None,
                    suppress_health_check=[HealthCheck.function_scoped_fixture, HealthCheck.too_slow])

json_values = st.recursive(
    st.none() | st.booleans() | st.integers(min_value=-(10**30), max_value=10**30)
    | st.floats(allow_nan=False, allow_infinity=False) | st.text(max_size=20)
    | st.sampled_from(["SE", "US", "SOV-1.1", "../../x", "2026-02-30", "https://x.eu", "other:", "1"]),
    lambda children: st.lists(children, max_size=4) | st.dictionaries(st.text(max_size=8), children, max_size=4),
    max_leaves=12,
)


def _containers(value: object, out: list) -> list:
    if isinstance(value, (dict, list)):
        out.append(value)
        for item in value.values() if isinstance(value, dict) else value:
            _containers(item, out)
    return out


@st.composite
def mutated_documents(draw, base: dict) -> dict:
    doc = copy.deepcopy(base)
    for _ in range(draw(st.integers(min_value=1, max_value=4))):
        targets = _containers(doc, [])
        target = targets[draw(st.integers(min_value=0, max_value=len(targets) - 1))]
        action = draw(st.sampled_from(["replace", "delete", "add"]))
        if isinstance(target, dict):
            keys = sorted(target)
            if action == "add" or not keys:
                target[draw(st.text(max_size=10))] = draw(json_values)
            elif action == "delete":
                del target[draw(st.sampled_from(keys))]
            else:
                target[draw(st.sampled_from(keys))] = draw(json_values)
        elif target:
            index = draw(st.integers(min_value=0, max_value=len(target) - 1))
            if action == "delete":
                del target[index]
            else:
                target[index] = draw(json_values)
    return doc


def _check(data: bytes, factory) -> None:
    doc, problems = validate_document(data, "prop.json", factory.AS_OF)
    assert (doc is None) == bool(problems)
    assert len(problems) <= 100
    for p in problems:
        assert p.code in CODES and p.path.startswith("$") and p.message and p.file == "prop.json"
        assert "\n" not in p.path and "\n" not in p.message


def test_mutated_documents_never_raise(factory):
    base = factory.disclosure(n_services=2)

    @SETTINGS
    @given(mutated_documents(base))
    def run(doc):
        _check(json.dumps(doc).encode(), factory)

    run()


def test_random_bytes_and_json_never_raise(factory):
    @SETTINGS
    @given(st.binary(max_size=200) | json_values.map(lambda v: json.dumps(v).encode()))
    def run(data):
        _check(data, factory)

    run()
