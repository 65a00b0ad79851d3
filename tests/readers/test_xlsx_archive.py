"""The zip checks before a workbook is inflated, at their boundary and word for word."""

from __future__ import annotations

import re
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
    assert str(raised.value) == (
        "cut.xlsx: not a valid XLSX workbook (damaged zip archive): the file ends before its"
        " zip directory; it was probably cut short"
    )


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


def _zip_with(path: Path, name: str, data: bytes) -> Path:
    with zipfile.ZipFile(path, "w", zipfile.ZIP_DEFLATED) as archive:
        archive.writestr("[Content_Types].xml", "<Types/>")
        archive.writestr(name, data)
    return path


@pytest.mark.parametrize(
    ("name", "head"),
    [
        ("xl/worksheets/sheet1.xml", b'<?xml version="1.0"?>\n<!DOCTYPE lolz [<!ELEMENT a ANY>]>'),
        ("xl/worksheets/sheet1.xml", b'<?xml version="1.0"?>\n<!ENTITY lol "lol">'),
        ("xl/_rels/workbook.xml.rels", b'<!DOCTYPE r [<!ENTITY x SYSTEM "file:///etc/passwd">]>'),
        ("xl/drawings/vmlDrawing1.vml", b'<!DOCTYPE v [<!ENTITY x "x">]>'),
    ],
)
def test_a_dtd_or_an_entity_in_any_xml_part_is_refused(
    name: str, head: bytes, tmp_path: Path
) -> None:
    bomb = _zip_with(tmp_path / "b.xlsx", name, head + b"<a/>")
    with pytest.raises(UnreadableInputError) as raised:
        check_archive(bomb, ReadSettings())
    assert str(raised.value) == (
        f"b.xlsx: part {name} declares a DTD or XML entities: refused as a possible XML bomb"
    )


def test_binary_parts_are_not_read_as_xml(tmp_path: Path) -> None:
    """An embedded image may hold any bytes, '<!DOCTYPE' among them: it is not XML."""
    image = _zip_with(tmp_path / "i.xlsx", "xl/media/image1.png", b"\x89PNG<!DOCTYPE<!ENTITY")
    check_archive(image, ReadSettings())


def _one_part(path: Path, size: int, method: int) -> Path:
    with zipfile.ZipFile(path, "w", method) as archive:
        archive.writestr("xl/media/blob.bin", b"\0" * size)
    return path


def test_a_ratio_at_the_limit_is_read(tmp_path: Path) -> None:
    stored = _one_part(tmp_path / "s.xlsx", 2 * 1024 * 1024, zipfile.ZIP_STORED)  # ratio 1
    check_archive(stored, ReadSettings(max_compression_ratio=1))


def test_only_parts_over_one_mib_are_judged_by_their_ratio(tmp_path: Path) -> None:
    """Zeros deflate about a thousandfold: 1 MiB of them is read, one byte more is refused."""
    check_archive(_one_part(tmp_path / "a.xlsx", 1024 * 1024, zipfile.ZIP_DEFLATED), ReadSettings())
    over = _one_part(tmp_path / "b.xlsx", 1024 * 1024 + 1, zipfile.ZIP_DEFLATED)
    with pytest.raises(LimitExceededError) as raised:
        check_archive(over, ReadSettings())
    assert re.fullmatch(
        r"b\.xlsx: part xl/media/blob\.bin is compressed \d{4} times \(limit 200\):"
        r" refused as a possible zip bomb",
        str(raised.value),
    ), raised.value
