"""The methodology and glossary page: plain words for every level, flag and status, one anchor per term.

Badges, flags and statuses on every page link to ``methodology.html#<anchor>``; the anchors are made here
only, so a link and its target cannot drift apart. The rule figures (caps, audit age, holding limits) are
named once below, as assurance-rules v2 §2-§8 state them; the objective weights come from the release.
"""

from __future__ import annotations

import re
from typing import Any

PAGE = "methodology.html"

#: Figures of the rules, named once (spec/assurance-rules.md): shown on the methodology page.
AUDIT_MAX_AGE_DAYS = 365
HOLDER_MAX_PCT = 24  # each non-Union holder, of capital and of votes (§2, SecNumCloud §19.6)
HOLDERS_TOTAL_MAX_PCT = 39  # all non-Union holders together

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

#: code, objective capped, cap, rule in plain words
FLAGS = (
    ("W1", "W1-control", "SOV-1", "SEAL-1", "The provider answers that control is mostly or entirely in the EU "
        "(SOV-1.1), but its ultimate controller is outside the EU (third-country control)."),
    ("W2", "W2-regions", "SOV-3", "SEAL-1", "The provider answers that data stays in EU regions only (SOV-3.4), "
        "but one of the service's regions is outside the EU."),
    ("W3", "W3-jurisdiction", "SOV-2", "SEAL-1", "The provider answers that only EU law applies (SOV-2.1), but "
        "its country, as declared or as GLEIF records its legal address, is outside the EU."),
    ("W4", "W4-certificate", "SOV-7", "SEAL-2", "The provider claims a security certification (SOV-7.1, rung 4 or "
        "more), but no certificate that names this service is valid on the evaluation date and, where the "
        "scheme's register is loaded, confirmed by it. A certificate that names no service covers none."),
    ("W5", "W5-undeclared-parent", "SOV-1", "SEAL-1", "GLEIF, the global register of legal entities, shows a "
        "parent company outside the EU that the provider did not declare."),
    ("W6", "W6-identity", "SOV-2", "SEAL-2", "The provider's legal entity identifier (LEI) is unknown to GLEIF, "
        "no longer valid, or registered in another country than the one declared."),
    ("W7", "W7-certificate-register", "SOV-7", "SEAL-2", "A certificate the provider lists is not confirmed by its "
        "scheme's register: not found, another holder, withdrawn, suspended, only in progress or expired."),
    ("W8", "W8-dependency", "overall", "the dependency's level", "The service runs on another service or platform "
        "that is less sovereign: its SEAL and UAL are lowered to those of its weakest dependency (an unassessed "
        "or non-EU platform counts as SEAL-1 and UAL-1)."),
    ("W9", "W9-open-source", "SOV-6", "SEAL-2", "The provider answers 'open source' (SOV-6.3), but the licence it "
        "states is not approved by the Open Source Initiative (source-available only)."),
)

STATUSES = (
    ("listed", "The service holds UAL-1 or higher and no regulator decision is in force. Only listed services "
        "are eligible for a tender."),
    ("expired", f"The service held UAL-2 or higher, but its audit is older than {AUDIT_MAX_AGE_DAYS} days: it is "
        "shown at UAL-1 until a new audit is disclosed, and is not eligible for a tender."),
    ("suspended", "A regulator decision suspends the listing. The levels shown are what the answers would give; "
        "they are not in force while suspended."),
    ("revoked", "A regulator decision revokes the listing. The entry stays visible for five years after the "
        "decision; its levels are not in force."),
    ("not_listed", "The service has no CADA declaration (UAL-0) and no decision: it is in the registry but not "
        "listed."),
)

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
