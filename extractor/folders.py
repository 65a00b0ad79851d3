"""Where a run writes: one report folder per circular, named so that it is safe anywhere."""

from __future__ import annotations

import re
from datetime import date
from pathlib import Path

from extractor.model import Extraction


def report_folder(effective: date, number: str, members: list[Extraction]) -> str:
    """<effective_from>_<circular with / as ->, reduced to characters safe in any file system.

    Without a number (XLSX annexes), <effective_from>_0_<file name>: the 0 sorts before every
    circular number, so that `ls | sort | tail -1` still picks the newest numbered circular
    of a date, as the README's workflow does.
    """
    return folder_name(effective, number, members[0].info.source_files[0])


def folder_name(effective: date, number: str, source_file: str) -> str:
    """The report folder of a circular, from its first source file when it has no number."""
    label = number or Path(source_file).stem
    safe = re.sub(r"[^A-Za-z0-9._-]+", "-", label.replace("/", "-")).strip(".-") or "circular"
    return f"{effective.isoformat()}_{'' if number else '0_'}{safe[:80]}"
