"""Inbox entries are never followed or trusted: one safe reader (ingestion/inbox.py) for the ingest, the run id
digest and `sealreg validate`; odd entries are rejected with E017 and never block, crash or leak."""

from __future__ import annotations

import hashlib
import json
import os
import socket
import stat
import threading
from pathlib import Path

import duckdb

from ingestion.ingest import run_ingest, validate_paths
from ingestion.problems import CODES
from sealreg.config import RunContext
from tests.helpers import sealreg_cli
from tests.ingestion.disclosure_factory import AS_OF, disclosure, to_bytes

SECRET = b"-----BEGIN PRIVATE KEY-----\nnot really a key\n-----END PRIVATE KEY-----\n"


def _within(seconds: float, fn):
    """fn() run in a daemon thread; fails the test instead of hanging when it blocks."""
    box: dict = {}

    def target():
        try:
            box["value"] = fn()
        except BaseException as exc:  # noqa: BLE001 - re-raised in the test thread
            box["error"] = exc

    thread = threading.Thread(target=target, daemon=True)
    thread.start()
    thread.join(seconds)
    assert not thread.is_alive(), f"blocked for more than {seconds} s"
    if "error" in box:
        raise box["error"]
    return box["value"]


def _ingest(root: Path, inbox: Path) -> tuple[RunContext, dict]:
    def run():
        ctx = RunContext.create(home=root / "home", inbox=inbox, as_of=AS_OF)
        return ctx, run_ingest(ctx, decisions=[])
    return _within(60, run)


def _rows(ctx: RunContext, sql: str) -> list[tuple]:
    con = duckdb.connect(str(ctx.run_warehouse), read_only=True)
    try:
        return con.execute(sql).fetchall()
    finally:
        con.close()


def _hostile_inbox(root: Path) -> Path:
    """An inbox with one valid file and every kind of entry that must not be read."""
    inbox, outside = root / "inbox", root / "outside"
    inbox.mkdir()
    outside.mkdir()
    (inbox / "good.json").write_bytes(to_bytes(disclosure("alpha")))
    (outside / "signing_key.pem").write_bytes(SECRET)
    (outside / "valid.json").write_bytes(to_bytes(disclosure("beta")))
    os.symlink(outside / "signing_key.pem", inbox / "key.json")
    os.symlink(outside / "valid.json", inbox / "elsewhere.json")
    os.symlink(root / "nowhere.json", inbox / "dangling.json")
    os.mkfifo(inbox / "fifo.json")
    (inbox / "folder.json").mkdir()
    sock = socket.socket(socket.AF_UNIX)
    sock.bind(str(inbox / "sock.json"))
    sock.close()
    os.close(os.open(os.fsencode(inbox) + b"/bad-\xff-name.json", os.O_CREAT | os.O_WRONLY, 0o644))
    return inbox


REFUSED = {"key.json", "elsewhere.json", "dangling.json", "fifo.json", "folder.json", "sock.json",
           "bad-\\xff-name.json"}


def test_links_fifos_folders_sockets_and_undecodable_names_are_rejected_with_E017_without_blocking(tmp_path):
    inbox = _hostile_inbox(tmp_path)
    ctx, result = _ingest(tmp_path, inbox)
    assert (result["files"], result["accepted"], result["rejected"]) == (8, 1, 7)
    rejections = _rows(ctx, "SELECT file, code, message FROM raw.rejections ORDER BY file")
    assert {f for f, _, _ in rejections} == REFUSED
    assert {c for _, c, _ in rejections} == {"E017"}
    assert "E017" in CODES
    messages = {f: m for f, _, m in rejections}
    assert "symbolic link" in messages["key.json"] and "FIFO" in messages["fifo.json"]
    assert "directory" in messages["folder.json"] and "UTF-8" in messages["bad-\\xff-name.json"]
    assert _rows(ctx, "SELECT provider_id FROM raw.disclosures") == [("alpha",)]
    statuses = dict(_rows(ctx, "SELECT file_name, status FROM raw.input_files"))
    assert statuses == {"good.json": "accepted", **{name: "rejected" for name in REFUSED}}


def test_no_link_target_is_ever_copied_into_quarantine(tmp_path):
    inbox = _hostile_inbox(tmp_path)
    ctx, _ = _ingest(tmp_path, inbox)
    copies = [p for p in ctx.quarantine_dir.iterdir() if p.is_file() and not p.name.endswith(".errors.json")]
    assert all(SECRET not in p.read_bytes() for p in ctx.quarantine_dir.rglob("*") if p.is_file())  # letters too
    assert [p.name for p in copies] == ["bad-%FF-name.json"]  # a regular file: its bytes are evidence
    assert len(list(ctx.quarantine_dir.glob("*.errors.json"))) == len(REFUSED)


def test_run_id_digest_and_validate_do_not_follow_or_block(tmp_path):
    inbox = _hostile_inbox(tmp_path)
    first = _within(30, lambda: RunContext.create(home=tmp_path / "h", inbox=inbox, as_of=AS_OF).run_id)
    (tmp_path / "outside" / "signing_key.pem").write_bytes(b"changed")  # a link's target is not an input
    assert _within(30, lambda: RunContext.create(home=tmp_path / "h", inbox=inbox, as_of=AS_OF).run_id) == first
    problems = _within(30, lambda: validate_paths([inbox / "fifo.json", inbox / "key.json"], AS_OF))
    assert [(Path(p.file).name, p.code) for p in problems] == [("fifo.json", "E017"), ("key.json", "E017")]
    proc = sealreg_cli("validate", str(inbox / "fifo.json"), timeout=60)
    assert proc.returncode == 1 and "E017" in proc.stdout


def test_quarantine_copy_is_the_bytes_read_and_never_more_readable_than_0640(tmp_path):
    inbox = tmp_path / "inbox"
    inbox.mkdir()
    for name, mode in (("open.json", 0o666), ("private.json", 0o600)):
        path = inbox / name
        path.write_bytes(b'{"schema_version": "1", "hello": "' + name.encode() + b'"}')
        os.chmod(path, mode)
    ctx, result = _ingest(tmp_path, inbox)
    assert result["rejected"] == 2
    digests = dict(_rows(ctx, "SELECT file_name, file_sha256 FROM raw.input_files"))
    for name, mode in (("open.json", 0o640), ("private.json", 0o600)):
        copy = ctx.quarantine_dir / name
        assert stat.S_IMODE(copy.stat().st_mode) == mode
        assert hashlib.sha256(copy.read_bytes()).hexdigest() == digests[name]
        errors = ctx.quarantine_dir / f"{name}.errors.json"
        assert stat.S_IMODE(errors.stat().st_mode) & 0o007 == 0
        assert json.loads(errors.read_text())[0]["file"] == name


def test_quarantine_names_never_collide_so_no_evidence_is_overwritten(tmp_path):
    inbox = tmp_path / "inbox"
    inbox.mkdir()
    names = ["victim.json", "x\\victim.json", "victim.json.errors.json", ".victim.json", "%2Evictim.json"]
    for i, name in enumerate(names):
        (inbox / name).write_bytes(b'{"n": %d}' % i)
    ctx, result = _ingest(tmp_path, inbox)
    assert result["rejected"] == len(names)
    files = sorted(p.name for p in ctx.quarantine_dir.iterdir() if p.is_file())  # feedback/ holds the letters
    assert len(files) == 2 * len(names)
    for i, name in enumerate(names):
        shown = name.replace("\\", "\\\\")
        errors = [p for p in ctx.quarantine_dir.glob("*.errors.json") if json.loads(p.read_text())[0]["file"] == shown]
        assert len(errors) == 1, name
        copy = errors[0].with_name(errors[0].name.removesuffix(".errors.json"))
        assert copy.read_bytes() == b'{"n": %d}' % i


def test_validate_quotes_file_names_so_output_lines_cannot_be_forged(tmp_path):
    forged = tmp_path / 'x.json: E001 $: fine\nother.json'
    forged.write_bytes(b"[]")
    proc = sealreg_cli("validate", str(forged), timeout=60)
    assert proc.returncode == 1
    lines = proc.stdout.splitlines()
    assert len(lines) == 1
    name, end = json.JSONDecoder().raw_decode(lines[0])
    assert name == str(forged) and lines[0][end:].startswith(": E0")
