"""--formats chooses the files written; datapackage.json describes every CSV written, correctly."""

from __future__ import annotations

import csv
import json
import re
from datetime import date
from decimal import Decimal
from pathlib import Path
from typing import Any

import pytest

from extractor.cli import main
from tests.conftest import SAMPLES
from tests.exports.conftest import FOLDERS

FR_2025 = SAMPLES / "V1 - Soins psychologiques - 01-01-2025-circ OA.xlsx"
ALL = {
    "tariffs.csv", "tariffs.json", "valorisations.json", "valorisations.csv",
    "chargeitemdefinitions.json", "tariffs.xlsx", "datapackage.json", "issues.json",
}  # fmt: skip


def _files(folder: Path) -> set[str]:
    return {path.name for path in folder.iterdir() if path.is_file()}


@pytest.mark.parametrize(
    ("formats", "expected"),
    [
        (None, ALL),
        ("csv,fhir", {"tariffs.csv", "chargeitemdefinitions.json", "datapackage.json", "issues.json"}),
        ("xlsx", {"tariffs.xlsx", "issues.json"}),
        (" valorisations , json ", {"valorisations.json", "valorisations.csv", "tariffs.json",
                                    "datapackage.json", "issues.json"}),
    ],
)  # fmt: skip
def test_extract_writes_the_formats_asked(
    tmp_path: Path, formats: str | None, expected: set[str]
) -> None:
    option = [] if formats is None else ["--formats", formats]
    assert main(["extract", str(FR_2025), "--out", str(tmp_path), "-q", *option]) == 0
    assert _files(tmp_path) == expected
    if "datapackage.json" in expected:
        package = json.loads((tmp_path / "datapackage.json").read_text(encoding="utf-8"))
        described = {resource["path"] for resource in package["resources"]}
        assert described == {name for name in expected if name.endswith(".csv")}


def test_run_writes_the_formats_asked_beside_the_report(tmp_path: Path) -> None:
    arguments = ["run", str(FR_2025), "--out", str(tmp_path), "--store", str(tmp_path / "t.sqlite")]
    assert main([*arguments, "-q", "--formats", "fhir"]) == 0
    [folder] = [path for path in tmp_path.iterdir() if path.is_dir()]
    assert _files(folder) == {
        "chargeitemdefinitions.json", "issues.json", "changes.md", "changes.html", "changes.json",
    }  # fmt: skip


def test_an_unknown_format_is_one_clear_line(tmp_path: Path, capsys: Any) -> None:
    assert main(["extract", str(FR_2025), "--out", str(tmp_path), "--formats", "csv,pdf"]) == 2
    error = capsys.readouterr().err.strip().splitlines()[-1]
    assert "unknown export format pdf; choose among csv, json, valorisations, fhir, xlsx" in error
    assert not tmp_path.joinpath("tariffs.csv").exists()


def _valid(field: dict[str, Any], text: str) -> bool:
    """A value against its Table Schema field, as a Frictionless validator reads it."""
    if text == "":
        return not field["constraints"]["required"]
    kind = field["type"]
    if kind == "number":
        return Decimal(text) >= field["constraints"].get("minimum", Decimal("-Infinity"))
    if kind == "integer":
        return str(int(text)) == text
    if kind == "date":
        return date.fromisoformat(text).isoformat() == text
    if kind == "boolean":
        return text in field["trueValues"] + field["falseValues"]
    pattern = field["constraints"].get("pattern")
    return pattern is None or re.fullmatch(pattern, text) is not None


@pytest.mark.parametrize("folder", FOLDERS)
def test_datapackage_describes_every_csv_correctly(demo_run: Path, folder: str) -> None:
    package = json.loads((demo_run / folder / "datapackage.json").read_text(encoding="utf-8"))
    resources = {resource["path"]: resource for resource in package["resources"]}
    assert set(resources) == {"tariffs.csv", "valorisations.csv"}
    for path, resource in resources.items():
        fields = resource["schema"]["fields"]
        with (demo_run / folder / path).open(encoding="utf-8", newline="") as stream:
            lines = list(csv.reader(stream))
        assert lines[0] == [field["name"] for field in fields], path
        for line in lines[1:]:
            for field, text in zip(fields, line, strict=True):
                assert _valid(field, text), (path, field["name"], text)
        assert all(field["titles"]["fr"] and field["titles"]["nl"] for field in fields)
