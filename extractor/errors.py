"""The one exception hierarchy: every failure a user can see is an ExtractorError."""

from __future__ import annotations

from pathlib import Path


class ExtractorError(Exception):
    """Cannot proceed. The message is one line a user can act on; the CLI prints it as is."""

    exit_code = 2

    def __init__(
        self, message: str, path: Path | str | None = None, *, option: str | None = None
    ) -> None:
        self.path = Path(path) if path is not None else None
        self.reason = message
        # The command-line option that supplies what is missing ("--age N"): the library's
        # message stays in the caller's terms; only the CLI names the option.
        self.option = option
        super().__init__(f"{self.path.name}: {message}" if self.path is not None else message)


class UnreadableInputError(ExtractorError):
    """The file cannot be opened or decoded: missing, not the format it claims, damaged."""


class EncryptedInputError(ExtractorError):
    """The document is password protected."""


class ScannedInputError(ExtractorError):
    """The document has no text layer; we do not OCR."""


class NoTariffTableError(ExtractorError):
    """The document opens but holds no tariff table."""


class MissingMetadataError(ExtractorError):
    """A fact every row needs (the effective date) is nowhere to be found."""


class UsageError(ExtractorError):
    """The caller asked for something inconsistent."""


class LimitExceededError(ExtractorError):
    """The input is larger, deeper or slower than the configured limits allow."""


class StoreError(ExtractorError):
    """The store cannot be used as asked: wrong schema version, locked, conflicting data."""


class LookupFailedError(ExtractorError):
    """The store holds no single answer to the question asked; the message says why."""

    exit_code = 1


# Internal signals: raised and caught where a cell is read, and turned there into an issue
# (rule, place, raw cells); never seen by a user, so not ExtractorErrors.


class ValueParseError(ValueError):
    """A cell does not hold the kind of value its column needs."""


class KeyLetterError(ValueError):
    """Key-letter cells that do not make terms (a letter, a coefficient, a value each)."""
