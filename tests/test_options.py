"""Every command that reads files takes the reading options, and each one takes effect.

Two checks per option: end to end where its effect shows in what a user sees (a limit refuses
the file; an engine is named in tariffs.json), and on the way in for every command (the reader
is handed exactly the settings given on the command line).
"""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

import pytest

from extractor import readers
from extractor.cli import main
from extractor.readers import xlsx
from extractor.settings import ReadSettings
from tests.conftest import SAMPLES

PDF = SAMPLES / "Circulaire OA 2024-356.pdf"  # five pages
XLSX = SAMPLES / "V1 - Soins psychologiques - 01-01-2025-circ OA.xlsx"
OLDER_XLSX = SAMPLES / "V1 - Soins psychologiques - 01-01-2024-circ OA.xlsx"


def _command(name: str, inputs: list[Path], out: Path) -> list[str]:
    """The command line of each reading command on these inputs."""
    files = [str(path) for path in inputs]
    if name == "run":
        return ["run", *files, "--out", str(out), "--store", str(out / "t.sqlite"), "-q"]
    if name == "diff":
        return ["diff", files[0], files[-1], "--out", str(out)]
    if name == "inspect":
        return ["inspect", files[0], "--page", "1", "--out", str(out)]
    return ["extract", *files, "--out", str(out), "-q"]


READING_COMMANDS = ["extract", "run", "diff", "inspect"]


@pytest.mark.parametrize("command", READING_COMMANDS)
@pytest.mark.parametrize(
    ("option", "refusal"),
    [(["--max-pages", "1"], "pages (limit 1"), (["--time-limit", "0"], "time limit")],
)
def test_pdf_limits_refuse_the_file_in_every_command(
    command: str,
    option: list[str],
    refusal: str,
    tmp_path: Path,
    capsys: pytest.CaptureFixture[str],
) -> None:
    assert main([*_command(command, [PDF, PDF], tmp_path), *option]) == 2
    assert refusal in capsys.readouterr().err


@pytest.mark.parametrize("command", ["extract", "run", "diff"])
def test_xlsx_size_limit_refuses_the_file_in_every_command(
    command: str, tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    assert main([*_command(command, [OLDER_XLSX, XLSX], tmp_path), "--max-unzipped-mb", "0"]) == 2
    assert "(limit 0 MB, --max-unzipped-mb)" in capsys.readouterr().err


@pytest.mark.parametrize(("engine", "path"), [("pdfplumber", PDF), ("openpyxl", XLSX)])
@pytest.mark.parametrize("command", ["extract", "run"])
def test_the_engine_asked_for_reads_the_file(
    command: str, engine: str, path: Path, tmp_path: Path
) -> None:
    option = "--pdf-engine" if path.suffix == ".pdf" else "--xlsx-engine"
    assert main([*_command(command, [path], tmp_path), option, engine]) == 0
    [written] = tmp_path.glob("**/tariffs.json")
    circulars = json.loads(written.read_text(encoding="utf-8"))["circulars"]
    assert [circular["reader"] for circular in circulars] == [engine]


@pytest.mark.parametrize("command", READING_COMMANDS)
def test_every_reading_option_reaches_the_reader(
    command: str, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """The readers themselves are real: they are only watched on the way in."""
    seen: list[ReadSettings] = []

    def watch(real: Any) -> Any:
        def reader(path: Path, settings: ReadSettings, *rest: Any) -> Any:
            seen.append(settings)
            return real(path, settings, *rest)

        return reader

    monkeypatch.setattr(readers, "read_layout", watch(readers.read_layout))
    monkeypatch.setattr(xlsx, "read_xlsx", watch(xlsx.read_xlsx))
    options = ["--pdf-engine", "pdfplumber", "--xlsx-engine", "openpyxl"]
    options += ["--max-pages", "40", "--max-unzipped-mb", "90", "--time-limit", "600"]
    inputs = [PDF] if command == "inspect" else [XLSX, PDF]
    assert main([*_command(command, inputs, tmp_path), *options]) == 0
    expected = ReadSettings(
        pdf_engine="pdfplumber",
        xlsx_engine="openpyxl",
        max_pages=40,
        max_unzipped_mb=90,
        time_limit_s=600,
    )
    assert seen and all(settings == expected for settings in seen)
