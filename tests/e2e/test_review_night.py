"""Two nights: GLEIF's parent of a provider changes and a register withdraws a certificate between them.

The review queue of the second night lists exactly what changed in the evidence (assurance-rules §6,
registry-contract `review_items`), and `sealreg review` prints it; what merely persisted is not listed.
"""

from __future__ import annotations

import csv
import shutil
from pathlib import Path

import duckdb

from tests.helpers import SAMPLE_AS_OF, SAMPLE_REFERENCES, SAMPLES, copy_home, sealreg_cli

NIGHT_1, NIGHT_2 = SAMPLE_AS_OF, "2026-11-29"


def _refresh(home: Path, references: Path, as_of: str) -> None:
    proc = sealreg_cli("refresh", "--inbox", str(SAMPLES), "--references", str(references),
                       "--home", str(home), "--as-of", as_of)
    assert proc.returncode == 0, proc.stdout[-3000:] + proc.stderr[-3000:]


def _rewrite(path: Path, change) -> None:
    with open(path, newline="", encoding="utf-8") as f:
        reader = csv.DictReader(f)
        header, rows = reader.fieldnames, list(reader)
    with open(path, "w", newline="", encoding="utf-8") as f:
        writer = csv.DictWriter(f, fieldnames=header, lineterminator="\r\n")
        writer.writeheader()
        writer.writerows(change(row) for row in rows)


def _review(home: Path) -> list[tuple]:
    con = duckdb.connect(str(home / "current" / "registry.duckdb"), read_only=True)
    try:
        return con.execute("select subject_id, kind, detail, first_seen_on::varchar, previous_as_of::varchar "
                           "from review_items order by subject_id, kind").fetchall()
    finally:
        con.close()


def test_a_changed_gleif_parent_and_a_withdrawn_certificate_are_the_next_nights_review_items(sample_home, tmp_path):
    """Night 1 is a copy of the session's sample home (the samples and their references on NIGHT_1)."""
    home, references = copy_home(sample_home, tmp_path / "home"), tmp_path / "references"
    shutil.copytree(SAMPLE_REFERENCES, references)
    first = {(s, k) for s, k, *_ in _review(home)}
    assert ("nimbus-compute", "W5-undeclared-parent") in first

    stratus = next(r["LEI"] for r in csv.DictReader(open(references / "gleif-lei2-golden-copy.csv", encoding="utf-8"))
                   if r["Entity.LegalName"] == "Stratus Global Inc.")
    moreau = next(r["LEI"] for r in csv.DictReader(open(references / "gleif-lei2-golden-copy.csv", encoding="utf-8"))
                  if r["Entity.LegalName"] == "Moreau Famille Holding SAS")

    def new_parent(row):  # GLEIF now says LumenStack's ultimate parent is the US group
        if row["Relationship.EndNode.NodeID"] == moreau:
            row["Relationship.EndNode.NodeID"] = stratus
        return row

    def withdrawn(row):  # ANSSI withdraws LumenStack's SecNumCloud qualification
        if row["certificate_id"] == "SNC-2025-031":
            row["status"] = "withdrawn"
        return row

    _rewrite(references / "gleif-rr-golden-copy.csv", new_parent)
    _rewrite(references / "anssi-secnumcloud.csv", withdrawn)
    _refresh(home, references, NIGHT_2)

    items = _review(home)
    assert [(s, k) for s, k, *_ in items] == [
        ("lumen-kubernetes", "W5-undeclared-parent"),
        ("lumen-kubernetes", "W7-certificate-register"),
        ("lumen-mail", "W5-undeclared-parent"),
        ("lumen-vps", "W5-undeclared-parent"),
        ("lumen-vps", "W7-certificate-register"),
        ("lumenstack", "gleif_parent_changed"),
        ("lumenstack/SNC-2025-031", "corroboration_lost"),
    ]
    detail = {(s, k): d for s, k, d, *_ in items}
    assert detail[("lumenstack", "gleif_parent_changed")] == (
        f"GLEIF parent was Moreau Famille Holding SAS (LEI {moreau}, FR, IS_ULTIMATELY_CONSOLIDATED_BY), "
        f"now Stratus Global Inc. (LEI {stratus}, US, IS_ULTIMATELY_CONSOLIDATED_BY)")
    assert "https://cyber.gouv.example/secnumcloud/SNC-2025-031" in detail[("lumenstack/SNC-2025-031",
                                                                             "corroboration_lost")]
    assert {(f, p) for *_, f, p in items} == {(NIGHT_2, NIGHT_1)}

    proc = sealreg_cli("review", "--home", str(home))
    assert proc.returncode == 0, proc.stderr
    assert f"since the evaluation of {NIGHT_1}" in proc.stdout
    assert "gleif_parent_changed" in proc.stdout and "7 item(s) to review" in proc.stdout
