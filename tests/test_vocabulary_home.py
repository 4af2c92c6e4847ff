"""The published vocabularies (a service's status, its open-source status) are written once, in
expectations/final_suite.py; every other reader imports them. The oracle samples/expected.py keeps its own
words on purpose (an independent implementation)."""

from __future__ import annotations

import ast

from expectations.final_suite import OPEN_SOURCE_STATUSES, STATUSES
from sealreg.publish.site import filters, glossary
from tests.helpers import REPO

HOME = REPO / "expectations" / "final_suite.py"
ORACLE = REPO / "samples" / "expected.py"
FOLDERS = ("sealreg", "ingestion", "expectations", "dags", "bench", "tests")


def _literal_words(node: ast.AST) -> set[str]:
    return {i.value for i in getattr(node, "elts", []) if isinstance(i, ast.Constant) and isinstance(i.value, str)}


def _copies(vocabulary: list[str], at_least: int) -> list[str]:
    """file:line of every list, tuple or set literal holding `at_least` words of `vocabulary` (a mapping keyed by
    the words, such as their labels, is checked against the vocabulary below)."""
    words, found = set(vocabulary), []
    for folder in FOLDERS:
        for path in sorted((REPO / folder).rglob("*.py")):
            if path in (HOME, ORACLE) or ".venv" in path.parts:
                continue
            for node in ast.walk(ast.parse(path.read_text(), str(path))):
                if isinstance(node, (ast.List, ast.Tuple, ast.Set)) and \
                        len(_literal_words(node) & words) >= at_least:
                    found.append(f"{path.relative_to(REPO)}:{node.lineno}")
    return found


def test_the_status_vocabulary_is_written_only_in_the_final_gate():
    assert _copies(STATUSES, 3) == []


def test_the_open_source_vocabulary_is_written_only_in_the_final_gate():
    # all three words: a data row of two (a change from one status to another) is no copy
    assert _copies(OPEN_SOURCE_STATUSES, len(OPEN_SOURCE_STATUSES)) == [], "read final_suite.OPEN_SOURCE_STATUSES"


def test_every_status_has_its_meaning_and_its_label():
    assert [s for s, _ in glossary.STATUSES] == STATUSES
    assert set(glossary.STATUS_MEANINGS) == set(STATUSES)
    assert list(filters.OPEN_SOURCE_LABELS) == OPEN_SOURCE_STATUSES
