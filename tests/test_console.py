"""What a run tells its user (issue 13, findings 4, 5, 6, 9): warnings on stderr, --strict for
CI, the real cause first, where files go and with which mode, progress only on a terminal,
and every input checked before the first is read."""

from __future__ import annotations

import io
import os
import stat
from pathlib import Path

import pytest

from extractor import api
from extractor.cli import main
from extractor.console import progress
from extractor.errors import ExtractorError
from tests.builders import header_rows, write_workbook
from tests.conftest import SAMPLES
from tests.pdf_builder import Text, write_pdf

FR_2025 = SAMPLES / "V1 - Soins psychologiques - 01-01-2025-circ OA.xlsx"


def _workbook(path: Path, body: list[list[object]]) -> Path:
    header, merges = header_rows(2)
    rows = [["Soins psychologiques à partir du 1er janvier 2025"], *header, *body]
    return write_workbook(path, rows, merges=merges)


def test_document_warnings_reach_stderr(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    path = _workbook(
        tmp_path / "annexe.xlsx", [[726530, "-", "Soutien", 89.59, 85.59, 78.59, 4, 11]]
    )
    args = ["extract", str(path), "--out", str(tmp_path / "out"), "--effective-from", "01/02/2025"]
    assert main(args) == 0
    err = capsys.readouterr().err
    assert "inami-tariffs: warning: annexe.xlsx#Feuil1: no circular number" in err
    assert "(circular-number-missing)" in err
    assert "the document gives 2025-01-01, using 2025-02-01 (effective-date-conflict)" in err
    assert main([*args, "-q"]) == 0
    assert capsys.readouterr().err == ""


def test_run_strict_fails_on_flagged_lines_and_still_writes(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    path = _workbook(
        tmp_path / "annexe.xlsx",
        [
            [726530, "-", "Soutien", 89.59, 85.59, 78.59, 4, 11],
            [726552, "-", "Séance", 89.595, 1, 1, 1, 1],
        ],
    )
    out = tmp_path / "out"
    assert main(["run", str(path), "--out", str(out), "--circular", "2024/356"]) == 0
    captured = capsys.readouterr()
    # the flagged line is shown, not only counted, and an error line as left out of the table
    assert "inami-tariffs: left out: annexe.xlsx#Feuil1!A5: amount-precision:" in captured.err
    assert main(["run", str(path), "--out", str(out), "--circular", "2024/356", "--strict"]) == 1
    assert "1 source lines flagged (--strict)" in capsys.readouterr().err
    assert (out / "2025-01-01_2024-356" / "issues.json").is_file()
    assert main(["extract", str(path), "--out", str(out), "--strict", "-q"]) == 1


def test_a_pdf_without_a_table_says_so_before_asking_for_a_date(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    path = write_pdf(
        tmp_path / "lettre.pdf", [Text(f"Ligne de texte numéro {n}") for n in range(30)]
    )
    assert main(["extract", str(path), "--out", str(tmp_path / "out")]) == 2
    err = capsys.readouterr().err
    assert "no tariff table" in err and "--effective-from" not in err


def test_run_out_holds_the_store_unless_told(tmp_path: Path) -> None:
    api.run([FR_2025], out_dir=tmp_path / "data")
    assert (tmp_path / "data" / "tariffs.sqlite").is_file()
    assert main(["run", str(FR_2025), "--out", str(tmp_path / "b"), "--store", str(tmp_path / "s.sqlite"), "-q"]) == 0  # fmt: skip
    assert (tmp_path / "s.sqlite").is_file() and not (tmp_path / "b" / "tariffs.sqlite").exists()


def test_unnumbered_folders_sort_before_numbered_ones_of_the_same_date(tmp_path: Path) -> None:
    numbered = _workbook(tmp_path / "Circ OA 2024-356 01-01-2025.xlsx", [[726530, "-", "Soutien", 89.59, 85.59, 78.59, 4, 11]])  # fmt: skip
    unnumbered = _workbook(tmp_path / "Annexe 01-01-2025.xlsx", [[726552, "-", "Soutien", 89.59, 85.59, 78.59, 4, 11]])  # fmt: skip
    outputs = api.run([numbered, unnumbered], out_dir=tmp_path / "out")
    names = [output.directory.name for output in outputs]
    assert names == ["2025-01-01_0_Annexe-01-01-2025", "2025-01-01_2024-356"]
    assert sorted(p.name for p in (tmp_path / "out").iterdir() if p.is_dir())[-1] == names[-1]


def test_exports_follow_the_umask(tmp_path: Path) -> None:
    previous = os.umask(0o022)
    try:
        api.run([FR_2025], out_dir=tmp_path)
    finally:
        os.umask(previous)
    files = [p for p in tmp_path.rglob("*") if p.is_file()]
    assert len(files) >= 8
    for file in files:
        if file.suffix != ".sqlite":
            assert stat.S_IMODE(file.stat().st_mode) == 0o644, file
    assert not list(tmp_path.rglob(".*.tmp"))  # still written through a temporary file


class _Terminal(io.StringIO):
    def isatty(self) -> bool:
        return True


def test_progress_only_on_a_terminal(tmp_path: Path) -> None:
    from extractor.settings import Options, ReadSettings

    for stream, drawn in ((_Terminal(), True), (io.StringIO(), False)):
        with progress(True, stream) as reading:
            api.extract([FR_2025], Options(settings=ReadSettings(on_step=reading.step)), progress=reading)  # fmt: skip
        assert ("reading V1 - Soins psychologiques" in stream.getvalue()) is drawn
    with progress(False, _Terminal()) as reading:
        reading(FR_2025)
        assert reading.bar is None


def test_pdf_pages_are_told_as_they_are_read() -> None:
    from extractor.settings import Options, ReadSettings

    steps: list[tuple[int, int | None]] = []
    settings = ReadSettings(on_step=lambda done, total: steps.append((done, total)))
    api.extract([SAMPLES / "Circulaire OA 2024-356.pdf"], Options(settings=settings))
    assert steps and steps[-1][1] is not None and steps[-1][0] == steps[-1][1] - 1


def test_every_input_is_checked_before_the_first_is_read(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    told: list[Path] = []
    with pytest.raises(ExtractorError, match=r"typo\.xlsx: no such file"):
        api.extract([FR_2025, tmp_path / "typo.xlsx"], progress=told.append)
    assert told == []  # nothing was read
    assert main(["diff", str(FR_2025), str(tmp_path / "typo.xlsx"), "--out", str(tmp_path)]) == 2
    assert "typo.xlsx: no such file" in capsys.readouterr().err
