"""`run` on the samples: the change report a reviewer reads, golden files, and lookups."""

from __future__ import annotations

import json
import shutil
from datetime import date
from decimal import Decimal
from pathlib import Path
from typing import Any

import pytest

from extractor import api
from extractor.cli import main
from extractor.errors import LookupFailedError
from tests.conftest import GOLDEN, SAMPLES, assert_golden, assert_valid_data_package

FR_2024 = SAMPLES / "V1 - Soins psychologiques - 01-01-2024-circ OA.xlsx"
FR_2025 = SAMPLES / "V1 - Soins psychologiques - 01-01-2025-circ OA.xlsx"


@pytest.fixture(scope="module")
def demo(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """The whole of samples/ (French and Dutch, PDF and XLSX, 2024 and 2025) in one run."""
    out = tmp_path_factory.mktemp("demo")
    assert (
        main(
            [
                "run",
                *map(str, sorted(SAMPLES.iterdir())),
                "--out",
                str(out),
                "--store",
                str(out / "t.sqlite"),
                "-q",
            ]
        )
        == 0
    )
    return out


def _changes(folder: Path) -> dict[str, Any]:
    data: dict[str, Any] = json.loads((folder / "changes.json").read_text(encoding="utf-8"))
    return data


def test_annex_2024_then_2025_reports_exactly_what_changed(tmp_path: Path) -> None:
    store = tmp_path / "t.sqlite"
    assert main(["run", str(FR_2024), "--out", str(tmp_path), "--store", str(store), "-q"]) == 0
    assert main(["run", str(FR_2025), "--out", str(tmp_path), "--store", str(store), "-q"]) == 0
    first = _changes(tmp_path / "2024-01-01_0_V1---Soins-psychologiques---01-01-2024-circ-OA")
    assert first["languages"][0]["previous"] is None
    changes = _changes(tmp_path / "2025-01-01_0_V1---Soins-psychologiques---01-01-2025-circ-OA")[
        "changes"
    ]
    assert [c["code_amb"] for c in changes if c["kind"] == "added"] == ["727532"]
    assert [c["code_amb"] for c in changes if c["kind"] == "removed"] == ["727112"]
    described = [
        (c["code_amb"], c["age_min"], c["age_max"]) for c in changes if c["kind"] == "description"
    ]
    assert described == [("726633", None, 23), ("726633", 24, None)]
    beyond = [
        (c["code_amb"], c["column"], c["old"], c["new"])
        for c in changes
        if c["kind"] == "changed" and not c["follows_indexation"]
    ]
    assert beyond == [("727016", "fee", "80.00", "89.59")]
    fees = [
        c
        for c in changes
        if c["kind"] == "changed" and c["column"] == "fee" and c["code_amb"] != "727016"
    ]
    assert len(fees) == 67
    assert all(c["follows_indexation"] for c in fees)
    summary = _changes(tmp_path / "2025-01-01_0_V1---Soins-psychologiques---01-01-2025-circ-OA")[
        "languages"
    ][0]
    assert summary["indexation"] == {"rate": "0.0334", "following": 67, "not_following": 1}


@pytest.mark.parametrize("name", ["changes.md", "changes.json"])
def test_golden_reports(demo: Path, name: str) -> None:
    """Regenerate with UPDATE_GOLDEN=1 and review the diff."""
    produced = (demo / "2025-01-01_2024-356" / name).read_text(encoding="utf-8")
    golden = GOLDEN / f"2025-01-01_2024-356.{name}"
    assert_golden(produced, golden)


def test_update_golden_never_compares_a_file_with_itself(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """Regenerating fails, saying the file was rewritten; only an equal file passes."""
    golden = tmp_path / "report.md"
    golden.write_text("old\n", encoding="utf-8")
    with pytest.raises(AssertionError):
        assert_golden("new\n", golden)
    monkeypatch.setenv("UPDATE_GOLDEN", "1")
    with pytest.raises(pytest.fail.Exception, match=r"report\.md regenerated"):
        assert_golden("new\n", golden)
    assert golden.read_text(encoding="utf-8") == "new\n"
    assert_golden("new\n", golden)  # now equal: the run after the review passes
    monkeypatch.delenv("UPDATE_GOLDEN")
    assert_golden("new\n", golden)


def test_demo_run_links_languages_and_versions(demo: Path) -> None:
    report = _changes(demo / "2025-01-01_2024-356")
    assert [part["language"] for part in report["languages"]] == ["fr", "nl"]
    assert {part["previous"]["circular"] for part in report["languages"]} == {"2023/412"}
    assert report["language_mismatches"] == []
    markdown = (demo / "2025-01-01_2024-356" / "changes.md").read_text(encoding="utf-8")
    assert "French and Dutch versions agree on every code and amount." in markdown
    assert "first version of this tariff set" in (
        demo / "2024-01-01_2023-412" / "changes.md"
    ).read_text(encoding="utf-8")


def test_run_again_gives_the_same_bytes(demo: Path, tmp_path: Path) -> None:
    shutil.copy(demo / "t.sqlite", tmp_path / "t.sqlite")
    assert (
        main(
            [
                "run",
                *map(str, sorted(SAMPLES.iterdir())),
                "--out",
                str(tmp_path),
                "--store",
                str(tmp_path / "t.sqlite"),
                "-q",
            ]
        )
        == 0
    )
    for folder in ("2024-01-01_2023-412", "2025-01-01_2024-356"):
        for file in sorted((demo / folder).iterdir()):
            assert file.read_bytes() == (tmp_path / folder / file.name).read_bytes(), file.name


@pytest.mark.parametrize(
    ("on", "age", "preferential", "expected"),
    [
        (date(2024, 6, 1), 30, False, ("86.69", "75.69", "11.00", "2023/412")),
        (date(2024, 6, 1), 30, True, ("86.69", "82.69", "4.00", "2023/412")),
        (date(2024, 6, 1), 20, False, ("86.69", "86.69", "0.00", "2023/412")),
        (date(2024, 6, 1), 20, True, ("86.69", "86.69", "0.00", "2023/412")),
        (date(2025, 3, 1), 30, False, ("89.59", "78.59", "11.00", "2024/356")),
        (date(2025, 3, 1), 30, True, ("89.59", "85.59", "4.00", "2024/356")),
        (date(2025, 3, 1), 20, False, ("89.59", "89.59", "0.00", "2024/356")),
        (date(2025, 3, 1), 20, True, ("89.59", "89.59", "0.00", "2024/356")),
    ],
)
def test_lookup(
    demo: Path, on: date, age: int, preferential: bool, expected: tuple[str, ...]
) -> None:
    tariff = api.lookup("726530", on, age=age, preferential=preferential, store=demo / "t.sqlite")
    assert (
        str(tariff.fee),
        str(tariff.reimbursement),
        str(tariff.copayment),
        tariff.circular,
    ) == expected
    assert isinstance(tariff.fee, Decimal)


def test_lookup_needs_an_age_where_bands_differ(
    demo: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    assert (
        main(["lookup", "726530", "--date", "2025-03-01", "--store", str(demo / "t.sqlite")]) == 1
    )
    assert "has several age bands on 2025-03-01" in capsys.readouterr().err
    assert (
        main(
            [
                "lookup",
                "726530",
                "--date",
                "2019-03-01",
                "--age",
                "30",
                "--store",
                str(demo / "t.sqlite"),
            ]
        )
        == 1
    )
    assert (
        main(["lookup", "726531", "--date", "2025-03-01", "--store", str(demo / "t.sqlite")]) == 2
    )


@pytest.mark.parametrize(
    ("code", "on", "why"),
    [
        ("727112", "2025-03-01", "its last tariff ended on 2024-12-31 (circular 2023/412)"),
        (
            "727532",
            "2024-06-01",
            "its first tariff after that day takes effect on 2025-01-01 (circular 2024/356)",
        ),
        (
            "726530",
            "2019-03-01",
            "its first tariff after that day takes effect on 2024-01-01 (circular 2023/412)",
        ),
        ("101010", "2025-03-01", "the store holds no tariff under this code"),
    ],
)
def test_lookup_says_why_a_code_has_no_tariff_that_day(
    demo: Path, code: str, on: str, why: str
) -> None:
    with pytest.raises(LookupFailedError) as refused:
        api.lookup(code, on, age=30, store=demo / "t.sqlite")
    assert str(refused.value) == f"no tariff for code {code} in force on {on} in the store: {why}"


def test_history(demo: Path, capsys: pytest.CaptureFixture[str]) -> None:
    assert main(["history", "727112", "--store", str(demo / "t.sqlite")]) == 0
    header, *lines = capsys.readouterr().out.strip().splitlines()
    assert header.split()[:3] == ["lang", "code", "beneficiaries"]
    assert len(lines) == 2 and all(
        "2024-01-01 .. 2024-12-31" in line and "2023/412" in line for line in lines
    )


def test_diff_of_two_exports(
    demo: Path, tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    old = demo / "2024-01-01_2023-412" / "tariffs.csv"
    new = demo / "2025-01-01_2024-356" / "tariffs.csv"
    assert main(["diff", str(old), str(new), "--out", str(tmp_path)]) == 0
    out = capsys.readouterr().out
    assert "fr: 1 added, 1 removed, 68 changed (1 beyond indexation, indexation +3.34 %)" in out
    assert (tmp_path / "changes.html").is_file()


def test_github_job_summary(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    summary = tmp_path / "summary.md"
    monkeypatch.setenv("GITHUB_STEP_SUMMARY", str(summary))
    args = [
        "run",
        str(FR_2024),
        "--out",
        str(tmp_path),
        "--store",
        str(tmp_path / "t.sqlite"),
        "-q",
        "--github",
    ]
    assert main(args) == 0
    assert summary.read_text(encoding="utf-8").startswith(
        "# Tariff changes: circular (number unknown), effective 2024-01-01"
    )


def test_every_data_package_of_the_demo_validates(demo: Path) -> None:
    """`frictionless validate` on each report folder (issue 13, finding 2: 'footnotes' and
    'circular' were required though empty in most rows)."""
    descriptors = sorted(demo.rglob("datapackage.json"))
    assert len(descriptors) == 2
    for descriptor in descriptors:
        assert_valid_data_package(descriptor)
