"""The report's chart and indexed rows (issue 13, finding 12): one bar for the indexation
however rounding scatters it, an outlier still visible, indexed rows showing the rate."""

from __future__ import annotations

import re
from datetime import date
from pathlib import Path

from extractor.api import extract_file, write_report
from extractor.diff import diff_versions
from extractor.report import ChangeReport, LanguageReport, Version, view
from tests.conftest import SAMPLES


def _report() -> ChangeReport:
    [old] = extract_file(SAMPLES / "V1 - Soins psychologiques - 01-01-2024-circ OA.xlsx")
    [new] = extract_file(SAMPLES / "V1 - Soins psychologiques - 01-01-2025-circ OA.xlsx")
    part = LanguageReport(
        "fr", Version("2024/356", date(2025, 1, 1), "new.xlsx"),
        Version("2023/412", date(2024, 1, 1), "old.xlsx"), diff_versions(old.rows, new.rows, "fr"),
        new.rows,
    )  # fmt: skip
    return ChangeReport("2024/356", date(2025, 1, 1), [part])


def test_one_bar_for_the_indexation_and_a_visible_outlier() -> None:
    [language] = view(_report())["languages"]
    bars = [(bar["label"], bar["count"]) for bar in language["histogram"]]
    assert bars == [("+3.34 % indexed", 67), ("+11.99 %", 1)]
    assert min(bar["height"] for bar in language["histogram"]) >= 4


def test_indexed_rows_show_the_indexation_rate(tmp_path: Path) -> None:
    write_report(_report(), tmp_path)
    html = (tmp_path / "changes.html").read_text(encoding="utf-8")
    indexed = html.split("follow the indexation</summary>", 1)[1]
    fees = re.findall(
        r"<td>fee</td>(?:<td[^>]*>[^<]*</td>){3}<td class=\"num\">([^<]*)</td>", indexed
    )
    assert len(fees) == 67 and set(fees) == {"+3.34 % (indexed)"}
