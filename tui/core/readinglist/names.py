"""Names in the reading list: tags and saved searches, and where each lives in the state.

A tag or a saved search name is one word the query language can carry
(``tag:to-read``, ``@mine``): letters (with their combining marks), digits and
``_ . + / & -``, starting with a letter, a digit or ``_``, at most 64
characters. Names are case-insensitive: they are kept as the query language
folds them, NFC then case-folded (``ML`` is ``ml``; ``İstanbul`` is
``i̇stanbul``, an ``i`` and a combining dot, which ``tag:İstanbul`` finds). A
name cannot start with ``-``: in the dialog ``-name`` takes a tag off.

The state keeps (see :mod:`tui.core.store.state`):

* a tag as a field ``tag:<name>`` of each paper's key (true: tagged), so two
  devices tagging the same paper differently both keep theirs;
* a note as the field ``note`` of the paper's key ("" : none);
* a saved search as the field ``query`` of the key ``search:<name>``
  ("" : removed); the one named ``mute`` hides its matches everywhere;
* the alerts' last run as the field ``mark`` of the key ``alerts:<device>``.
"""

from __future__ import annotations

import re
import unicodedata

TAG_PREFIX = "tag:"
NOTE_FIELD = "note"
QUERY_FIELD = "query"
SEARCH_PREFIX = "search:"
ALERTS_PREFIX = "alerts:"
ALERTS_FIELD = "mark"
#: The saved search whose matches are hidden everywhere (unless a query says ``is:muted``).
MUTE = "mute"

MAX_NAME = 64
#: A note longer than this is refused (it is one line of the state file, read at every start).
MAX_NOTE = 100_000

_NAME_RE = re.compile(r"[^\W][\w.+/&-]*")
#: Combining marks: letters of many scripts carry them (Devanagari vowel signs), and
#: folding makes some (``İ`` folds to ``i`` + U+0307); ``\w`` does not match them.
_MARKS = frozenset(("Mn", "Mc", "Me"))


def _is_word(name: str) -> bool:
    """One word of the query language: :data:`_NAME_RE`, combining marks allowed after the first letter."""
    if _NAME_RE.fullmatch(name):
        return True
    bare = "".join(c for c in name[1:] if unicodedata.category(c) not in _MARKS)
    return bool(_NAME_RE.fullmatch(name[:1] + bare))


class BadName(ValueError):
    """A tag or saved-search name the query language could not carry; the message says why."""


def _shown(text: str) -> str:
    """A name as a message shows it: quoted, a long one cut (its length said)."""
    if len(text) <= 40:
        return repr(text)
    return f"{text[:32]!r}… ({len(text):,} characters)"


def _name(text: str, what: str) -> str:
    name = unicodedata.normalize("NFC", text.strip()).casefold()
    if not name:
        raise BadName(f"a {what} name cannot be empty")
    if len(name) > MAX_NAME:
        raise BadName(f"{what} name {_shown(text)} is longer than {MAX_NAME} characters")
    if not _is_word(name):
        raise BadName(
            f"{what} name {_shown(text)} must be one word of letters, digits and _ . + / & - "
            "(starting with a letter, a digit or _)"
        )
    return name


def tag_name(text: str) -> str:
    """``text`` as a tag name (lower case); raises :class:`BadName`."""
    return _name(text, "tag")


def search_name(text: str) -> str:
    """``text`` as a saved-search name (lower case); raises :class:`BadName`."""
    return _name(text, "saved search")


def is_name(text: str) -> bool:
    """Whether ``text`` is already a valid name as kept (folded, NFC)."""
    return _is_word(text) and len(text) <= MAX_NAME and text == unicodedata.normalize(
        "NFC", text
    ).casefold()


def tag_field(name: str) -> str:
    """The state field of tag ``name``."""
    return TAG_PREFIX + name


def search_key(name: str) -> str:
    """The state key of the saved search ``name``."""
    return SEARCH_PREFIX + name


def alerts_key(device: str) -> str:
    """The state key of the alerts' last run on ``device``."""
    return ALERTS_PREFIX + device


def check_note(text: str) -> str:
    """A note as kept: line ends made ``\\n``, trailing white space dropped; raises ValueError
    when it is too long."""
    note = text.replace("\r\n", "\n").replace("\r", "\n").rstrip()
    if len(note) > MAX_NOTE:
        raise ValueError(f"a note is at most {MAX_NOTE:,} characters (this one has {len(note):,})")
    return note
