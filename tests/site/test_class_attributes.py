"""Status and level tags: a value outside the final gate's vocabulary never reaches an unquoted class
attribute (it could add an attribute there), yet is still shown, escaped, as the tag's text."""

from __future__ import annotations

from html.parser import HTMLParser

import pytest

from expectations.final_suite import LEVELS, STATUSES
from sealreg.publish.site.filters import level_tag, status_tag


def _tags(markup: str) -> list[tuple[str, list[tuple[str, str | None]], str]]:
    """(tag, attributes, text) of each start tag, as a browser's tokenizer reads them."""
    found: list = []

    class Parser(HTMLParser):
        def handle_starttag(self, tag, attrs):
            found.append([tag, attrs, ""])

        def handle_data(self, data):
            if found:
                found[-1][2] += data

    parser = Parser(convert_charrefs=True)
    parser.feed(markup)
    parser.close()
    return [tuple(t) for t in found]


HOSTILE = [["listed"], "listed onclick=alert(1)",
           "x\tstyle=color:red", "a/onmouseover=x", "listed\nid=y", "'><i>", "a\x0cb=c"]


@pytest.mark.parametrize("value", HOSTILE)
def test_a_status_outside_the_vocabulary_adds_no_attribute_and_is_still_shown(value):
    (tag, attrs, text), = _tags(status_tag(value))
    assert tag == "b" and attrs == [("class", "status-unknown")]
    assert text == str(value).replace("_", " ").capitalize()


@pytest.mark.parametrize("value", HOSTILE + [True, 5, -1, 2.5, [1]])
def test_a_level_outside_the_vocabulary_adds_no_attribute_and_is_still_shown(value):
    (tag, attrs, text), = _tags(level_tag("SEAL", value))
    assert tag == "b" and attrs == [("class", "l")]
    assert text == f"SEAL-{value}"


def test_the_known_values_keep_their_classes():
    for status in STATUSES:
        assert _tags(status_tag(status))[0][1] == [("class", f"status-{status}")]
    assert _tags(status_tag(None)) == [("b", [("class", "status-unknown")], "Unknown")]
    for level in LEVELS:
        assert level_tag("UAL", level) == f"<b class=l{level}>UAL-{level}</b>"
    assert level_tag("SEAL", None) == "<b class=l>—</b>"
