"""Deterministic writers: same rows in, byte-identical files out."""

from __future__ import annotations

import contextlib
import csv
import gc
import glob
import io
import json
import operator
import os
import signal
import tempfile
from collections.abc import Iterable, Iterator, Sequence
from json.encoder import encode_basestring
from pathlib import Path
from typing import TYPE_CHECKING, Any

from extractor.columns import (
    AMOUNT_COLUMNS,
    BY_NAME,
    COLUMNS,
    TEXTS_OF,
    Texts,
    from_text,
    sort_key,
)
from extractor.crosscheck import refuse_tariffs_given_twice
from extractor.errors import UnreadableInputError
from extractor.model import Extraction, Issue, TariffRow
from extractor.settings import ExportSettings

if TYPE_CHECKING:
    from extractor.exports.validity import Validity
    from extractor.report import ChangeReport


def texts_by_column(rows: Sequence[TariffRow]) -> list[Texts]:
    """Each column's export texts (TEXT_OF of each value: amounts as decimal strings, dates
    ISO, no floats anywhere), a column at a time: made once per export and shared by
    tariffs.csv and tariffs.json (a call per column, not one per cell)."""
    return [TEXTS_OF[name](list(map(operator.attrgetter(name), rows))) for name in COLUMNS]


KILL_AT = "INAMI_TARIFFS_KILL_AT"


def _kill_point(moment: str, path: Path) -> None:
    """Crash-test hook: INAMI_TARIFFS_KILL_AT=before-rename:changes.md (or after-rename:...)
    kills this process there with SIGKILL, so tests/test_crash.py kills inside the write
    phase deterministically, not at a random moment."""
    if os.environ.get(KILL_AT) == f"{moment}:{path.name}":
        os.kill(os.getpid(), signal.SIGKILL)


def write_atomic(path: Path, content: str | bytes | Iterable[str]) -> None:
    """Write to a temporary file beside the target, then rename: readers never see half a file.

    A temporary file left by a killed run is removed first (runs on one store are serialised).
    """
    path.parent.mkdir(parents=True, exist_ok=True)
    for stale in path.parent.glob(f".{glob.escape(path.name)}.*.tmp"):
        stale.unlink(missing_ok=True)
    handle, temporary = tempfile.mkstemp(dir=path.parent, prefix=f".{path.name}.", suffix=".tmp")
    try:
        os.chmod(temporary, 0o666 & ~_umask())  # mkstemp makes it 0600; exports are shared
        if isinstance(content, bytes):
            with os.fdopen(handle, "wb") as binary:
                binary.write(content)
                binary.flush()
                _kill_point("before-rename", path)
        else:
            with os.fdopen(handle, "w", encoding="utf-8", newline="") as stream:
                if isinstance(content, str):
                    stream.write(content)
                else:
                    stream.writelines(content)
                stream.flush()
                _kill_point("before-rename", path)
        os.replace(temporary, path)
        _kill_point("after-rename", path)
    except BaseException:
        Path(temporary).unlink(missing_ok=True)
        raise


def _umask() -> int:
    """The process umask (only readable by setting it; set back at once)."""
    mask = os.umask(0o022)
    os.umask(mask)
    return mask


_FORMULA_START = ("=", "+", "-", "@", "\t", "\r")
_FORMULA_FIRST = frozenset(_FORMULA_START)


def spreadsheet_safe(value: str | int | None) -> str | int:
    """A text cell a spreadsheet would run as a formula gets a leading apostrophe (CSV only)."""
    if value is None:
        return ""
    if isinstance(value, str) and value.startswith(_FORMULA_START):
        return "'" + value
    return value


def safe_cells(values: Sequence[Any]) -> Sequence[Any]:
    """spreadsheet_safe over CSV cells (a column, or a line), called cell by cell only when a
    text among them starts with a formula character; otherwise the cells as they are: it
    changes nothing else but None, which the CSV writer writes empty, as spreadsheet_safe's ""."""
    if _FORMULA_FIRST.isdisjoint([value[:1] for value in values if isinstance(value, str)]):
        return values
    return list(map(spreadsheet_safe, values))


def csv_chunks(header: Sequence[str], columns: Sequence[Sequence[Any]]) -> Iterator[str]:
    """A CSV (tariffs.csv, valorisations.csv) from its columns, in chunks of a thousand lines:
    the whole text is never held at once. Each column spreadsheet-safe (safe_cells)."""
    buffer = io.StringIO()
    writer = csv.writer(buffer, lineterminator="\n")
    writer.writerow(header)
    safe = list(map(safe_cells, columns))
    count = len(safe[0]) if safe else 0
    for start in range(0, count, 1000):
        writer.writerows(zip(*[column[start : start + 1000] for column in safe], strict=True))
        yield buffer.getvalue()
        buffer.seek(0)
        buffer.truncate()
    yield buffer.getvalue()


def tariffs_csv(rows: Sequence[TariffRow]) -> str:
    """tariffs.csv as one text (`extract --out -`; write_exports writes it in chunks)."""
    return "".join(csv_chunks(COLUMNS, texts_by_column(rows)))


def _json(data: Any) -> str:
    return json.dumps(data, ensure_ascii=False, indent=2) + "\n"


_encode = json.JSONEncoder(ensure_ascii=False).encode  # one encoder, not one per value


def json_texts(values: list[Any]) -> list[str]:
    """Each value as the JSON encoder writes it (texts by the encoder's own string escaping)."""
    return [
        encode_basestring(value) if type(value) is str else "null" if value is None
        else _encode(value)
        for value in values
    ]  # fmt: skip


# Kinds whose equal values have one JSON text (True == 1 but is written true; 0.0 == 0 ...).
_ONE_TEXT = frozenset({str, int, type(None)})


def json_column(values: list[Any]) -> list[str]:
    """json_texts of a column, each distinct value encoded once where equal values have one
    text (a column repeats its dates, ages, amounts, sections ...)."""
    if not set(map(type, values)) <= _ONE_TEXT:
        return json_texts(values)
    distinct = list(dict.fromkeys(values))
    texts = dict(zip(distinct, json_texts(distinct), strict=True))
    return list(map(texts.__getitem__, values))


# A row of tariffs.json with its values' JSON in place of %s: what encoding the row's
# {column: text} gives (tests/exports hold the two equal).
_ROW_JSON = "{" + ", ".join(f"{_encode(name).replace('%', '%%')}: %s" for name in COLUMNS) + "}"


def tariffs_json(
    extractions: list[Extraction], rows: Sequence[TariffRow], texts: list[Texts] | None = None
) -> Iterator[str]:
    """Chunks of tariffs.json, one row per line: readable in a pull-request diff, and never the
    whole document in memory at once (20,000 rows of text make tens of megabytes per copy).
    Each row is its values' JSON put into _ROW_JSON."""
    circulars = json.dumps([circular_record(e) for e in extractions], ensure_ascii=False, indent=2)
    yield '{\n  "circulars": ' + circulars.replace("\n", "\n  ") + ',\n  "rows": ['
    columns = list(map(json_column, texts_by_column(rows) if texts is None else texts))
    separator = "\n    "
    for start in range(0, len(rows), 1000):
        chunk = [column[start : start + 1000] for column in columns]
        lines = [_ROW_JSON % values for values in zip(*chunk, strict=True)]
        yield separator + ",\n    ".join(lines)
        separator = ",\n    "
    yield "\n  ]\n}\n" if rows else "]\n}\n"


def circular_record(extraction: Extraction) -> dict[str, Any]:
    info = extraction.info
    return {
        "circular": info.circular,
        "language": info.language,
        "effective_from": info.effective_from.isoformat(),
        "issued_on": info.issued_on.isoformat() if info.issued_on else None,
        "subject": info.subject,
        "source_file": info.source_file,
        "reader": info.reader,
        "rows": len(extraction.rows),
        "sections": extraction.sections,
        "flagged": flagged_rows(extraction),
    }


def flagged_rows(extraction: Extraction) -> int:
    """Source lines with at least one issue (an issue with raw cells concerns one line)."""
    return len({issue.location for issue in extraction.issues if issue.raw})


def issues_json(issues: list[Issue]) -> str:
    return _json([issue.as_dict() for issue in issues])


def _tariff_fields() -> tuple[list[dict[str, Any]], list[str]]:
    """tariffs.csv's Table Schema fields and primary key, from the pandera schema."""
    from schemas import TARIFF_TABLE as schema

    fields = []
    for name, column in schema.columns.items():
        metadata = column.metadata or {}
        field: dict[str, Any] = {
            "name": name,
            "type": metadata.get("type", "string"),
            "title": metadata.get("title_fr", name),
            "description": column.description or "",
            "titles": {"fr": metadata.get("title_fr"), "nl": metadata.get("title_nl")},
            "constraints": {"required": BY_NAME[name].required},
        }
        for check in column.checks:
            statistics = check.statistics or {}
            if "min_value" in statistics:
                field["constraints"]["minimum"] = statistics["min_value"]
            if "allowed_values" in statistics:
                field["constraints"]["enum"] = sorted(statistics["allowed_values"])
        if name in AMOUNT_COLUMNS:
            field["constraints"]["minimum"] = 0
            field["bareNumber"] = True
            field["decimalChar"] = "."
        if "code-format" in BY_NAME[name].rules:
            field["constraints"]["pattern"] = "[0-9]{6}"
        fields.append(field)
    return fields, list(schema.unique or [])


def _valorisation_fields() -> list[dict[str, Any]]:
    from extractor.exports.valorisations import FIELDS

    fields = []
    for spec in FIELDS:
        field: dict[str, Any] = {
            "name": spec.name,
            "type": spec.type,
            "title": spec.title_fr,
            "description": spec.description,
            "titles": {"fr": spec.title_fr, "nl": spec.title_nl},
            "constraints": {"required": spec.required},
        }
        if spec.type == "number":
            field["constraints"]["minimum"] = 0
            field["bareNumber"] = True
            field["decimalChar"] = "."
        if spec.name in BY_NAME and "code-format" in BY_NAME[spec.name].rules:
            field["constraints"]["pattern"] = "[0-9]{6}"
        if spec.type == "boolean":
            field["trueValues"] = ["true"]
            field["falseValues"] = ["false"]
        fields.append(field)
    return fields


def _csv_resource(name: str, path: str, schema: dict[str, Any]) -> dict[str, Any]:
    return {
        "name": name,
        "path": path,
        "profile": "tabular-data-resource",
        "format": "csv",
        "mediatype": "text/csv",
        "encoding": "utf-8",
        "dialect": {"delimiter": ",", "lineTerminator": "\n", "header": True},
        "schema": {**schema, "missingValues": [""]},
    }


def datapackage_json(formats: Iterable[str] = ("csv", "valorisations")) -> str:
    """A Frictionless Data Package describing each CSV written: tariffs.csv, whose Table
    Schema is generated from the pandera schema, and valorisations.csv."""
    resources = []
    if "csv" in formats:
        fields, primary_key = _tariff_fields()
        resources.append(
            _csv_resource("tariffs", "tariffs.csv", {"fields": fields, "primaryKey": primary_key})
        )
    if "valorisations" in formats:
        resources.append(
            _csv_resource("valorisations", "valorisations.csv", {"fields": _valorisation_fields()})
        )
    return _json(
        {
            "profile": "tabular-data-package",
            "name": "inami-tariffs",
            "title": "INAMI/RIZIV tariffs",
            "resources": resources,
        }
    )


@contextlib.contextmanager
def _collector_paused() -> Iterator[None]:
    """The exports build hundreds of thousands of containers (lines, records, texts) that make
    no reference cycles; with the cyclic collector on, its passes walk the table again and again
    as they pile up (0.3 s of CPU for a 20,000-row annex). Paused while the exports are built and
    written; the collector's previous state is restored."""
    enabled = gc.isenabled()
    gc.disable()
    try:
        yield
    finally:
        if enabled:
            gc.enable()


@_collector_paused()
def write_exports(
    extractions: list[Extraction],
    out_dir: Path,
    settings: ExportSettings | None = None,
    *,
    report: ChangeReport | None = None,
    validity: Validity | None = None,
    digests: dict[str, str] | None = None,
) -> list[Path]:
    """The exports chosen in settings (default: all), issues.json, and datapackage.json when a
    CSV is written. `validity` (from the store) ends each row; `report` and `digests` (file
    name → SHA-256) fill the workbook's changes and sources sheets."""
    refuse_tariffs_given_twice(extractions)  # before anything is written
    settings = settings or ExportSettings()
    formats = settings.formats
    # Input order must not change a byte: circulars, rows and issues all have a sort order.
    extractions = sorted(
        extractions, key=lambda e: (e.info.effective_from, e.info.language, e.info.source_file)
    )
    rows = sorted((row for e in extractions for row in e.rows), key=sort_key)
    issues = [issue for extraction in extractions for issue in extraction.issues]
    # Built one after the other, each part held only while needed: the workbook first (the
    # most to build, into a few compressed megabytes), then the valorisations (checked before
    # anything is written), then the tables' texts; the writers below own what they read,
    # so each is freed once its files are written.
    workbook = None
    if "xlsx" in formats:
        from extractor.exports.workbook import tariffs_xlsx

        workbook = tariffs_xlsx(extractions, rows, report, digests)
    valorised: dict[str, Iterator[str]] = {}
    if formats & {"valorisations", "fhir"}:
        from extractor.exports import fhir, valorisations
        from extractor.validate import validate_valorisations

        records = valorisations.valorisations(rows, validity)
        columns = valorisations.flat_columns(records)
        validate_valorisations(columns)  # before anything is written
        if "valorisations" in formats:
            valorised["valorisations.json"] = valorisations.valorisations_json(columns)
            valorised["valorisations.csv"] = valorisations.csv_of_columns(columns)
        if "fhir" in formats:
            valorised["chargeitemdefinitions.json"] = fhir.bundle_json(records, settings.fhir_base)
        del records, columns
    outputs: dict[str, str | bytes | Iterator[str]] = {}
    if formats & {"csv", "json"}:
        texts = texts_by_column(rows)
        if "csv" in formats:
            outputs["tariffs.csv"] = csv_chunks(COLUMNS, texts)
        if "json" in formats:
            outputs["tariffs.json"] = tariffs_json(extractions, rows, texts)
        del texts
    outputs.update(valorised)
    del valorised
    if workbook is not None:
        outputs["tariffs.xlsx"] = workbook
    if formats & {"csv", "valorisations"}:
        outputs["datapackage.json"] = datapackage_json(formats)
    outputs["issues.json"] = issues_json(issues)
    written = []
    while outputs:  # each writer dropped once written, and what it alone held with it
        name = next(iter(outputs))
        write_atomic(out_dir / name, outputs.pop(name))
        written.append(out_dir / name)
    return written


def read_tariffs_csv(path: Path) -> list[TariffRow]:
    """Read back a tariffs.csv this tool wrote (for `diff` against an earlier export)."""
    from extractor.errors import UnreadableInputError

    try:
        with path.open(encoding="utf-8", newline="") as stream:
            reader = csv.reader(stream)
            if tuple(next(reader, ())) != COLUMNS:
                raise UnreadableInputError(
                    "not a tariffs.csv written by inami-tariffs (other columns)", path
                )
            records = list(reader)
    except (OSError, UnicodeDecodeError, csv.Error) as error:
        raise UnreadableInputError(f"cannot be read as tariffs.csv ({error})", path) from None

    def value(name: str, text: str) -> Any:
        unsafe = text.startswith("'") and text[1:].startswith(_FORMULA_START)
        return from_text(name, text[1:] if unsafe else text)

    try:
        return [
            TariffRow(**{name: value(name, text) for name, text in zip(COLUMNS, r, strict=True)})
            for r in records
        ]
    except (ValueError, ArithmeticError) as error:
        raise UnreadableInputError(f"a value in tariffs.csv is not valid ({error})", path) from None


def is_tariffs_csv(path: Path, *, refuse_other_csv: bool = False) -> bool:
    """Whether the file is a tariffs.csv export; `refuse_other_csv`: a `.csv` that is not one
    is refused as such (else it would be told it is not a PDF or a workbook)."""
    try:
        with path.open("rb") as stream:
            first = stream.readline().decode("utf-8", "replace").strip()
    except OSError:
        return False
    if first != ",".join(COLUMNS) and refuse_other_csv and path.suffix.lower() == ".csv":
        raise UnreadableInputError(
            "a CSV file, but not a tariffs.csv export (its first line is not our header)", path
        )
    return first == ",".join(COLUMNS)
