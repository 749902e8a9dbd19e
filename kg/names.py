"""How names are folded for matching: the same rule when kg derives the name keys
(ckg:nameKey) and when it looks a name up."""

from __future__ import annotations

import re
import unicodedata


def normalise(name: str) -> str:
    """Fold case and diacritics, drop dots, hyphens and a leading "the"."""
    decomposed = unicodedata.normalize("NFKD", name)
    bare = "".join(c for c in decomposed if not unicodedata.combining(c))
    bare = bare.casefold().replace(".", "").replace("\u2019", "'")
    bare = re.sub(r"[-_\s]+", " ", bare).strip()
    return re.sub(r"^the ", "", bare)
