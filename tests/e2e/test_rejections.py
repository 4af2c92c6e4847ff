"""Rejections a regulator can forward: provider id and name, `sealreg rejections`, feedback letters, and an
unchanged rejected file that is "still rejected since" its first night instead of quarantined again."""

from __future__ import annotations

import json
import re
import shutil
from pathlib import Path

import pytest

from sealreg.config import quarantine_run_id
from tests.helpers import SAMPLE_AS_OF, SAMPLE_REFERENCES, SAMPLES, query, sealreg_cli

#: The sample files rejected by a single-file rule, with the provider each names (None: unparseable).
SAMPLE_SENDERS = {
    "broken-forged-lei.json": ("forgelei-hosting", "Forgelei Hosting SRL"),
    "broken-incomplete-answers.json": ("halfdone-cloud", "Halfdone Cloud Kft."),
    "broken-not-json.json": (None, None),
    "broken-ownership-over-100.json": ("overowned-cloud", "Overowned Cloud Ltd"),
    "broken-unknown-field.json": ("typo-systems", "Typo Systems ApS"),
}
NIGHT_2 = "2026-11-29"


def _quarantine_folders(home: Path) -> list[Path]:
    return sorted(p for p in (home / "quarantine").iterdir() if p.is_dir())


def test_published_rejections_name_the_provider_when_the_file_parsed_far_enough(sample_home):
    rows = query(sample_home, "select distinct file, provider_id, provider_name from rejections where code like 'E%'")
    assert {f: (pid, name) for f, pid, name in rows} == SAMPLE_SENDERS


def test_the_sample_messages_say_the_near_key_and_that_the_file_ends_early(sample_home):
    messages = dict(query(sample_home, "select file, message from rejections where code like 'E%'"))
    assert 'did you mean "evidence"?' in messages["broken-unknown-field.json"]
    assert messages["broken-not-json.json"].startswith("the file ends early, after line ")


def test_errors_json_carries_the_provider(sample_home):
    (folder,) = _quarantine_folders(sample_home)
    errors = json.loads((folder / "broken-unknown-field.json.errors.json").read_text())
    assert {(e["provider_id"], e["provider_name"]) for e in errors} == {("typo-systems", "Typo Systems ApS")}
    unparsed = json.loads((folder / "broken-not-json.json.errors.json").read_text())
    assert {(e["provider_id"], e["provider_name"]) for e in unparsed} == {(None, None)}


def test_one_ready_to_send_letter_per_provider_lists_every_problem_with_how_to_fix(sample_home):
    (folder,) = _quarantine_folders(sample_home)
    letters = {p.name for p in (folder / "feedback").iterdir()}
    assert letters == {f"{pid}.txt" for pid, _ in SAMPLE_SENDERS.values() if pid} | {"_no-provider-id.txt"}
    text = (folder / "feedback" / "typo-systems.txt").read_text()
    assert text.startswith("To: Typo Systems ApS (provider id typo-systems)\n")
    for part in ("File: broken-unknown-field.json", "rejected on 2026-11-28", "Where: $.services[0].evidnce",
                 'Problem (E004): unknown field; did you mean "evidence"?', "How to fix: Remove the field"):
        assert part in text
    assert "broken-forged-lei.json" not in text  # another provider's file
    assert "the file ends early" in (folder / "feedback" / "_no-provider-id.txt").read_text()


def test_sealreg_rejections_lists_one_providers_files(sample_home):
    proc = sealreg_cli("rejections", "--home", str(sample_home), "--provider", "typo-systems")
    assert proc.returncode == 0, proc.stderr
    assert proc.stdout.startswith("broken-unknown-field.json: provider typo-systems (Typo Systems ApS); "
                                  "rejected on 2026-11-28")
    assert "feedback to send: " in proc.stdout and "typo-systems.txt" in proc.stdout
    assert "broken-forged-lei.json" not in proc.stdout and "1 rejected file(s)" in proc.stdout
    every = json.loads(sealreg_cli("rejections", "--home", str(sample_home), "--json").stdout)
    assert {r["file"] for r in every} >= set(SAMPLE_SENDERS)
    nobody = sealreg_cli("rejections", "--home", str(sample_home), "--provider", "nobody-here")
    assert nobody.returncode == 0 and "No rejected file naming provider nobody-here" in nobody.stdout


@pytest.fixture(scope="module")
def second_night(sample_home, tmp_path_factory) -> tuple[Path, str]:
    """The sample home refreshed a second night: the same inbox except broken-unknown-field.json, changed."""
    root = tmp_path_factory.mktemp("rejections-night-2")
    home, inbox = root / "home", root / "inbox"
    shutil.copytree(sample_home, home, symlinks=True)
    shutil.copytree(SAMPLES, inbox)
    changed = inbox / "broken-unknown-field.json"
    changed.write_bytes(changed.read_bytes() + b"\n")  # other bytes, the same problem
    proc = sealreg_cli("refresh", "--inbox", str(inbox), "--references", str(SAMPLE_REFERENCES),
                       "--home", str(home), "--as-of", NIGHT_2)
    assert proc.returncode == 0, proc.stdout + proc.stderr
    return home, proc.stdout


def test_an_unchanged_rejected_file_is_still_rejected_since_its_first_night_and_not_quarantined_again(
        second_night):
    home, out = second_night
    rows = query(home, "select distinct file, rejected_since, still_rejected, quarantined_in from rejections "
                       "where code like 'E%'")
    first, second = _quarantine_folders(home)
    since = {f: (str(d), still, q) for f, d, still, q in rows}
    for file in SAMPLE_SENDERS:
        if file == "broken-unknown-field.json":  # its bytes changed: a new rejection, quarantined tonight
            assert since[file] == (NIGHT_2, False, quarantine_run_id(second.name))
        else:
            assert since[file] == (SAMPLE_AS_OF, True, quarantine_run_id(first.name))
            assert not (second / file).exists() and (first / file).exists()
    assert {p.name for p in second.iterdir() if p.is_file()} == {"broken-unknown-field.json",
                                                                 "broken-unknown-field.json.errors.json"}
    assert {p.name for p in (second / "feedback").iterdir()} == {"typo-systems.txt"}  # no new letter for the rest
    assert "4 still rejected" in out and f"still rejected since {SAMPLE_AS_OF}: broken-forged-lei.json" in out
    listed = sealreg_cli("rejections", "--home", str(home), "--provider", "forgelei-hosting").stdout
    assert f"still rejected since {SAMPLE_AS_OF}" in listed


def test_quarantine_folders_sort_by_time(second_night):
    home, _ = second_night
    stamps = [re.fullmatch(r"(\d{8}T\d{6}Z)-(\d{4}-\d{2}-\d{2})-[0-9a-f]{12}", p.name).groups()
              for p in _quarantine_folders(home)]  # <UTC start of the run>-<run id>, in name order
    assert [as_of for _, as_of in stamps] == [SAMPLE_AS_OF, NIGHT_2] and stamps[0][0] <= stamps[1][0]


def test_prune_keeps_the_folder_of_files_still_rejected(second_night):
    home, _ = second_night
    first, _second = _quarantine_folders(home)
    proc = sealreg_cli("prune", "--keep-days", "0", "--dry-run", "--home", str(home))
    assert proc.returncode == 0, proc.stderr
    assert f"kept quarantine/{first.name}: holds files the current release lists as still rejected" in proc.stdout
