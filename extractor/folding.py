"""Text folding and the two languages: all that the store, lookup and the command line need of
extractor/vocabulary.py, whose forty patterns they would otherwise compile at every start."""

from __future__ import annotations

import functools
import unicodedata
from typing import Literal

Language = Literal["fr", "nl"]


@functools.lru_cache(maxsize=8192)
def fold(text: str) -> str:
    """Lower-case, strip accents, unify apostrophes and dashes, collapse white space."""
    if not text.isascii():
        decomposed = unicodedata.normalize("NFKD", text)
        text = "".join(ch for ch in decomposed if not unicodedata.combining(ch))
    unified = text.replace("’", "'").replace("`", "'").translate(_DASHES)
    return " ".join(unified.casefold().split())


_DASHES = str.maketrans({"–": "-", "—": "-", "‐": "-", "‑": "-", "−": "-"})
