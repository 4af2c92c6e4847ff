"""The cache of dbt's compiled Jinja templates (sealreg/dbt_templates.py): a hit gives the template a fresh
compile gives, anything that changes the generated code misses, a bad file is ignored, and a dbt command
run twice on a home compiles nothing the second time and writes the same SQL."""

from __future__ import annotations

import os
import shutil
from pathlib import Path

import jinja2
import pytest
from dbt_common.clients import jinja as dbt_jinja

from sealreg import dbt_runner, dbt_templates
from sealreg.config import RunContext

SOURCE = "{% for x in items %}{{ x | upper }},{% endfor %}{{ y }}"


@pytest.fixture(autouse=True)
def _restore_compile(monkeypatch):
    """Each test installs caches; jinja's own compile comes back after it."""
    monkeypatch.setattr(jinja2.Environment, "compile", jinja2.Environment.compile)


def _cache(path: Path) -> dbt_templates.TemplateCache:
    cache = dbt_templates.TemplateCache(path)
    cache.install()
    return cache


def _render(env: jinja2.Environment) -> str:
    return env.from_string(SOURCE).render({"items": ["a", "b"], "y": 1})


def test_a_saved_template_renders_as_a_fresh_compile_and_is_not_compiled_again(tmp_path: Path, monkeypatch) -> None:
    path = tmp_path / "templates.marshal"
    first = _cache(path)
    assert _render(dbt_jinja.get_environment()) == "A,B,1"
    assert first.compiled == 1
    first.save()
    assert path.is_file()

    second = _cache(path)
    assert _render(dbt_jinja.get_environment()) == "A,B,1"
    assert second.compiled == 0
    stamp = path.stat().st_mtime_ns
    second.save()  # the same templates: the file is not written again
    assert path.stat().st_mtime_ns == stamp


def test_what_changes_the_generated_code_misses(tmp_path: Path) -> None:
    cache = _cache(tmp_path / "templates.marshal")
    _render(dbt_jinja.get_environment())
    _render(dbt_jinja.get_environment(native=True))  # another code generator
    other = dbt_jinja.get_environment()
    other.filters["upper"] = lambda s: s.lower()
    other.filters["extra"] = str  # another filter set: jinja checks filter names while compiling
    assert _render(other) == "a,b,1"
    changed = dbt_jinja.get_environment()
    changed.trim_blocks = True  # another lexer
    _render(changed)
    assert cache.compiled == 4


def test_an_unreadable_file_is_ignored_and_replaced(tmp_path: Path) -> None:
    path = tmp_path / "templates.marshal"
    path.write_bytes(b"not a marshal file")
    cache = _cache(path)
    assert cache.saved == {}
    assert _render(dbt_jinja.get_environment()) == "A,B,1"
    cache.save()
    assert len(dbt_templates.TemplateCache(path).saved) == 1


def test_a_changed_byte_anywhere_in_the_file_makes_it_ignored(tmp_path: Path) -> None:
    """marshal loads many corrupted files as other code (a changed constant renders other text) or raises
    errors other than ValueError (SystemError): every single-bit change must leave the file unused."""
    path = tmp_path / "templates.marshal"
    first = _cache(path)
    assert dbt_jinja.get_environment().from_string("{{ 'kept' }}").render({}) == "kept"
    first.save()
    saved = path.read_bytes()
    assert b"kept" in saved
    path.write_bytes(saved.replace(b"kept", b"kEpt"))
    assert dbt_templates.TemplateCache(path).saved == {}
    for at in range(len(saved)):
        for bit in (1, 8, 128):
            changed = bytearray(saved)
            changed[at] ^= bit
            path.write_bytes(bytes(changed))
            assert dbt_templates.TemplateCache(path).saved == {}, (at, bit)


def test_the_file_keeps_only_the_templates_a_build_used(tmp_path: Path, monkeypatch) -> None:
    path = tmp_path / "templates.marshal"
    first = _cache(path)
    env = dbt_jinja.get_environment()
    env.from_string("{{ 1 }}")
    env.from_string("{{ 2 }}")
    first.save()
    monkeypatch.setattr(jinja2.Environment, "compile", jinja2.Environment.compile)
    second = _cache(path)
    dbt_jinja.get_environment().from_string("{{ 2 }}")
    second.save()
    assert len(dbt_templates.TemplateCache(path).saved) == 1


def test_macro_debugging_compiles_every_template(tmp_path: Path, monkeypatch) -> None:
    path = tmp_path / "templates.marshal"
    first = _cache(path)
    _render(dbt_jinja.get_environment())
    first.save()
    monkeypatch.setattr(dbt_jinja, "MACRO_DEBUGGING", True)
    second = _cache(path)
    assert _render(dbt_jinja.get_environment()) == "A,B,1"
    assert second.used == {}  # nothing taken from (or put into) the cache


def _ctx(home: Path, run_id: str) -> RunContext:
    return RunContext.create(home=home, inbox=home / "inbox", as_of="2026-11-28", run_id=run_id,
                             associated_countries=(), weights_version="calculator-2026")


def _compiled_sql(ctx: RunContext) -> dict[str, str]:
    ctx.run_dir.mkdir(parents=True, exist_ok=True)
    result = dbt_runner.run_dbt(ctx, "compile", ["--select", "int_decisions__flagged", "services"])
    assert result["success"], Path(result["log"]).read_text()[-3000:]
    out = {p.name: p.read_text() for p in (ctx.dbt_dir / "target" / "compiled").rglob("*.sql")}
    shutil.rmtree(ctx.run_dir)
    return out


def test_a_second_compile_takes_every_template_from_the_cache_and_writes_the_same_sql(tmp_path: Path) -> None:
    first = _compiled_sql(_ctx(tmp_path, "night-1"))
    path = dbt_runner.template_cache_file(_ctx(tmp_path, "x"))
    assert path.is_file() and len(dbt_templates.TemplateCache(path).saved) > 2
    # the first command of a home may re-parse files (more templates) against the project's saved parse
    assert _compiled_sql(_ctx(tmp_path, "night-2")) == first
    stamp = path.stat().st_mtime_ns
    assert _compiled_sql(_ctx(tmp_path, "night-3")) == first
    assert path.stat().st_mtime_ns == stamp, "every template came from the cache (nothing new to save)"

    path.write_bytes(path.read_bytes()[:100])  # a truncated file: templates compile as before
    assert _compiled_sql(_ctx(tmp_path, "night-4")) == first
    assert len(dbt_templates.TemplateCache(path).saved) > 2


def test_an_environment_with_a_finalize_function_is_never_cached(tmp_path: Path) -> None:
    cache = _cache(tmp_path / "templates.marshal")
    env = dbt_jinja.get_environment()
    env.finalize = lambda value: "x" if value == 1 else value
    assert _render(env) == "A,B,x"
    assert cache.used == {}


def test_a_new_home_starts_from_the_templates_another_home_saved(tmp_path: Path, monkeypatch) -> None:
    project = tmp_path / "project" / "dbt-templates.marshal"
    monkeypatch.setattr(dbt_runner, "project_template_file", lambda: project)
    one, two = _ctx(tmp_path / "one", "night-1"), _ctx(tmp_path / "two", "night-1")
    dbt_runner._restore_templates(one)  # nothing saved anywhere yet
    assert not dbt_runner.template_cache_file(one).exists()
    dbt_runner.template_cache_file(one).parent.mkdir(parents=True)
    dbt_runner.template_cache_file(one).write_bytes(b"home one's templates")
    dbt_runner._save_templates(one)
    assert project.read_bytes() == b"home one's templates"
    dbt_runner._restore_templates(two)
    assert dbt_runner.template_cache_file(two).read_bytes() == b"home one's templates"
    dbt_runner.template_cache_file(two).write_bytes(b"home two's own")
    dbt_runner._restore_templates(two)  # a home's own file is never replaced by the project's
    assert dbt_runner.template_cache_file(two).read_bytes() == b"home two's own"


def test_a_project_copy_with_the_same_bytes_is_not_written_again(tmp_path: Path, monkeypatch) -> None:
    project_templates = tmp_path / "project" / "dbt-templates.marshal"
    project_parse = tmp_path / "project" / "partial_parse.msgpack"
    monkeypatch.setattr(dbt_runner, "project_template_file", lambda: project_templates)
    monkeypatch.setattr(dbt_runner, "project_parse_file", lambda: project_parse)
    ctx = _ctx(tmp_path / "home", "night-1")
    home_templates, fresh_parse = dbt_runner.template_cache_file(ctx), ctx.dbt_dir / "target" / "partial_parse.msgpack"
    home_templates.parent.mkdir(parents=True)
    fresh_parse.parent.mkdir(parents=True)
    home_templates.write_bytes(b"templates")
    fresh_parse.write_bytes(b"parse")
    dbt_runner._save_templates(ctx)
    dbt_runner._save_partial_parse(ctx)
    copies = (project_templates, project_parse, dbt_runner.partial_parse_file(ctx))
    for path in copies:
        os.utime(path, ns=(0, 0))
    dbt_runner._save_templates(ctx)  # same bytes: every copy stays the file it was
    dbt_runner._save_partial_parse(ctx)
    assert [path.stat().st_mtime_ns for path in copies] == [0, 0, 0]
    home_templates.write_bytes(b"templatez")  # same size, other bytes: replaced
    fresh_parse.write_bytes(b"parsE")
    dbt_runner._save_templates(ctx)
    dbt_runner._save_partial_parse(ctx)
    assert [path.read_bytes() for path in copies] == [b"templatez", b"parsE", b"parsE"]
