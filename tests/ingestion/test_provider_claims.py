"""No provider can evict or impersonate another: enrolment and signatures (E019/E020), ids held by the last
release (E013), stale submissions (E021) and the run's budget (E015), over real ingests of two nights."""

from __future__ import annotations

import base64
import datetime as dt
import shutil

import duckdb
import pytest
from cryptography.hazmat.primitives import serialization
from cryptography.hazmat.primitives.asymmetric.ed25519 import Ed25519PrivateKey

from ingestion.ingest import run_ingest
from ingestion.keyring import RegisterError, append_entry, read_register, register_path
from sealreg.config import RunContext
from sealreg.run_settings import SettingsError


def _pem(key: Ed25519PrivateKey) -> bytes:
    return key.public_key().public_bytes(serialization.Encoding.PEM, serialization.PublicFormat.SubjectPublicKeyInfo)


def _write(factory, ctx, name, doc, key=None, raw_sig=False):
    path = factory.write(ctx.inbox, name, doc)
    if key is not None:
        sig = key.sign(path.read_bytes())
        path.with_name(name + ".sig").write_bytes(sig if raw_sig else base64.b64encode(sig) + b"\n")
    return path


def _rows(ctx, sql):
    con = duckdb.connect(str(ctx.run_warehouse), read_only=True)
    try:
        return con.execute(sql).fetchall()
    finally:
        con.close()


def _rejections(ctx):
    return _rows(ctx, "SELECT file, code, path FROM raw.rejections ORDER BY file, path")


def _next_night(ctx, run_id="night-2"):
    """The first night's warehouse becomes the baseline (as after a published release); a context for the next."""
    ctx.paths.baseline_warehouse.parent.mkdir(parents=True, exist_ok=True)
    shutil.copyfile(ctx.run_warehouse, ctx.paths.baseline_warehouse)
    return RunContext.create(home=ctx.home, inbox=ctx.inbox, as_of=ctx.as_of, run_id=run_id)


# --- enrolment and signatures ------------------------------------------------------------------
def test_enrolled_provider_needs_a_valid_signature_and_the_fingerprint_is_loaded(ctx, factory):
    key, forger = Ed25519PrivateKey.generate(), Ed25519PrivateKey.generate()
    entry = append_entry(ctx.home, "alpha", "Registrar A", _pem(key))
    _write(factory, ctx, "signed.json", factory.disclosure("alpha", submitted_at="2026-10-01T08:00:00Z"), key)
    _write(factory, ctx, "raw-sig.json", factory.disclosure("alpha", submitted_at="2026-10-02T08:00:00Z"), key,
           raw_sig=True)
    _write(factory, ctx, "unsigned.json", factory.disclosure("alpha", submitted_at="2026-10-03T08:00:00Z"))
    _write(factory, ctx, "forged.json", factory.disclosure("alpha", submitted_at="2026-10-04T08:00:00Z"), forger)
    _write(factory, ctx, "garbage.json", factory.disclosure("alpha", submitted_at="2026-10-05T08:00:00Z"))
    (ctx.inbox / "garbage.json.sig").write_bytes(b"not a signature")
    _write(factory, ctx, "other.json", factory.disclosure("beta"))  # not enrolled: accepted unsigned
    result = run_ingest(ctx)
    assert (result["accepted"], result["rejected"]) == (3, 3)
    assert _rejections(ctx) == [("forged.json", "E020", "$"), ("garbage.json", "E020", "$"),
                                ("unsigned.json", "E019", "$")]
    assert dict(_rows(ctx, "SELECT file_name, signing_key_fingerprint FROM raw.disclosures")) == {
        "signed.json": entry["fingerprint"], "raw-sig.json": entry["fingerprint"], "other.json": None}


def test_a_symlinked_signature_is_not_followed(ctx, factory, tmp_path):
    key = Ed25519PrivateKey.generate()
    append_entry(ctx.home, "alpha", "Registrar A", _pem(key))
    path = _write(factory, ctx, "a.json", factory.disclosure("alpha"))
    (tmp_path / "elsewhere.sig").write_bytes(base64.b64encode(key.sign(path.read_bytes())))
    (ctx.inbox / "a.json.sig").symlink_to(tmp_path / "elsewhere.sig")
    run_ingest(ctx)
    assert _rejections(ctx) == [("a.json", "E019", "$")]


def test_rotation_keeps_accepted_files_but_new_submissions_need_the_new_key(ctx, factory):
    old, new = Ed25519PrivateKey.generate(), Ed25519PrivateKey.generate()
    append_entry(ctx.home, "alpha", "Registrar A", _pem(old))
    _write(factory, ctx, "first.json", factory.disclosure("alpha", submitted_at="2026-10-01T08:00:00Z"), old)
    assert run_ingest(ctx)["accepted"] == 1
    night2 = _next_night(ctx)
    assert append_entry(ctx.home, "alpha", "Registrar A", _pem(new))["action"] == "rotate"
    _write(factory, ctx, "second-old-key.json", factory.disclosure("alpha", submitted_at="2026-10-02T08:00:00Z"), old)
    _write(factory, ctx, "third.json", factory.disclosure("alpha", submitted_at="2026-10-03T08:00:00Z"), new)
    run_ingest(night2)
    assert _rejections(night2) == [("second-old-key.json", "E020", "$")]
    assert sorted(_rows(night2, "SELECT file_name FROM raw.disclosures")) == [("first.json",), ("third.json",)]


def test_revocation_refuses_every_file_of_the_provider(ctx, factory):
    key = Ed25519PrivateKey.generate()
    append_entry(ctx.home, "alpha", "Registrar A", _pem(key))
    append_entry(ctx.home, "alpha", "Registrar A", None)
    _write(factory, ctx, "a.json", factory.disclosure("alpha"), key)
    run_ingest(ctx)
    assert _rejections(ctx) == [("a.json", "E020", "$")]


def test_the_key_register_is_hash_chained_and_a_rewritten_entry_stops_the_run(ctx, factory):
    key, attacker = Ed25519PrivateKey.generate(), Ed25519PrivateKey.generate()
    append_entry(ctx.home, "alpha", "Registrar A", _pem(key))
    with pytest.raises(RegisterError, match="already in the register"):
        append_entry(ctx.home, "beta", "Registrar A", _pem(key))
    with pytest.raises(RegisterError, match="formula"):
        append_entry(ctx.home, "beta", "=cmd", _pem(attacker))
    path = register_path(ctx.home)
    text = path.read_text()
    pem = _pem(key).decode().replace("\n", "\\n")
    path.write_text(text.replace(pem, _pem(attacker).decode().replace("\n", "\\n")))
    with pytest.raises(RegisterError, match="line 1"):
        read_register(ctx.home)
    factory.write(ctx.inbox, "a.json", factory.disclosure("alpha"))
    with pytest.raises(RegisterError):
        run_ingest(ctx)


# --- no eviction -------------------------------------------------------------------------------
def test_an_old_dated_file_cannot_take_a_service_or_disclosure_id_held_by_another_provider(ctx, factory):
    genuine = factory.disclosure("alpha", submitted_at="2026-10-01T08:00:00Z")
    factory.write(ctx.inbox, "alpha.json", genuine)
    assert run_ingest(ctx)["accepted"] == 1
    night2 = _next_night(ctx)
    thief = factory.disclosure("mallory", submitted_at="2020-01-01T00:00:00Z", service_ids=["alpha-s0", "mallory-s1"])
    factory.write(ctx.inbox, "mallory-service.json", thief)
    squatter = factory.disclosure("eve", submitted_at="2020-01-01T00:00:00Z", disclosure_id=genuine["disclosure_id"])
    factory.write(ctx.inbox, "eve-id.json", squatter)
    result = run_ingest(night2)
    assert (result["accepted"], result["rejected"]) == (1, 2)
    assert _rejections(night2) == [("eve-id.json", "E013", "$.disclosure_id"),
                                   ("mallory-service.json", "E013", "$.services[0].service_id")]
    assert _rows(night2, "SELECT provider_id, service_id FROM raw.services") == [("alpha", "alpha-s0")]


def test_a_new_id_claimed_by_two_providers_goes_to_neither_whatever_the_dates(ctx, factory):
    factory.write(ctx.inbox, "a.json", factory.disclosure("alpha", submitted_at="2026-10-02T08:00:00Z",
                                                          service_ids=["shared-svc", "alpha-own"]))
    factory.write(ctx.inbox, "b.json", factory.disclosure("beta", submitted_at="2020-01-01T00:00:00Z",
                                                          service_ids=["shared-svc"]))
    factory.write(ctx.inbox, "c.json", factory.disclosure("gamma"))
    result = run_ingest(ctx)
    assert (result["accepted"], result["rejected"]) == (1, 2)
    assert [r[:2] for r in _rejections(ctx)] == [("a.json", "E013"), ("b.json", "E013")]


def test_a_new_submission_dated_before_the_one_in_force_is_E021_and_the_old_file_stays(ctx, factory):
    factory.write(ctx.inbox, "old.json", factory.disclosure("alpha", submitted_at="2026-09-01T08:00:00Z"))
    factory.write(ctx.inbox, "current.json", factory.disclosure("alpha", submitted_at="2026-10-01T08:00:00Z"))
    assert run_ingest(ctx)["accepted"] == 2
    night2 = _next_night(ctx)
    factory.write(ctx.inbox, "backdated.json", factory.disclosure("alpha", submitted_at="2026-09-15T08:00:00Z"))
    run_ingest(night2)
    assert _rejections(night2) == [("backdated.json", "E021", "$.submitted_at")]
    assert sorted(_rows(night2, "SELECT file_name FROM raw.disclosures")) == [("current.json",), ("old.json",)]


def test_the_run_budget_loads_known_files_first_and_refuses_the_rest_with_E015(ctx, factory, monkeypatch):
    factory.write(ctx.inbox, "z-known.json", factory.disclosure("zeta", n_services=3))
    assert run_ingest(ctx)["accepted"] == 1
    night2 = _next_night(ctx)
    monkeypatch.setenv("SEALREG_MAX_SERVICES_PER_RUN", "5")
    factory.write(ctx.inbox, "a-new.json", factory.disclosure("alpha", n_services=2))
    factory.write(ctx.inbox, "b-new.json", factory.disclosure("beta", n_services=2))
    run_ingest(night2)
    assert _rejections(night2) == [("b-new.json", "E015", "$.services")]
    assert sorted(_rows(night2, "SELECT file_name FROM raw.disclosures")) == [("a-new.json",), ("z-known.json",)]


@pytest.mark.parametrize("value", ["0", "-3", "1e6", "many"])
def test_a_run_budget_that_is_not_a_whole_number_of_services_stops_the_ingest_with_the_setting_named(
        ctx, factory, monkeypatch, value):
    factory.write(ctx.inbox, "a.json", factory.disclosure("alpha"))
    monkeypatch.setenv("SEALREG_MAX_SERVICES_PER_RUN", value)
    with pytest.raises(SettingsError, match="SEALREG_MAX_SERVICES_PER_RUN"):
        run_ingest(ctx)


def test_a_service_moves_to_another_provider_only_by_a_regulator_transfer_decision(ctx, factory):
    from sealreg.decisions import append_decision, read_decisions

    factory.write(ctx.inbox, "alpha.json", factory.disclosure("alpha", service_ids=["alpha-s0", "alpha-s1"]))
    assert run_ingest(ctx)["accepted"] == 1
    night2 = _next_night(ctx)
    factory.write(ctx.inbox, "beta.json", factory.disclosure("beta", service_ids=["alpha-s0"]))
    run_ingest(night2, decisions=[])
    assert [r[:2] for r in _rejections(night2)] == [("beta.json", "E013")]
    append_decision(ctx.home, "alpha-s0", "transfer", "Sold to Beta AB (contract 2026-77)", "registrar-a",
                    known_service_ids=set(), to_provider="beta", decided_at=dt.datetime(2026, 11, 10, 9, 0))
    night3 = _next_night(night2, run_id="night-3")
    run_ingest(night3, decisions=read_decisions(ctx.home))
    assert _rows(night3, "SELECT provider_id, service_id FROM raw.services ORDER BY 2") == [("beta", "alpha-s0")]
    assert _rejections(night3)[0][:2] == ("alpha.json", "E013")  # alpha must resubmit without the service
    assert _rows(night3, "SELECT action FROM raw.decisions") == [("transfer",)]
