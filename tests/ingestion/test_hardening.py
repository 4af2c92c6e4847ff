"""Validator hardening (issue 17): swallowed crashes, hostile text, LEI check digits, timestamps, limits."""

from __future__ import annotations

import logging

import pytest

import ingestion.validate as validate_module
from ingestion.ingest import run_ingest
from ingestion.lei import mod97


@pytest.mark.parametrize("top", [b"5", b"null", b"true", b"5.5", b'"text"', b"[]"])
def test_a_top_level_scalar_or_array_is_E001_not_an_object(factory, top):
    problems = factory.problems_of(top)
    assert [(p.code, p.path) for p in problems] == [("E001", "$")]
    assert "must be a JSON object" in problems[0].message and "Error" not in problems[0].message


def test_a_validator_crash_is_an_internal_error_with_its_traceback_never_a_disguised_E001(
        factory, monkeypatch, caplog, ctx):
    def broken(*_args):
        raise KeyError("boom")

    monkeypatch.setattr(validate_module, "check_provider", broken)
    with caplog.at_level(logging.ERROR, logger="ingestion.validate"):
        problems = factory.problems_of(factory.disclosure())
    assert [(p.code, p.path) for p in problems] == [("E018", "$")]
    assert "internal error" in problems[0].message and "KeyError" in problems[0].message
    assert any(r.exc_info and "boom" in r.getMessage() + repr(r.exc_info[1]) for r in caplog.records)
    factory.write(ctx.inbox, "a.json", factory.disclosure())
    assert run_ingest(ctx)["rejected"] == 1
    monkeypatch.undo()  # the crash was not remembered: the same bytes are judged again next run
    assert run_ingest(ctx)["accepted"] == 1


HIDDEN = ["\u202eevil", "a\u2066b", "zero\u200bwidth", "c1\x85char", "bom\ufeff", "nul\x00", "tab\tin", "bell\x07",
          "lrm\u200e", "arabic\u061cmark", "word\u2060joiner"]
FORMULAS = ["=HYPERLINK(\"http://evil\")", "+1+1", "-2+3", "@SUM(A1)", "\tx", "\rx"]


def _set_texts(doc: dict, value: str) -> dict:
    doc["provider"]["legal_name"] = value
    doc["services"][0]["name"] = value
    doc["ownership"][0]["holder_name"] = value
    doc["certifications"][0]["issuer"] = value
    doc["certifications"][0]["certificate_id"] = value
    doc["services"][0]["evidence"]["SOV-1.1"]["note"] = value
    doc["services"][0]["cada"]["audit"]["auditor"] = value
    return doc


TEXT_PATHS = {"$.provider.legal_name", "$.services[0].name", "$.ownership[0].holder_name",
              "$.certifications[0].issuer", "$.certifications[0].certificate_id",
              "$.services[0].evidence.SOV-1.1.note", "$.services[0].cada.audit.auditor"}


@pytest.mark.parametrize("value", HIDDEN)
def test_control_bidi_zero_width_and_c1_characters_in_text_are_E006(factory, value):
    found = factory.codes_paths(_set_texts(factory.disclosure(), value))
    notes_allow = {"tab\tin"}  # a tab is a fine character inside a free note
    expected = TEXT_PATHS - ({"$.services[0].evidence.SOV-1.1.note"} if value in notes_allow else set())
    assert {p for c, p in found if c == "E006"} == expected


@pytest.mark.parametrize("value", FORMULAS)
def test_text_starting_with_a_spreadsheet_formula_character_is_refused_at_the_door(factory, value):
    problems = factory.problems_of(_set_texts(factory.disclosure(), value))
    assert {p.path for p in problems if p.code == "E006"} == TEXT_PATHS
    assert all("formula" in p.message for p in problems if p.path == "$.provider.legal_name")


def test_ids_and_urls_cannot_start_a_formula_or_hide_characters(factory):
    doc = factory.disclosure(disclosure_id="-A1+A2")
    doc["provider"]["website"] = "https://example.eu/\u202egnp.exe"
    doc["certifications"][0]["scheme"] = "other:\u200bISO"
    assert {("E006", "$.disclosure_id"), ("E006", "$.provider.website"),
            ("E006", "$.certifications[0].scheme")} <= factory.codes_paths(doc)


def test_plain_text_with_inner_dashes_and_accents_stays_valid(factory):
    doc = _set_texts(factory.disclosure(), "Società Cloud-Services S.p.A. (=100 % EU) @Milano")
    assert factory.problems_of(doc) == []


@pytest.mark.parametrize("check_digits", ["00", "01", "99"])
def test_lei_check_digits_outside_02_to_98_are_E008(factory, check_digits):
    # find an 18-character prefix whose MOD 97-10 value makes these check digits satisfy "mod 97 == 1"
    prefix = next(p for p in (f"5493001KJTIIGC{n:04d}" for n in range(10000))
                  if mod97(p + check_digits) == 1)
    doc = factory.disclosure()
    doc["provider"]["lei"] = prefix + check_digits
    assert factory.codes_paths(doc) == {("E008", "$.provider.lei")}


@pytest.mark.parametrize("stamp", ["2026-06-30T23:59:60Z", "2026-07-01T01:59:60+02:00",
                                   "2026-11-01T09:00:00.1234567891234Z", "2026-11-01T09:00:00.123456789Z"])
def test_rfc3339_leap_seconds_and_long_fractions_are_accepted(factory, stamp):
    assert factory.problems_of(factory.disclosure(submitted_at=stamp)) == []


def test_leap_second_sorts_after_59_and_is_only_valid_at_23_59_utc():
    from ingestion.checks import parse_timestamp

    assert parse_timestamp("2026-06-30T23:59:59.999Z") < parse_timestamp("2026-06-30T23:59:60Z") \
        < parse_timestamp("2026-07-01T00:00:00Z")
    assert parse_timestamp("2026-06-30T12:00:60Z") is None
    assert parse_timestamp("2026-11-01T09:00:00.1234567891Z").microsecond == 123456


@pytest.mark.parametrize("stamp", ["0001-01-01T00:00:00Z", "1999-12-31T23:59:59Z", "2020-01-01T01:00:00+02:00"])
def test_implausibly_early_submission_times_are_E010(factory, stamp):
    doc = factory.disclosure(submitted_at=stamp, disclosure_id="early-1")
    assert factory.codes_paths(doc) == {("E010", "$.submitted_at")}


def test_a_file_with_more_services_than_the_per_file_limit_is_E015_before_they_are_judged(factory):
    from ingestion.rulebook import MAX_SERVICES_PER_FILE

    doc = factory.disclosure(n_services=2)
    doc["services"] = [doc["services"][0]] * (MAX_SERVICES_PER_FILE + 1)  # duplicates would be E013 if judged
    assert factory.codes_paths(doc) == {("E015", "$.services")}
    doc["services"] = [dict(doc["services"][0], service_id=f"nordcloud-s{i}") for i in range(MAX_SERVICES_PER_FILE)]
    doc["certifications"][0]["services"] = ["nordcloud-s0"]
    assert factory.problems_of(doc) == []
