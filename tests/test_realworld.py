"""Real tariff tables of other domains (../shared/realworld): every column of expected.csv.

A case we do not read yet is an expected failure with its reason, strict: the day it passes,
the test fails until the mark is removed, so the list below is always the truth.
"""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

import pytest

from extractor.cli import main
from extractor.readers import read
from extractor.settings import XLSX_ENGINES, ReadSettings
from tests.conftest import REALWORLD, Case, corpus_cases, read_csv

PDF_ENGINES = ("pdfium", "pdfplumber")

# Why each case is not read yet (removed as soon as the case passes: the marks are strict).
NOT_YET: dict[str, str] = {}


def _cases(fmt: str) -> list[Any]:
    params = []
    for param in corpus_cases(fmt, REALWORLD):
        if param.id in NOT_YET:
            mark = pytest.mark.xfail(strict=True, reason=NOT_YET[param.id])
            param = pytest.param(*param.values, marks=[*param.marks, mark], id=param.id)
        params.append(param)
    return params


def key_of(row: dict[str, str]) -> tuple[str, ...]:
    """The row key of the realworld README: the condition is part of it."""
    return (
        row["language"],
        row["code_amb"],
        row["code_hos"],
        row["age_min"],
        row["age_max"],
        row.get("condition", ""),
        row["effective_from"],
    )


def _check(case: Case, out: Path, capsys: pytest.CaptureFixture[str], *options: str) -> None:
    code = main(["extract", str(case.input), "--out", str(out), "--quiet", *options])
    err = capsys.readouterr().err
    assert code == 0, err
    language = str(case.spec["language"])
    ignored = set(case.spec.get("ignore_codes", []))  # type: ignore[call-overload]
    produced = {
        key_of(row): row for row in read_csv(out / "tariffs.csv") if row["code_amb"] not in ignored
    }
    expected = {key_of({"language": language, **row}): row for row in case.expected_rows()}
    assert sorted(produced) == sorted(expected), "rows differ from expected.csv"
    for key, row in expected.items():
        got = produced[key]
        differences = {k: (v, got.get(k)) for k, v in row.items() if got.get(k) != v}
        assert not differences, f"{key}: expected vs got {differences}"
    assert {row["language"] for row in produced.values()} == {language}
    # No expected code may also stand in an error: a flagged twin of a kept row is a wrong answer.
    issues = json.loads((out / "issues.json").read_text(encoding="utf-8"))
    codes = {row["code_amb"] for row in expected.values()}
    assert not [i for i in issues if i["severity"] == "error" and i["code"] in codes], issues


@pytest.mark.parametrize("engine", PDF_ENGINES)
@pytest.mark.parametrize("case", _cases("pdf"))
def test_pdf_case(
    case: Case, engine: str, tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    _check(case, tmp_path, capsys, "--pdf-engine", engine)


@pytest.mark.parametrize("engine", XLSX_ENGINES)
@pytest.mark.parametrize("case", _cases("xlsx"))
def test_xlsx_case(
    case: Case, engine: str, tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    _check(case, tmp_path, capsys, "--xlsx-engine", engine)


@pytest.mark.parametrize("case", corpus_cases("xlsx", REALWORLD))
def test_both_xlsx_engines_read_identical_cells(case: Case) -> None:
    calamine, reference = (
        read(case.input, ReadSettings(xlsx_engine=engine)) for engine in ("calamine", "openpyxl")
    )
    assert calamine == reference


ENGINES_DIFFER: dict[str, str] = {}


def _engine_cases() -> list[Any]:
    params = []
    for param in corpus_cases("pdf", REALWORLD):
        if param.id in ENGINES_DIFFER:
            mark = pytest.mark.xfail(strict=True, reason=ENGINES_DIFFER[param.id])
            param = pytest.param(*param.values, marks=[*param.marks, mark], id=param.id)
        params.append(param)
    return params


@pytest.mark.parametrize("case", _engine_cases())
def test_both_pdf_engines_read_identical_rows(case: Case) -> None:
    pdfium, plumber = (read(case.input, ReadSettings(pdf_engine=engine)) for engine in PDF_ENGINES)
    assert pdfium == plumber
