"""One root exception for the package, and one Problem value that the CLI prints and the quarantine writes."""

from __future__ import annotations

import datetime as dt
import importlib
import inspect
import json
import pkgutil
from pathlib import Path

import pytest

import expectations
import ingestion
import sealreg
from ingestion.ingest import validate_paths
from ingestion.quarantine import quarantine
from sealreg import cli
from sealreg.errors import Problem, SealregError


def _modules():
    for package in (sealreg, ingestion, expectations):
        for info in pkgutil.walk_packages(package.__path__, package.__name__ + "."):
            yield importlib.import_module(info.name)


def test_every_exception_of_the_package_derives_from_sealreg_error() -> None:
    own = [
        (module.__name__, name, cls)
        for module in _modules()
        for name, cls in inspect.getmembers(module, inspect.isclass)
        if issubclass(cls, BaseException) and cls.__module__ == module.__name__ and not name.startswith("_")
    ]
    assert len(own) >= 15
    assert [f"{m}.{n}" for m, n, cls in own if not issubclass(cls, SealregError)] == []


def test_package_exceptions_keep_the_builtin_they_refine() -> None:
    from sealreg.lock import LockHeld
    from sealreg.tender import TenderError

    assert issubclass(TenderError, ValueError) and issubclass(LockHeld, RuntimeError)


def test_validate_json_and_quarantine_record_are_the_same_problem_dicts(tmp_path: Path, capsys) -> None:
    bad = tmp_path / "bad provider.json"
    bad.write_text('{"schema_version": "1", "provider": 7}', encoding="utf-8")
    problems = validate_paths([bad], dt.date(2026, 11, 30))
    assert problems and all(isinstance(p, Problem) for p in problems)

    assert cli.main(["validate", "--json", str(bad)]) == 1
    printed = json.loads(capsys.readouterr().out)
    errors = json.loads(quarantine(tmp_path / "q", bad.name, problems, bad.read_bytes()).read_text("ascii"))
    assert printed == [p.to_dict() for p in problems]
    # the quarantine record is the same dict plus the sender the file names (unknown here)
    assert errors == [{**p.to_dict(), "provider_id": None, "provider_name": None} for p in problems]
    assert list(errors[0]) == ["code", "path", "message", "file", "provider_id", "provider_name"]


def test_the_errors_file_keeps_its_shape(tmp_path: Path) -> None:
    written = quarantine(tmp_path, "a.json", [Problem("a.json", "E002", "$.provider", "missing")], None)
    assert written.read_text("ascii") == (
        '[\n  {\n    "code": "E002",\n    "path": "$.provider",\n    "message": "missing",\n'
        '    "file": "a.json",\n    "provider_id": null,\n    "provider_name": null\n  }\n]\n'
    )


def test_problem_line_quotes_a_file_name_that_could_forge_a_line() -> None:
    assert Problem("a.json", "E002", "$", "m").line() == "a.json: E002 $: m"
    assert Problem("x\nb.json: E000", "E002", "$", "m").line() == '"x\\nb.json: E000": E002 $: m'


def test_a_refusal_no_command_handles_is_reported_without_a_traceback(monkeypatch, capsys) -> None:
    def refuse(args) -> int:
        raise SealregError("the registry refuses this")

    monkeypatch.setattr(cli, "cmd_review", refuse)
    assert cli.main(["review"]) == 1
    assert capsys.readouterr().err.strip() == "sealreg review: the registry refuses this"
    with pytest.raises(RuntimeError):  # anything else is a bug: it keeps its traceback
        monkeypatch.setattr(cli, "cmd_review", lambda args: (_ for _ in ()).throw(RuntimeError("bug")))
        cli.main(["review"])
