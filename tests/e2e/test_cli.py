"""The command line as users call it: validate, decide, lookup, shortlist, verify."""

from __future__ import annotations

import argparse
import csv
import io
import json
import shutil

import duckdb

from tests.helpers import REPO, SAMPLES, sealreg_cli


def _services(home) -> dict[str, dict]:
    con = duckdb.connect(str(home / "current" / "registry.duckdb"), read_only=True)
    try:
        cur = con.execute("select * from services")
        cols = [d[0] for d in cur.description]
        return {row[0]: dict(zip(cols, row, strict=True)) for row in cur.fetchall()}
    finally:
        con.close()


def test_validate_reports_file_code_and_path_and_exits_1():
    broken = SAMPLES / "broken-forged-lei.json"
    proc = sealreg_cli("validate", str(broken))
    assert proc.returncode == 1
    assert f"{broken}: E008 $.provider.lei:" in proc.stdout
    as_json = json.loads(sealreg_cli("validate", "--json", str(broken)).stdout)
    assert as_json[0]["code"] == "E008" and as_json[0]["path"] == "$.provider.lei"
    assert set(as_json[0]) == {"file", "code", "path", "message"}


def test_validate_accepts_valid_files_with_exit_0_and_usage_errors_exit_2(tmp_path):
    valid = sorted(p for p in SAMPLES.glob("*.json") if not p.name.startswith("broken"))
    proc = sealreg_cli("validate", "--as-of", "2026-11-28", *map(str, valid))
    assert proc.returncode == 0, proc.stdout
    assert sealreg_cli("validate", str(tmp_path / "nope.json")).returncode == 2
    assert sealreg_cli("validate").returncode == 2


def test_decide_refuses_unknown_service_bad_action_and_empty_reason(sample_home, tmp_path):
    home = tmp_path / "home"
    shutil.copytree(sample_home, home, symlinks=True)
    log = home / "decisions" / "log.jsonl"
    unknown = sealreg_cli("decide", "no-such-service", "--action", "suspend", "--reason", "x", "--by", "me",
                          "--home", str(home))
    assert unknown.returncode == 1 and "no-such-service" in unknown.stderr
    empty = sealreg_cli("decide", "aurora-compute", "--action", "suspend", "--reason", "  ", "--by", "me",
                        "--home", str(home))
    assert empty.returncode == 1 and "reason" in empty.stderr
    bad_action = sealreg_cli("decide", "aurora-compute", "--action", "delete", "--reason", "x", "--by", "me",
                             "--home", str(home))
    assert bad_action.returncode == 2
    assert not log.exists() or log.read_text() == ""
    ok = sealreg_cli("decide", "aurora-compute", "--action", "suspend", "--reason", "audit under review",
                     "--by", "registry-officer", "--home", str(home))
    assert ok.returncode == 0, ok.stderr
    record = json.loads(log.read_text().splitlines()[-1])
    assert (record["service_id"], record["action"], record["reason"]) == (
        "aurora-compute", "suspend", "audit under review")


def test_lookup_prints_the_published_entry_and_exits_1_when_unknown(sample_home):
    found = sealreg_cli("lookup", "aurora-compute", "--json", "--home", str(sample_home))
    assert found.returncode == 0
    entry = json.loads(found.stdout)
    published = _services(sample_home)["aurora-compute"]
    assert (entry["seal"], entry["ual"], entry["status"]) == (published["seal"], published["ual"], published["status"])
    assert len(entry["objectives"]) == 8
    assert sealreg_cli("lookup", "no-such-service", "--home", str(sample_home)).returncode == 1


def test_shortlist_keeps_only_services_meeting_every_floor_ranked_by_score(sample_home):
    proc = sealreg_cli("shortlist", "--min-seal", "SOV-1=3,SOV-3=2", "--min-ual", "2", "--csv",
                       "--home", str(sample_home))
    assert proc.returncode == 0, proc.stderr
    rows = list(csv.DictReader(io.StringIO(proc.stdout)))
    con = duckdb.connect(str(sample_home / "current" / "registry.duckdb"), read_only=True)
    expected = [r[0] for r in con.execute("""
        select s.service_id from services s
        where s.ual >= 2 and s.status = 'listed'
          and (select seal from objective_results o where o.service_id = s.service_id and objective = 'SOV-1') >= 3
          and (select seal from objective_results o where o.service_id = s.service_id and objective = 'SOV-3') >= 2
        order by s.sovereignty_score desc, s.service_id""").fetchall()]
    con.close()
    assert expected, "the samples hold services meeting these floors"
    assert [r["service_id"] for r in rows] == expected
    scores = [float(r["sovereignty_score"]) for r in rows]
    assert scores == sorted(scores, reverse=True)
    assert sealreg_cli("shortlist", "--min-seal", "SOV-9=3", "--home", str(sample_home)).returncode == 2


def test_verify_passes_on_the_release_and_names_a_tampered_file(sample_home, tmp_path):
    ok = sealreg_cli("verify", str(sample_home / "current"), "--home", str(sample_home))
    assert ok.returncode == 0, ok.stdout + ok.stderr
    home = tmp_path / "home"
    shutil.copytree(sample_home, home, symlinks=True)
    release = (home / "current").resolve()
    target = release / "csv" / "services.csv.gz"
    data = bytearray(target.read_bytes())
    data[len(data) // 2] ^= 1  # same size, other bytes
    target.write_bytes(bytes(data))
    proc = sealreg_cli("verify", str(release), "--home", str(home))
    assert proc.returncode == 1
    assert "csv/services.csv.gz: V005" in proc.stdout


def test_every_command_and_option_has_help_text():
    from sealreg.cli import build_parser

    def check(parser, where):
        for action in parser._actions:
            if isinstance(action, argparse._SubParsersAction):
                helps = {c.dest: c.help for c in action._choices_actions}
                for name, command in action.choices.items():
                    assert helps.get(name), f"{where} {name}"
                    check(command, f"{where} {name}")
            elif not isinstance(action, argparse._HelpAction):
                assert action.help and action.help.strip(), (where, action.dest)

    check(build_parser(), "sealreg")


def test_an_unknown_weights_version_is_refused_at_once_with_the_list(tmp_path):
    proc = sealreg_cli("refresh", "--weights", "nope", "--home", str(tmp_path / "home"), timeout=30)
    assert proc.returncode == 2
    assert "unknown weights version 'nope'" in proc.stderr and "calculator-2026" in proc.stderr
    assert not (tmp_path / "home").exists()


def test_shortlist_open_source_first_ranks_open_source_services_before_all_others(sample_home):
    expected = json.loads((REPO / "samples" / "expected.json").read_text(encoding="utf-8"))["services"]
    listed = [(sid, s) for sid, s in expected.items() if s["tender_eligible"]]
    want = [sid for sid, _ in sorted(listed, key=lambda kv: (kv[1]["open_source_status"] != "open_source",
                                                             -kv[1]["sovereignty_score"], kv[0]))]
    proc = sealreg_cli("shortlist", "--open-source-first", "--csv", "--home", str(sample_home))
    assert proc.returncode == 0, proc.stderr
    rows = list(csv.DictReader(io.StringIO(proc.stdout)))
    assert [r["service_id"] for r in rows] == want
    n_open = sum(1 for _, s in listed if s["open_source_status"] == "open_source")
    assert n_open >= 2 and {r["open_source_status"] for r in rows[:n_open]} == {"open_source"}
    assert "open_source" not in {r["open_source_status"] for r in rows[n_open:]}
    plain = list(csv.DictReader(io.StringIO(sealreg_cli("shortlist", "--csv", "--home", str(sample_home)).stdout)))
    assert plain[0]["service_id"] != rows[0]["service_id"]  # the samples' best score is not open source


def test_decide_refuses_no_ops_previews_with_dry_run_and_withdraws_by_id(sample_home, tmp_path):
    home = tmp_path / "home"
    shutil.copytree(sample_home, home, symlinks=True)
    log = home / "decisions" / "log.jsonl"

    def decide(*args):
        return sealreg_cli("decide", "aurora-compute", *args, "--by", "registry-officer-2", "--home", str(home))

    never = decide("--action", "reinstate", "--reason", "x")
    assert never.returncode == 1 and "nothing to reinstate" in never.stderr
    preview = decide("--action", "suspend", "--reason", "audit under review", "--legal-basis", "CSA Art. 27",
                     "--dry-run")
    assert preview.returncode == 0, preview.stderr
    out = " ".join(preview.stdout.split())
    assert "nothing written" in out and "published now: listed" in out and "next release: suspended" in out
    assert not log.exists() or log.read_text() == ""
    assert decide("--action", "suspend", "--reason", "audit under review", "--legal-basis", "CSA Art. 27"
                  ).returncode == 0
    again = decide("--action", "suspend", "--reason", "a new reason")
    assert again.returncode == 1 and "already suspended by dec-000001" in again.stderr
    fix = decide("--action", "withdraw", "--withdraws", "dec-000001", "--reason", "wrong service")
    assert fix.returncode == 0, fix.stderr
    records = [json.loads(line) for line in log.read_text().splitlines()]
    assert [(r["action"], r.get("withdraws"), r.get("legal_basis")) for r in records] == [
        ("suspend", None, "CSA Art. 27"), ("withdraw", "dec-000001", None)]
    named = sealreg_cli("decide", "aurora-compute", "--action", "suspend", "--reason", "x", "--by", "Jane Doe",
                        "--home", str(home))
    assert named.returncode == 1 and "role or staff id" in named.stderr
