"""The command line: exit codes, one-line errors, summaries, and byte-identical outputs."""

from __future__ import annotations

import gc
import json
import os
import subprocess
import sys
from pathlib import Path

import pytest

from extractor.cli import main
from tests.conftest import ROOT, SAMPLES

SAMPLE_XLSX = sorted(SAMPLES.glob("*.xlsx"))


def test_samples_exist() -> None:
    assert len(SAMPLE_XLSX) >= 3


def test_two_runs_give_byte_identical_outputs(tmp_path: Path) -> None:
    inputs = [str(p) for p in SAMPLE_XLSX]
    assert main(["extract", *inputs, "--out", str(tmp_path / "a"), "-q"]) == 0
    assert main(["extract", *reversed(inputs), "--out", str(tmp_path / "b"), "-q"]) == 0
    for name in ("tariffs.csv", "tariffs.json", "datapackage.json", "issues.json"):
        assert (tmp_path / "a" / name).read_bytes() == (tmp_path / "b" / name).read_bytes(), name


def test_two_interpreters_write_byte_identical_files(tmp_path: Path) -> None:
    """`run` in two separate Python processes with different hash seeds (set and dict order,
    anything keyed by id() or hash()), both from scratch: every file they write, the store
    included, is the same byte for byte. --recorded-at pins the one value a clock gives."""
    inputs = [str(path) for path in SAMPLE_XLSX]
    runs = {
        seed: subprocess.Popen(
            [sys.executable, "-m", "extractor", "run", *inputs, "--out", str(tmp_path / seed),
             "-q", "--recorded-at", "2025-01-02T09:00:00"],
            cwd=ROOT, env={**os.environ, "PYTHONHASHSEED": seed}, stderr=subprocess.PIPE,
        )
        for seed in ("1", "4242")
    }  # fmt: skip
    for process in runs.values():
        _, err = process.communicate(timeout=120)
        assert process.returncode == 0, err
    first, second = (
        {p.relative_to(tmp_path / seed): p.read_bytes() for p in (tmp_path / seed).rglob("*")
         if p.is_file()}
        for seed in runs
    )  # fmt: skip
    names = {path.name for path in first}
    assert {"tariffs.sqlite", "run.json", "changes.html", "tariffs.xlsx", "tariffs.csv"} <= names
    assert sorted(first) == sorted(second)
    different = [str(path) for path in first if first[path] != second[path]]
    assert not different, f"not byte-identical across interpreters: {different}"


def test_summary_names_each_circular(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    assert (
        main(["extract", *map(str, SAMPLE_XLSX), "--out", str(tmp_path), "--circular", "2024/356"])
        == 0
    )
    out = capsys.readouterr().out
    assert "circular 2024/356, fr, effective 2025-01-01: 75 rows, 12 sections, 0 flagged" in out
    assert "circular 2024/356, nl, effective 2025-01-01: 75 rows" in out


def test_exports_keep_amounts_as_decimal_text(tmp_path: Path) -> None:
    assert main(["extract", str(SAMPLE_XLSX[0]), "--out", str(tmp_path), "-q"]) == 0
    data = json.loads((tmp_path / "tariffs.json").read_text(encoding="utf-8"))
    amounts = [row["fee"] for row in data["rows"]]
    assert all(isinstance(a, str) for a in amounts) and "89.59" in amounts
    csv_text = (tmp_path / "tariffs.csv").read_bytes()
    assert b"\r\n" not in csv_text and b",238.90," in csv_text


def test_datapackage_comes_from_the_schema(tmp_path: Path) -> None:
    from schemas import COLUMNS

    assert main(["extract", str(SAMPLE_XLSX[0]), "--out", str(tmp_path), "-q"]) == 0
    package = json.loads((tmp_path / "datapackage.json").read_text(encoding="utf-8"))
    schema = package["resources"][0]["schema"]
    fields = {field["name"]: field for field in schema["fields"]}
    assert tuple(fields) == COLUMNS
    assert fields["fee"]["type"] == "number" and fields["fee"]["constraints"]["minimum"] == 0
    assert fields["code_amb"]["constraints"] == {"required": True, "pattern": "[0-9]{6}"}
    assert (
        fields["reimbursement_standard"]["titles"]["nl"]
        == "Tegemoetkoming ZIV - zonder voorkeurregeling"
    )
    assert schema["primaryKey"][:3] == ["language", "code_amb", "code_hos"]


@pytest.mark.parametrize(
    ("content", "message"),
    [
        (None, "no such file"),
        (b"", "the file is empty"),
        (b"Le fichier demand\xc3\xa9 n'est plus disponible.", "not an XLSX workbook or a PDF"),
    ],
)
def test_unreadable_inputs_give_one_line_and_exit_2(
    tmp_path: Path, capsys: pytest.CaptureFixture[str], content: bytes | None, message: str
) -> None:
    path = tmp_path / "annexe.xlsx"
    if content is not None:
        path.write_bytes(content)
    assert main(["extract", str(path), "--out", str(tmp_path / "out")]) == 2
    err = capsys.readouterr().err.strip().splitlines()
    assert err[-1] == f"inami-tariffs: error: annexe.xlsx: {message}" or message in err[-1]
    assert "annexe.xlsx" in err[-1]
    assert not (tmp_path / "out").exists()


def test_missing_effective_date(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    from tests.builders import header_rows, write_workbook

    header, merges = header_rows(2)
    rows = [["Soins psychologiques de première ligne pour les bénéficiaires"], *header,
            [726530, "-", "Soutien", 89.59, 85.59, 78.59, 4, 11]]  # fmt: skip
    path = write_workbook(tmp_path / "annexe.xlsx", rows, merges=merges)
    assert main(["extract", str(path), "--out", str(tmp_path), "-q"]) == 2
    assert "pass --effective-from" in capsys.readouterr().err
    assert (
        main(["extract", str(path), "--out", str(tmp_path), "-q", "--effective-from", "2025-01-01"])
        == 0
    )


def test_python_dash_m_and_help() -> None:
    result = subprocess.run(
        [sys.executable, "-m", "extractor", "extract", "--help"],
        capture_output=True,
        text=True,
        check=False,
    )
    assert result.returncode == 0 and "--effective-from" in result.stdout


def test_a_command_leaves_the_callers_garbage_collector_as_it_found_it(tmp_path: Path) -> None:
    before = gc.get_threshold()
    assert main(["extract", str(tmp_path / "missing.xlsx"), "--out", str(tmp_path), "-q"]) == 2
    assert gc.get_threshold() == before


def test_extracting_a_workbook_with_calamine_does_not_import_openpyxl(tmp_path: Path) -> None:
    """openpyxl (about 0.3 s of imports) is the reference engine only: the default reading and
    every export go without it."""
    script = (
        "import sys\n"
        "from extractor.cli import main\n"
        f"code = main(['extract', {str(SAMPLES / 'V1 - Soins psychologiques - 01-01-2025-circ OA.xlsx')!r},"
        f" '--out', {str(tmp_path)!r}, '-q'])\n"
        "print(code, sorted(name for name in sys.modules if name.split('.')[0] == 'openpyxl'))\n"
    )
    result = subprocess.run(
        [sys.executable, "-c", script], cwd=ROOT, capture_output=True, text=True, check=True
    )
    assert result.stdout.split("\n")[-2] == "0 []"
    assert (tmp_path / "tariffs.xlsx").exists()


@pytest.mark.parametrize("verb", ["extract", "run"])
def test_one_annex_given_twice_is_one_line_and_exit_2_with_nothing_written(
    tmp_path: Path, capsys: pytest.CaptureFixture[str], verb: str
) -> None:
    """With every format it used to end in a pandera traceback, with csv alone in a
    tariffs.csv breaking its own primary key; `run` rolls the store back too."""
    annex = SAMPLES / "V1 - Soins psychologiques - 01-01-2025-circ OA.xlsx"
    again = tmp_path / "copie.xlsx"
    again.write_bytes(annex.read_bytes())
    store = ["--store", str(tmp_path / "t.sqlite")] if verb == "run" else []
    out = tmp_path / "out"
    assert main([verb, str(annex), str(again), "--out", str(out), "-q", *store]) == 2
    [line] = capsys.readouterr().err.strip().splitlines()
    assert line.startswith("inami-tariffs: error: copie.xlsx: 75 fr tariffs effective 2025-01-01")
    assert not out.exists() and not (tmp_path / "t.sqlite").exists()
