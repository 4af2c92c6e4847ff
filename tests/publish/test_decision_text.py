"""Decision reasons and `--by` are officials' free text: refused when hidden characters or a formula start."""

from __future__ import annotations

import pytest

from sealreg.decisions import DecisionRefused, append_decision, log_path


@pytest.mark.parametrize(("reason", "by"), [
    ("=HYPERLINK(\"http://x\")", "Officer A"), ("ok", "@admin"), ("+1", "A"), ("-1", "A"), ("ok", "a\tb"),
    ("fine", "Officer \u202eA"), ("zero\u200bwidth", "A"), ("c1\x9bx", "A"), ("ok", "two\nlines"),
])
def test_hostile_reason_or_by_is_refused_and_nothing_is_written(tmp_path, reason, by):
    with pytest.raises(DecisionRefused, match="formula|control"):
        append_decision(tmp_path, "svc-a", "suspend", reason, by, known_service_ids={"svc-a"})
    assert not log_path(tmp_path).exists()


def test_plain_reason_with_inner_signs_is_recorded(tmp_path):
    record = append_decision(tmp_path, "svc-a", "suspend", "Audit 2026-03: score < 50 % (= failed)", "officer-17",
                             known_service_ids={"svc-a"})
    assert record["reason"].startswith("Audit")


def test_a_transfer_names_its_provider_and_only_a_transfer_carries_to_provider(tmp_path):
    from sealreg.decisions import check_chain, read_decisions

    with pytest.raises(DecisionRefused, match="--to"):
        append_decision(tmp_path, "svc-a", "transfer", "sold", "A", known_service_ids={"svc-a"})
    with pytest.raises(DecisionRefused, match="--to"):
        append_decision(tmp_path, "svc-a", "suspend", "x", "A", known_service_ids={"svc-a"}, to_provider="beta")
    append_decision(tmp_path, "new-svc", "transfer", "settles a contested id", "A", known_service_ids=set(),
                    to_provider="beta")
    assert read_decisions(tmp_path)[0]["to_provider"] == "beta"
    forged = log_path(tmp_path).read_bytes().replace(b'"transfer"', b'"suspend"')
    assert check_chain(forged)[1]  # a to_provider on another action breaks the record's shape
