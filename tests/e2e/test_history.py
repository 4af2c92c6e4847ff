"""Two nights with changed disclosures and a suspension between them: history, changes, lookup."""

from __future__ import annotations

import datetime as dt
import json
import shutil

import pytest

from sealreg.decisions import append_decision
from tests.helpers import SAMPLE_AS_OF, SAMPLE_REFERENCES, SAMPLES, copy_home, query, refresh_ok, sealreg_cli

NIGHT_1, BETWEEN, NIGHT_2 = SAMPLE_AS_OF, "2026-11-29", "2026-11-30"






@pytest.fixture(scope="module")
def two_nights(sample_home, tmp_path_factory):
    """Night 1 is a copy of the session's sample home; night 2 reads the samples plus one revised disclosure."""
    root = tmp_path_factory.mktemp("history")
    inbox, home = root / "inbox", copy_home(sample_home, root / "home")
    shutil.copytree(SAMPLES, inbox)
    listed = query(home, "select service_id from services where status = 'listed' order by service_id")
    suspended_id = listed[0][0]
    # a provider lowers one answer of one of its services in a new submission
    in_force = {d for (d,) in query(home, "select disclosure_id from providers")}
    changed_file, doc = next((p, d) for p, d in _documents(inbox) if d.get("disclosure_id") in in_force)
    changed_id = doc["services"][0]["service_id"]
    answers = doc["services"][0]["answers"]
    answers["SOV-6.1"] = 1 if answers["SOV-6.1"] != 1 else 2
    doc["disclosure_id"] = doc["disclosure_id"] + "-rev2"
    doc["submitted_at"] = f"{BETWEEN}T08:00:00Z"
    (inbox / f"zz-{changed_file.stem}-rev2.json").write_text(json.dumps(doc, indent=2))
    append_decision(home, suspended_id, "suspend", "audit evidence under review", "registry-officer",
                    known_service_ids={suspended_id},
                    decided_at=dt.datetime(2026, 11, 29, 10, 0, tzinfo=dt.timezone.utc))
    refresh_ok(inbox, home, NIGHT_2, SAMPLE_REFERENCES)
    return {"inbox": inbox, "home": home, "suspended": suspended_id, "changed": changed_id}


def _documents(inbox):
    """(path, parsed JSON object) of every sample file that parses."""
    for path in sorted(inbox.glob("*.json")):
        try:
            doc = json.loads(path.read_text())
        except ValueError:
            continue
        if isinstance(doc, dict):
            yield path, doc


def test_suspension_applies_at_the_nextrefresh_ok(two_nights):
    home, sid = two_nights["home"], two_nights["suspended"]
    status, reason = query(home, "select status, status_reason from services where service_id = ?", [sid])[0]
    assert status == "suspended"
    assert "audit evidence under review" in reason
    assert query(home, "select action, in_force from decisions where service_id = ?", [sid]) == [("suspend", True)]


def test_service_history_closes_the_old_period_and_opens_a_new_one(two_nights):
    home, sid = two_nights["home"], two_nights["suspended"]
    rows = query(home, "select valid_from, valid_to, status from service_history where service_id = ? "
                        "order by valid_from", [sid])
    assert [(str(a), str(b) if b else None, s) for a, b, s in rows] == [
        (NIGHT_1, NIGHT_2, "listed"), (NIGHT_2, None, "suspended")]


def test_changes_name_old_and_new_values(two_nights):
    home = two_nights["home"]
    status_change = query(home, "select change, old_value, new_value from changes "
                                 "where service_id = ? and field = 'status'", [two_nights["suspended"]])
    assert status_change == [("changed", "listed", "suspended")]
    score_change = query(home, "select change from changes where service_id = ? and field = 'sovereignty_score'",
                          [two_nights["changed"]])
    assert score_change == [("changed",)]


def test_lookup_as_of_a_date_between_the_runs_answers_from_history(two_nights):
    home, sid = two_nights["home"], two_nights["suspended"]
    then = sealreg_cli("lookup", sid, "--as-of", BETWEEN, "--json", "--home", str(home))
    assert then.returncode == 0, then.stderr
    assert json.loads(then.stdout)["status"] == "listed"
    now = sealreg_cli("lookup", sid, "--json", "--home", str(home))
    assert json.loads(now.stdout)["status"] == "suspended"
    before = sealreg_cli("lookup", sid, "--as-of", "2026-01-01", "--home", str(home))
    assert before.returncode == 1


def test_rerunning_the_same_night_adds_no_history_rows_and_same_tables(two_nights):
    home, inbox = two_nights["home"], two_nights["inbox"]
    before = query(home, "select * from service_history order by all")
    csv_before = (home / "current" / "csv" / "services.csv.gz").read_bytes()
    refresh_ok(inbox, home, NIGHT_2, SAMPLE_REFERENCES)
    assert query(home, "select * from service_history order by all") == before
    assert (home / "current" / "csv" / "services.csv.gz").read_bytes() == csv_before


def test_shortlist_as_of_a_past_date_answers_from_history(two_nights):
    home, sid = two_nights["home"], two_nights["suspended"]

    def shortlisted(*args):
        proc = sealreg_cli("shortlist", *args, "--csv", "--home", str(home))
        assert proc.returncode == 0, proc.stderr
        return [line.split(",")[1] for line in proc.stdout.splitlines()[1:]], proc.stderr

    then, _ = shortlisted("--as-of", BETWEEN)
    now, footer = shortlisted()
    assert sid in then and sid not in now
    assert f"status suspended: not eligible for a tender: {sid}" in footer
    assert shortlisted("--as-of", NIGHT_2)[0] == now


def test_lookup_and_shortlist_refuse_a_date_after_the_release(two_nights):
    home, sid = two_nights["home"], two_nights["suspended"]
    future = sealreg_cli("lookup", sid, "--as-of", "2026-12-25", "--home", str(home))
    assert future.returncode == 1
    assert "after this release's evaluation date 2026-11-30" in " ".join(future.stderr.split())
    assert sealreg_cli("shortlist", "--as-of", "2026-12-25", "--home", str(home)).returncode == 2


def test_extract_as_of_a_past_date_shows_the_entry_as_it_stood(two_nights, tmp_path):
    home, sid = two_nights["home"], two_nights["suspended"]
    proc = sealreg_cli("extract", sid, "--as-of", BETWEEN, "--out", str(tmp_path), "--home", str(home))
    assert proc.returncode == 0, proc.stderr
    (path,) = tmp_path.glob("*.json")
    entry = json.loads(path.read_text())["entries"][0]
    assert (entry["status"], entry["tender_eligible"], entry["valid_to"]) == ("listed", True, NIGHT_2)
    assert sealreg_cli("verify", str(path), "--home", str(home)).returncode == 0


def test_an_unchanged_expired_service_neither_changes_nor_starts_a_new_period(two_nights):
    home = two_nights["home"]
    # expired on both nights (baltic-edge-mail's audit is exactly 365 days old on night 1: it expires on night 2)
    expired = [sid for (sid,) in query(
        home, "select service_id from services where status = 'expired' and service_id in "
              "(select service_id from service_history where status = 'expired' and valid_from = ?)", [NIGHT_1])]
    assert expired, "the samples hold services expired on both nights"
    assert query(home, "select service_id, field from changes where service_id in (select unnest(?))",
                  [expired]) == []
    periods = query(home, "select service_id, count(*) from service_history where service_id in (select unnest(?)) "
                           "group by all", [expired])
    assert {n for _, n in periods} == {1}
    reason = query(home, "select status_reason from services where service_id = ?", [expired[0]])[0][0]
    assert "was in date until" in reason and "days old" not in reason


def test_a_withdrawn_suspension_no_longer_sets_the_status(two_nights, tmp_path):
    home, inbox = tmp_path / "home", two_nights["inbox"]
    shutil.copytree(two_nights["home"], home, symlinks=True)
    sid = two_nights["suspended"]
    (dec,) = query(home, "select decision_id from decisions where service_id = ? and in_force", [sid])[0]
    append_decision(home, sid, "withdraw", "recorded for the wrong service", "registry-officer", {sid},
                    withdraws=dec, decided_at=dt.datetime(2026, 11, 30, 8, 0, tzinfo=dt.timezone.utc))
    refresh_ok(inbox, home, NIGHT_2, SAMPLE_REFERENCES)
    assert query(home, "select status, tender_eligible from services where service_id = ?", [sid]) == [
        ("listed", True)]
    assert query(home, "select decision_id, action, withdraws, withdrawn_by, in_force from decisions "
                        "where service_id = ? order by seq", [sid]) == [
        (dec, "suspend", None, "dec-000002", False), ("dec-000002", "withdraw", dec, None, False)]
