"""The decision log: refusals, hash chain, tamper evidence, concurrent appends, reading back."""

from __future__ import annotations

import datetime as dt
import json
import multiprocessing

import pytest

from sealreg.decisions import (
    GENESIS_HASH,
    DecisionLogError,
    DecisionRefused,
    append_decision,
    canonical_json,
    known_service_ids_from_current,
    log_path,
    read_decisions,
    record_hash,
)
from sealreg.publish.keys import home_fingerprint
from sealreg.publish.release import build_release
from sealreg.publish.switch import switch_current
from sealreg.publish.verify import verify_decisions

KNOWN = {"svc-a", "svc-b"}
T0 = dt.datetime(2026, 3, 1, 9, 30, 15, 987654, tzinfo=dt.timezone.utc)


@pytest.fixture
def home(tmp_path):
    return tmp_path / "home"


@pytest.mark.parametrize(
    "service_id, action, reason, by",
    [
        ("svc-unknown", "suspend", "why", "ANSSI"),
        ("", "suspend", "why", "ANSSI"),
        ("svc-a", "delete", "why", "ANSSI"),
        ("svc-a", "Suspend", "why", "ANSSI"),
        ("svc-a", "suspend", "", "ANSSI"),
        ("svc-a", "suspend", "   \n", "ANSSI"),
        ("svc-a", "suspend", "why", ""),
        ("svc-a", "suspend", "why", "\t"),
    ],
)
def test_refused_writes_nothing(home, service_id, action, reason, by):
    with pytest.raises(DecisionRefused):
        append_decision(home, service_id, action, reason, by, known_service_ids=KNOWN)
    assert not log_path(home).exists()
    # and also nothing appended to an existing log
    append_decision(home, "svc-a", "suspend", "ok", "ANSSI", known_service_ids=KNOWN)
    before = log_path(home).read_bytes()
    with pytest.raises(DecisionRefused):
        append_decision(home, service_id, action, reason, by, known_service_ids=KNOWN)
    assert log_path(home).read_bytes() == before


def test_chain_and_record_shape(home):
    r1 = append_decision(home, "svc-a", "suspend", " audit withdrawn ", "ANSSI", KNOWN, decided_at=T0)
    r2 = append_decision(home, "svc-a", "reinstate", "new audit", "BSI", KNOWN,
                         decided_at=dt.datetime(2026, 3, 2, 12, 0, 0))  # naive = UTC
    r3 = append_decision(home, "svc-b", "revoke", 'Ünïcode reason, "quoted"\nsecond line', "ANSSI", KNOWN)
    assert r1 == {
        "decision_id": "dec-000001", "seq": 1, "service_id": "svc-a", "action": "suspend",
        "reason": "audit withdrawn", "decided_by": "ANSSI", "decided_at": "2026-03-01T09:30:15Z",
        "prev_hash": GENESIS_HASH, "hash": r1["hash"], "key_sha256": home_fingerprint(home / "keys"),
        "signature": r1["signature"],
    }
    assert r1["hash"] == record_hash(r1)
    assert (r2["decision_id"], r2["seq"], r2["prev_hash"], r2["decided_at"]) == (
        "dec-000002", 2, r1["hash"], "2026-03-02T12:00:00Z")
    assert r3["prev_hash"] == r2["hash"]
    raw = log_path(home).read_bytes()
    assert raw.count(b"\n") == 3 and raw.endswith(b"\n")  # one line per record
    assert [json.loads(line) for line in raw.splitlines()] == [r1, r2, r3]
    assert verify_decisions(log_path(home)) == []

    rows = read_decisions(home)
    assert [r["decision_id"] for r in rows] == ["dec-000001", "dec-000002", "dec-000003"]
    assert list(rows[0]) == ["decision_id", "seq", "service_id", "action", "reason", "decided_by",
                             "decided_at", "prev_hash", "hash", "legal_basis", "withdraws"]
    assert rows[0]["decided_at"] == dt.datetime(2026, 3, 1, 9, 30, 15)  # naive UTC, like raw.decisions
    assert rows[2]["reason"] == 'Ünïcode reason, "quoted"\nsecond line'


def test_ctx_or_home(ctx):
    r = append_decision(ctx, "svc-a", "suspend", "x", "y", KNOWN)
    assert log_path(ctx) == ctx.paths.decisions_log
    assert read_decisions(ctx.home)[-1]["hash"] == r["hash"]
    assert read_decisions(str(ctx.home))[-1]["hash"] == r["hash"]


def test_aware_datetimes_are_converted_to_utc(home):
    paris = dt.timezone(dt.timedelta(hours=1))
    when = dt.datetime(2026, 3, 1, 10, 0, tzinfo=paris)
    r = append_decision(home, "svc-a", "suspend", "x", "y", KNOWN, decided_at=when)
    assert r["decided_at"] == "2026-03-01T09:00:00Z"


def test_no_log_reads_empty(home):
    assert read_decisions(home) == []
    assert verify_decisions(log_path(home)) == []


def _three(home):
    for action in ("suspend", "reinstate", "revoke"):
        append_decision(home, "svc-a", action, f"because {action}", "ANSSI", KNOWN, decided_at=T0)
    return log_path(home)


def test_edited_line_is_named(home):
    path = _three(home)
    lines = path.read_text().splitlines(keepends=True)
    rec = json.loads(lines[1])
    rec["reason"] = "something else"
    lines[1] = json.dumps(rec, sort_keys=True, separators=(",", ":")) + "\n"
    path.write_text("".join(lines))
    problems = [p.line() for p in verify_decisions(path)]
    assert len(problems) == 1 and "line 2" in problems[0] and "altered" in problems[0]
    with pytest.raises(DecisionLogError, match="line 2"):
        read_decisions(home)
    with pytest.raises(DecisionRefused, match="damaged"):
        append_decision(home, "svc-a", "suspend", "x", "y", KNOWN)


def test_rehashed_edit_breaks_the_next_link(home):
    path = _three(home)
    lines = path.read_text().splitlines(keepends=True)
    rec = json.loads(lines[0])
    rec["action"] = "revoke"
    rec["hash"] = record_hash(rec)  # the forger recomputes this record's hash ...
    lines[0] = json.dumps(rec) + "\n"
    path.write_text("".join(lines))
    problems = [p.line() for p in verify_decisions(path)]  # ... but the next record still points at the old one
    assert len(problems) == 1 and "line 2" in problems[0] and "prev_hash" in problems[0]


def test_deleted_and_reordered_lines(home):
    path = _three(home)
    lines = path.read_text().splitlines(keepends=True)
    path.write_text(lines[0] + lines[2])
    assert "line 2" in verify_decisions(path)[0].line()
    path.write_text(lines[1] + lines[0] + lines[2])
    assert "line 1" in verify_decisions(path)[0].line()
    path.write_text("".join(lines) + '{"partial": ')
    assert "line 4" in verify_decisions(path)[0].line()


def test_truncation_detected_against_release_anchor(home):
    path = _three(home)
    lines = path.read_text().splitlines(keepends=True)
    head = json.loads(lines[2])
    anchor = {"seq": 3, "hash": head["hash"]}
    assert verify_decisions(path, expected_head=anchor) == []
    path.write_text("".join(lines[:2]))  # the chain alone cannot tell a cut tail
    assert verify_decisions(path) == []
    problems = [p.line() for p in verify_decisions(path, expected_head=anchor)]
    assert len(problems) == 1 and "truncated" in problems[0]


def _worker(home: str, n: int, tag: str) -> None:
    for i in range(n):  # each worker suspends and reinstates its own service (no decision is a no-op)
        action = "suspend" if i % 2 == 0 else "reinstate"
        append_decision(home, f"svc-{tag}", action, f"{tag} {i}", tag, {f"svc-{tag}"})


def test_concurrent_appends_keep_a_valid_chain(home):
    mp = multiprocessing.get_context("spawn")
    procs = [mp.Process(target=_worker, args=(str(home), 40, f"p{k}")) for k in range(3)]
    for p in procs:
        p.start()
    for p in procs:
        p.join(60)
        assert p.exitcode == 0
    assert verify_decisions(log_path(home)) == []
    rows = read_decisions(home)
    assert [r["seq"] for r in rows] == list(range(1, 121))
    for k in range(3):
        assert sorted(int(r["reason"].split()[1]) for r in rows if r["decided_by"] == f"p{k}") == list(range(40))


def test_known_service_ids_from_current(ctx):
    assert known_service_ids_from_current(ctx.home) == set()
    switch_current(ctx, build_release(ctx))
    # services plus service_history (a revoked service that is no longer listed still counts)
    assert known_service_ids_from_current(ctx.home) == {"svc-a", "svc-b", "svc-old"}
    assert known_service_ids_from_current(ctx) == {"svc-a", "svc-b", "svc-old"}


def test_an_appended_line_with_a_recomputed_hash_is_refused(home, tmp_path):
    from sealreg.publish.signing import load_or_create_key, public_key_fingerprint, public_key_pem, sign

    path = _three(home)
    last = json.loads(path.read_text().splitlines()[-1])
    forged = {**last, "seq": 4, "decision_id": "dec-000004", "action": "reinstate", "reason": "forged",
              "prev_hash": last["hash"]}
    forged["hash"] = record_hash(forged)  # a valid chain link ...
    with open(path, "ab") as f:
        f.write(canonical_json(forged) + b"\n")
    with pytest.raises(DecisionLogError, match="line 4: signature does not verify"):
        read_decisions(home)  # ... but the old signature does not sign the new hash
    evil = load_or_create_key(tmp_path / "evil")
    forged["key_sha256"] = public_key_fingerprint(public_key_pem(evil))
    forged["hash"] = record_hash(forged)
    forged["signature"] = sign(forged["hash"].encode(), evil)
    path.write_text("".join(path.read_text().splitlines(keepends=True)[:3]) + canonical_json(forged).decode() + "\n")
    assert verify_decisions(path) == []  # the hash chain alone cannot tell
    with pytest.raises(DecisionLogError, match="line 4: signed by key .* not a key of this registry"):
        read_decisions(home)


def test_the_refresh_refuses_a_log_that_does_not_extend_the_last_release(ctx):
    from sealreg import steps

    build_release(ctx)  # rests on decision 1 of the log
    original = ctx.paths.decisions_log.read_bytes()
    # an insider with the key rewrites the chain from the start: every record is validly signed
    ctx.paths.decisions_log.unlink()
    append_decision(ctx, "svc-b", "revoke", "rewritten history", "ANSSI", {"svc-b"})
    with pytest.raises(DecisionLogError, match="line 1: not the decision release 2026-03-01-001 rests on"):
        steps.ingest(ctx)
    ctx.paths.decisions_log.write_bytes(b"")  # or cuts it off
    with pytest.raises(DecisionLogError, match="truncated or replaced"):
        read_decisions(ctx)
    ctx.paths.decisions_log.write_bytes(original)
    append_decision(ctx, "svc-b", "reinstate", "new audit", "ANSSI", {"svc-b"})  # extending it is fine
    assert [r["seq"] for r in read_decisions(ctx)] == [1, 2]


# --- no-op refusals, withdraw, legal basis, dry run, role or id -------------------------------
@pytest.mark.parametrize("history, action, why", [
    ([], "reinstate", "nothing to reinstate"),
    (["suspend"], "suspend", "already suspended by dec-000001"),
    (["revoke"], "revoke", "already revoked by dec-000001"),
    (["revoke"], "suspend", "would lift the revocation"),
    (["suspend", "reinstate"], "reinstate", "nothing to reinstate"),
])
def test_a_decision_that_changes_nothing_is_refused_and_not_logged(home, history, action, why):
    for i, earlier in enumerate(history):
        append_decision(home, "svc-a", earlier, "r", "ANSSI", KNOWN, decided_at=T0 + dt.timedelta(hours=i))
    before = log_path(home).read_bytes() if history else b""
    with pytest.raises(DecisionRefused, match=why):
        append_decision(home, "svc-a", action, "again", "ANSSI", KNOWN, decided_at=T0 + dt.timedelta(days=1))
    assert (log_path(home).read_bytes() if log_path(home).exists() else b"") == before


def test_a_withdraw_names_the_erroneous_decision_and_keeps_the_log_append_only(home):
    first = append_decision(home, "svc-a", "suspend", "r", "ANSSI", KNOWN, decided_at=T0, legal_basis="CSA Art. 27")
    wrong = append_decision(home, "svc-a", "revoke", "wrong service", "ANSSI", KNOWN,
                            decided_at=T0 + dt.timedelta(hours=1))
    fix = append_decision(home, "svc-a", "withdraw", "entered for the wrong service", "ANSSI", KNOWN,
                          decided_at=T0 + dt.timedelta(hours=2), withdraws=wrong["decision_id"])
    assert fix["withdraws"] == "dec-000002" and first["legal_basis"] == "CSA Art. 27"
    assert "withdraws" not in first and "legal_basis" not in wrong  # optional fields only when given
    assert verify_decisions(log_path(home)) == []
    rows = read_decisions(home)
    assert [(r["action"], r["withdraws"], r["legal_basis"]) for r in rows] == [
        ("suspend", None, "CSA Art. 27"), ("revoke", None, None), ("withdraw", "dec-000002", None)]
    # the suspension is in force again: a second one is a no-op; the withdrawn revoke cannot be withdrawn twice
    with pytest.raises(DecisionRefused, match="already suspended by dec-000001"):
        append_decision(home, "svc-a", "suspend", "x", "ANSSI", KNOWN)
    with pytest.raises(DecisionRefused, match="already withdrawn by dec-000003"):
        append_decision(home, "svc-a", "withdraw", "x", "ANSSI", KNOWN, withdraws="dec-000002")
    for bad in ("dec-000009", None):
        with pytest.raises(DecisionRefused):
            append_decision(home, "svc-a", "withdraw", "x", "ANSSI", KNOWN, withdraws=bad)
    with pytest.raises(DecisionRefused, match="not a decision about svc-b"):
        append_decision(home, "svc-b", "withdraw", "x", "ANSSI", KNOWN, withdraws="dec-000001")


def test_dry_run_returns_the_record_and_writes_nothing(home):
    record = append_decision(home, "svc-a", "suspend", "r", "ANSSI", KNOWN, dry_run=True)
    assert record["decision_id"] == "dec-000001" and record["hash"] == record_hash(record)
    assert not log_path(home).exists()


@pytest.mark.parametrize("by", ["Jane Doe", "Dr. Müller", "a b"])
def test_by_is_a_role_or_id_unless_personal_names_are_configured(home, by, monkeypatch):
    with pytest.raises(DecisionRefused, match="role or staff id"):
        append_decision(home, "svc-a", "suspend", "r", by, KNOWN)
    monkeypatch.setenv("SEALREG_PUBLISH_PERSONAL_NAMES", "1")
    assert append_decision(home, "svc-a", "suspend", "r", by, KNOWN)["decided_by"] == by
