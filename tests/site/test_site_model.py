"""The page model a worker loads per unit of work equals the whole release's, row for row."""

from __future__ import annotations

import hashlib
from pathlib import Path

import duckdb
import pytest

from sealreg.publish.site import build_site, inputs, model
from sealreg.publish.site.data import Tables, group

RELEASE_ID = "2026-03-14-001"  # as in conftest.py
# alto-ai runs on stratus-db, which runs on nimbus-compute (another provider) and on a US platform
DEPENDENCIES = [
    ("alto-ai", "stratus-db", "service", None, None, 1, "alto-ai>stratus-db", 0, 0, None, None, False),
    ("alto-ai", "nimbus-compute", "service", None, None, 2, "alto-ai>stratus-db>nimbus-compute", 3, 3, None, None,
     False),
    ("stratus-db", "nimbus-compute", "service", None, None, 1, "stratus-db>nimbus-compute", 3, 3, None, None, False),
    ("stratus-db", "us-hyperscaler", "platform", "Hyper Inc", "US", 1, "stratus-db>us-hyperscaler", None, None, 2, 2,
     True),
    ("stratus-storage", "unregistered-svc", "service", None, None, 1, "stratus-storage>unregistered-svc", None, None,
     2, 2, True),
]


@pytest.fixture
def chained(tmp_path: Path, make_release) -> Path:
    release = make_release(tmp_path / "a" / RELEASE_ID)
    con = duckdb.connect(str(release / "registry.duckdb"))
    con.executemany("insert into service_dependencies values (?,?,?,?,?,?,?,?,?,?,?,?)", DEPENDENCIES)
    con.close()
    return release


def test_one_unit_of_services_or_providers_loads_the_rows_a_whole_release_load_gives_them(chained: Path) -> None:
    con = duckdb.connect(str(chained / "registry.duckdb"), read_only=True)
    try:
        t = Tables(con)
        whole = model.load(t)
        by_id = {s["service_id"]: s for s in whole.services}
        assert by_id["stratus-db"]["runs_under"] and by_id["nimbus-compute"]["runs_under"]  # the test has links
        for sid in by_id:
            unit = model.load(t, service_ids=[sid])
            assert unit.services == [by_id[sid]], sid
            assert unit.certs.get(by_id[sid]["provider_id"]) == whole.certs.get(by_id[sid]["provider_id"])
            assert unit.changes == [c for c in whole.changes if c["service_id"] == sid]
        for pid in whole.providers:
            unit = model.load(t, provider_ids=[pid])
            assert unit.providers == {pid: whole.providers[pid]}
            assert unit.services == group(whole.services, "provider_id").get(pid, [])
            assert unit.certs.get(pid) == whole.certs.get(pid)
        assert model.load(t, service_ids=["no-such-service"]).services == []
    finally:
        con.close()


def test_worker_processes_loading_one_unit_at_a_time_write_the_same_pages(chained: Path, tmp_path: Path,
                                                                          monkeypatch) -> None:
    import sealreg.publish.site.pages as site_module

    other = tmp_path / "b" / RELEASE_ID
    other.parent.mkdir()
    import shutil

    shutil.copytree(chained, other)
    monkeypatch.setenv("SEALREG_SITE_WORKERS", "1")
    one = build_site(chained)
    monkeypatch.setattr(site_module, "BATCH", 1)  # every service and provider its own unit of work
    monkeypatch.setattr(site_module, "PROVIDER_BATCH", 1)
    monkeypatch.setenv("SEALREG_SITE_WORKERS", "2")
    two = build_site(other)

    def digest(site: Path) -> dict[str, str]:
        return {p.relative_to(site).as_posix(): hashlib.sha256(p.read_bytes()).hexdigest()
                for p in sorted(site.rglob("*")) if p.is_file()}

    assert digest(one) == digest(two)
    assert "Stratus Managed Postgres" in (two / "services" / "nimbus-compute.html").read_text("utf-8")  # runs_under
    assert (chained / inputs.INPUTS_FILE).read_bytes() == (other / inputs.INPUTS_FILE).read_bytes()


def test_equal_texts_of_a_large_table_share_one_object_and_nothing_else_changes(chained: Path, monkeypatch) -> None:
    from sealreg.publish.site import data

    con = duckdb.connect(str(chained / "registry.duckdb"))
    try:
        # equal numbers of another sign or scale must stay apart (only text columns are shared)
        con.execute("create table signs as select * from (values (-0.0::double, 1.5::decimal(4,2), 'a'), "
                    "(0.0::double, 1.5::decimal(4,2), 'a')) v(f, d, s)")
        t = Tables(con)
        plain = {name: t.rows(name) for name in ("services", "signs")}
        monkeypatch.setattr(data, "SHARE_TEXT_ROWS", 1)
        shared = {name: t.rows(name) for name in ("services", "signs")}
        assert repr(shared) == repr(plain)
        assert [repr(r["f"]) for r in shared["signs"]] == ["-0.0", "0.0"]
        by_model: dict[str, list[str]] = {}
        for row in shared["services"]:
            by_model.setdefault(row["model"], []).append(row["model"])
        repeated = [texts for texts in by_model.values() if len(texts) > 1]
        assert repeated and all(all(x is texts[0] for x in texts) for texts in repeated)
    finally:
        con.close()
