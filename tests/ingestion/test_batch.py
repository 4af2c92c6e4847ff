"""Cross-file rule E013 within one inbox: contested new ids, duplicate disclosure ids, order-independent."""

from __future__ import annotations

import random

from ingestion.ingest import validate_paths
from ingestion.validate import validate_batch


def _files(factory) -> list[tuple[str, bytes]]:
    d = factory.disclosure
    docs = {
        "a-first.json": d("alpha", disclosure_id="dup-id", submitted_at="2026-10-01T08:00:00Z"),
        "b-dup-id.json": d("beta", disclosure_id="dup-id", submitted_at="2026-10-02T08:00:00Z",
                           service_ids=["beta-s0"]),
        "c-steals.json": d("gamma", submitted_at="2026-10-03T08:00:00Z", service_ids=["gamma-x", "alpha-s0"]),
        "d-alpha-again.json": d("alpha", submitted_at="2026-10-04T08:00:00Z", service_ids=["alpha-own"]),
        # the dates do not matter between providers: a shared new id goes to neither
        "z-tie.json": d("delta", disclosure_id="tie-a", submitted_at="2026-10-05T10:00:00+02:00",
                        service_ids=["shared"]),
        "e-tie.json": d("epsilon", disclosure_id="tie-b", submitted_at="2020-10-05T08:00:00Z",
                        service_ids=["shared"]),
        "f-kappa.json": d("kappa", submitted_at="2026-10-06T08:00:00Z", service_ids=["kappa-s0"]),
        # the same provider may list its own services again; the first file keeps a disclosure id
        "g-alpha-later.json": d("alpha", disclosure_id="alpha-2026-10-04", submitted_at="2026-10-07T08:00:00Z",
                                service_ids=["alpha-own"]),
    }
    return [(name, factory.to_bytes(doc)) for name, doc in docs.items()]


def _outcome(accepted, problems):
    return [a.file_name for a in accepted], [(p.file, p.code, p.path) for p in problems]


def test_contested_new_ids_go_to_no_provider_and_the_first_file_keeps_a_disclosure_id(factory):
    accepted, problems = validate_batch(_files(factory), factory.AS_OF)
    names, found = _outcome(accepted, problems)
    assert names == ["d-alpha-again.json", "f-kappa.json"]
    assert found == [
        ("a-first.json", "E013", "$.disclosure_id"),
        ("a-first.json", "E013", "$.services[0].service_id"),
        ("b-dup-id.json", "E013", "$.disclosure_id"),
        ("c-steals.json", "E013", "$.services[1].service_id"),
        ("e-tie.json", "E013", "$.services[0].service_id"),
        ("g-alpha-later.json", "E013", "$.disclosure_id"),
        ("z-tie.json", "E013", "$.services[0].service_id"),
    ]


def test_E013_outcome_does_not_depend_on_file_order(factory):
    files = _files(factory)
    expected = _outcome(*validate_batch(files, factory.AS_OF))
    rng = random.Random(20261115)
    for _ in range(20):
        rng.shuffle(files)
        assert _outcome(*validate_batch(files, factory.AS_OF)) == expected


def test_same_provider_may_resubmit_its_services(factory):
    files = [
        ("one.json", factory.to_bytes(factory.disclosure("alpha", submitted_at="2026-10-01T08:00:00Z"))),
        ("two.json", factory.to_bytes(factory.disclosure("alpha", submitted_at="2026-11-01T08:00:00Z"))),
    ]
    accepted, problems = validate_batch(files, factory.AS_OF)
    assert [a.file_name for a in accepted] == ["one.json", "two.json"] and problems == []


def test_file_with_single_file_problems_claims_no_ids(factory):
    broken = factory.disclosure("alpha", disclosure_id="x", submitted_at="2026-10-01T08:00:00Z")
    broken["provider"]["lei"] = "5493001KJTIIGC8Y1R13"
    good = factory.disclosure("beta", disclosure_id="x", submitted_at="2026-10-02T08:00:00Z",
                              service_ids=["alpha-s0"])
    accepted, problems = validate_batch([("bad.json", factory.to_bytes(broken)), ("good.json",
                                         factory.to_bytes(good))], factory.AS_OF)
    assert [a.file_name for a in accepted] == ["good.json"]
    assert [(p.file, p.code) for p in problems] == [("bad.json", "E008")]


def test_validate_paths_reports_single_file_and_cross_file_problems(factory, tmp_path):
    paths = []
    for name, data in _files(factory)[:3]:
        paths.append(factory.write(tmp_path, name, data))
    paths.append(factory.write(tmp_path, "broken.json", b"{"))
    problems = validate_paths(paths, factory.AS_OF)
    assert [(p.file, p.code) for p in problems] == [
        (str(tmp_path / "a-first.json"), "E013"),
        (str(tmp_path / "a-first.json"), "E013"),
        (str(tmp_path / "b-dup-id.json"), "E013"),
        (str(tmp_path / "broken.json"), "E001"),
        (str(tmp_path / "c-steals.json"), "E013"),
    ]
    assert validate_paths(paths[:1], factory.AS_OF) == []
