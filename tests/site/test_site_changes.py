"""The changes page and a service's "Changes in this release" name every field of `changes` in plain words,
with its values in the words the rest of the site uses (an open-source status change reads like the others)."""

from __future__ import annotations

import re
from pathlib import Path

import yaml

from sealreg.publish.site import build_site
from sealreg.publish.site.filters import CHANGE_FIELDS, change_value
from tests.helpers import REPO

HISTORY_YML = REPO / "dbt_project" / "models" / "history" / "_history__models.yml"


def _accepted_fields() -> list[str]:
    model = next(m for m in yaml.safe_load(HISTORY_YML.read_text())["models"] if m["name"] == "changes")
    column = next(c for c in model["columns"] if c["name"] == "field")
    check = next(c["expression"] for c in column["constraints"] if c["type"] == "check")  # field in ('service', ...)
    return re.findall(r"'([^']*)'", check)


def test_every_field_dbt_may_list_has_a_plain_word_label():
    assert sorted(CHANGE_FIELDS) == sorted(_accepted_fields())
    assert "open_source_status" in CHANGE_FIELDS


def test_an_open_source_status_change_reads_in_plain_words(release: Path):
    site = build_site(release)
    changes = site.joinpath("changes.html").read_text("utf-8")
    assert ('<td data-label="Field">Open-source status</td>\n<td data-label="Change"><span class="change '
            'change-changed">changed</span></td>\n<td data-label="Old value">Not declared</td>\n'
            '<td data-label="New value">Open source</td>') in changes
    assert '<td data-label="Field">Status</td>' in changes
    service = site.joinpath("services", "alto-ai.html").read_text("utf-8")
    assert "<li>Open-source status: changed from Not declared to Open source" in service
    assert "<li>Status: changed from Listed to Expired" in service


def test_a_value_outside_the_vocabulary_is_shown_as_it_is():
    assert change_value("gone<b>", "open_source_status") == "gone<b>"  # escaped by the template
    assert change_value(None, "open_source_status") == "—"
    assert change_value("81.25", "sovereignty_score") == "81.25"
