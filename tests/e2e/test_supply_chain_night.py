"""Two nights: a dependency's own level drops and its dependants follow on the same night (§7)."""

from __future__ import annotations

import json
import shutil

import pytest

from tests.helpers import SAMPLE_AS_OF, SAMPLE_REFERENCES, SAMPLES, copy_home, query, refresh_ok

NIGHT_1, NIGHT_2 = SAMPLE_AS_OF, "2026-11-29"
DEPENDENCY, DEPENDANT = "aurora-objectstore", "sovra-docs"  # sovra-docs runs on the bundled EU IaaS






def _levels(home, service_id):
    return query(home, "select seal, ual, seal_own, ual_own, status from services where service_id = ?",
                  [service_id])[0]


@pytest.fixture(scope="module")
def two_nights(sample_home, tmp_path_factory):
    """Night 1 is a copy of the session's sample home; night 2 reads the samples plus Aurora's resubmission."""
    root = tmp_path_factory.mktemp("supply-chain")
    inbox, home = root / "inbox", copy_home(sample_home, root / "home")
    shutil.copytree(SAMPLES, inbox)
    before = {sid: _levels(home, sid) for sid in (DEPENDENCY, DEPENDANT)}
    # Aurora resubmits: the object store now answers rung 1 on every SOV-6 criterion and withdraws its
    # statement of conformity (own UAL-0). Nothing changes in Sovra's file.
    source = next(p for p in sorted(inbox.glob("aurora-cloud-*.json")))
    doc = json.loads(source.read_text(encoding="utf-8"))
    store = next(s for s in doc["services"] if s["service_id"] == DEPENDENCY)
    store["answers"].update({cid: 1 for cid in store["answers"] if cid.startswith("SOV-6.")})
    store["cada"]["statement_of_conformity"] = False
    doc["disclosure_id"] = f"aurora-cloud-{NIGHT_2}"
    doc["submitted_at"] = f"{NIGHT_2}T06:00:00Z"
    (inbox / f"aurora-cloud-{NIGHT_2}.json").write_text(json.dumps(doc, indent=2), encoding="utf-8")
    refresh_ok(inbox, home, NIGHT_2, SAMPLE_REFERENCES)
    after = {sid: _levels(home, sid) for sid in (DEPENDENCY, DEPENDANT)}
    return {"home": home, "before": before, "after": after}


def test_night_one_the_eu_iaas_caps_nothing(two_nights):
    seal, ual, seal_own, ual_own, status = two_nights["before"][DEPENDANT]
    assert (seal, ual) == (seal_own, ual_own) and status == "listed" and ual >= 2


def test_the_dependency_drops_on_its_own_answers(two_nights):
    seal_1, _, own_1, _, _ = two_nights["before"][DEPENDENCY]
    seal, ual, seal_own, ual_own, status = two_nights["after"][DEPENDENCY]
    assert seal_own < own_1 and ual_own == 0 and (seal, ual) == (seal_own, ual_own) and status == "not_listed"


def test_the_dependant_follows_the_same_night(two_nights):
    dep_seal_own, dep_ual_own = two_nights["after"][DEPENDENCY][2:4]
    _, _, own_seal_1, own_ual_1, _ = two_nights["before"][DEPENDANT]
    seal, ual, seal_own, ual_own, status = two_nights["after"][DEPENDANT]
    assert (seal_own, ual_own) == (own_seal_1, own_ual_1), "its own answers did not change"
    assert (seal, ual) == (min(seal_own, dep_seal_own), min(ual_own, dep_ual_own)) == (seal, 0)
    assert status == "not_listed"
    home = two_nights["home"]
    (reason,) = query(home, "select reason from washing_flags where service_id = ? and flag = 'W8-dependency'",
                       [DEPENDANT])[0]
    assert f"runs on {DEPENDENCY}, a registered service" in reason and f"{DEPENDANT} → {DEPENDENCY}" in reason
    (status_reason,) = query(home, "select status_reason from services where service_id = ?", [DEPENDANT])[0]
    assert f"via {DEPENDANT} → {DEPENDENCY}: UAL capped at 0 (own UAL-{ual_own})" in status_reason


def test_changes_and_history_record_the_drop_of_the_dependant(two_nights):
    home = two_nights["home"]
    _, ual_1, _, _, status_1 = two_nights["before"][DEPENDANT]
    changes = {field: (old, new) for field, old, new in query(
        home, "select field, old_value, new_value from changes where service_id = ? and change = 'changed'",
        [DEPENDANT])}
    assert changes["ual"] == (str(ual_1), "0")
    assert changes["status"] == (status_1, "not_listed")
    periods = query(home, "select valid_from, valid_to, ual from service_history where service_id = ? "
                           "order by valid_from", [DEPENDANT])
    assert [(str(a), str(b) if b else None, u) for a, b, u in periods] == [
        (NIGHT_1, NIGHT_2, ual_1), (NIGHT_2, None, 0)]
    deps = query(home, "select dependency, kind, depth, cap_seal, cap_ual from service_dependencies "
                        "where service_id = ? order by dependency", [DEPENDANT])
    assert (DEPENDENCY, "service", 1, two_nights["after"][DEPENDENCY][2], 0) in deps
