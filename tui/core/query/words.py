"""What a word is, and what it means for a needle to match text (word-prefix semantics).

The index and every check against text share these definitions:

* Text is folded first (:func:`tui.core.textfold.fold`: lower case, no accents).
* A *word* is a maximal run of letters and digits (``str.isalnum``) of the
  folded text; everything else separates words (``vision-language`` is two
  words, ``resnet50`` one).
* A needle matches a text when the folded text contains the needle at a
  *word start*: the beginning of the text or a position not preceded by a
  letter or digit. ``transf`` matches "Transformers", ``net`` matches
  "network" but not "ResNet", ``"neural field"`` matches "neural fields".
"""

from __future__ import annotations

import re
from functools import lru_cache

from ..textfold import fold

#: Letters and digits, without the underscore that ``\\w`` also allows.
_WORD_RE = re.compile(r"[^\W_]+")


def words(folded: str) -> list[str]:
    """The words of already folded text, in order (repeats kept)."""
    return _WORD_RE.findall(folded)


def is_single_word(needle: str) -> bool:
    """True when ``needle`` (folded) is one word: the index answers it without reading text."""
    return bool(needle) and needle.isalnum()


@lru_cache(maxsize=256)
def needle_pattern(needle: str) -> re.Pattern[str]:
    """The regex finding ``needle`` at a word start of folded text."""
    return re.compile(r"(?<![^\W_])" + re.escape(needle))


def needle_parts(needle: str) -> list[tuple[str, bool]]:
    """The index lookups that every match of ``needle`` implies: ``(word, is_prefix)``.

    A word of the needle followed by another character of the needle must be
    a whole word of the text; the needle's last word, when the needle ends
    with it, need only start a word of the text.
    """
    parts: list[tuple[str, bool]] = []
    for match in _WORD_RE.finditer(needle):
        parts.append((match.group(), match.end() == len(needle)))
    return parts


def text_matches(text: str, needle: str) -> bool:
    """Does ``text`` (raw, folded here) contain ``needle`` (folded) at a word start?"""
    return needle_pattern(needle).search(fold(text)) is not None
