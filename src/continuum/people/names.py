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


_ONE_SLIP = 0.9


def similarity(a: str, b: str) -> float:
    """Similarity of two normalised names, 0..1: Jaro-Winkler, except that one typing slip after
    a correct first letter (a letter dropped, doubled or changed, or two letters swapped) scores
    at least 0.9. Jaro-Winkler alone marks short names down hard for one slip (Ada/Aad 0.56,
    Ali/Ail 0.56), which lost them from search."""
    if not a or not b:
        return 0.0
    score = jellyfish.jaro_winkler_similarity(a, b)
    if score >= _ONE_SLIP or a[0] != b[0]:
        return score
    if abs(len(a) - len(b)) <= 1 and jellyfish.damerau_levenshtein_distance(a, b) == 1:
        return _ONE_SLIP
    return score


# First letters that sound alike or are confused at the front of a name (Caitlin/Kaitlyn,
# Jemma/Gemma, Philip/Filip, Sara/Zara, Aimee/Emmy); search also tries these initials.
_ALIKE_INITIALS = ("aeiouy", "ckq", "cs", "sz", "gj", "fp", "vw")


def alike_initials(initial: str) -> set[str]:
    """The first letter itself and the letters people write in its place."""
    out = {initial}
    for group in _ALIKE_INITIALS:
        if initial in group:
            out.update(group)
    return out
