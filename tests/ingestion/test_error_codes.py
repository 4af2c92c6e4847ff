"""One crafted file per error code E001-E015: each asserts the code and the JSON path."""

from __future__ import annotations

import json

import pytest

from ingestion.lei import with_check_digits
from ingestion.rulebook import MAX_DEPTH, MAX_FILE_BYTES


def test_valid_sample_disclosure_has_no_problems(factory):
    assert factory.problems_of(factory.disclosure(n_services=3)) == []


def test_truncated_json_is_rejected_with_E001(factory):
    assert factory.codes_paths(b'{"schema_version": "1",') == {("E001", "$")}


def test_non_utf8_bytes_are_rejected_with_E001(factory):
    data = factory.to_bytes(factory.disclosure()).replace(b"Nordcloud Hosting AB", b"Nordcl\xf6ud AB")
    assert factory.codes_paths(data) == {("E001", "$")}


@pytest.mark.parametrize("payload", [b"[]", b'"text"', b"42", b"null"])
def test_top_level_that_is_not_an_object_is_rejected_with_E001(factory, payload):
    assert factory.codes_paths(payload) == {("E001", "$")}


def test_unsupported_schema_version_is_rejected_with_E002_only(factory):
    doc = factory.disclosure()
    doc["schema_version"] = "2"
    doc["whatever_v2_has"] = {}
    assert factory.codes_paths(doc) == {("E002", "$.schema_version")}


def test_missing_legal_name_is_rejected_with_E003(factory):
    doc = factory.disclosure()
    del doc["provider"]["legal_name"]
    assert factory.codes_paths(doc) == {("E003", "$.provider.legal_name")}


def test_missing_cada_safeguard_is_rejected_with_E003(factory):
    doc = factory.disclosure()
    del doc["services"][0]["cada"]["safeguards"]["no_data_access"]
    assert factory.codes_paths(doc) == {("E003", "$.services[0].cada.safeguards.no_data_access")}


def test_optional_fields_may_be_absent(factory):
    doc = factory.disclosure()
    for key in ("lei", "website"):
        del doc["provider"][key]
    service = doc["services"][0]
    del service["evidence"]
    del service["cada"]
    doc["ownership"], doc["parents"], doc["certifications"] = [], [], []
    assert factory.problems_of(doc) == []


def test_typo_in_nested_key_is_rejected_with_E004(factory):
    doc = factory.disclosure()
    doc["services"][0]["cada"]["sbomm"] = doc["services"][0]["cada"].pop("sbom")
    assert factory.codes_paths(doc) == {
        ("E004", "$.services[0].cada.sbomm"),
        ("E003", "$.services[0].cada.sbom"),
    }


def test_unknown_top_level_key_is_rejected_with_E004(factory):
    doc = factory.disclosure()
    doc["comment"] = "hello"
    assert factory.codes_paths(doc) == {("E004", "$.comment")}


def test_boolean_percentage_is_rejected_with_E005(factory):
    doc = factory.disclosure()
    doc["ownership"][0]["capital_pct"] = True
    assert factory.codes_paths(doc) == {("E005", "$.ownership[0].capital_pct")}


def test_decimal_rung_is_rejected_with_E005(factory):
    doc = factory.disclosure()
    doc["services"][0]["answers"]["SOV-2.3"] = 2.0
    assert factory.codes_paths(doc) == {("E005", "$.services[0].answers.SOV-2.3")}


def test_integer_percentages_and_decimal_percentages_are_both_numbers(factory):
    doc = factory.disclosure()
    doc["ownership"][0].update(capital_pct=60.5, voting_pct=51)
    assert factory.problems_of(doc) == []


def test_null_for_an_optional_field_is_rejected_with_E005(factory):
    doc = factory.disclosure()
    doc["provider"]["lei"] = None
    assert factory.codes_paths(doc) == {("E005", "$.provider.lei")}


@pytest.mark.parametrize(
    ("mutate", "path"),
    [
        (lambda d: d["services"][0]["answers"].update({"SOV-2.3": 6}), "$.services[0].answers.SOV-2.3"),
        (lambda d: d["services"][0]["answers"].update({"SOV-1.1": 0}), "$.services[0].answers.SOV-1.1"),
        (lambda d: d["ownership"][0].update(voting_pct=100.5), "$.ownership[0].voting_pct"),
        (lambda d: d["ownership"][0].update(capital_pct=-1), "$.ownership[0].capital_pct"),
        (lambda d: d["services"][0].update(model="DaaS"), "$.services[0].model"),
        (lambda d: d["services"][0].update(regions=[]), "$.services[0].regions"),
        (lambda d: d["provider"].update(provider_id="Nord_Cloud"), "$.provider.provider_id"),
        (lambda d: (d["services"][0].update(service_id="../../x"), d["certifications"][0].update(services=[])),
         "$.services[0].service_id"),
        (lambda d: d.update(disclosure_id="a/b"), "$.disclosure_id"),
        (lambda d: d.update(submitted_at="2026-11-01 09:00"), "$.submitted_at"),
        (lambda d: d["provider"].update(legal_name="x" * 301), "$.provider.legal_name"),
        (lambda d: d["provider"].update(legal_name="   "), "$.provider.legal_name"),
        (lambda d: d["provider"].update(website="javascript:alert(1)"), "$.provider.website"),
        (lambda d: d["provider"].update(lei="5493001kjtiigc8y1r12"), "$.provider.lei"),
        (lambda d: d["services"][0]["evidence"]["SOV-1.1"].update(url="http://x.eu"),
         "$.services[0].evidence.SOV-1.1.url"),
        (lambda d: d["services"][0]["cada"]["audit"].update(claimed_level=5),
         "$.services[0].cada.audit.claimed_level"),
        (lambda d: d["services"][0]["cada"]["audit"].update(opinion="qualified"), "$.services[0].cada.audit.opinion"),
        (lambda d: d["services"][0]["cada"]["audit"].update(date="2026-02-30"), "$.services[0].cada.audit.date"),
        (lambda d: d["services"][0]["cada"].update(personnel="eu"), "$.services[0].cada.personnel"),
        (lambda d: d["services"][0]["cada"].update(cyber_certificate="medium"), "$.services[0].cada.cyber_certificate"),
        (lambda d: d["certifications"][0].update(scheme="ISO 27001"), "$.certifications[0].scheme"),
        (lambda d: d["certifications"][0].update(scheme="Gaia-X-L4"), "$.certifications[0].scheme"),
        (lambda d: d["certifications"][0].update(scheme="other:"), "$.certifications[0].scheme"),
        (lambda d: d["certifications"][0].update(valid_from="15.01.2025"), "$.certifications[0].valid_from"),
    ],
)
def test_out_of_range_or_malformed_value_is_rejected_with_E006(factory, mutate, path):
    doc = factory.disclosure()
    mutate(doc)
    assert factory.codes_paths(doc) == {("E006", path)}


@pytest.mark.parametrize("scheme", ["ISO27001", "Gaia-X-L1", "Gaia-X-L3", "EUCS-high", "other:BSI IT-Grundschutz"])
def test_known_and_other_schemes_are_accepted(factory, scheme):
    doc = factory.disclosure()
    doc["certifications"][0]["scheme"] = scheme
    assert factory.problems_of(doc) == []


def test_rung_limit_follows_the_criterion_in_the_rulebook(factory):
    from ingestion.rulebook import criteria_rungs

    three_rungs = [cid for cid, top in criteria_rungs().items() if top == 3]
    doc = factory.disclosure()
    doc["services"][0]["answers"][three_rungs[0]] = 4
    assert factory.codes_paths(doc) == {("E006", f"$.services[0].answers.{three_rungs[0]}")}


def test_made_up_country_code_is_rejected_with_E007(factory):
    doc = factory.disclosure()
    doc["parents"][0]["controlled_by_country"] = "UK"
    doc["services"][0]["regions"] = ["SE", "EU"]
    assert factory.codes_paths(doc) == {
        ("E007", "$.parents[0].controlled_by_country"),
        ("E007", "$.services[0].regions[1]"),
    }


@pytest.mark.parametrize("code", ["US", "CN", "CH", "GB", "SE"])
def test_non_eu_iso_country_codes_are_valid(factory, code):
    doc = factory.disclosure()
    doc["provider"]["country"] = code
    doc["services"][0]["regions"] = [code]
    assert factory.problems_of(doc) == []


def test_lower_case_country_code_is_rejected_with_E007(factory):
    doc = factory.disclosure()
    doc["provider"]["country"] = "se"
    assert factory.codes_paths(doc) == {("E007", "$.provider.country")}


def test_forged_lei_is_rejected_with_E008(factory):
    doc = factory.disclosure()
    doc["provider"]["lei"] = "5493001KJTIIGC8Y1R13"
    assert factory.codes_paths(doc) == {("E008", "$.provider.lei")}


def test_lei_with_computed_check_digits_is_accepted(factory):
    doc = factory.disclosure()
    doc["provider"]["lei"] = with_check_digits("529900ABCDEFGHIJ12")
    assert factory.problems_of(doc) == []


def test_missing_answer_is_rejected_with_E009_at_its_criterion(factory):
    doc = factory.disclosure()
    del doc["services"][0]["answers"]["SOV-5.3"]
    assert factory.codes_paths(doc) == {("E009", "$.services[0].answers.SOV-5.3")}


def test_unknown_criterion_id_is_rejected_with_E009(factory):
    doc = factory.disclosure()
    doc["services"][0]["answers"]["SOV-9.1"] = 3
    doc["services"][0]["evidence"]["SOV-0.0"] = {"url": "https://x.eu"}
    assert factory.codes_paths(doc) == {
        ("E009", "$.services[0].answers.SOV-9.1"),
        ("E009", "$.services[0].evidence.SOV-0.0"),
    }


def test_certificate_ending_before_it_starts_is_rejected_with_E010(factory):
    doc = factory.disclosure()
    doc["certifications"][0].update(valid_from="2028-01-15", valid_until="2028-01-14")
    assert factory.codes_paths(doc) == {("E010", "$.certifications[0].valid_until")}


@pytest.mark.parametrize(
    ("stamp", "future"),
    [
        ("2026-11-15T23:59:59.999Z", False),
        ("2026-11-16T00:00:00Z", True),
        ("2026-11-16T00:30:00+01:00", False),  # 23:30 UTC on the evaluation date
        ("2026-11-15T23:30:00-01:00", True),  # 00:30 UTC the next day
    ],
)
def test_submission_after_the_evaluation_day_is_rejected_with_E010(factory, stamp, future):
    doc = factory.disclosure(submitted_at=stamp, disclosure_id="d1")
    expected = {("E010", "$.submitted_at")} if future else set()
    assert factory.codes_paths(doc) == expected


def test_audit_dated_after_the_evaluation_date_is_rejected_with_E010(factory):
    doc = factory.disclosure()
    doc["services"][0]["cada"]["audit"]["date"] = "2026-11-16"
    assert factory.codes_paths(doc) == {("E010", "$.services[0].cada.audit.date")}


def test_capital_over_100_percent_is_rejected_with_E011(factory):
    doc = factory.disclosure()
    doc["ownership"][0].update(capital_pct=60, voting_pct=60, controls=False)
    doc["ownership"].append({"holder_id": "other", "holder_name": "Other SA", "country": "FR",
                             "capital_pct": 40.02, "voting_pct": 40.01, "controls": False})
    assert [(p.code, p.path) for p in factory.problems_of(doc)] == [("E011", "$.ownership")]
    assert "capital_pct" in factory.problems_of(doc)[0].message


def test_parent_controlling_itself_is_rejected_with_E012(factory):
    doc = factory.disclosure()
    doc["parents"][0]["controlled_by"] = "nordcloud-holding"
    assert factory.codes_paths(doc) == {("E012", "$.parents[0].controlled_by")}


def test_control_chain_back_to_the_provider_is_rejected_with_E012(factory):
    doc = factory.disclosure()
    doc["parents"].append({"entity_id": "atlas-capital", "name": "Atlas", "country": "US",
                           "controlled_by": "nordcloud", "controlled_by_name": "Nordcloud Hosting AB",
                           "controlled_by_country": "SE"})
    assert factory.codes_paths(doc) == {("E012", "$.parents[0].controlled_by")}


def test_two_service_entries_with_one_id_are_rejected_with_E013(factory):
    doc = factory.disclosure(service_ids=["nordcloud-a", "nordcloud-a"])
    assert factory.codes_paths(doc) == {("E013", "$.services[1].service_id")}


def test_certificate_for_an_unknown_service_is_rejected_with_E014(factory):
    doc = factory.disclosure(service_ids=["nordcloud-a", "nordcloud-b"])
    doc["certifications"][0]["services"] = ["nordcloud-b", "someone-elses"]
    assert factory.codes_paths(doc) == {("E014", "$.certifications[0].services[1]")}


def test_file_over_5_mib_is_rejected_with_E015_before_parsing(factory):
    data = b"{" + b" " * MAX_FILE_BYTES + b"}"  # would parse fine, and is still too big
    assert factory.codes_paths(data) == {("E015", "$")}


def test_nesting_deeper_than_the_limit_is_rejected_with_E015(factory):
    doc = factory.disclosure()
    deep: object = 1
    for _ in range(MAX_DEPTH):
        deep = [deep]
    doc["services"][0]["evidence"]["SOV-1.1"]["note"] = deep
    problems = factory.problems_of(doc)
    assert [p.code for p in problems] == ["E015"]
    assert problems[0].path.startswith("$.services[0].evidence.SOV-1.1.note[0]")


def test_extreme_nesting_is_rejected_with_E015_without_crashing(factory):
    assert factory.codes_paths(b"[" * 200_000 + b"]" * 200_000) == {("E015", "$")}
    assert factory.codes_paths(b'{"a":' * 100_000 + b"1" + b"}" * 100_000) == {("E015", "$")}


def test_all_problems_of_a_file_are_reported_sorted(factory):
    doc = factory.disclosure()
    doc["provider"]["lei"] = "5493001KJTIIGC8Y1R13"
    doc["ownership"][0]["country"] = "XX"
    doc["services"][0]["model"] = "DaaS"
    doc["extra"] = 1
    for n in (10, 2):
        doc["services"][0]["answers"].pop(f"SOV-1.{n}", None)
    paths = [p.path for p in factory.problems_of(doc)]
    assert paths == ["$.extra", "$.ownership[0].country", "$.provider.lei", "$.services[0].answers.SOV-1.2",
                     "$.services[0].model"]


def test_problems_are_capped_per_file(factory):
    doc = factory.disclosure()
    doc.update({f"junk{i}": i for i in range(500)})
    problems = factory.problems_of(doc)
    assert len(problems) == 100
    assert json.dumps([p.to_dict() for p in problems])


def test_capital_and_voting_over_100_give_one_E011_naming_both(factory):
    doc = factory.disclosure()
    doc["ownership"].append({"holder_id": "other", "holder_name": "Other SA", "country": "FR",
                             "capital_pct": 20, "voting_pct": 20, "controls": False})
    (problem,) = factory.problems_of(doc)
    assert (problem.code, problem.path) == ("E011", "$.ownership")
    assert "capital_pct" in problem.message and "voting_pct" in problem.message


def test_each_file_code_path_is_reported_once(factory):
    doc = factory.disclosure()
    doc["ownership"][0]["controls"] = False
    # two cycles through the same parent edge: provider -> h1 -> top -> provider and provider -> h2 -> top
    doc["ownership"] = [
        {"holder_id": h, "holder_name": h, "country": "SE", "capital_pct": 50, "voting_pct": 50, "controls": True}
        for h in ("h1", "h2")
    ]
    doc["parents"] = [
        {"entity_id": e, "name": e, "country": "SE", "controlled_by": by, "controlled_by_name": by,
         "controlled_by_country": "SE"}
        for e, by in (("top", "nordcloud"), ("h1", "top"), ("h2", "top"))
    ]
    problems = factory.problems_of(doc)
    keys = [(p.file, p.code, p.path) for p in problems]
    assert len(keys) == len(set(keys))
    assert {p.code for p in problems} == {"E012"}
