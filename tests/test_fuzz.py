"""Mutated circulars: every outcome is a correct table, flagged rows, or our error. Nothing else.

Bounded for CI; FUZZ_ITERATIONS=500 (and FUZZ_SEED) for a longer run on demand.
"""

from __future__ import annotations

import io
import os
import random
import zipfile
from collections.abc import Callable
from dataclasses import replace
from pathlib import Path

import pytest

from extractor.api import extract_file
from extractor.diff import row_key
from extractor.errors import ExtractorError
from extractor.model import AMOUNT_COLUMNS
from extractor.settings import Options, Overrides, ReadSettings
from tests.conftest import SAMPLES

ITERATIONS = int(os.environ.get("FUZZ_ITERATIONS", "24"))
SEED = int(os.environ.get("FUZZ_SEED", "2025"))
Mutation = Callable[[bytes, random.Random], bytes]


def truncate(data: bytes, rng: random.Random) -> bytes:
    return data[: rng.randrange(1, len(data))]


def flip_bytes(data: bytes, rng: random.Random) -> bytes:
    mutated = bytearray(data)
    for _ in range(rng.randint(1, 12)):
        mutated[rng.randrange(len(mutated))] ^= 1 << rng.randrange(8)
    return bytes(mutated)


def shuffle_zip_entries(data: bytes, rng: random.Random) -> bytes:
    with zipfile.ZipFile(io.BytesIO(data)) as archive:
        parts = [(name, archive.read(name)) for name in archive.namelist()]
    rng.shuffle(parts)
    return _zip(parts)


def drop_zip_entry(data: bytes, rng: random.Random) -> bytes:
    with zipfile.ZipFile(io.BytesIO(data)) as archive:
        parts = [(name, archive.read(name)) for name in archive.namelist()]
    parts.pop(rng.randrange(len(parts)))
    return _zip(parts)


def drop_pages(data: bytes, rng: random.Random) -> bytes:
    import pypdfium2

    document = pypdfium2.PdfDocument(data)
    for _ in range(rng.randint(1, len(document) - 1)):
        document.del_page(rng.randrange(len(document)))
    buffer = io.BytesIO()
    document.save(buffer)
    return buffer.getvalue()


def _zip(parts: list[tuple[str, bytes]]) -> bytes:
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w", zipfile.ZIP_DEFLATED) as archive:
        for name, content in parts:
            archive.writestr(name, content)
    return buffer.getvalue()


TARGETS: dict[str, tuple[Path, list[Mutation]]] = {
    "xlsx": (
        SAMPLES / "V1 - Soins psychologiques - 01-01-2025-circ OA.xlsx",
        [truncate, flip_bytes, shuffle_zip_entries, drop_zip_entry],
    ),
    "pdf": (SAMPLES / "Circulaire OA 2024-356.pdf", [truncate, flip_bytes, drop_pages]),
}


@pytest.mark.parametrize(
    ("kind", "engine"),
    [
        ("xlsx", "calamine"),
        ("xlsx", "openpyxl"),
        ("pdf", "pdfium"),
        ("pdf", "pdfium-two-processes"),
        ("pdf", "pdfplumber"),
    ],
)
def test_mutations_give_a_true_table_or_our_error(kind: str, engine: str, tmp_path: Path) -> None:
    source, mutations = TARGETS[kind]
    settings = ReadSettings(**{f"{kind}_engine": engine.removesuffix("-two-processes")})
    if engine.endswith("-two-processes"):
        settings = replace(settings, parallel_min_pages=1)
    [reference] = extract_file(source, Options(settings=settings))
    truth = {row_key(row): tuple(getattr(row, n) for n in AMOUNT_COLUMNS) for row in reference.rows}
    rng = random.Random(SEED)
    outcomes: dict[str, int] = {}
    for iteration in range(ITERATIONS // 2):
        mutation = mutations[iteration % len(mutations)]
        path = tmp_path / f"{iteration}{source.suffix}"
        path.write_bytes(mutation(source.read_bytes(), rng))
        try:
            extractions = extract_file(
                path, Options(Overrides(effective_from=reference.info.effective_from), settings)
            )
        except ExtractorError as error:
            assert str(error).startswith(path.name) and "\n" not in str(error)
            outcomes["error"] = outcomes.get("error", 0) + 1
            continue
        for extraction in extractions:
            for row in extraction.rows:
                # Nothing invented: a row we keep says exactly what the intact file says.
                assert truth.get(row_key(row)) == tuple(getattr(row, n) for n in AMOUNT_COLUMNS), (
                    mutation.__name__,
                    row,
                )
        outcomes["table"] = outcomes.get("table", 0) + 1
    assert sum(outcomes.values()) == ITERATIONS // 2
