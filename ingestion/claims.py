"""Rules across files: what the last release holds, stale submissions (E021), the run's budget (E015) and who may
claim a disclosure id or a service id (E013). No rule here depends on a date a provider chose, except that a
provider cannot go back behind its own submission in force.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterable, Mapping
from dataclasses import dataclass, field
from typing import TYPE_CHECKING

from ingestion.problems import finalize, show
from sealreg.errors import Problem

if TYPE_CHECKING:
    import duckdb

    from ingestion.validate import Accepted

STALE = "E021"


@dataclass(frozen=True)
class Held:
    """What the last release holds (read from the baseline's raw tables before they are replaced)."""

    disclosures: dict[str, tuple[str, str]] = field(default_factory=dict)  # disclosure_id -> (provider, sha256)
    services: dict[str, str] = field(default_factory=dict)  # service_id -> provider, in the disclosures in force
    in_force: dict[str, dt.datetime] = field(default_factory=dict)  # provider -> submitted_at of the one in force

    def known(self, disclosure_id: str, provider_id: str, sha256: str | None) -> bool:
        """The last release holds this very file (same disclosure id, provider and bytes)."""
        return self.disclosures.get(disclosure_id) == (provider_id, sha256)

    @classmethod
    def read(cls, con: duckdb.DuckDBPyConnection) -> Held:
        rows = con.execute("SELECT disclosure_id, provider_id, file_sha256, submitted_at FROM raw.disclosures "
                           "ORDER BY provider_id, submitted_at DESC, disclosure_id DESC").fetchall()
        disclosures = {did: (pid, sha) for did, pid, sha, _ in rows}
        in_force: dict[str, dt.datetime] = {}
        latest: dict[str, str] = {}
        for did, pid, _, submitted in rows:
            if pid not in in_force:
                in_force[pid], latest[pid] = submitted, did
        services = con.execute(
            "SELECT service_id, provider_id FROM raw.services WHERE disclosure_id IN (SELECT unnest(?))",
            [sorted(latest.values())]).fetchall()
        return cls(disclosures, dict(services), in_force)


NOTHING_HELD = Held()


def transfers_of(decisions: Iterable[Mapping] | None, as_of: dt.date) -> dict[str, str]:
    """service_id -> provider named by the latest regulator transfer decision known on `as_of` (decided before the
    end of that day), from rows shaped like `sealreg.decisions.read_decisions`."""
    end = dt.datetime.combine(as_of + dt.timedelta(days=1), dt.time())
    rows = [d for d in decisions or () if d.get("action") == "transfer" and d["decided_at"] < end]
    return {d["service_id"]: d["to_provider"] for d in sorted(rows, key=lambda d: (d["decided_at"], d["seq"]))}


def stale_problem(a: Accepted, held: Held, known: bool) -> Problem | None:
    """E021 for a new submission dated before the provider's submission in force in the last release."""
    in_force = held.in_force.get(a.provider_id)
    if known or in_force is None or a.submitted_at >= in_force:
        return None
    return Problem(a.file_name, STALE, "$.submitted_at", f"submitted_at {a.submitted_at:%Y-%m-%dT%H:%M:%S}Z is before "
                   f"the submission of provider {show(a.provider_id)} in force ({in_force:%Y-%m-%dT%H:%M:%S}Z); a "
                   "new disclosure must be dated after it")


def within_budget(candidates: Iterable[Accepted], known: set[str], limit: int) -> tuple[list[Accepted], list[Problem]]:
    """E015 for the files beyond the run's budget of `limit` services: files the last release holds (`known` file
    names) are counted first, then new files by name."""
    kept: list[Accepted] = []
    problems: list[Problem] = []
    used = 0
    for a in sorted(candidates, key=lambda a: (a.file_name not in known, a.file_name)):
        n = len(a.doc["services"])
        if used + n > limit:
            problems.append(Problem(a.file_name, "E015", "$.services", f"this run's budget of {limit} services is "
                                    f"used up by other files ({used} so far; this file lists {n}); it is not loaded"))
            continue
        used += n
        kept.append(a)
    return kept, problems


def resolve_conflicts(candidates: Iterable[Accepted], held: Held = NOTHING_HELD,
                      transfers: Mapping[str, str] | None = None) -> tuple[list[Accepted], list[Problem]]:
    """E013 across files, independent of input order and of the dates providers chose.

    A `disclosure_id` or `service_id` the last release holds stays with its provider (a service id moves only
    by a regulator's transfer decision: `transfers` service_id -> provider). A new id claimed by files of
    several providers is given to none of them. Within one provider, the first file in (submitted_at UTC,
    disclosure_id, file name) order keeps a disclosure_id. A file breaking any of this is rejected whole.
    Returns the accepted files in that order and the E013 problems.
    """
    ordered = sorted(candidates, key=lambda a: (a.submitted_at, a.disclosure_id, a.file_name))
    owner = {**held.services, **(transfers or {})}
    id_claims: dict[str, set[str]] = {}
    service_claims: dict[str, set[str]] = {}
    for a in ordered:
        id_claims.setdefault(a.disclosure_id, set()).add(a.provider_id)
        for service in a.doc["services"]:
            service_claims.setdefault(service["service_id"], set()).add(a.provider_id)
    first_file: dict[str, str] = {}
    accepted: list[Accepted] = []
    problems: list[Problem] = []
    for a in ordered:
        found = []
        did, holder = a.disclosure_id, held.disclosures.get(a.disclosure_id, (None,))[0]
        if holder is not None and holder != a.provider_id:
            found.append(_e013(a, "$.disclosure_id", f"disclosure_id {show(did)} belongs to provider {show(holder)} "
                               "in the last release; use a new id"))
        elif holder is None and len(id_claims[did]) > 1:
            found.append(_e013(a, "$.disclosure_id", f"disclosure_id {show(did)} is claimed by several providers "
                               f"({_names(id_claims[did])}); none of them gets it: use a new id"))
        elif did in first_file:
            found.append(_e013(a, "$.disclosure_id", f"disclosure_id {show(did)} is already used by "
                               f"{show(first_file[did])}; use a new id"))
        for i, service in enumerate(a.doc["services"]):
            sid, path = service["service_id"], f"$.services[{i}].service_id"
            holder = owner.get(sid)
            if holder is not None and holder != a.provider_id:
                how = "assigned to" if sid in (transfers or {}) else "held by"
                found.append(_e013(a, path, f"service_id {show(sid)} is {how} provider {show(holder)}; a service "
                                   "moves to another provider only by a regulator's transfer decision"))
            elif holder is None and len(service_claims[sid]) > 1:
                found.append(_e013(a, path, f"service_id {show(sid)} is listed by several providers "
                                   f"({_names(service_claims[sid])}); none of them gets it until the registry "
                                   "decides (a transfer decision)"))
        if found:
            problems += finalize(found)
            continue
        first_file[did] = a.file_name
        accepted.append(a)
    return accepted, problems


def _e013(a: Accepted, path: str, message: str) -> Problem:
    return Problem(a.file_name, "E013", path, message)


def _names(providers: set[str]) -> str:
    return ", ".join(show(p) for p in sorted(providers))
