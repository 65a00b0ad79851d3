"""The change report's form (issue 13, finding 3): changes.md is a summary that fits GitHub's
limits whatever the size, one row per tariff with old → new per changed column, sections in
document order; changes.html and changes.json hold the full detail, linked to the source."""

from __future__ import annotations

import json
import random
import re
from datetime import date
from decimal import ROUND_HALF_UP, Decimal
from pathlib import Path

import pytest

from benchmarks.generate import codes, description
from extractor.api import extract_file, write_report
from extractor.diff import diff_versions
from extractor.location import Location
from extractor.model import TariffRow
from extractor.report import ChangeReport, LanguageReport, Version
from tests.conftest import SAMPLES

PR_BODY_LIMIT = 65_536  # characters GitHub takes in a pull-request description
CENT = Decimal("0.01")


def _row(code: str, section: int, fee: Decimal, copay: Decimal, line: int, when: date) -> TariffRow:
    return TariffRow(
        circular="2024/356", language="fr", effective_from=when, code_amb=code, code_hos=None,
        age_min=None, age_max=None, condition=None, key_letters=None, fee=fee,
        reimbursement_preferential=fee - copay, reimbursement_standard=fee - copay,
        copayment_preferential=copay, copayment_standard=copay,
        description=description(random.Random(code)), footnotes="",
        section=f"{section}. Section {section} > {section}.1. Séance individuelle",
        source=Location("annexe.pdf", page=1 + line // 30, line=1 + line % 30),
    )  # fmt: skip


def _indexation(rows: int = 3000) -> ChangeReport:
    """3,000 codes indexed by 3.34 %, with every tenth beyond it, 150 added and 150 removed;
    sections numbered against code order, so that code order is not document order."""
    rng = random.Random(13)
    all_codes = codes(rows + 150, rng)
    old, new = [], []
    for index, code in enumerate(all_codes):
        section = 30 - index * 30 // len(all_codes)  # the lowest codes in the last section
        line = section * 4000 + index  # the document prints section 1 first
        fee = Decimal(rng.randint(2000, 40000)) / 100
        fee = fee.quantize(CENT)
        copay = Decimal("4.00")
        if index >= 150:
            old.append(_row(code, section, fee, copay, line, date(2024, 1, 1)))
        if index < rows:
            indexed = (fee * Decimal("1.0334")).quantize(CENT, ROUND_HALF_UP)
            if index % 10 == 0:
                indexed += Decimal("1.00")
            new.append(_row(code, section, indexed, copay, line, date(2025, 1, 1)))
    part = LanguageReport(
        "fr", Version("2024/356", date(2025, 1, 1), "annexe.pdf"),
        Version("2023/412", date(2024, 1, 1), "old.pdf"), diff_versions(old, new, "fr"), new,
    )  # fmt: skip
    return ChangeReport("2024/356", date(2025, 1, 1), [part])


@pytest.fixture(scope="module")
def large(tmp_path_factory: pytest.TempPathFactory) -> Path:
    folder = tmp_path_factory.mktemp("large")
    write_report(_indexation(), folder)
    return folder


def test_a_3000_row_indexation_fits_a_pull_request(large: Path) -> None:
    markdown = (large / "changes.md").read_text(encoding="utf-8")
    assert len(markdown) <= PR_BODY_LIMIT
    assert "more in changes.html" in markdown
    assert "`changes.html`" in markdown and "`changes.json`" in markdown
    html = (large / "changes.html").read_text(encoding="utf-8")
    changes = json.loads((large / "changes.json").read_text(encoding="utf-8"))["changes"]
    beyond = {
        c["code_amb"] for c in changes if c["kind"] == "changed" and not c["follows_indexation"]
    }
    assert len(beyond) == 285  # every tenth of the 2,850 codes in both versions
    assert all(f"<td>{code}</td>" in html for code in beyond)  # the full detail is there
    assert all(
        c["source"].startswith("annexe.pdf#page=") for c in changes if c["kind"] != "removed"
    )


def test_summary_tables_follow_the_document(large: Path) -> None:
    markdown = (large / "changes.md").read_text(encoding="utf-8")
    review = markdown.split("### Needs review", 1)[1].split("\n### ", 1)[0]
    sections = [int(s) for s in re.findall(r"^\| \d{6} \|  \|  \| (\d+)\.1\. ", review, re.M)]
    assert sections and sections == sorted(sections)  # section 1 first, as printed
    indexed = markdown.split("### Changed as indexed", 1)[1]
    numbers = [int(n) for n in re.findall(r"^\| (\d+)\. Section", indexed, re.M)]
    assert len(numbers) > 20 and numbers == sorted(numbers)


def _sample_report(tmp_path: Path) -> str:
    [old] = extract_file(SAMPLES / "V1 - Soins psychologiques - 01-01-2024-circ OA.xlsx")
    [new] = extract_file(SAMPLES / "V1 - Soins psychologiques - 01-01-2025-circ OA.xlsx")
    part = LanguageReport(
        "fr", Version("2024/356", date(2025, 1, 1), "new.xlsx"),
        Version("2023/412", date(2024, 1, 1), "old.xlsx"), diff_versions(old.rows, new.rows, "fr"),
        new.rows,
    )  # fmt: skip
    write_report(ChangeReport("2024/356", date(2025, 1, 1), [part]), tmp_path)
    return (tmp_path / "changes.md").read_text(encoding="utf-8")


def test_one_row_per_tariff_with_old_and_new(tmp_path: Path) -> None:
    markdown = _sample_report(tmp_path)
    review = markdown.split("### Needs review", 1)[1].split("\n### ", 1)[0]
    [line] = [line for line in review.splitlines() if line.startswith("| 727016 |")]
    cells = [cell.strip() for cell in line.strip("|").split("|")]
    assert cells[3] == "3. MISSIONS DE SOUTIEN - Fonctions 1, 2 et 3"  # its section
    assert cells[5:] == ["80.00 → 89.59", "", "", "", ""]
    assert len(markdown) < 12_000  # was 52,778 bytes for this 75-row circular


def test_html_links_each_row_to_its_source(tmp_path: Path) -> None:
    _sample_report(tmp_path)
    html = (tmp_path / "changes.html").read_text(encoding="utf-8")
    links = re.findall(r'<a class="source" href="([^"]+)" title="([^"]+)">', html)
    assert links and all(href.startswith("V1%20-%20Soins") for href, _ in links)
    assert all("#Feuil1!" in title for _, title in links)


def test_hostile_text_stays_text_in_html_without_a_browser(tmp_path: Path) -> None:
    """What the Chromium test sees, checked with the standard library's HTML parser (which
    runs wherever the suite runs): a description with markup is text, escaped, never a tag."""
    from dataclasses import replace
    from html.parser import HTMLParser

    hostile = "<script>alert('x')</script><img src=x onerror=alert(1)> Soins & \"suivi\""
    [old] = extract_file(SAMPLES / "V1 - Soins psychologiques - 01-01-2024-circ OA.xlsx")
    [new] = extract_file(SAMPLES / "V1 - Soins psychologiques - 01-01-2025-circ OA.xlsx")
    rows = [replace(r, description=hostile) if r.code_amb == "727532" else r for r in new.rows]
    part = LanguageReport(
        "fr", Version("2024/356", date(2025, 1, 1), "new.xlsx"),
        Version("2023/412", date(2024, 1, 1), "old.xlsx"), diff_versions(old.rows, rows, "fr"),
        rows,
    )  # fmt: skip
    write_report(ChangeReport("2024/356", date(2025, 1, 1), [part]), tmp_path)
    page = (tmp_path / "changes.html").read_text(encoding="utf-8")

    class Reader(HTMLParser):
        def __init__(self) -> None:
            super().__init__(convert_charrefs=True)
            self.tags: list[str] = []
            self.cells: list[str] = []

        def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
            self.tags.append(tag)

        def handle_data(self, data: str) -> None:
            self.cells.append(data)

    reader = Reader()
    reader.feed(page)
    assert "script" not in reader.tags and "img" not in reader.tags
    assert hostile in reader.cells  # the whole description, as one piece of text
    assert "&lt;script&gt;alert(&#39;x&#39;)&lt;/script&gt;" in page
    assert "Soins &amp; &#34;suivi&#34;" in page
    markdown = (tmp_path / "changes.md").read_text(encoding="utf-8")
    assert "<script>" not in markdown and "&lt;script&gt;" in markdown
