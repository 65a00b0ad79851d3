"""What a Belgian user types (issue 13, finding 7): dates day first, codes with a separator,
circular numbers; normalised, or refused with a suggestion before any file is read."""

from __future__ import annotations

from datetime import date
from pathlib import Path

import pytest
from hypothesis import given
from hypothesis import strategies as st

from extractor.cli import main
from extractor.errors import UsageError
from extractor.inputs import parse_circular_input, parse_code_input, parse_date_input
from tests.conftest import SAMPLES

FR_2025 = SAMPLES / "V1 - Soins psychologiques - 01-01-2025-circ OA.xlsx"


@given(st.dates(min_value=date(1900, 1, 1), max_value=date(2999, 12, 31)))
def test_dates_in_every_form_a_belgian_writes(day: date) -> None:
    forms = [
        day.isoformat(),
        f"{day.day:02d}/{day.month:02d}/{day.year}",
        f"{day.day}/{day.month:02d}/{day.year}",
        f"{day.day}-{day.month}-{day.year}",
        f"{day.day:02d}.{day.month:02d}.{day.year}",
    ]
    assert {parse_date_input(form) for form in forms} == {day}


@pytest.mark.parametrize("text", ["31/02/2025", "2025/01/01", "01/01/25", "1er janvier", ""])
def test_a_date_that_is_not_one_is_refused_with_the_forms_to_use(text: str) -> None:
    with pytest.raises(UsageError, match=r"YYYY-MM-DD|not a day of the calendar"):
        parse_date_input(text)


@given(st.integers(min_value=0, max_value=99999), st.sampled_from(["", "-", " ", ".", "/"]))
def test_codes_with_a_separator_are_read_and_checked(first: int, separator: str) -> None:
    code = f"{first:05d}{first % 7}"
    assert parse_code_input(f"{code[:3]}{separator}{code[3:]}") == code
    wrong = f"{code[:5]}{(first + 1) % 7}"
    with pytest.raises(UsageError, match=rf"last digit should be {first % 7}"):
        parse_code_input(f"{wrong[:3]}{separator}{wrong[3:]}")


@pytest.mark.parametrize("text", ["72653", "7265300", "726 53 0", "abcdef", "726-53O"])
def test_what_is_not_a_code_is_refused_with_an_example(text: str) -> None:
    with pytest.raises(UsageError, match="six digits such as 726530"):
        parse_code_input(text)


@pytest.mark.parametrize(("text", "number"), [("2024/356", "2024/356"), ("2024-356", "2024/356")])
def test_circular_numbers(text: str, number: str) -> None:
    assert parse_circular_input(text) == number
    with pytest.raises(UsageError, match="such as 2024/356"):
        parse_circular_input("foo")


def test_the_command_line_takes_belgian_forms(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    store = str(tmp_path / "tariffs.sqlite")  # run --out DIR keeps its store in DIR
    assert main(["run", str(FR_2025), "--out", str(tmp_path), "--circular", "2024-356", "-q"]) == 0
    assert (tmp_path / "2025-01-01_2024-356").is_dir()
    for code in ("726-530", "726 530", "726.530"):
        assert main(["lookup", code, "--date", "01/03/2025", "--age", "30", "--store", store]) == 0
        assert capsys.readouterr().out.startswith("726530 on 2025-03-01")
    assert main(["lookup", "726-531", "--date", "01/03/2025", "--store", store]) == 2
    assert "its last digit should be 0 (72653 mod 7)" in capsys.readouterr().err
    assert main(["extract", str(FR_2025), "--circular", "foo"]) == 2
    assert "'foo' is not a circular number" in capsys.readouterr().err
    assert main(["extract", str(FR_2025), "--effective-from", "2025-13-01"]) == 2
    assert "not a day of the calendar" in capsys.readouterr().err
