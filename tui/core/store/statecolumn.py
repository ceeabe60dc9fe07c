"""One field's winning changes packed for the state snapshot, looked up where they lie.

A snapshot of 200,000 read papers decoded into a dict of 200,000 records
costs about a tenth of a second, while the first painted rows look up some
thirty keys. :class:`PackedColumn` keeps a field as the snapshot stores it and
answers a key with a binary search; :meth:`PackedColumn.to_dict` gives the
dict the merged view works on, only when something is merged into the field.

A field is packed as sections of one buffer (little-endian):

* ``keys``: the keys in ascending order (code point order, which is UTF-8
  byte order), UTF-8, back to back, and ``key_ends``: where each one ends (uint32);
* ``stamps`` and ``stamp_ends``: each key's winning stamp, the same way;
* ``values``: a JSON list of the values, in key order;
* ``owners``: each key's device, an index into the snapshot's device names (uint32).
"""

from __future__ import annotations

from bisect import bisect_left
from collections.abc import Iterator, Sequence
from typing import Any

import numpy as np
import orjson

#: A winning change: (value, stamp, device file stem).
Record = tuple[Any, str, str]
_U32 = np.dtype("<u4")
SECTIONS = ("keys", "key_ends", "stamps", "stamp_ends", "values", "owners")


class _Strings(Sequence[bytes]):
    """Strings stored back to back in ``blob``, ``ends[i]`` where the i-th one ends: as bytes."""

    __slots__ = ("blob", "ends")

    def __init__(self, blob: memoryview, ends: np.ndarray) -> None:
        self.blob = blob
        self.ends = ends

    def __len__(self) -> int:
        return len(self.ends)

    def __getitem__(self, i: int) -> bytes:  # type: ignore[override]
        ends = self.ends
        return bytes(self.blob[int(ends[i - 1]) if i else 0 : int(ends[i])])

    def text(self, i: int) -> str:
        return self[i].decode()

    def all(self) -> list[str]:
        """Every string, decoded."""
        blob, ends = self.blob, self.ends.tolist()
        return [str(blob[a:b], "utf-8") for a, b in zip([0, *ends], ends)]


def pack_column(column: dict[str, Record], devices: dict[str, int]) -> tuple[dict[str, int], list[bytes]]:
    """``column``'s sections (see the module's doc) and their sizes by name; the device names met
    are numbered in ``devices``."""
    keys = sorted(column)
    records = [column[key] for key in keys]
    encoded = [key.encode() for key in keys]
    stamps = [record[1].encode() for record in records]
    sections = [
        b"".join(encoded), np.cumsum([len(k) for k in encoded], dtype=np.int64).astype(_U32).tobytes(),
        b"".join(stamps), np.cumsum([len(s) for s in stamps], dtype=np.int64).astype(_U32).tobytes(),
        orjson.dumps([record[0] for record in records]),
        np.array([devices.setdefault(record[2], len(devices)) for record in records], _U32).tobytes(),
    ]
    return {"n": len(keys), **{name: len(data) for name, data in zip(SECTIONS, sections)}}, sections


class PackedColumn:
    """One field's winners as packed (see the module's doc): never changed once made."""

    __slots__ = ("_keys", "_stamps", "_values_json", "_values", "_owners", "_devices")

    def __init__(self, sizes: dict[str, Any], buffer: memoryview, devices: list[str]) -> None:
        """Read from ``buffer`` (the sections back to back, sized as ``sizes`` says). Raises
        ValueError when they do not fit together."""
        n = sizes.get("n")
        if type(n) is not int or n < 0:
            raise ValueError("a field's size is missing")
        parts: dict[str, memoryview] = {}
        at = 0
        for name in SECTIONS:
            size = sizes.get(name)
            if type(size) is not int or size < 0 or at + size > len(buffer):
                raise ValueError(f"a field's {name} section is out of bounds")
            parts[name] = buffer[at : at + size]
            at += size
        if at != len(buffer):
            raise ValueError("a field's sections do not fill it")
        ends = [np.frombuffer(parts[name], _U32) if len(parts[name]) % 4 == 0 else None
                for name in ("key_ends", "stamp_ends", "owners")]
        for (blob, name), found in zip((("keys", "key_ends"), ("stamps", "stamp_ends"), (None, "owners")), ends):
            if found is None or len(found) != n:
                raise ValueError(f"a field's {name} section has the wrong size")
            if blob is not None and n and (int(found[-1]) != len(parts[blob]) or bool(np.any(found[1:] < found[:-1]))):
                raise ValueError(f"a field's {name} section does not match its {blob}")
        key_ends, stamp_ends, owners = ends
        assert key_ends is not None and stamp_ends is not None and owners is not None
        if n and int(owners.max()) >= len(devices):
            raise ValueError("a field names a device the snapshot does not")
        self._keys = _Strings(parts["keys"], key_ends)
        self._stamps = _Strings(parts["stamps"], stamp_ends)
        self._values_json = parts["values"]
        self._values: list[Any] | None = None
        self._owners = owners
        self._devices = devices

    def __len__(self) -> int:
        return len(self._keys)

    def _all_values(self) -> list[Any]:
        values = self._values
        if values is None:
            values = orjson.loads(self._values_json)
            if type(values) is not list or len(values) != len(self._keys):
                raise ValueError("a field's values do not match its keys")
            self._values = values
        return values

    def check(self) -> None:
        """Decode the values now (raises ValueError when they do not match the keys)."""
        self._all_values()

    def get(self, key: str, default: Any = None) -> Any:
        """The record of ``key`` (``default`` when the field has none)."""
        keys = self._keys
        try:
            wanted = key.encode()
        except UnicodeEncodeError:
            return default
        i = bisect_left(keys, wanted)
        if i == len(keys) or keys[i] != wanted:
            return default
        return (self._all_values()[i], self._stamps.text(i), self._devices[int(self._owners[i])])

    def truthy(self) -> int:
        """How many keys have a true value (set flags), without decoding the keys."""
        return sum(map(bool, self._all_values()))

    def truthy_keys(self) -> list[str]:
        """The keys whose value is true, in key order."""
        return [key for key, value in zip(self._keys.all(), self._all_values()) if value]

    def to_dict(self) -> dict[str, Record]:
        """Key -> record, a new dict (the caller's to change)."""
        devices = self._devices
        owners = [devices[i] for i in self._owners.tolist()]
        return dict(zip(self._keys.all(), zip(self._all_values(), self._stamps.all(), owners)))

    def items(self) -> Iterator[tuple[str, Record]]:
        return iter(self.to_dict().items())

    def values(self) -> Iterator[Record]:
        return iter(self.to_dict().values())
