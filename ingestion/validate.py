"""Disclosure-v1 validation: every rule of one file (`validate_document`) and cross-file rules (E013)."""

from __future__ import annotations

import datetime as dt
import logging
import traceback
from collections.abc import Iterable
from dataclasses import dataclass
from pathlib import Path

from ingestion.checks import Checker, parse_timestamp
from ingestion.claims import resolve_conflicts
from ingestion.jsonparse import parse_json
from ingestion.problems import INTERNAL_ERROR, finalize, show
from ingestion.rejected import NO_SENDER, Sender
from ingestion.rulebook import DISCLOSURE_ID, EARLIEST_SUBMISSION, MAX_SERVICES_PER_FILE, SCHEMA_VERSIONS
from ingestion.validate_parts import check_certifications, check_ownership, check_parents, check_provider
from ingestion.validate_services import check_services
from sealreg.errors import Problem

log = logging.getLogger(__name__)
__all__ = ["Accepted", "Outcome", "check_document", "resolve_conflicts", "validate_batch", "validate_document"]

TOP_KEYS = (
    "schema_version", "disclosure_id", "submitted_at", "provider", "ownership", "parents", "services",
    "certifications",
)


@dataclass(frozen=True, slots=True)
class Accepted:
    """A file that passed every single-file rule: its parsed document and UTC submission time."""

    file_name: str
    doc: dict
    submitted_at: dt.datetime  # naive UTC

    @property
    def disclosure_id(self) -> str:
        return self.doc["disclosure_id"]

    @property
    def provider_id(self) -> str:
        return self.doc["provider"]["provider_id"]


@dataclass(frozen=True, slots=True)
class Outcome:
    """Single-file result: the document (only when there is no problem), the problems, and the latest date
    the file's content was compared with the evaluation date (None if none was): `horizon <= as_of` means
    no date-dependent rule fired and the outcome is the same for every evaluation date >= horizon."""

    doc: dict | None
    problems: list[Problem]
    horizon: dt.date | None
    sender: Sender = NO_SENDER  # the provider the file names, when it parsed that far


NEVER_REUSE = dt.date.max  # horizon of an outcome that must not be reused for another evaluation date


def check_document(data_bytes: bytes, file_name: str, as_of: dt.date) -> Outcome:
    """All single-file problems of one disclosure, sorted and capped; the document only if there are none.

    Never raises: a failure of the validator itself is logged with its traceback and reported as an
    internal error (E018): the file is rejected, not accepted, and the outcome is never reused.
    """
    try:
        doc, problems, horizon, sender = _validate(data_bytes, file_name, as_of)
        problems = finalize(problems)
    except Exception as exc:  # noqa: BLE001 - hostile input must never crash a run
        doc, horizon, sender = None, NEVER_REUSE, NO_SENDER
        problems = [_internal_error(file_name, exc)]
    return Outcome(doc if not problems else None, problems, horizon, sender)


def _internal_error(file_name: str, exc: Exception) -> Problem:
    """The E018 problem of a validator failure, after logging its traceback."""
    log.error("validator failed on %r", file_name, exc_info=exc)
    frame = traceback.extract_tb(exc.__traceback__)[-1]
    where = f"{Path(frame.filename).name}:{frame.lineno}"
    return Problem(file_name, INTERNAL_ERROR, "$", f"internal error of the validator ({type(exc).__name__} at "
                   f"{where}); the file was not judged and is rejected; please report this to the registry")


def validate_document(data_bytes: bytes, file_name: str, as_of: dt.date) -> tuple[dict | None, list[Problem]]:
    """All single-file problems of one disclosure, sorted and capped; the document only if there are none.

    Never raises (see `check_document`).
    """
    outcome = check_document(data_bytes, file_name, as_of)
    return outcome.doc, outcome.problems


def _validate(data: bytes, file_name: str, as_of: dt.date) -> tuple[dict | None, list[Problem], dt.date | None,
                                                                    Sender]:
    value, issues = parse_json(data)
    if issues:
        return None, [Problem(file_name, code, path, msg) for code, path, msg in issues], None, NO_SENDER
    c = Checker(file_name)
    version = value.get("schema_version")
    if isinstance(version, str) and version not in SCHEMA_VERSIONS:
        c.add("E002", "$.schema_version", f"unsupported schema_version {show(version)}; this registry reads "
              + " and ".join(f'"{v}"' for v in SCHEMA_VERSIONS))
        return None, c.problems, None, NO_SENDER  # another format: its fields cannot be judged by v1 rules
    doc = c.obj(value, "$", TOP_KEYS)
    assert doc is not None  # parse_json only returns objects
    c.string(doc, "schema_version", "$.schema_version")
    c.pattern(doc, "disclosure_id", "$.disclosure_id", DISCLOSURE_ID,
              "disclosure id (1-100 characters of A-Z a-z 0-9 . _ -)")
    submitted = c.string(doc, "submitted_at", "$.submitted_at")
    if submitted is not None:
        when = parse_timestamp(submitted)
        if when is None:
            c.add("E006", "$.submitted_at", f"{show(submitted)} is not an RFC 3339 timestamp with zone "
                  "(e.g. 2026-11-01T09:00:00Z)")
        elif c.after(when.date(), as_of):  # at or after 00:00 UTC of the next day
            c.add("E010", "$.submitted_at", f"{show(submitted)} is after the end of the evaluation date {as_of} (UTC)")
        elif when < EARLIEST_SUBMISSION:
            c.add("E010", "$.submitted_at", f"{show(submitted)} is before {EARLIEST_SUBMISSION:%Y-%m-%d}, "
                  "earlier than any disclosure to this registry can be")
    sender = check_provider(c, doc["provider"]) if "provider" in doc else NO_SENDER
    provider_id = sender.provider_id
    controllers = []
    ownership = c.array(doc, "ownership", "$.ownership")
    if ownership is not None:
        controllers = check_ownership(c, ownership)
    parents = c.array(doc, "parents", "$.parents")
    if parents is not None:
        check_parents(c, parents, provider_id, controllers)
    services = c.array(doc, "services", "$.services", min_items=1)
    if services is not None and len(services) > MAX_SERVICES_PER_FILE:  # refused before any service is judged
        c.add("E015", "$.services", f"lists {len(services)} services; the limit is {MAX_SERVICES_PER_FILE} per "
              "file (split the disclosure or ask the registry)")
        return doc, c.problems, c.horizon, sender
    service_ids = check_services(c, services, as_of, version) if services is not None else None
    certifications = c.array(doc, "certifications", "$.certifications")
    if certifications is not None:
        check_certifications(c, certifications, service_ids)
    return doc, c.problems, c.horizon, sender


def validate_batch(
    files: Iterable[tuple[str, bytes]], as_of: dt.date
) -> tuple[list[Accepted], list[Problem]]:
    """Single-file rules for each (file name, bytes), then E013 across the files (see `resolve_conflicts`).

    Returns the accepted files in (submitted_at, disclosure_id, file name) order and every problem,
    sorted by file; a file is either accepted or has at least one problem.
    """
    candidates: list[Accepted] = []
    problems: list[Problem] = []
    for name, data in files:
        doc, found = validate_document(data, name, as_of)
        if doc is None:
            problems += found
        else:
            candidates.append(Accepted(name, doc, parse_timestamp(doc["submitted_at"])))
    accepted, conflicts = resolve_conflicts(candidates)
    return accepted, finalize(problems + conflicts)
