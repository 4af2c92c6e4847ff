"""Tender shortlists answered from the release's history: dbt decides eligibility, a tender adds floors.

Eligibility is `service_history.tender_eligible` (computed once, in dbt). A tender's own criteria
(SEAL floors per objective, a UAL floor, statuses it widens to, flags and third-country control it
excludes) are filters over what dbt published; each filter has a name that the footer counts
excluded services under, so one more option is one more entry in `_filters`.
"""

from __future__ import annotations

import datetime as dt
import re
from dataclasses import dataclass, field
from pathlib import Path

from expectations.final_suite import STATUSES
from sealreg.config import RegistryHome
from sealreg.errors import SealregError
from sealreg.queries import open_current, rows, state_on

#: the statuses a tender may widen to with --include-status (`listed` services are eligible already)
WIDER_STATUSES = tuple(s for s in STATUSES if s != "listed")
_STATUS = "status"  # the eligibility filter; the footer names the status
_FLOOR = re.compile(r"([A-Za-z]+-\d+)\s*=\s*(\d+)")


class TenderError(SealregError, ValueError):
    """The tender's criteria cannot be applied (a usage error: exit 2)."""


def parse_floors(texts: list[str] | str | None) -> dict[str, int]:
    """Merge `--min-seal` values (`SOV-1=3,SOV-2=2`, possibly repeated) into {objective: level}.

    A repeated objective with the same level is accepted; with another level it is refused.
    """
    if isinstance(texts, str):
        texts = [texts]
    floors: dict[str, int] = {}
    for text in texts or []:
        for part in filter(None, (p.strip() for p in text.split(","))):
            match = _FLOOR.fullmatch(part)
            if not match or not 0 <= int(match.group(2)) <= 4:
                raise TenderError(f"bad floor {part!r}: expected OBJECTIVE=LEVEL, e.g. SOV-1=3, LEVEL 0..4")
            objective, level = match.group(1).upper(), int(match.group(2))
            if floors.get(objective, level) != level:
                raise TenderError(f"conflicting floors for {objective}: {floors[objective]} and {level}")
            floors[objective] = level
    return floors


@dataclass(frozen=True)
class Tender:
    """What a tender asks for; every field but `floors` has a neutral default."""

    floors: dict[str, int] = field(default_factory=dict)
    min_ual: int = 0
    include_status: frozenset[str] = frozenset()
    exclude_flagged: bool = False
    exclude_third_country_control: bool = False
    as_of: dt.date | None = None
    open_source_first: bool = False


@dataclass
class Shortlist:
    """The ranked services and, per reason, how many others were left out (and which)."""

    as_of: dt.date
    rows: list[dict]
    excluded: list[dict]


def _filters(tender: Tender, objectives: list[str]) -> list[tuple[str, str, list]]:
    """(reason, SQL condition a service must meet, params), in the order reasons are reported."""
    included = sorted(tender.include_status)
    status_cond = "h.tender_eligible" + (
        f" or h.status in ({', '.join('?' * len(included))})" if included else "")
    filters: list[tuple[str, str, list]] = [(_STATUS, status_cond, included)]
    for objective, level in sorted(tender.floors.items()):
        pos = objectives.index(objective) + 1
        filters.append((f"SEAL below {level} on {objective}",
                        f"coalesce(h.objective_seals[{pos}], -1) >= ?", [level]))
    if tender.min_ual:
        filters.append((f"UAL below {tender.min_ual}", "h.ual >= ?", [tender.min_ual]))
    if tender.exclude_flagged:
        filters.append(("washing flags raised (--exclude-flagged)", "coalesce(h.flag_count, 0) = 0", []))
    if tender.exclude_third_country_control:
        filters.append(("under third-country control (--exclude-third-country-control)",
                        "h.third_country_control is not true", []))
    return filters


def _order_by(tender: Tender) -> str:
    """Ranking of the shortlisted services; open source first (assurance-rules §8) puts the services dbt
    marked `open_source_preferred` before all others, each group by sovereignty score."""
    preferred = "h.open_source_preferred desc, " if tender.open_source_first else ""
    return f"{preferred}h.sovereignty_score desc, h.service_id"


def shortlist(home: RegistryHome | Path, tender: Tender) -> Shortlist:
    """Services meeting the tender on its date (default: the release's evaluation date), best first."""
    unknown = sorted(set(tender.include_status) - set(STATUSES))
    if unknown:
        raise TenderError(f"unknown status {', '.join(unknown)}: expected one of {', '.join(STATUSES)}")
    with open_current(home) as con:
        on = state_on(con, home, tender.as_of)
        objectives = [o for (o,) in con.execute(
            "select distinct objective from objective_results order by objective").fetchall()]
        missing = sorted(set(tender.floors) - set(objectives))
        if missing:
            raise TenderError(f"unknown objective {', '.join(missing)}: expected one of {', '.join(objectives)}")
        filters = _filters(tender, objectives)
        first_failed = " ".join(f"when not coalesce({cond}, false) then {n}" for n, (_, cond, _) in enumerate(filters))
        params = [p for _, _, ps in filters for p in ps]
        found = rows(con, f"""
            with h as ({_HISTORY_ON}),
            judged as (
                select h.*, case {first_failed} else null end as failed_filter,
                       p.legal_name as provider, p.country
                from h left join providers p using (provider_id)
            )
            select * from judged h order by {_order_by(tender)}""", [on, on, *params])
    ranked = [r for r in found if r["failed_filter"] is None]
    return Shortlist(as_of=on, rows=ranked, excluded=_footer(found, filters))


_HISTORY_ON = """
    select * from service_history
    where valid_from <= ? and (valid_to is null or valid_to > ?)"""


def _footer(found: list[dict], filters: list[tuple[str, str, list]]) -> list[dict]:
    """Excluded services grouped by the first filter they fail (the eligibility filter by status)."""
    groups: dict[tuple[int, str], list[str]] = {}
    for row in found:
        n = row["failed_filter"]
        if n is None:
            continue
        reason = filters[n][0]
        if reason == _STATUS:
            reason = f"status {row['status']}: not eligible for a tender"
        groups.setdefault((n, reason), []).append(row["service_id"])
    return [{"reason": reason, "count": len(ids), "service_ids": sorted(ids)}
            for (_, reason), ids in sorted(groups.items())]
