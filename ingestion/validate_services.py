"""Rules for `$.services[]`: ids, regions, the 48 answers, evidence and the CADA block."""

from __future__ import annotations

import datetime as dt

from ingestion import format_1_1
from ingestion.checks import Checker
from ingestion.iso3166 import ALPHA2
from ingestion.problems import child, show
from ingestion.rulebook import (
    CLAIMED_LEVELS,
    CYBER_CERTIFICATES,
    HTTPS_URL,
    MAX_NAME,
    MAX_TEXT,
    MAX_URL,
    MODELS,
    OPINIONS,
    PERSONNEL,
    PROVIDER_ID,
    criteria_rungs,
)

SERVICE_REQUIRED = ("service_id", "name", "model", "regions", "answers")
SERVICE_OPTIONAL = ("evidence", "cada")
CADA_BOOLS = (
    "statement_of_conformity", "subcontractor_register", "data_location_checkable", "support_in_union", "sbom",
    "no_third_country_ai_training", "source_code_access", "no_third_country_kill_switch",
)
CADA_REQUIRED = CADA_BOOLS + ("cyber_certificate", "personnel", "safeguards")
SAFEGUARDS = ("no_delivery_restraint", "no_data_access", "no_continuity_disruption", "no_forced_sanctions")
AUDIT_KEYS = ("auditor", "opinion", "date", "claimed_level")


def check_services(c: Checker, items: list, as_of: dt.date, version: object = "1") -> set[str]:
    """Check every service (with the fields of format 1.1 when `version` is "1.1"); returns the service_id
    strings present (for E014), valid or not."""
    ids: set[str] = set()
    extra = format_1_1.SERVICE_FIELDS
    for i, item in enumerate(items):
        path = f"$.services[{i}]"
        s = c.obj(item, path, SERVICE_REQUIRED, (*SERVICE_OPTIONAL, *extra))
        if s is None:
            continue
        sid = c.pattern(s, "service_id", f"{path}.service_id", PROVIDER_ID,
                        "service id (lower case letters, digits and '-', 2-64 characters)")
        raw = s.get("service_id")
        if isinstance(raw, str):
            if sid is not None and raw in ids:
                c.add("E013", f"{path}.service_id", f"service_id {show(raw)} appears twice in this disclosure")
            ids.add(raw)
        c.text(s, "name", f"{path}.name", MAX_NAME)
        c.enum(s, "model", f"{path}.model", MODELS)
        for j, region in enumerate(c.array(s, "regions", f"{path}.regions", min_items=1) or ()):
            if not isinstance(region, str):
                c.wrong_type(f"{path}.regions[{j}]", "a string (country code)", region)
            elif region not in ALPHA2:
                c.add("E007", f"{path}.regions[{j}]", f"{show(region)} is not an ISO 3166-1 alpha-2 country code")
        if "answers" in s:
            _answers(c, s["answers"], f"{path}.answers")
        if "evidence" in s:
            _evidence(c, s["evidence"], f"{path}.evidence")
        if "cada" in s:
            _cada(c, s["cada"], f"{path}.cada", as_of)
        for key, check in extra.items():
            if key not in s:
                continue
            if version == format_1_1.VERSION:
                check(c, s[key], f"{path}.{key}", sid)
            else:
                c.add("E004", f"{path}.{key}", f"unknown field in a schema_version {show(version)} file; "
                      f"{key} needs schema_version \"{format_1_1.VERSION}\"")
    return ids


def _answers(c: Checker, answers: object, path: str) -> None:
    if not isinstance(answers, dict):
        c.wrong_type(path, "an object of criterion id -> rung", answers)
        return
    rungs = criteria_rungs()
    for key, rung in answers.items():
        top = rungs.get(key)
        if top is not None and type(rung) is int and 1 <= rung <= top:
            continue  # the common case, without building a path
        if top is None:
            c.add("E009", child(path, key), "unknown criterion id; use the 48 ids of csf_criteria.csv")
        elif isinstance(rung, bool) or not isinstance(rung, int):
            c.wrong_type(child(path, key), "an integer rung", rung)
        else:
            c.add("E006", child(path, key), f"rung {show(rung)} is out of range 1..{top} for this criterion")
    for cid in rungs:
        if cid not in answers:
            c.add("E009", child(path, cid), "answer missing; every one of the 48 criteria must be answered")


def _evidence(c: Checker, evidence: object, path: str) -> None:
    if not isinstance(evidence, dict):
        c.wrong_type(path, "an object of criterion id -> {url, note}", evidence)
        return
    rungs = criteria_rungs()
    for key, item in evidence.items():
        kpath = child(path, key)
        if key not in rungs:
            c.add("E009", kpath, "evidence for an unknown criterion id")
            continue
        e = c.obj(item, kpath, ("url",), ("note",))
        if e is None:
            continue
        url = c.string(e, "url", f"{kpath}.url")
        if url is not None and (len(url) > MAX_URL or not HTTPS_URL.fullmatch(url)):
            c.add("E006", f"{kpath}.url", f"{show(url)} is not an https:// URL")
        c.text(e, "note", f"{kpath}.note", MAX_TEXT, multiline=True)


def _cada(c: Checker, value: object, path: str, as_of: dt.date) -> None:
    cada = c.obj(value, path, CADA_REQUIRED, ("audit",))
    if cada is None:
        return
    for key in CADA_BOOLS:
        c.boolean(cada, key, f"{path}.{key}")
    c.enum(cada, "cyber_certificate", f"{path}.cyber_certificate", CYBER_CERTIFICATES)
    c.enum(cada, "personnel", f"{path}.personnel", PERSONNEL)
    if "safeguards" in cada:
        safeguards = c.obj(cada["safeguards"], f"{path}.safeguards", SAFEGUARDS)
        for key in SAFEGUARDS if safeguards is not None else ():
            c.boolean(safeguards, key, f"{path}.safeguards.{key}")
    if "audit" in cada:
        apath = f"{path}.audit"
        audit = c.obj(cada["audit"], apath, AUDIT_KEYS)
        if audit is None:
            return
        c.text(audit, "auditor", f"{apath}.auditor", MAX_NAME)
        c.enum(audit, "opinion", f"{apath}.opinion", OPINIONS)
        day = c.date(audit, "date", f"{apath}.date")
        if day is not None and c.after(day, as_of):
            c.add("E010", f"{apath}.date", f"audit date {day} is after the evaluation date {as_of}")
        c.integer(audit, "claimed_level", f"{apath}.claimed_level", *CLAIMED_LEVELS)
