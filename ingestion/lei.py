"""ISO 17442 LEI check digits (ISO 7064 MOD 97-10): checking an LEI and making a valid one."""

from __future__ import annotations


def mod97(text: str) -> int:
    """The text as a number (digits as themselves, A=10..Z=35) modulo 97."""
    return int("".join(str(int(ch, 36)) for ch in text)) % 97


def checksum_ok(lei: str) -> bool:
    """Check digits 02-98 (never 00, 01 or 99) and the whole LEI is 1 mod 97."""
    if not lei[18:].isdigit() or not 2 <= int(lei[18:]) <= 98:
        return False
    return mod97(lei) == 1


def with_check_digits(base18: str) -> str:
    """An 18-character prefix with the two check digits that make it a valid LEI."""
    return base18 + f"{98 - mod97(base18 + '00'):02d}"
