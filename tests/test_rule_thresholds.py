"""The rules' thresholds are named once, as vars of dbt_project.yml: the models read them through var(), and
the site's explanations read the same values (sealreg.config.rule_thresholds), never a copy."""

from __future__ import annotations

import re
from pathlib import Path

import duckdb

from sealreg import config
from sealreg.publish.site import glossary
from tests.helpers import REPO

MODELS = REPO / "dbt_project" / "models"
#: bare figures of a rule in model SQL: a flag cap, the audit age, the revocation years, the holding limits
BARE_THRESHOLDS = (
    re.compile(r"(?<![\w.])\d+\s+as\s+cap\b"),
    re.compile(r"(?<![\w.])365(?![\w.])"),
    re.compile(r"interval\s+\d+\s+year", re.I),
    re.compile(r"<=\s*(24|39)\b"),
    re.compile(r"'SOV-\d'\s+as\s+objective"),
    re.compile(r"criterion_id\s*=\s*'SOV-\d\.\d'"),
)


def _code(sql: str) -> str:
    """The SQL without comments (-- and Jinja {# #})."""
    sql = re.sub(r"\{#.*?#\}", "", sql, flags=re.S)
    return "\n".join(line.split("--", 1)[0] for line in sql.splitlines())


def test_no_model_types_a_threshold_of_the_rules() -> None:
    found = [
        f"{path.relative_to(REPO)}: {match.group(0)}"
        for path in sorted(MODELS.rglob("*.sql"))
        for pattern in BARE_THRESHOLDS
        for match in pattern.finditer(_code(path.read_text("utf-8")).replace("audit_within_365_days", ""))
    ]
    assert found == []


def test_the_thresholds_are_the_dbt_project_vars() -> None:
    rules = config.rule_thresholds()
    assert (rules["audit_max_age_days"], rules["revoked_visible_years"]) == (365, 5)
    assert (rules["holder_max_pct"], rules["holders_total_max_pct"]) == (24, 39)
    assert sorted(rules["washing_flags"]) == [
        "W1-control",
        "W2-regions",
        "W3-jurisdiction",
        "W4-certificate",
        "W5-undeclared-parent",
        "W6-identity",
        "W7-certificate-register",
        "W9-open-source",
    ]


def test_published_flags_and_the_methodology_page_agree_with_the_vars(sample_home: Path) -> None:
    """What dbt computed on the samples (each flag's objective and cap) and what the methodology page
    says are both the rule of that flag in dbt_project.yml."""
    rules = config.rule_thresholds()["washing_flags"]
    con = duckdb.connect(str(sample_home / "current" / "registry.duckdb"), read_only=True)
    try:
        published = con.execute(
            "select distinct flag, objective, cap from washing_flags where flag <> 'W8-dependency' order by all"
        ).fetchall()
    finally:
        con.close()
    assert len(published) >= 6
    assert published == [(f, rules[f]["objective"], rules[f]["cap"]) for f, _, _ in published]
    page = (sample_home / "current" / "site" / glossary.PAGE).read_text("utf-8")
    for flag, rule in rules.items():
        entry = page[page.index(f'<span class="flag-code">{flag}</span>') :].split("</dd>", 1)[0]
        assert f"{rule['objective']} at most SEAL-{rule['cap']}" in entry, flag
    assert f"no older than {glossary.AUDIT_MAX_AGE_DAYS} days" in page
    assert f"at most {glossary.HOLDER_MAX_PCT} % of the capital" in page
