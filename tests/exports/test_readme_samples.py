"""The README's samples are what the demo writes: a newcomer copies them into their own code
(the lookup answer, a valorisation record and the file that holds it)."""

from __future__ import annotations

import json
import shlex
from pathlib import Path

import pytest

from extractor.cli import main
from tests.conftest import ROOT

README = ROOT / "README.md"


def _section(title: str) -> str:
    return README.read_text(encoding="utf-8").split(title, 1)[1].split("\n## ", 1)[0]


def test_readme_lookup_example_is_what_lookup_prints(
    demo_run: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    block = _section("### lookup and history: the billing question").split("```")[1]
    command, *expected = block.strip().splitlines()
    assert command.startswith("$ inami-tariffs lookup ")
    capsys.readouterr()
    arguments = shlex.split(command.removeprefix("$ inami-tariffs "))
    assert main([*arguments, "--store", str(demo_run / "t.sqlite")]) == 0
    assert capsys.readouterr().out.splitlines() == expected


def test_readme_valorisation_sample_is_a_record_of_the_demo(demo_run: Path) -> None:
    section = _section("### valorisations.json and valorisations.csv")
    sample = json.loads(section.split("```json", 1)[1].split("```", 1)[0])
    written = json.loads(
        (demo_run / "2025-01-01_2024-356" / "valorisations.json").read_text(encoding="utf-8")
    )
    assert list(written) == ["valorisations"]
    assert sample in written["valorisations"]
    # how the file holds the records, as the README says it
    assert '`{"valorisations": [' in section
