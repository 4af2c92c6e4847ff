"""Seeded, bounded fuzz run: FUZZ_INPUTS mutated disclosures and hostile inbox entries through the validator and
the real ingest (quarantine, DuckDB load), with zero crashes (no exception, no E018 internal error)."""

from __future__ import annotations

import json
import os
import random

import duckdb
import pytest

from ingestion.ingest import run_ingest
from ingestion.problems import CODES, INTERNAL_ERROR
from ingestion.validate import validate_document
from sealreg.config import RunContext
from tests.ingestion.disclosure_factory import AS_OF, disclosure

FUZZ_INPUTS = int(os.environ.get("SEALREG_FUZZ_INPUTS", "10000"))
BATCH = 500  # inbox files per real ingest
SEED = 17
POOL = [None, True, False, 0, -1, 1.5, 1e308, 10**40, "", " ", "x" * 400, "=cmd|' /C calc'!A0", "\u202eevil", "a\x00b",
        "\ud800", "../../etc/passwd", "<script>", "SE", "ZZ", "2026-02-30", "2026-11-01T09:00:60Z", "9999-12-31",
        [], {}, [[[[]]]], {"a": {"b": {}}}, ["SE"], "IaaS", 3, 7, "ISO27001", "other:", "https://x.eu/\u200b"]


SPLICES = [b"{", b"[", b'"', b"\\u", b"\xff", b"NaN", b"1e999", b",", b"\x00", b"\xef\xbb\xbf"]


def _paths(value, prefix=()):
    """Every (container, key) location in a parsed document."""
    if isinstance(value, dict):
        for key, item in value.items():
            yield value, key
            yield from _paths(item)
    elif isinstance(value, list):
        for i, item in enumerate(value):
            yield value, i
            yield from _paths(item)


def _mutate_doc(rng: random.Random, base: dict) -> dict:
    doc = json.loads(json.dumps(base))
    spots = list(_paths(doc))
    for _ in range(rng.choice([1, 1, 2, 3, 6])):
        container, key = rng.choice(spots)
        if key not in (container if isinstance(container, dict) else range(len(container))):
            continue
        roll = rng.random()
        if roll < 0.55:
            container[key] = rng.choice(POOL)
        elif roll < 0.7 and isinstance(container, dict):
            del container[key]
        elif roll < 0.8 and isinstance(container, dict):
            container[rng.choice(["extra", "x" * 70, "\u202e", "services", ""])] = rng.choice(POOL)
        elif roll < 0.9 and isinstance(container, list):
            container.append(json.loads(json.dumps(container[key])))
        else:
            container[key] = json.loads(json.dumps(doc))  # self-similar nesting
    return doc


def _mutate_bytes(rng: random.Random, data: bytes) -> bytes:
    data = bytearray(data)
    for _ in range(rng.randint(1, 8)):
        i = rng.randrange(len(data) or 1)
        roll = rng.random()
        if roll < 0.4:
            data[i:i + 1] = bytes([rng.randrange(256)])
        elif roll < 0.6:
            del data[i:i + rng.randint(1, 40)]
        elif roll < 0.8:
            data[i:i] = rng.choice(SPLICES)
        else:
            data = data[:i]
    return bytes(data)


def _inputs(rng: random.Random, n: int):
    """n (file name bytes, content bytes) pairs; content is mutated JSON or mutated bytes."""
    bases = [disclosure(f"prov-{k}", n_services=rng.randint(1, 3)) for k in range(8)]
    names = [b"", b".", b"-", b"=x", b"a\\b", b"a\nb", b"\xff\xfe", "\u202e".encode(), b"%2E", b" ", b"x.errors"]
    for i in range(n):
        base = rng.choice(bases)
        roll = rng.random()
        if roll < 0.15:  # valid, with ids drawn from a small pool: loads, E013 conflicts, E021 across batches
            pid = f"prov-{rng.randrange(12)}"
            day = f"2026-{rng.randint(1, 11):02d}-{rng.randint(1, 28):02d}T0{rng.randint(0, 9)}:00:00Z"
            sids = sorted({f"svc-{rng.randrange(30)}" for _ in range(rng.randint(1, 3))})
            data = json.dumps(disclosure(pid, disclosure_id=f"{pid}-{i}", submitted_at=day, service_ids=sids)).encode()
        elif roll < 0.75:
            data = json.dumps(_mutate_doc(rng, base), ensure_ascii=rng.random() < 0.5).encode("utf-8", "surrogatepass")
        else:
            data = _mutate_bytes(rng, json.dumps(base).encode())
        name = b"f%05d" % i + rng.choice(names) + b".json"
        yield name, data


def _check_problems(problems) -> None:
    for p in problems:
        assert p.code in CODES and p.code != INTERNAL_ERROR, p
        assert p.path.startswith("$") and p.message


@pytest.mark.slow
def test_fuzz_validator_and_real_ingest_without_a_crash(tmp_path):
    rng = random.Random(SEED)
    inputs = list(_inputs(rng, FUZZ_INPUTS))
    accepted_by_validator = 0
    for name, data in inputs:
        doc, problems = validate_document(data, name.decode("utf-8", "replace"), AS_OF)
        assert (doc is None) == bool(problems)
        _check_problems(problems)
        accepted_by_validator += doc is not None
    ingested = 0
    for start in range(0, len(inputs), BATCH):
        inbox = tmp_path / f"inbox{start}"
        inbox.mkdir()
        for name, data in inputs[start:start + BATCH]:
            with open(os.path.join(os.fsencode(inbox), name), "wb") as fh:
                fh.write(data)
        os.mkfifo(inbox / "fifo.json")
        (inbox / "dir.json").mkdir()
        os.symlink("/etc/passwd", inbox / "passwd.json")
        ctx = RunContext.create(home=tmp_path / "home", inbox=inbox, as_of=AS_OF, run_id=f"fuzz-{start}")
        result = run_ingest(ctx, decisions=[])
        batch = len(inputs[start:start + BATCH]) + 3
        assert result["files"] == batch and result["accepted"] + result["rejected"] == batch
        con = duckdb.connect(str(ctx.run_warehouse), read_only=True)
        try:
            codes = {c for (c,) in con.execute("SELECT DISTINCT code FROM raw.rejections").fetchall()}
        finally:
            con.close()
        assert INTERNAL_ERROR not in codes and codes <= set(CODES)
        assert all(p.parent == ctx.quarantine_dir for p in ctx.quarantine_dir.iterdir())
        ingested += batch - 3
        ctx.paths.baseline_warehouse.parent.mkdir(parents=True, exist_ok=True)
        os.replace(ctx.run_warehouse, ctx.paths.baseline_warehouse)  # next batch: an incremental night on this one
    assert ingested == FUZZ_INPUTS >= 10_000 or "SEALREG_FUZZ_INPUTS" in os.environ
    print(f"fuzz: {FUZZ_INPUTS} inputs through the validator ({accepted_by_validator} valid) and {ingested} through "
          "the real ingest, 0 crashes")
