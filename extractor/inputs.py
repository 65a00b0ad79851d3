"""What a person types: a date, a nomenclature code, a circular number.

Belgian habits are normalised (01/01/2025 is the first of January, 726-530 is 726530); what
cannot be read is refused with a suggestion, as a UsageError, before any file is read.
"""

from __future__ import annotations

import re
from datetime import date

from extractor.errors import UsageError

_ISO = re.compile(r"(?P<year>\d{4})-(?P<month>\d{1,2})-(?P<day>\d{1,2})")
# Day first, as Belgians write it: 1/01/2025, 01-01-2025, 1.1.2025
_DAY_FIRST = re.compile(r"(?P<day>\d{1,2})\s*[/.-]\s*(?P<month>\d{1,2})\s*[/.-]\s*(?P<year>\d{4})")
# Groups of digits with a separator a person might type: 726-530, 726 530, 726.530, 726/530
_CODE_TYPED = re.compile(r"\d{3}[ .\-/]?\d{3}")
_CIRCULAR = re.compile(r"(?P<year>(?:19|20)\d\d)\s*[/_-]\s*(?P<serial>\d{1,4})")


def parse_date_input(value: str | date) -> date:
    """YYYY-MM-DD, or day first (dd/mm/yyyy, dd-mm-yyyy, dd.mm.yyyy) as in Belgium."""
    if isinstance(value, date):
        return value
    if not isinstance(value, str):
        raise UsageError(f"a date is needed, not {type(value).__name__} {value!r}")
    text = value.strip()
    found = _ISO.fullmatch(text) or _DAY_FIRST.fullmatch(text)
    if found:
        try:
            return date(int(found["year"]), int(found["month"]), int(found["day"]))
        except ValueError:
            raise UsageError(f"{value!r} is not a day of the calendar") from None
    raise UsageError(
        f"not a date: {value!r}; write it as YYYY-MM-DD (2025-01-01) or DD/MM/YYYY (01/01/2025)"
    )


def expected_check_digit(code: str) -> int:
    """The last digit a six-digit code must have: its first five digits read as a number, mod 7."""
    return int(code[:5]) % 7


def parse_code_input(value: str) -> str:
    """A nomenclature code as typed (726530, 726-530, 726 530, 726.530) → 726530, check digit
    verified: a wrong last digit is almost always a typo, and would find nothing."""
    text = str(value).strip()
    if not _CODE_TYPED.fullmatch(text):
        raise UsageError(
            f"{value!r} is not a nomenclature code: six digits such as 726530 (726-530 also works)"
        )
    code = re.sub(r"\D", "", text)
    if int(code[5]) != expected_check_digit(code):
        raise UsageError(
            f"{value!r} is not a valid nomenclature code: its last digit should be "
            f"{expected_check_digit(code)} ({code[:5]} mod 7); check the code"
        )
    return code


def parse_circular_input(value: str) -> str:
    """A circular number → YYYY/NNN (2024/356; 2024-356 and 2024_356 are normalised)."""
    text = str(value).strip()
    found = _CIRCULAR.fullmatch(text)
    if not found:
        raise UsageError(
            f"{value!r} is not a circular number: write it as YEAR/NUMBER, such as 2024/356"
        )
    return f"{found['year']}/{found['serial']}"
