"""Your reading list: tags, notes, saved searches, muting and alerts (headless).

* :mod:`.names`: tag and saved-search names, and where each thing lives in the state;
* :mod:`.model`: :class:`ReadingList` (reads and changes them through the store)
  and its :class:`Snapshot`;
* :mod:`.sets`: :class:`UserSets`, the ids that answer ``tag:``, ``has:``,
  ``note:`` and ``is:muted`` in any evaluator;
* :mod:`.muting`: the ``mute`` saved search as a filter callers apply;
* :mod:`.select`: :class:`Selector`, a query with all of the above over a list of papers;
* :mod:`.alerts`: per saved search, what arrived since the last run;
* :mod:`.counts`: unread and total counts of every list (the sidebar's), kept cheaply.
"""

from .alerts import Alert, Window, alert_window, compute_alerts
from .counts import ListCount, ListCounts
from .model import ReadingList, Snapshot
from .muting import Muting, hide_muted, hide_muted_bits, mute_query, muting_applies, muting_in
from .names import MUTE, BadName, search_name, tag_name
from .select import Selection, Selector
from .sets import UserSets, bitset_states

__all__ = [
    "MUTE",
    "Alert",
    "BadName",
    "ListCount",
    "ListCounts",
    "Muting",
    "ReadingList",
    "Selection",
    "Selector",
    "Snapshot",
    "UserSets",
    "Window",
    "alert_window",
    "bitset_states",
    "compute_alerts",
    "hide_muted",
    "hide_muted_bits",
    "mute_query",
    "muting_applies",
    "muting_in",
    "search_name",
    "tag_name",
]
