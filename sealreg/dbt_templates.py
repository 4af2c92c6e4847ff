"""A saved cache of the Jinja templates dbt compiles, for the dbt subprocess (`sealreg.dbt_process`).

dbt compiles every node's SQL and every macro it calls from Jinja source in each process (lex, parse,
generate Python, `compile()`): ~470 templates and ~0.6 s of CPU a night, for sources that rarely change.
`install` makes `jinja2.Environment.compile` look the code object up by a key over everything the
generated code depends on (environment class, parser and code generator, extensions, filter and test
names, lexer settings, the source, the versions of Python, Jinja and dbt-common); a miss compiles as
before. `save` writes back the code objects this process used, so the file holds one build's templates,
after the sha256 of their marshal bytes: a file that is unreadable or whose bytes do not match it (cut
short, a flipped bit) is ignored and all templates compile. The file is as trusted as the saved partial
parse beside it: whoever can write it can run code in dbt's process.
"""

from __future__ import annotations

import hashlib
import importlib.util
import marshal
import os
import sys
import threading
from importlib import metadata
from pathlib import Path
from types import CodeType

import jinja2

#: The environment variable that names the cache file (set by sealreg.dbt_runner.dbt_env).
CACHE_ENV = "SEALREG_DBT_TEMPLATE_CACHE"
_DIGEST_BYTES = 32  # the sha256 of the payload, at the start of the file
_VERSIONS = (f"{sys.version}\0{importlib.util.MAGIC_NUMBER.hex()}\0jinja2=={jinja2.__version__}"
             f"\0dbt-common=={metadata.version('dbt-common')}")


def environment_key(env: jinja2.Environment) -> str:
    """What, besides the source, decides the code Jinja generates in `env`."""
    cls = type(env)
    lexer = (env.block_start_string, env.block_end_string, env.variable_start_string, env.variable_end_string,
             env.comment_start_string, env.comment_end_string, env.line_statement_prefix,
             env.line_comment_prefix, env.trim_blocks, env.lstrip_blocks, env.newline_sequence,
             env.keep_trailing_newline)
    parts = (f"{cls.__module__}.{cls.__qualname__}", f"{env.code_generator_class.__qualname__}",
             sorted(env.extensions), sorted(env.filters), sorted(env.tests), lexer, env.optimized,
             env.is_async, env.autoescape, sorted(env.intercepted_binops), sorted(env.intercepted_unops),
             _VERSIONS)
    return repr(parts)


class TemplateCache:
    """Code objects of compiled templates by key; loaded from `path`, written back by `save`."""

    def __init__(self, path: Path):
        self.path = path
        self.saved = _load(path)
        self.used: dict[str, CodeType] = {}
        self.compiled = 0
        self._lock = threading.Lock()

    def install(self) -> None:
        """Route `jinja2.Environment.compile` (code objects only) through this cache."""
        from dbt_common.clients import jinja as dbt_jinja

        original = jinja2.Environment.compile
        cache = self

        def compile(env, source, name=None, filename=None, raw=False, defer_init=False):
            # dbt's macro debugging keeps each template's generated source, which a cached template skips;
            # a finalize or autoescape function is not part of the key
            if (raw or not isinstance(source, str) or dbt_jinja.MACRO_DEBUGGING
                    or env.finalize is not None or not isinstance(env.autoescape, bool)):
                return original(env, source, name, filename, raw, defer_init)
            key = hashlib.sha256(f"{environment_key(env)}\0{name}\0{filename}\0{defer_init}\0{source}"
                                 .encode()).hexdigest()
            code = cache.saved.get(key)
            if code is None:
                code = original(env, source, name, filename, raw, defer_init)
                with cache._lock:
                    cache.compiled += 1
            with cache._lock:
                cache.used[key] = code
            return code

        jinja2.Environment.compile = compile

    def save(self) -> None:
        """Write the templates this process used, if they differ from the file's (atomic replace)."""
        if not self.compiled and self.used.keys() == self.saved.keys():
            return
        tmp = self.path.with_name(f".{self.path.name}.tmp-{os.getpid()}")
        self.path.parent.mkdir(parents=True, exist_ok=True)
        try:
            payload = marshal.dumps(dict(sorted(self.used.items())))
            tmp.write_bytes(hashlib.sha256(payload).digest() + payload)
            os.replace(tmp, self.path)
        finally:
            tmp.unlink(missing_ok=True)


def _load(path: Path) -> dict[str, CodeType]:
    """The saved code objects; empty unless the file's payload matches the sha256 it starts with (marshal
    neither detects a changed byte nor only raises ValueError on one, and CPython runs bytecode unchecked)."""
    try:
        raw = path.read_bytes()
    except OSError:
        return {}
    digest, payload = raw[:_DIGEST_BYTES], raw[_DIGEST_BYTES:]
    if hashlib.sha256(payload).digest() != digest:
        return {}
    try:
        data = marshal.loads(payload)
    except Exception:  # a file written by another marshal version
        return {}
    if not isinstance(data, dict):
        return {}
    return {k: v for k, v in data.items() if isinstance(k, str) and isinstance(v, CodeType)}


def cache_from_environment() -> TemplateCache | None:
    """The cache the environment names, installed; None when none is named."""
    path = os.environ.get(CACHE_ENV)
    if not path:
        return None
    cache = TemplateCache(Path(path))
    cache.install()
    return cache
