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
    corrigendum = any(member.info.scope == "corrigendum" for member in members)
    return folder_name(effective, number, members[0].info.source_files[0], corrigendum)


def folder_name(effective: date, number: str, source_file: str, corrigendum: bool = False) -> str:
    """The report folder of a circular, from its first source file when it has no number.

    A corrigendum carries its circular's number and date: `_corrigendum` after the number keeps
    it out of the circular's folder (and sorts it after, as it is newer).
    """
    label = number or Path(source_file).stem
    safe = re.sub(r"[^A-Za-z0-9._-]+", "-", label.replace("/", "-")).strip(".-") or "circular"
    suffix = "_corrigendum" if corrigendum and number else ""
    return f"{effective.isoformat()}_{'' if number else '0_'}{safe[:80]}{suffix}"
