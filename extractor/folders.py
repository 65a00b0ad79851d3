"""Where a run writes: one report folder per circular, named so that it is safe anywhere."""

from __future__ import annotations

import re
from datetime import date
from pathlib import Path

from extractor.model import Extraction


def report_folder(effective: date, number: str, members: list[Extraction]) -> str:
    """<effective_from>_<circular with / as ->, reduced to characters safe in any file system."""
    label = number or Path(members[0].info.source_files[0]).stem
    safe = re.sub(r"[^A-Za-z0-9._-]+", "-", label.replace("/", "-")).strip(".-") or "circular"
    return f"{effective.isoformat()}_{safe[:80]}"
