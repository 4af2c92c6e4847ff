"""ISO 17442 check digits: the one implementation the validator, the samples and the bench generator use."""

from __future__ import annotations

import pytest

from ingestion.lei import checksum_ok, with_check_digits


def test_check_digits_of_the_spec_example():
    assert with_check_digits("5493001KJTIIGC8Y1R") == "5493001KJTIIGC8Y1R12"  # the example of disclosure-v1.md
    assert checksum_ok("5493001KJTIIGC8Y1R12")


@pytest.mark.parametrize("lei", ["5493001KJTIIGC8Y1R13", "5493001KJTIIGC8Y1R1X", "5493001KJTIIGC8Y1R"])
def test_wrong_or_missing_check_digits_fail(lei):
    assert not checksum_ok(lei)


def test_made_check_digits_always_pass_and_stay_within_02_to_98():
    leis = [with_check_digits(f"529900{n:012d}") for n in range(500)]
    assert all(checksum_ok(x) for x in leis)
    assert all(2 <= int(x[18:]) <= 98 for x in leis)
