"""What a caller can say about a run: how to read files (ReadSettings, whose limits keep a
hostile or broken file from exhausting memory or time) and what the documents leave unsaid
(Overrides). Options carries both through every verb of the API."""

from __future__ import annotations

import time
from collections.abc import Callable
from dataclasses import dataclass, field
from datetime import date
from pathlib import Path

from extractor.errors import LimitExceededError as LimitExceededError  # for the readers
from extractor.folding import Language

PDF_ENGINES = ("pdfium", "pdfplumber")
XLSX_ENGINES = ("calamine", "openpyxl")


@dataclass(frozen=True)
class ReadSettings:
    """Defaults fit the largest real circulars many times over; raise them on the command line."""

    pdf_engine: str = "pdfium"  # --pdf-engine: pdfium (fast) or pdfplumber (the reference)
    xlsx_engine: str = "calamine"  # --xlsx-engine: calamine (fast) or openpyxl (the reference)

    max_pages: int = 2000  # --max-pages
    max_page_side_cm: float = 200.0  # A0 is 119 cm: a bigger page is not a circular
    max_unzipped_mb: int = 256  # --max-unzipped-mb, the total of an XLSX's parts
    max_compression_ratio: int = 200  # per part; zip bombs reach thousands
    max_zip_entries: int = 10_000
    time_limit_s: float | None = None  # --time-limit, per input file
    parallel_min_pages: int = 24  # a PDF this long is read in two processes (pdfium engine)
    # Told (pages or rows read, of how many) as a file is read: the CLI's progress display.
    on_step: Callable[[int, int | None], None] | None = field(
        default=None, compare=False, repr=False
    )

    def __post_init__(self) -> None:
        if self.pdf_engine not in PDF_ENGINES:
            raise ValueError(
                f"unknown PDF engine {self.pdf_engine!r}; choose one of {', '.join(PDF_ENGINES)}"
            )
        if self.xlsx_engine not in XLSX_ENGINES:
            raise ValueError(
                f"unknown XLSX engine {self.xlsx_engine!r}; choose one of {', '.join(XLSX_ENGINES)}"
            )


@dataclass
class Deadline:
    """A per-file clock checked between pages and rows: cooperative, so no half-state."""

    path: Path
    seconds: float | None
    started: float = field(default_factory=time.monotonic)
    on_step: Callable[[int, int | None], None] | None = None

    def check(self, done: int | None = None, total: int | None = None) -> None:
        """Between pages and rows: `done` of `total` read so far goes to the progress display."""
        if self.on_step is not None and done is not None:
            self.on_step(done, total)
        if self.seconds is not None and time.monotonic() - self.started > self.seconds:
            raise LimitExceededError(
                f"reading took longer than the time limit of {self.seconds:g} s (--time-limit)",
                self.path,
            )


DEFAULT_SETTINGS = ReadSettings()


@dataclass(frozen=True)
class Overrides:
    """What the caller states on the command line wins over what the document says."""

    effective_from: date | None = None
    circular: str | None = None
    language: Language | None = None
    domain: str | None = None  # --domain: the tariff set a circular belongs to
    scope: str | None = None  # --scope full|partial|corrigendum
    corrects: str | None = None  # --corrects CIRCULAR (a corrigendum)
    authoritative: Language | None = None  # --authoritative fr|nl: whose amounts win
    replace: bool = False  # --replace: store a stored file again with other options


# What `extract` and `run` can write besides issues.json (always written: nothing is lost) and
# datapackage.json (written with any CSV, describing each CSV written). Names for --formats.
FORMATS: dict[str, tuple[str, ...]] = {
    "csv": ("tariffs.csv",),
    "json": ("tariffs.json",),
    "valorisations": ("valorisations.json", "valorisations.csv"),
    "fhir": ("chargeitemdefinitions.json",),
    "xlsx": ("tariffs.xlsx",),
}
# The canonical base of our ChargeItemDefinitions' urls: a placeholder under example.org (kept
# for examples by IANA) until a publisher names its own with --fhir-base.
DEFAULT_FHIR_BASE = "https://example.org/fhir/inami-tariffs"


@dataclass(frozen=True)
class ExportSettings:
    """Which exports are written, and the canonical base of the FHIR resources."""

    formats: frozenset[str] = frozenset(FORMATS)
    fhir_base: str = DEFAULT_FHIR_BASE

    def __post_init__(self) -> None:
        unknown = sorted(set(self.formats) - set(FORMATS))
        if unknown:
            raise ValueError(
                f"unknown export format {', '.join(unknown)}; choose among {', '.join(FORMATS)}"
            )
        if not self.fhir_base.startswith(("https://", "http://")) or self.fhir_base.endswith("/"):
            raise ValueError(
                f"--fhir-base must be an http(s) URL without a trailing slash: {self.fhir_base!r}"
            )


@dataclass(frozen=True)
class Options:
    """Everything a verb of the API needs to know besides its inputs, passed through unchanged."""

    overrides: Overrides = field(default_factory=Overrides)
    settings: ReadSettings = DEFAULT_SETTINGS
    exports: ExportSettings = field(default_factory=ExportSettings)
