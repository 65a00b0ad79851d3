"""Every corpus case: ok cases equal expected.csv, flag cases flag their row, bad cases exit 2."""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from extractor.cli import main
from extractor.errors import ExtractorError
from extractor.readers import read
from extractor.settings import XLSX_ENGINES, ReadSettings
from tests.conftest import Case, corpus_cases, key_of, read_csv

# The cause each bad corpus case must be refused for, as the one-line message gives it after
# the file name (case.json's notes say what each file is).
CAUSES = {
    "bad-empty-xlsx": "the workbook holds no data: every visible sheet is empty",
    "bad-encrypted-pdf": "the PDF is encrypted / password protected",
    "bad-fake-xlsx": "not an XLSX workbook or a PDF (unrecognised content)",
    "bad-not-a-circular-pdf": (
        "no tariff table found (no header naming code, description and amount columns)"
    ),
    "bad-scanned-pdf": "no text layer: this looks like a scanned document (OCR it first, or use"
    " the XLSX annex)",
    "bad-truncated-pdf": "the PDF is truncated or damaged (no end-of-file marker); download it"
    " again",
}


def _run(
    case: Case, out: Path, capsys: pytest.CaptureFixture[str], *options: str
) -> tuple[int, str]:
    code = main(["extract", str(case.input), "--out", str(out), "--quiet", *options])
    return code, capsys.readouterr().err


def _check_expected(case: Case, out: Path) -> None:
    produced = {key_of(row): row for row in read_csv(out / "tariffs.csv")}
    expected = case.expected_rows()
    assert len(produced) == len(expected), "row count differs from expected.csv"
    for row in expected:
        assert key_of(row) in produced, f"missing row {key_of(row)}"
        got = produced[key_of(row)]
        differences = {k: (v, got[k]) for k, v in row.items() if got[k] != v}
        assert not differences, f"{key_of(row)}: expected vs got {differences}"
    languages = {row["language"] for row in produced.values()}
    assert languages == {case.spec["language"]}


@pytest.mark.parametrize("engine", XLSX_ENGINES)
@pytest.mark.parametrize("case", corpus_cases("xlsx"))
def test_xlsx_case(
    case: Case, engine: str, tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    _check_case(case, tmp_path, capsys, "--xlsx-engine", engine)


@pytest.mark.parametrize("case", corpus_cases("xlsx"))
def test_both_xlsx_engines_read_identical_cells(case: Case) -> None:
    """Not only the same table: the same cells, values, spans and places, row by row."""
    if case.spec["expect"] == "error":
        pytest.skip("no cells to compare")
    calamine, reference = (
        read(case.input, ReadSettings(xlsx_engine=engine)) for engine in ("calamine", "openpyxl")
    )
    assert calamine == reference


def _check_case(
    case: Case, tmp_path: Path, capsys: pytest.CaptureFixture[str], *options: str
) -> None:
    code, err = _run(case, tmp_path, capsys, *options)
    expect = case.spec["expect"]
    if expect == "error":
        assert code == 2
        lines = err.strip().splitlines()
        assert len(lines) == 1, err
        assert case.name in CAUSES, f"{case.name}: say in CAUSES why it must be refused"
        assert lines[0] == f"inami-tariffs: error: {case.input.name}: {CAUSES[case.name]}"
        return
    assert code == 0, err
    _check_expected(case, tmp_path)
    issues = json.loads((tmp_path / "issues.json").read_text(encoding="utf-8"))
    row_issues = [issue for issue in issues if issue["raw"]]
    if expect == "ok":
        assert not [i for i in row_issues if i["severity"] == "error"], row_issues
    else:
        flagged = [i for i in row_issues if i["severity"] == "error"]
        assert [i["code"] for i in flagged] == [case.spec["flag_code"]]
        produced = read_csv(tmp_path / "tariffs.csv")
        age_max = str(case.spec["flag_age_max"])
        assert not [
            r
            for r in produced
            if r["code_amb"] == case.spec["flag_code"] and r["age_max"] == age_max
        ]
        assert (
            main(["extract", str(case.input), "--out", str(tmp_path / "s"), "-q", "--strict"]) == 1
        )


@pytest.mark.parametrize("engine", ["pdfium", "pdfplumber"])
@pytest.mark.parametrize("case", corpus_cases("pdf"))
def test_pdf_case(
    case: Case, engine: str, tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    _check_case(case, tmp_path, capsys, "--pdf-engine", engine)


@pytest.mark.parametrize("case", corpus_cases("pdf"))
def test_both_pdf_engines_give_identical_tables(
    case: Case, tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    if case.spec["expect"] == "error":
        pytest.skip("no table to compare")
    for engine in ("pdfium", "pdfplumber"):
        assert _run(case, tmp_path / engine, capsys, "--pdf-engine", engine)[0] == 0
    for name in ("tariffs.csv", "issues.json"):
        assert (tmp_path / "pdfium" / name).read_bytes() == (
            tmp_path / "pdfplumber" / name
        ).read_bytes(), name


@pytest.mark.parametrize("case", corpus_cases("pdf"))
def test_pdf_read_in_two_processes_equals_one(case: Case) -> None:
    """Large PDFs are read by a second process: the same rows, or the same one-line error."""

    def outcome(settings: ReadSettings) -> object:
        try:
            return read(case.input, settings)
        except ExtractorError as error:
            return str(error)

    two = outcome(ReadSettings(parallel_min_pages=1))
    assert two == outcome(ReadSettings(parallel_min_pages=10**6))
    if case.spec["expect"] != "error":
        assert isinstance(two, list) and two[0].rows
