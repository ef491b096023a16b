"""Name normalisation and phonetic keys, used for search and for indexing names."""

from __future__ import annotations

import re
import unicodedata

import jellyfish

_NON_LETTERS = re.compile(r"[^a-z\s-]")


def normalise_name(value: str) -> str:
    """Lower case, no accents or punctuation, single spaces: "O'Brien-Smith" → "obrien-smith"."""
    text = unicodedata.normalize("NFKD", value or "").encode("ascii", "ignore").decode()
    text = _NON_LETTERS.sub("", text.lower())
    return re.sub(r"\s+", " ", text).strip()


def phonetic_key(value: str) -> str:
    """Soundex of the first part of a normalised name: tolerant of most misspellings
    (Smith/Smyth/Smiht) while keeping the first letter, which people rarely get wrong."""
    norm = normalise_name(value).replace("-", " ").split(" ")[0] if value else ""
    return jellyfish.soundex(norm) if norm else ""


def similarity(a: str, b: str) -> float:
    """Jaro-Winkler similarity of two normalised names, 0..1."""
    if not a or not b:
        return 0.0
    return jellyfish.jaro_winkler_similarity(a, b)
