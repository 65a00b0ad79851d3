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


def _written(tmp_path: Path, text: str | bytes) -> Path:
    path = tmp_path / "tariffs.csv"
    if isinstance(text, bytes):
        path.write_bytes(text)
    else:
        path.write_text(text, encoding="utf-8")
    return path


def test_reading_back_a_tariffs_csv_refuses_in_our_words(tmp_path: Path) -> None:
    """Every refusal of read_tariffs_csv (diff against an earlier export) names the file and
    the cause, word for word: an empty file, other columns, bytes that are not UTF-8, a row
    cut short, a value that is not one."""
    from extractor.errors import UnreadableInputError
    from extractor.export import read_tariffs_csv, tariffs_csv
    from tests.test_diff import tariff

    good = tariffs_csv([tariff("726530", "89.59")])
    header, row = good.splitlines()[:2]
    cases = {
        "": "not a tariffs.csv written by inami-tariffs (other columns)",
        "a,b\n1,2\n": "not a tariffs.csv written by inami-tariffs (other columns)",
        good.encode() + b"\xff\n": "cannot be read as tariffs.csv ('utf-8' codec can't decode"
        " byte 0xff in position " + str(len(good.encode())) + ": invalid start byte)",
        f"{header}\n{row.rsplit(',', 1)[0]}\n": "a value in tariffs.csv is not valid (zip()"
        " argument 2 is shorter than argument 1)",
        good.replace("89.59", "89,5x"): "a value in tariffs.csv is not valid"
        " ([<class 'decimal.ConversionSyntax'>])",
    }
    for text, cause in cases.items():
        with pytest.raises(UnreadableInputError) as raised:
            read_tariffs_csv(_written(tmp_path, text))
        assert str(raised.value) == f"tariffs.csv: {cause}"


def test_an_apostrophe_not_before_a_formula_start_is_read_back_as_written(tmp_path: Path) -> None:
    """Only the apostrophe the writer put before a formula start is taken off on reading:
    "'s-Gravenhage" stays as it is."""
    from dataclasses import replace

    from extractor.export import read_tariffs_csv, tariffs_csv
    from tests.test_diff import tariff

    row = replace(tariff("726530", "89.59"), description="'s-Gravenhage: zitting")
    [back] = read_tariffs_csv(_written(tmp_path, tariffs_csv([row])))
    assert back.description == "'s-Gravenhage: zitting"


def test_a_tariffs_csv_is_read_back_as_utf8_whatever_the_locale(tmp_path: Path) -> None:
    """In an ASCII locale (C, without Python's UTF-8 mode or locale coercion) a tariffs.csv is
    still read as the UTF-8 it was written in."""
    import os
    import subprocess
    import sys

    from extractor.export import read_tariffs_csv, tariffs_csv
    from tests.conftest import ROOT
    from tests.test_diff import tariff

    path = _written(tmp_path, tariffs_csv([tariff("726530", "89.59")]))
    [row] = read_tariffs_csv(path)  # in this process too, so mutmut maps this test to the reader
    script = (
        "import sys; from pathlib import Path; from extractor.export import read_tariffs_csv;"
        " print(ascii(read_tariffs_csv(Path(sys.argv[1]))[0].description))"
    )
    environment = {**os.environ, "LC_ALL": "C", "PYTHONUTF8": "0", "PYTHONCOERCECLOCALE": "0"}
    read = subprocess.run(
        [sys.executable, "-c", script, str(path)],
        cwd=ROOT,
        env=environment,
        capture_output=True,
        text=True,
        check=False,
    )
    assert (read.returncode, read.stdout.strip()) == (0, ascii(row.description))
    assert row.description == "Séance 726530"


def test_a_tariffs_csv_is_told_by_its_first_line(tmp_path: Path) -> None:
    """Our header line makes a tariffs.csv, whatever the file is called; another .csv is
    refused as such when asked (word for word), any other file is simply not one."""
    from extractor.errors import UnreadableInputError
    from extractor.export import is_tariffs_csv, tariffs_csv
    from tests.test_diff import tariff

    ours = tariffs_csv([tariff("726530", "89.59")])
    (tmp_path / "export.txt").write_text(ours, encoding="utf-8")
    assert is_tariffs_csv(tmp_path / "export.txt")
    assert is_tariffs_csv(tmp_path / "export.txt", refuse_other_csv=True)
    (tmp_path / "tariffs.csv").write_text(ours, encoding="utf-8")
    assert is_tariffs_csv(tmp_path / "tariffs.csv", refuse_other_csv=True)
    (tmp_path / "other.CSV").write_text("a,b\n" + ours, encoding="utf-8")
    assert not is_tariffs_csv(tmp_path / "other.CSV")
    with pytest.raises(UnreadableInputError) as raised:
        is_tariffs_csv(tmp_path / "other.CSV", refuse_other_csv=True)
    assert str(raised.value) == (
        "other.CSV: a CSV file, but not a tariffs.csv export (its first line is not our header)"
    )
    (tmp_path / "other.txt").write_text("a,b\n", encoding="utf-8")
    assert not is_tariffs_csv(tmp_path / "other.txt", refuse_other_csv=True)
    assert not is_tariffs_csv(tmp_path / "missing.csv", refuse_other_csv=True)
    (tmp_path / "binary.csv").write_bytes(b"\xff\xfe" + ours.encode())
    assert not is_tariffs_csv(tmp_path / "binary.csv")


# --- What write_exports hands on (mutation survivors, benchmarks/mutation.md) ------------------
def test_export_returns_every_file_it_wrote_in_writing_order(tmp_path: Path) -> None:
    """The library's export answers the paths it wrote, one per file, in the order written."""
    from extractor.api import export, extract_file

    written = export(extract_file(FR_2025), tmp_path)
    assert written == [
        tmp_path / name
        for name in (
            "tariffs.csv", "tariffs.json", "valorisations.json", "valorisations.csv",
            "chargeitemdefinitions.json", "tariffs.xlsx", "datapackage.json", "issues.json",
        )
    ]  # fmt: skip
    assert all(path.is_file() for path in written)


def test_two_versions_of_one_date_are_refused_by_every_format(tmp_path: Path) -> None:
    """Two French files of one date whose fees differ by 1.00 on every row: no table we write
    holds two rows for one tariff and date (tariffs.json once held both, and tariffs.csv broke
    its own primary key), so every format refuses them, in one message, writing nothing."""
    from dataclasses import replace

    from extractor.api import export, extract_file
    from extractor.errors import UsageError
    from extractor.settings import FORMATS, ExportSettings, Options

    [french] = extract_file(FR_2025)
    other = replace(
        french,
        info=replace(french.info, source_files=("copy.xlsx",)),
        rows=[
            replace(row, fee=None if row.fee is None else row.fee + Decimal("1.00"))
            for row in french.rows
        ],
    )
    for name in FORMATS:
        only = Options(exports=ExportSettings(formats=frozenset({name})))
        with pytest.raises(UsageError, match=f"^{FR_2025.name}: {len(french.rows)} fr tariffs"):
            export([french, other], tmp_path / name, only)
        assert not (tmp_path / name).exists()


def test_the_fhir_base_names_every_charge_item_definition(tmp_path: Path) -> None:
    from extractor.api import export, extract_file
    from extractor.settings import ExportSettings, Options

    settings = ExportSettings(formats=frozenset({"fhir"}), fhir_base="https://fhir.example.be/r4")
    export(extract_file(FR_2025), tmp_path, Options(exports=settings))
    bundle = json.loads((tmp_path / "chargeitemdefinitions.json").read_text(encoding="utf-8"))
    urls = [entry["resource"]["url"] for entry in bundle["entry"]]
    assert urls and all(
        url.startswith("https://fhir.example.be/r4/ChargeItemDefinition/") for url in urls
    )


def test_the_workbook_of_a_run_has_its_changes_and_its_sources_sha256(demo_run: Path) -> None:
    """run hands write_exports the change report and each file's SHA-256: the 2025 workbook
    lists 727016's fee 80.00 → 89.59 (fr), and each source with the digest of its bytes."""
    import hashlib

    from openpyxl import load_workbook

    workbook = load_workbook(demo_run / FOLDERS[1] / "tariffs.xlsx")
    changes = [
        (line[0], line[2], line[-5], Decimal(str(line[-4])), Decimal(str(line[-3])))
        for line in workbook["Changements - Wijzigingen"].iter_rows(min_row=3, values_only=True)
        if line[1] == "modifié / gewijzigd"
    ]
    assert ("fr", "727016", "Honoraires / Honorarium", Decimal("80"), Decimal("89.59")) in changes
    sources = list(workbook["Sources - Bronnen"].iter_rows(min_row=3, values_only=True))
    assert "V1 - Soins psychologiques - 01-01-2025-circ OA.xlsx" in [line[5] for line in sources]
    for line in sources:
        assert line[6] == hashlib.sha256((SAMPLES / str(line[5])).read_bytes()).hexdigest()
