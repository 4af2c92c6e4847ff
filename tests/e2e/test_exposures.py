"""The dbt exposures name what each consumer of the release reads: the site, shortlist, extract, README queries."""

from __future__ import annotations

import re

import yaml

from sealreg.publish.release import PUBLISHED_TABLES
from sealreg.publish.site.data import TABLES as SITE_TABLES
from tests.helpers import REPO

EXPOSURES = {e["name"]: {re.fullmatch(r"ref\('(\w+)'\)", d).group(1) for d in e["depends_on"]}
             for e in yaml.safe_load((REPO / "dbt_project" / "models" / "exposures" / "_exposures.yml").read_text())
             ["exposures"]}
_TABLE_WORD = re.compile(r"\b(?:from|join)\s+(?:main\.)?\"?(\w+)", re.IGNORECASE)


def _tables_read(*sources: str) -> set[str]:
    return {t for text in sources for t in _TABLE_WORD.findall(text)} & set(PUBLISHED_TABLES)


def _source(module: str) -> str:
    return (REPO / "sealreg" / f"{module}.py").read_text()


def _state_on() -> str:
    """sealreg.queries.state_on, which shortlist --as-of and extract both answer from."""
    text = _source("queries")
    start = text.index("def state_on")
    return text[start:text.index("\ndef ", start + 1)]


def test_exposures_point_at_published_tables_only():
    assert set(EXPOSURES) == {"registry_site", "shortlist", "extract", "analyst_guide"}
    for name, refs in EXPOSURES.items():
        assert refs <= set(PUBLISHED_TABLES), f"{name}: {sorted(refs - set(PUBLISHED_TABLES))} not published"


def test_the_site_exposure_is_what_the_site_reads():
    assert EXPOSURES["registry_site"] == set(SITE_TABLES)


def test_the_command_exposures_cover_what_the_commands_query():
    assert _tables_read(_source("tender"), _state_on()) <= EXPOSURES["shortlist"]
    assert _tables_read(_source("extract"), _state_on()) <= EXPOSURES["extract"]


def test_the_analyst_guide_exposure_is_what_the_readme_queries_read():
    blocks = re.findall(r"```sql\n(.*?)```", (REPO / "README.md").read_text(), re.DOTALL)
    assert len(blocks) >= 5
    assert _tables_read(*blocks) == EXPOSURES["analyst_guide"]
