"""The zip checks before a workbook is inflated, at their boundary and word for word."""

from __future__ import annotations

import zipfile
from pathlib import Path

import pytest

from extractor.errors import LimitExceededError, UnreadableInputError
from extractor.readers.xlsx import check_archive
from extractor.settings import ReadSettings
from tests.conftest import SAMPLES

WORKBOOK = SAMPLES / "V1 - Soins psychologiques - 01-01-2025-circ OA.xlsx"


def test_part_count_at_the_limit_is_read_and_one_over_is_refused() -> None:
    parts = len(zipfile.ZipFile(WORKBOOK).infolist())
    check_archive(WORKBOOK, ReadSettings(max_zip_entries=parts))
    with pytest.raises(LimitExceededError) as raised:
        check_archive(WORKBOOK, ReadSettings(max_zip_entries=parts - 1))
    assert (
        str(raised.value) == f"{WORKBOOK.name}: the workbook has {parts} parts (limit {parts - 1})"
    )


def test_a_damaged_zip_is_named_with_its_cause(tmp_path: Path) -> None:
    cut = tmp_path / "cut.xlsx"
    cut.write_bytes(WORKBOOK.read_bytes()[:-100])
    with pytest.raises(UnreadableInputError) as raised:
        check_archive(cut, ReadSettings())
    assert str(raised.value) == "cut.xlsx: not a valid XLSX workbook (damaged zip archive)"


def _zip_of(path: Path, size: int) -> Path:
    """A zip whose parts unpack to `size` bytes in all (stored, so no ratio to check)."""
    with zipfile.ZipFile(path, "w", zipfile.ZIP_STORED) as archive:
        archive.writestr("[Content_Types].xml", "<Types/>")
        archive.writestr("xl/media/blob.bin", b"\0" * (size - len("<Types/>")))
    return path


def test_unpacked_size_at_the_limit_is_read_and_one_byte_over_is_refused(tmp_path: Path) -> None:
    check_archive(_zip_of(tmp_path / "at.xlsx", 1024 * 1024), ReadSettings(max_unzipped_mb=1))
    over = _zip_of(tmp_path / "over.xlsx", 1024 * 1024 + 1)
    with pytest.raises(LimitExceededError) as raised:
        check_archive(over, ReadSettings(max_unzipped_mb=1))
    assert str(raised.value) == (
        "over.xlsx: the workbook unpacks to 1 MB (limit 1 MB, --max-unzipped-mb):"
        " refused as a possible zip bomb"
    )
