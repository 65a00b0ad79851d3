"""The README's store example runs as written and answers what its comments say: a newcomer
types it line by line (the files it names are built here from the samples)."""

from __future__ import annotations

import shlex
import shutil
from pathlib import Path

import pytest

from extractor.cli import main
from tests.builders import derive_workbook
from tests.conftest import ROOT, SAMPLES

FR_2025 = SAMPLES / "V1 - Soins psychologiques - 01-01-2025-circ OA.xlsx"
THREE = ("726530", "726552", "726574")
MARCH = (
    "Soins psychologiques de première ligne et soins psychologiques spécialisés"
    " à partir du 1er mars 2025"
)


def _store_example() -> list[tuple[list[str], str]]:
    """Each command of the example after "**The store.**" with its comment."""
    readme = (ROOT / "README.md").read_text(encoding="utf-8")
    block = readme.split("**The store.**", 1)[1].split("```", 2)[1]
    commands = []
    for line in block.splitlines():
        command, _, comment = line.partition("#")
        if command.strip():
            commands.append((shlex.split(command)[1:], comment.strip()))
    return commands


def test_the_store_example_answers_as_its_comments_say(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]
) -> None:
    monkeypatch.chdir(tmp_path)
    shutil.copy(SAMPLES / "Circulaire OA 2024-356.pdf", tmp_path)
    derive_workbook(
        FR_2025,
        tmp_path / "Tarifs psy - 01-03-2025.xlsx",
        keep=THREE,
        amounts={code: {"fee": 95.0} for code in THREE},
        title=MARCH,
    )
    derive_workbook(
        FR_2025,
        tmp_path / "Tarifs psy - 01-01-2025-corrigendum.xlsx",
        keep=THREE,
        amounts={code: {"fee": 90.59} for code in THREE},
    )
    said = {}
    commands = _store_example()
    assert [arguments[0] for arguments, _ in commands].count("run") == 4
    for arguments, comment in commands:
        capsys.readouterr()
        status = main([*arguments, "-q"] if arguments[0] == "run" else arguments)
        captured = capsys.readouterr()
        assert status == 0, (arguments, captured.err)
        said[comment] = captured.out
    assert "fee 90.59," in said["corrected"]
    assert "fee 89.59," in said["as invoiced"]
    history = said["both, with valid and recorded times"]
    assert "superseded by a corrigendum" in history and "(corrigendum)" in history
