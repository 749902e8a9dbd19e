"""How names are folded for matching: the same rule when kg derives the name keys
(ckg:nameKey) and when it looks a name up."""

from __future__ import annotations

import functools
import re
import unicodedata


@functools.lru_cache(maxsize=1 << 16)
def normalise(name: str) -> str:
    """Fold case and diacritics, drop dots, hyphens and a leading "the". (Kept for the
    names asked again: an import of ATOP's 136,648 rows folds the same 217 names in every
    row, 7 s of its time.)"""
    decomposed = unicodedata.normalize("NFKD", name)
    bare = "".join(c for c in decomposed if not unicodedata.combining(c))
    bare = bare.casefold().replace(".", "").replace("\u2019", "'")
    bare = re.sub(r"[-_\s]+", " ", bare).strip()
    return re.sub(r"^the ", "", bare)
