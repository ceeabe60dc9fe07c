"""Issue 14's sync promise as a property, against an oracle of its own.

Random acts on 2-3 devices; their state files reach one home in a random order,
each possibly stale (an older copy), cut short at any byte (a copy still
arriving) or stamped with an older schema. After every arrival, and in a fresh
store at the end, the state is exactly "per paper and field the newest change
among the lines the files hold"; a cut or an older file is said, naming it; the
other devices always load. (Files exchanged both ways, compacted and replaced in
place: test_state_sync.py.)
"""

from __future__ import annotations

import tempfile
from datetime import datetime, timedelta, timezone
from pathlib import Path
from unittest import mock

import orjson
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

import tui.core.store.stamps as stamps
from tui.core.store import Store

KEYS = [f"2611.{n:05d}" for n in range(4)]
FIELDS = ["starred", "read", "tag:ml"]
ACT = st.tuples(st.integers(0, 2), st.sampled_from(KEYS), st.sampled_from(FIELDS), st.booleans())
DAMAGE = st.sampled_from(["whole", "stale", "cut", "older schema"])


class _Clock:
    """Stamps a millisecond apart: no two acts share one, so "newest" is never a tie."""

    def __init__(self) -> None:
        self.moment = datetime(2026, 11, 1, tzinfo=timezone.utc)

    def __call__(self) -> str:
        self.moment += timedelta(milliseconds=1)
        return self.moment.strftime(stamps.STAMP_FORMAT)


def lines_held(data: bytes) -> list[list]:
    """The changes a state file's bytes hold: its whole lines after the header."""
    whole = data[: data.rfind(b"\n") + 1].splitlines()
    return [orjson.loads(line) for line in whole[1:]]


def newest(files: dict[str, bytes]) -> dict[str, set[str]]:
    """The oracle: per field, the keys whose newest change among all files is True."""
    best: dict[tuple[str, str], tuple[str, bool]] = {}
    for data in files.values():
        for key, field, value, stamp in lines_held(data):
            if (key, field) not in best or stamp > best[(key, field)][0]:
                best[(key, field)] = (stamp, value)
    return {field: {key for (key, f), (_, value) in best.items() if f == field and value} for field in FIELDS}


def on(store: Store) -> dict[str, set[str]]:
    return {field: {key for key, value in store.state_values(field).items() if value} for field in FIELDS}


@settings(max_examples=80, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(devices=st.integers(2, 3), acts=st.lists(ACT, min_size=1, max_size=14),
       damage=st.lists(DAMAGE, min_size=3, max_size=3), cuts=st.lists(st.floats(0, 1), min_size=3, max_size=3),
       order=st.permutations([0, 1, 2]), data=st.data())
def test_files_merged_in_any_order_give_the_newest_change_and_damage_is_said(
        devices, acts, damage, cuts, order, data) -> None:
    with tempfile.TemporaryDirectory() as tmp, mock.patch.object(stamps, "stamp_now", _Clock()):
        root = Path(tmp)
        stores = [Store(root / f"home{n}", device=f"d{n}") for n in range(devices)]
        history: list[list[bytes]] = [[] for _ in range(devices)]
        for device, key, field, value in acts:
            store = stores[device % devices]
            store.change_state([(key, field, value)])
            history[device % devices].append(store.state_path.read_bytes())
        reader = Store(root / "reader", device="reader")
        (root / "reader" / "state").mkdir(exist_ok=True)
        delivered: dict[str, bytes] = {}
        for n in (n for n in order if n < devices and history[n]):
            name = f"d{n}.jsonl"
            full = history[n][-1]
            how = damage[n]
            if how == "stale":
                payload = data.draw(st.sampled_from(history[n]), label=f"stale copy of d{n}")
            elif how == "cut":
                payload = full[: int(len(full) * cuts[n])]
            elif how == "older schema":
                payload = full.replace(b'"schema":3', b'"schema":2', 1)
            else:
                payload = full
            (root / "reader" / "state" / name).write_bytes(payload)
            delivered[name] = payload
            reader.refresh_states()
            assert on(reader) == newest(delivered), (name, how)  # after every arrival
            said = " ".join(reader.messages)
            if how == "cut" and payload and not payload.endswith(b"\n"):
                assert f"{name} ends in an incomplete line" in said, said
            if how == "cut" and not payload:
                assert f"{name} is empty" in said, said
            if how == "older schema":
                assert f"{name} was written by an older arxiv-reader (state schema 2)" in said, said
        fresh = Store(root / "reader", device="checker")
        assert on(fresh) == newest(delivered)
        for name, payload in delivered.items():  # nothing was rewritten: each file is its device's
            assert (root / "reader" / "state" / name).read_bytes() == payload
