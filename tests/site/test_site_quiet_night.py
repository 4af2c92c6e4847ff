"""Two nights on the samples, one changed disclosure: only the pages that show something of it change, and
every page that shows the same thing is the previous release's file (one inode), not a new copy."""

from __future__ import annotations

import json
import os
import shutil
from pathlib import Path

import pytest

from sealreg.config import SAMPLES_INBOX, SAMPLES_REFERENCES, RunContext
from sealreg.refresh import run_refresh
from tests.helpers import SAMPLE_AS_OF, copy_home

NIGHT_1, NIGHT_2 = SAMPLE_AS_OF, "2026-11-29"
CHANGED = "aurora-cloud-2026-11-02.json"  # provider aurora-cloud; sovra-suite's services run on it
#: Pages that show something the date moved: baltic-edge-mail's audit (2025-11-28) passes its 365-day limit.
DATE_PAGES = {"services/baltic-edge-mail.html", "providers/baltic-edge.html"}


def _refresh(home: Path, inbox: Path, as_of: str) -> Path:
    ctx = RunContext.create(home=home, inbox=inbox, as_of=as_of, references=inbox / "references")
    result = run_refresh(ctx)
    assert result.ok, f"{result.failed_step}: {result.error}"
    return (home / "current").resolve()


def _pages(release: Path) -> dict[str, Path]:
    site = release / "site"
    return {p.relative_to(site).as_posix(): p for d in ("services", "providers") for p in (site / d).iterdir()}


@pytest.fixture(scope="module")
def two_nights(sample_home, tmp_path_factory):
    """Night 1 is a copy of the session's sample home (the samples and their references on NIGHT_1); night 2
    reads a copy of the same inbox and references with one disclosure changed."""
    tmp = tmp_path_factory.mktemp("quiet")
    inbox = tmp / "inbox"
    shutil.copytree(SAMPLES_INBOX, inbox)
    shutil.copytree(SAMPLES_REFERENCES, inbox / "references")
    home = copy_home(sample_home, tmp / "home")
    first = (home / "current").resolve()
    doc = json.loads((inbox / CHANGED).read_text())
    doc["services"][0]["answers"]["SOV-2.1"] = 1  # same disclosure id, other bytes: aurora-compute scores less
    (inbox / CHANGED).write_text(json.dumps(doc, indent=2) + "\n")
    second = _refresh(home, inbox, NIGHT_2)
    assert first != second
    return first, second


def test_a_page_whose_bytes_stay_the_same_is_the_previous_file(two_nights):
    first, second = two_nights
    before, after = _pages(first), _pages(second)
    for rel, page in after.items():
        if rel in before and before[rel].read_bytes() == page.read_bytes():
            assert os.path.samefile(before[rel], page), f"{rel} was rendered again with the same bytes"


def test_only_the_pages_showing_the_changed_disclosure_change(two_nights):
    first, second = two_nights
    before, after = _pages(first), _pages(second)
    changed = sorted(rel for rel, page in after.items() if before[rel].read_bytes() != page.read_bytes())
    # aurora-compute's score moved (its levels did not, so no page of another provider shows anything new);
    # its provider page lists the score
    assert set(changed) == {"services/aurora-compute.html", "providers/aurora-cloud.html"} | DATE_PAGES
    text = (second / "site" / "services" / "aurora-compute.html").read_text()
    assert second.name not in text and first.name not in text
