"""Mutated circulars: every outcome is a correct table, flagged rows, or our error. Nothing else.

Every outcome is judged: exactly the intact file's rows, or each missing or different row covered
by an error issue, or our one-line error (exit 2). Bounded for CI: ITERATIONS mutated files per
format and engine; FUZZ_ITERATIONS=500 (and FUZZ_SEED) for a longer run on demand.
"""

from __future__ import annotations

import io
import os
import random
import zipfile
from collections.abc import Callable
from dataclasses import replace
from decimal import Decimal
from pathlib import Path

import pytest

from extractor.api import extract_file
from extractor.columns import COLUMNS
from extractor.diff import row_key
from extractor.errors import ExtractorError
from extractor.model import Extraction, Issue, TariffRow
from extractor.settings import Options, Overrides, ReadSettings
from tests.conftest import SAMPLES

ITERATIONS = int(os.environ.get("FUZZ_ITERATIONS", "12"))
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


def _content(row: TariffRow) -> tuple[object, ...]:
    """Everything a row says except where it was read (the mutated file has another name)."""
    return tuple(getattr(row, name) for name in COLUMNS if name != "source")


def _judge(
    truth: dict[tuple[object, ...], tuple[object, ...]], extractions: list[Extraction]
) -> str:
    """ "intact", "flagged", or a sentence saying what went wrong.

    Intact: exactly the intact file's rows. Flagged: each row that is missing or different is
    covered by an error issue naming its code. Anything else is a silent wrong answer.
    """
    kept = {row_key(row): _content(row) for e in extractions for row in e.rows}
    flagged = {issue.code for e in extractions for issue in e.issues if issue.severity == "error"}
    invented = [key for key in kept if key not in truth]
    if invented:
        return f"rows the intact file does not have: {invented[:3]}"
    damaged = [key for key, content in truth.items() if kept.get(key) != content]
    uncovered = [key for key in damaged if key[0] not in flagged]
    if uncovered:
        return f"{len(uncovered)} rows missing or different without an error issue: {uncovered[:3]}"
    return "flagged" if damaged else "intact"


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
    truth = {row_key(row): _content(row) for row in reference.rows}
    assert len(truth) == len(reference.rows) > 50
    rng = random.Random(SEED)
    wrong = []
    for iteration in range(ITERATIONS):
        mutation = mutations[iteration % len(mutations)]
        path = tmp_path / f"{iteration}{source.suffix}"
        path.write_bytes(mutation(source.read_bytes(), rng))
        try:
            extractions = extract_file(
                path, Options(Overrides(effective_from=reference.info.effective_from), settings)
            )
        except ExtractorError as error:  # exit 2: one line naming the file and the cause
            message = str(error)
            if not message.startswith(f"{path.name}: ") or "\n" in message:
                wrong.append(f"{iteration} {mutation.__name__}: message {message!r}")
            continue
        verdict = _judge(truth, extractions)
        if verdict not in {"intact", "flagged"}:
            wrong.append(f"{iteration} {mutation.__name__}: {verdict}")
    assert not wrong, "\n".join(wrong)


def test_the_judge_refuses_lost_and_changed_rows() -> None:
    """The fuzz test's own judge can fail: fewer rows, another amount, an invented row."""
    [reference] = extract_file(TARGETS["xlsx"][0])
    truth = {row_key(row): _content(row) for row in reference.rows}
    assert _judge(truth, [reference]) == "intact"
    fewer = Extraction(reference.info, reference.rows[1:], reference.issues)
    assert "1 rows missing or different" in _judge(truth, [fewer])
    first = reference.rows[0]
    changed = replace(first, fee=first.fee + 1 if first.fee is not None else Decimal(1))
    other = Extraction(reference.info, [changed, *reference.rows[1:]], [])
    assert "without an error issue" in _judge(truth, [other])
    issue = Issue("error", "amount-unparseable", "x", first.source, ("x",), first.code_amb)
    flagged = Extraction(reference.info, reference.rows[1:], [issue])
    assert _judge(truth, [flagged]) == "flagged"
    warned = Extraction(reference.info, reference.rows[1:], [replace(issue, severity="warning")])
    assert "without an error issue" in _judge(truth, [warned])
    invented = replace(first, code_amb="999995")
    more = Extraction(reference.info, [*reference.rows, invented], [])
    assert "rows the intact file does not have" in _judge(truth, [more])
