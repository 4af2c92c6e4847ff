"""The methodology and glossary page: plain words for every level, flag and status, one anchor per term.

Badges, flags and statuses on every page link to ``methodology.html#<anchor>``; the anchors are made here
only, so a link and its target cannot drift apart. The rule figures (caps, audit age, holding limits) are
the dbt project's (`sealreg.config.rule_thresholds`), the objective weights the release's.
"""

from __future__ import annotations

import re
from typing import Any

from expectations.final_suite import STATUSES as STATUS_WORDS
from sealreg import config

PAGE = "methodology.html"

#: The rules' thresholds, as the dbt models compute with them (dbt_project.yml vars).
RULES = config.rule_thresholds()
AUDIT_MAX_AGE_DAYS = RULES["audit_max_age_days"]
HOLDER_MAX_PCT = RULES["holder_max_pct"]  # each non-Union holder, of capital and of votes (§2, SecNumCloud §19.6)
HOLDERS_TOTAL_MAX_PCT = RULES["holders_total_max_pct"]  # all non-Union holders together
REVOKED_VISIBLE_YEARS = RULES["revoked_visible_years"]
UNASSESSED_LEVEL = RULES["unassessed_dependency_level"]

SEAL_LEVELS = (
    (0, "No sovereignty", "The answers show the service is run, owned or governed from outside the EU, or the "
        "answer gives no evidence of EU control."),
    (1, "Jurisdictional sovereignty", "EU law applies on paper, but non-EU parties can still decide how the "
        "service runs or reach its data."),
    (2, "Data sovereignty", "EU law applies and is enforceable for the data, but important parts (technology, "
        "operations, supply chain) still depend on non-EU parties."),
    (3, "Digital resilience", "EU law applies and is enforceable; non-EU parties have only a limited influence "
        "that the service can withstand."),
    (4, "Full digital sovereignty", "Technology, operations and control are entirely under EU law and in EU "
        "hands, with no critical non-EU dependency."),
)

UAL_LEVELS = (
    (0, "Not assessed", "The provider made no Cloud and AI Development Act (CADA) declaration for this service, "
        "or the level-1 conditions are not met."),
    (1, "Self-assessed", "The provider declares conformity, keeps a register of its subcontractors and lets the "
        "data location be checked. Nobody independent has checked it."),
    (2, "Audited", f"A positive independent audit, no older than {AUDIT_MAX_AGE_DAYS} days, confirms at least "
        "level 2; a cyber-security certificate of at least 'substantial', staff located in the EU, support in the "
        "EU, a software bill of materials and no AI training for third countries; a provider under third-country "
        "control must also have all four safeguards."),
    (3, "High assurance", "The audit confirms at least level 3 and the staff are EU citizens; a provider under "
        "third-country control is admitted only if its controller's country is an associated country and it "
        "grants every safeguard and access to its source code."),
    (4, "Highest assurance", "The audit confirms level 4, the cyber-security certificate is 'high', staff are "
        "cleared EU citizens, there is no third-country control at all and no third-country 'kill switch'."),
)

#: Each flag's rule in plain words; {criterion} and {claim_rung} are the flag's rule in dbt_project.yml.
FLAG_RULES = {
    "W1-control": "The provider answers that control is mostly or entirely in the EU ({criterion}), but its "
    "ultimate controller is outside the EU (third-country control).",
    "W2-regions": "The provider answers that data stays in EU regions only ({criterion}), but one of the "
    "service's regions is outside the EU.",
    "W3-jurisdiction": "The provider answers that only EU law applies ({criterion}), but its country, as declared "
    "or as GLEIF records its legal address, is outside the EU.",
    "W4-certificate": "The provider claims a security certification ({criterion}, rung {claim_rung} or more), but "
    "no certificate that names this service is valid on the evaluation date and, where the scheme's register is "
    "loaded, confirmed by it. A certificate that names no service covers none.",
    "W5-undeclared-parent": "GLEIF, the global register of legal entities, shows a parent company outside the EU "
    "that the provider did not declare.",
    "W6-identity": "The provider's legal entity identifier (LEI) is unknown to GLEIF, no longer valid, or "
    "registered in another country than the one declared.",
    "W7-certificate-register": "A certificate the provider lists is not confirmed by its scheme's register: not "
    "found, another holder, withdrawn, suspended, only in progress or expired.",
    "W9-open-source": "The provider answers 'open source' ({criterion}), but the licence it states is not approved "
    "by the Open Source Initiative (source-available only).",
}
W8_RULE = (
    "The service runs on another service or platform that is less sovereign: its SEAL and UAL are lowered to "
    f"those of its weakest dependency (an unassessed or non-EU platform counts as SEAL-{UNASSESSED_LEVEL} and "
    f"UAL-{UNASSESSED_LEVEL})."
)


def _flags() -> tuple[tuple[str, str, str, str, str], ...]:
    """(code, name, objective capped, cap, rule in plain words) of every flag, W1..W9."""
    rows = [
        (name.split("-")[0], name, rule["objective"], f"SEAL-{rule['cap']}", FLAG_RULES[name].format(**rule))
        for name, rule in RULES["washing_flags"].items()
    ]
    rows.append(("W8", "W8-dependency", "overall", "the dependency's level", W8_RULE))
    return tuple(sorted(rows, key=lambda r: int(r[0][1:])))


FLAGS = _flags()

#: what each status of the published vocabulary (final_suite.STATUSES) means
STATUS_MEANINGS = {
    "listed": "The service holds UAL-1 or higher and no regulator decision is in force. Only listed services "
        "are eligible for a tender.",
    "expired": f"The service held UAL-2 or higher, but its audit is older than {AUDIT_MAX_AGE_DAYS} days: it is "
        "shown at UAL-1 until a new audit is disclosed, and is not eligible for a tender.",
    "suspended": "A regulator decision suspends the listing. The levels shown are what the answers would give; "
        "they are not in force while suspended.",
    "revoked": f"A regulator decision revokes the listing. The entry stays visible for {REVOKED_VISIBLE_YEARS} "
        "years after the decision; its levels are not in force.",
    "not_listed": "The service has no CADA declaration (UAL-0) and no decision: it is in the registry but not "
        "listed.",
}
#: (status, meaning) in the vocabulary's order; a status without a meaning fails here, at import
STATUSES = tuple((status, STATUS_MEANINGS[status]) for status in STATUS_WORDS)

_FLAG_CODE = re.compile(r"W\d+")


def seal_anchor(level: Any) -> str:
    return f"seal-{level}"


def ual_anchor(level: Any) -> str:
    return f"ual-{level}"


def status_anchor(status: Any) -> str:
    return f"status-{status or 'unknown'}".replace("_", "-")


def flag_anchor(flag: Any) -> str:
    """W1-control -> flag-w1; anything else -> the flags section."""
    match = _FLAG_CODE.match(str(flag or ""))
    return f"flag-{match.group(0).lower()}" if match else "flags"


def href(root: str, anchor: str) -> str:
    return f"{root}{PAGE}#{anchor}"


def context(weights: list[tuple[Any, Any, Any]], criteria_count: int) -> dict:
    """Template context of the methodology page."""
    return {
        "page": "methodology",
        "seal_levels": SEAL_LEVELS,
        "ual_levels": UAL_LEVELS,
        "flags": FLAGS,
        "statuses": STATUSES,
        "weights": weights,
        "criteria_count": criteria_count,
        "audit_max_age_days": AUDIT_MAX_AGE_DAYS,
        "holder_max_pct": HOLDER_MAX_PCT,
        "holders_total_max_pct": HOLDERS_TOTAL_MAX_PCT,
        "anchor": {"seal": seal_anchor, "ual": ual_anchor, "status": status_anchor},
    }
