"""changes.html in a real headless Chromium: the summary is visible, hostile text stays text."""

from __future__ import annotations

import itertools
import shutil
from dataclasses import replace
from datetime import date
from pathlib import Path
from typing import Any

import pytest

from extractor.api import extract_file, write_report
from extractor.diff import diff_versions
from extractor.report import ChangeReport, LanguageReport, Version
from tests.conftest import SAMPLES

CHROMIUM = shutil.which("chromium") or "/usr/bin/chromium"
DRIVER = shutil.which("chromedriver") or "/usr/bin/chromedriver"
pytestmark = pytest.mark.skipif(
    not (Path(CHROMIUM).exists() and Path(DRIVER).exists()),
    reason="Debian's chromium and chromium-driver are not installed (make test installs them as root)",
)


@pytest.fixture
def browser() -> Any:
    webdriver = pytest.importorskip("selenium.webdriver")
    from selenium.webdriver.chrome.service import Service

    options = webdriver.ChromeOptions()
    options.binary_location = CHROMIUM
    for flag in ("--headless=new", "--no-sandbox", "--disable-gpu", "--disable-dev-shm-usage",
                 "--disable-background-networking", "--disable-component-update", "--disable-sync",
                 "--no-first-run"):  # fmt: skip
        options.add_argument(flag)
    driver = webdriver.Chrome(service=Service(DRIVER), options=options)
    yield driver
    driver.quit()


def _report(tmp_path: Path, description: str) -> Path:
    [old] = extract_file(SAMPLES / "V1 - Soins psychologiques - 01-01-2024-circ OA.xlsx")
    [new] = extract_file(SAMPLES / "V1 - Soins psychologiques - 01-01-2025-circ OA.xlsx")
    new_rows = [
        replace(row, description=description) if row.code_amb == "727532" else row
        for row in new.rows
    ]
    part = LanguageReport(
        "fr", Version("2024/356", date(2025, 1, 1), "new.xlsx"), Version("2023/412", date(2024, 1, 1), "old.xlsx"),
        diff_versions(old.rows, new_rows, "fr"), new_rows,
    )  # fmt: skip
    write_report(ChangeReport("2024/356", date(2025, 1, 1), [part]), tmp_path)
    return tmp_path / "changes.html"


def test_summary_is_visible_and_script_is_text(browser: Any, tmp_path: Path) -> None:
    from selenium.webdriver.common.by import By

    hostile = "<script>document.title='pwned'</script><img src=x onerror=alert(1)>"
    browser.get(_report(tmp_path, hostile).as_uri())
    summary = browser.find_element(By.ID, "summary")
    assert summary.is_displayed()
    assert "amounts changed" in summary.text and "+3.34 %" in summary.text
    assert browser.title == "Tariff changes: circular 2024/356, effective 2025-01-01"
    assert hostile in browser.find_element(By.TAG_NAME, "body").text
    assert browser.find_elements(By.CSS_SELECTOR, "body script, td img") == []
    assert browser.find_element(By.CSS_SELECTOR, "svg rect").is_displayed()
    # The chart's labels stand side by side, none over another (finding 12).
    labels = [e.rect for e in browser.find_elements(By.CSS_SELECTOR, 'svg text[y="138"]')]
    assert len(labels) >= 2
    for left, right in itertools.pairwise(labels):
        assert left["x"] + left["width"] < right["x"]
    # Each change links to its place in the source (the report's full detail).
    link = browser.find_element(By.CSS_SELECTOR, "table.review a.source")
    assert link.is_displayed() and link.text.startswith("Feuil1!A")
    assert link.get_attribute("href").endswith(
        "/V1%20-%20Soins%20psychologiques%20-%2001-01-2025-circ%20OA.xlsx"
    )
