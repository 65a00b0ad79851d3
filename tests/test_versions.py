"""Versions as billing needs them (issue 12): each finding on workbooks built from the corpus.

Every test runs the command line on a real store: partial circulars, corrigenda, one tariff in
two languages, a second sheet, flagged lines, retraction, and the report's baseline.
"""

from __future__ import annotations

import json
from decimal import ROUND_HALF_UP, Decimal
from pathlib import Path
from typing import Any

import pytest

from extractor.cli import main
from tests.builders import derive_workbook
from tests.conftest import CORPUS, read_csv

FR_2025 = CORPUS / "2025-fr-xlsx" / "V1 - Soins psychologiques - 01-01-2025-circ OA.xlsx"
FR_2024 = CORPUS / "2024-fr-xlsx" / "V1 - Soins psychologiques - 01-01-2024-circ OA.xlsx"
NL_2025 = CORPUS / "2025-nl-xlsx" / "V1 - Psychologische zorg - 01-01-2025-omzendbrief VI.xlsx"
TITLE = "Soins psychologiques de première ligne et soins psychologiques spécialisés à partir du {}"
MARCH = TITLE.format("1er mars 2025")
THREE = ("726530", "726552", "726574")  # three codes a partial circular corrects

pytestmark = pytest.mark.skipif(not CORPUS.is_dir(), reason=f"{CORPUS} is absent (bare clone)")


class Store:
    """The command line on one store and one output folder."""

    def __init__(self, folder: Path, capsys: pytest.CaptureFixture[str]) -> None:
        self.folder = folder
        self.capsys = capsys

    def run(self, *arguments: str | Path, recorded: str = "") -> int:
        self.capsys.readouterr()
        when = ["--recorded-at", recorded] if recorded else []
        return main(
            ["run", *map(str, arguments), "--out", str(self.folder), "--store", self.path, "-q",
             *when]
        )  # fmt: skip

    @property
    def path(self) -> str:
        return str(self.folder / "t.sqlite")

    def ask(self, *arguments: str) -> tuple[int, str]:
        self.capsys.readouterr()
        code = main([*arguments, "--store", self.path])
        captured = self.capsys.readouterr()
        return code, captured.out + captured.err

    def fee(self, code: str, day: str, *extra: str) -> str:
        status, text = self.ask("lookup", code, "--date", day, *extra)
        assert status == 0, text
        return text.split("fee ")[1].split(",")[0]

    def changes(self, folder: str) -> dict[str, Any]:
        data: dict[str, Any] = json.loads(
            (self.folder / folder / "changes.json").read_text(encoding="utf-8")
        )
        return data


@pytest.fixture
def store(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> Store:
    return Store(tmp_path / "out", capsys)


def _partial(tmp_path: Path, fee: str = "95.00") -> Path:
    """A March 2025 circular listing three codes with a new fee (both age bands)."""
    return derive_workbook(
        FR_2025,
        tmp_path / "V1 - Soins psychologiques - 01-03-2025-circ OA.xlsx",
        keep=THREE,
        amounts={code: {"fee": float(fee)} for code in THREE},
        title=MARCH,
    )


def _indexed(rate: Decimal) -> Any:
    """Fees and reimbursements indexed and rounded to the cent; co-payments fixed in euros."""

    def transform(code: str, column: str, old: Decimal | None) -> Decimal | None:
        if old is None or column.startswith("copayment"):
            return old
        return (old * (1 + rate)).quantize(Decimal("0.01"), ROUND_HALF_UP)

    return transform


# 1. A partial circular ends nothing it does not list; without a scope it is refused.
def test_partial_circular_keeps_the_other_codes(store: Store, tmp_path: Path) -> None:
    assert store.run(FR_2025) == 0
    partial = _partial(tmp_path)
    assert store.run(partial) == 2
    assert "say what it is with --scope" in store.capsys.readouterr().err
    assert store.run(partial, "--scope", "partial") == 0
    assert store.fee("726471", "2025-04-01", "--age", "30") == "89.59"  # not listed: in force
    assert store.fee("726530", "2025-04-01", "--age", "30") == "95.00"
    assert store.fee("726530", "2025-02-01", "--age", "30") == "89.59"
    report = store.changes("2025-03-01_0_V1---Soins-psychologiques---01-03-2025-circ-OA")
    kinds = {c["kind"] for c in report["changes"]}
    assert "removed" not in kinds and "added" not in kinds
    assert report["languages"][0]["summary"]["changed"] == 6


def test_another_domain_sharing_a_code_ends_nothing(store: Store, tmp_path: Path) -> None:
    assert store.run(FR_2025) == 0
    other = derive_workbook(
        FR_2025,
        tmp_path / "Codes administratifs - 01-06-2025.xlsx",
        keep=("727031",),
        title="Codes administratifs à partir du 1er juin 2025",
    )
    assert store.run(other) == 0  # its own domain: a full circular of one code
    assert store.fee("726471", "2025-07-01", "--age", "30") == "89.59"


# 2. and 3. Corrigenda supersede without deleting: valid time and recorded time.
def test_corrigendum_supersedes_and_history_keeps_both(store: Store, tmp_path: Path) -> None:
    assert store.run(FR_2025, recorded="2024-12-20T10:00:00") == 0
    corrigendum = derive_workbook(
        FR_2025,
        tmp_path / "V1 - Soins psychologiques - 01-01-2025-corrigendum.xlsx",
        keep=THREE,
        amounts={code: {"fee": 90.59} for code in THREE},
    )
    assert store.run(corrigendum, recorded="2025-02-15T10:00:00") == 0
    assert store.fee("726530", "2025-03-01", "--age", "30") == "90.59"
    assert store.fee("726471", "2025-03-01", "--age", "30") == "89.59"  # not corrected
    as_then = ("--age", "30", "--as-known-on", "2025-02-01")
    assert store.fee("726530", "2025-01-20", *as_then) == "89.59"  # the invoice of 1 February
    status, text = store.ask("history", "726530")
    assert status == 0
    lines = [line for line in text.splitlines() if "ages 24+" in line]
    assert len(lines) == 2
    assert "superseded by a corrigendum" in lines[0] and "recorded 2024-12-20" in lines[0]
    assert "(corrigendum), recorded 2025-02-15" in lines[1]
    report = store.changes("2025-01-01_0_V1---Soins-psychologiques---01-01-2025-corrigendum")
    changed = [c for c in report["changes"] if c["kind"] == "changed"]
    assert {(c["code_amb"], c["old"], c["new"]) for c in changed} == {
        (code, "89.59", "90.59") for code in THREE
    }


def test_a_circular_and_its_corrigendum_in_one_run_get_a_folder_each(
    store: Store, tmp_path: Path
) -> None:
    corrigendum = derive_workbook(
        FR_2025,
        tmp_path / "V1 - Soins psychologiques - 01-01-2025-corrigendum.xlsx",
        keep=THREE,
        amounts={code: {"fee": 90.59} for code in THREE},
    )
    assert store.run(corrigendum, FR_2025, "--circular", "2024/356") == 0
    assert store.fee("726530", "2025-03-01", "--age", "30") == "90.59"
    circular = store.changes("2025-01-01_2024-356")
    assert [c for c in circular["changes"] if c["kind"] == "changed"] == []
    corrected = store.changes("2025-01-01_2024-356_corrigendum")["changes"]
    assert {(c["code_amb"], c["old"], c["new"]) for c in corrected if c["kind"] == "changed"} == {
        (code, "89.59", "90.59") for code in THREE
    }
    # each folder's table holds its own document's rows once (its data package validates)
    table = read_csv(store.folder / "2025-01-01_2024-356" / "tariffs.csv")
    assert [row["fee"] for row in table if row["code_amb"] == "726530"] == ["89.59"] * 2  # 2 bands
    # storing the year before writes both reports again, each in its own folder
    assert store.run(FR_2024, "--circular", "2023/412") == 0
    listing = json.loads((store.folder / "run.json").read_text(encoding="utf-8"))
    assert listing["regenerated"] == ["2025-01-01_2024-356", "2025-01-01_2024-356_corrigendum"]
    corrected = store.changes("2025-01-01_2024-356_corrigendum")["changes"]
    assert {c["code_amb"] for c in corrected if c["kind"] == "changed"} == set(THREE)


# 3. Amounts are versioned by key across languages.
def test_a_french_only_update_ends_the_dutch_rows_too(store: Store, tmp_path: Path) -> None:
    assert store.run(FR_2025, NL_2025) == 0
    codes = [str(code) for code in _codes(FR_2025) if code != 727031]
    update = derive_workbook(
        FR_2025,
        tmp_path / "V1 - Soins psychologiques - 01-01-2026-circ OA.xlsx",
        keep=codes,
        amounts={"726471": {"fee": 91.0, "reimbursement_preferential": 91.0,
                            "reimbursement_standard": 91.0}},
        title=TITLE.format("1er janvier 2026"),
    )  # fmt: skip
    assert store.run(update) == 0
    status, text = store.ask("lookup", "727031", "--date", "2026-02-01", "--language", "nl")
    assert status == 1 and "no tariff for code 727031" in text
    status, text = store.ask(
        "lookup", "726471", "--date", "2026-02-01", "--age", "30", "--language", "nl"
    )
    assert status == 0 and "fee 91.00" in text
    assert "Eerstelijnsondersteuning - eerste sessie" in text  # the Dutch description of its key
    # ... but the amounts' own version: their circular, start day and source place
    assert "in force 2026-01-01 .. in force" in text
    assert "source: V1 - Soins psychologiques - 01-01-2026-circ OA.xlsx#" in text


# 4. A second sheet of the same language is stored.
def test_a_second_sheet_of_the_same_language_is_stored(store: Store, tmp_path: Path) -> None:
    two_sheets = derive_workbook(
        FR_2025, tmp_path / "V1 - Soins psychologiques - 01-01-2025-circ OA.xlsx", split_at=55
    )
    assert store.run(two_sheets) == 0
    assert store.fee("726412", "2025-03-01", "--age", "30") == "238.90"
    assert store.fee("726412", "2025-03-01", "--age", "20") == "238.90"


# 5. A flagged source line keeps its key: unreadable, not removed.
def test_a_flagged_line_is_unreadable_not_removed(store: Store, tmp_path: Path) -> None:
    shifted = {
        59: {"A": None, "B": None, "C": None, "D": None, "E": 726412, "F": "-",
             "G": "Intervention Communautaire – Groupe - Psychologue/orthopédagogue - 1 1",
             "H": 238.9},
    }  # fmt: skip
    flagged = derive_workbook(
        FR_2025, tmp_path / "V1 - Soins psychologiques - 01-01-2025-circ OA.xlsx", rows=shifted
    )
    assert store.run(FR_2024) == 0
    assert store.run(flagged) == 0
    status, text = store.ask("lookup", "726412", "--date", "2025-03-01", "--age", "20")
    assert status == 1
    assert "unreadable in circular" in text and "from 2025-01-01" in text
    assert "#Feuil1!E59" in text
    assert store.fee("726412", "2024-06-01", "--age", "20") == "231.18"
    report = store.changes("2025-01-01_0_V1---Soins-psychologiques---01-01-2025-circ-OA")
    assert "726412" not in [c["code_amb"] for c in report["changes"] if c["kind"] == "removed"]
    assert [
        (c["code_amb"], c["age_max"]) for c in report["changes"] if c["kind"] == "unreadable"
    ] == [("726412", 23)]
    markdown = (
        store.folder / "2025-01-01_0_V1---Soins-psychologiques---01-01-2025-circ-OA" / "changes.md"
    ).read_text(encoding="utf-8")
    assert "726412" in markdown.split("### Flagged source lines")[1].split("###")[0]


# 6. Reports compare with what was in force the day before, in the domain.
def test_a_full_circular_after_a_partial_one_is_compared_with_what_was_in_force(
    store: Store, tmp_path: Path
) -> None:
    assert store.run(FR_2025) == 0
    assert store.run(_partial(tmp_path, fee="89.59"), "--scope", "partial") == 0
    full = derive_workbook(
        FR_2025,
        tmp_path / "V1 - Soins psychologiques - 01-01-2026-circ OA.xlsx",
        transform=_indexed(Decimal("0.02")),
        title=TITLE.format("1er janvier 2026"),
    )
    assert store.run(full) == 0
    report = store.changes("2026-01-01_0_V1---Soins-psychologiques---01-01-2026-circ-OA")
    summary = report["languages"][0]
    assert summary["summary"]["added"] == 0 and summary["summary"]["removed"] == 0
    assert summary["indexation"]["rate"] == "0.02"


# 7. The French/Dutch check, against a language stored in an earlier run too.
def test_french_and_dutch_amounts_that_disagree_are_refused(store: Store, tmp_path: Path) -> None:
    assert store.run(FR_2025) == 0
    dutch = derive_workbook(
        NL_2025,
        tmp_path / "V1 - Psychologische zorg - 01-01-2025-omzendbrief VI.xlsx",
        amounts={"726471": {"fee": 88.59}},
    )
    assert store.run(dutch) == 2
    error = store.capsys.readouterr().err
    assert "French and Dutch amounts disagree" in error and "726471" in error
    assert "#Blad1!A17" in error and "nothing stored" in error
    _, text = store.ask("history", "726471")
    assert [line[:2] for line in text.splitlines()[1:]] == ["fr", "fr"]
    assert store.run(dutch, "--authoritative", "nl") == 0
    assert store.fee("726471", "2025-03-01", "--age", "30") == "88.59"


def test_a_refused_first_run_leaves_no_store_behind(store: Store, tmp_path: Path) -> None:
    """Refused before anything was stored: no empty store file is left to be found later."""
    dutch = derive_workbook(
        NL_2025,
        tmp_path / "V1 - Psychologische zorg - 01-01-2025-omzendbrief VI.xlsx",
        amounts={"726471": {"fee": 88.59}},
    )
    assert store.run(FR_2025, dutch) == 2
    assert "French and Dutch amounts disagree" in store.capsys.readouterr().err
    assert not Path(store.path).exists()
    assert store.run(FR_2025) == 0
    assert store.run(dutch) == 2  # a store holding tariffs stays
    assert Path(store.path).exists()


def test_run_json_lists_the_folders_written_and_the_new_ones(store: Store) -> None:
    assert store.run(FR_2024) == 0
    assert store.run(FR_2024, FR_2025) == 0
    listing = json.loads((store.folder / "run.json").read_text(encoding="utf-8"))
    assert listing == {
        "folders": [
            "2024-01-01_0_V1---Soins-psychologiques---01-01-2024-circ-OA",
            "2025-01-01_0_V1---Soins-psychologiques---01-01-2025-circ-OA",
        ],
        "new": ["2025-01-01_0_V1---Soins-psychologiques---01-01-2025-circ-OA"],
        "regenerated": [],
    }


# 8. A mistaken ingestion can be undone.
def test_replace_and_retract(store: Store) -> None:
    assert store.run(FR_2025, "--effective-from", "2025-02-01") == 0
    assert store.run(FR_2025, "--effective-from", "2025-01-01") == 2
    assert "pass --replace" in store.capsys.readouterr().err
    assert store.run(FR_2025, "--effective-from", "2025-01-01", "--replace") == 0
    assert store.fee("726471", "2025-01-15", "--age", "30") == "89.59"
    status, text = store.ask("retract", FR_2025.name)
    assert status == 0 and "retracted" in text
    status, text = store.ask("lookup", "726471", "--date", "2025-01-15", "--age", "30")
    assert status == 1


def _codes(path: Path) -> list[int]:
    import openpyxl

    sheet = openpyxl.load_workbook(path).worksheets[0]
    return sorted(
        {
            v
            for (v,) in sheet.iter_rows(min_col=1, max_col=1, values_only=True)
            if isinstance(v, int)
        }
    )


# 9. Indexation labels: co-payments indexed while fees stay are a finding of their own.
def test_indexed_copayments_alone_are_reported_as_such(store: Store, tmp_path: Path) -> None:
    def copayments(code: str, column: str, old: Decimal | None) -> Decimal | None:
        if old is None or not column.startswith("copayment"):
            return old
        return (old * Decimal("1.02")).quantize(Decimal("0.01"), ROUND_HALF_UP)

    assert store.run(FR_2025) == 0
    update = derive_workbook(
        FR_2025,
        tmp_path / "V1 - Soins psychologiques - 01-01-2026-circ OA.xlsx",
        transform=copayments,
        title=TITLE.format("1er janvier 2026"),
    )
    assert store.run(update) == 0
    folder = store.folder / "2026-01-01_0_V1---Soins-psychologiques---01-01-2026-circ-OA"
    markdown = (folder / "changes.md").read_text(encoding="utf-8")
    assert "**Co-payments (French):** indexed by +2.00 %" in markdown
    assert "no common indexation explains the fee changes" not in markdown
    assert "no fee changed" in markdown


# 7. Storing an older version regenerates the reports it changes.
def test_storing_an_older_version_writes_the_later_report_again(store: Store) -> None:
    later = "2025-01-01_0_V1---Soins-psychologiques---01-01-2025-circ-OA"
    assert store.run(FR_2025) == 0
    assert store.changes(later)["languages"][0]["previous"] is None
    assert store.run(FR_2024) == 0
    listing = json.loads((store.folder / "run.json").read_text(encoding="utf-8"))
    assert listing["regenerated"] == [later]
    report = store.changes(later)
    assert report["languages"][0]["previous"]["effective_from"] == "2024-01-01"
    assert [c["code_amb"] for c in report["changes"] if c["kind"] == "removed"] == ["727112"]
    fresh = Store(store.folder.parent / "fresh", store.capsys)
    assert fresh.run(FR_2024) == 0 and fresh.run(FR_2025) == 0
    assert fresh.changes(later)["changes"] == report["changes"]
