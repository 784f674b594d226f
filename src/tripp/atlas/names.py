"""Name matching: case-, accent- and script-insensitive keys and "did you mean …?" hints."""

from __future__ import annotations

import difflib
import unicodedata
from collections.abc import Iterable

# Letters that Unicode decomposition leaves alone but users type without the mark.
_EXTRA_FOLDS = str.maketrans({"ı": "i", "ə": "a", "ø": "o", "ß": "ss", "ł": "l", "đ": "d"})


def name_key(text: str) -> str:
    """Fold ``text`` to a comparison key: lower case, no accents, no punctuation or spaces.

    >>> name_key("Naxçıvan") == name_key("naxcivan")
    True
    """
    folded = text.casefold().translate(_EXTRA_FOLDS)
    decomposed = unicodedata.normalize("NFKD", folded)
    return "".join(ch for ch in decomposed if ch.isalnum() and not unicodedata.combining(ch))


def did_you_mean(word: str, candidates: Iterable[str], *, limit: int = 3) -> list[str]:
    """Return up to ``limit`` candidates that look like ``word`` (closest first)."""
    by_key: dict[str, str] = {}
    for candidate in candidates:
        by_key.setdefault(name_key(candidate), candidate)
    keys = difflib.get_close_matches(name_key(word), list(by_key), n=limit, cutoff=0.6)
    return [by_key[key] for key in keys]


def hint(
    word: str,
    candidates: Iterable[str],
    otherwise: str = "use an id or name listed by `tripp nodes`",
) -> str:
    """A fix text: ``did you mean 'X'?`` where a candidate looks like ``word``, else
    ``otherwise``."""
    matches = did_you_mean(word, candidates)
    if matches:
        return "did you mean " + " or ".join(f"'{m}'" for m in matches) + "?"
    return otherwise
