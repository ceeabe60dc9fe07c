"""A shard written without TinyDB holds exactly the bytes TinyDB would write, and reads back."""

from __future__ import annotations

import zlib
from pathlib import Path

from tinydb import TinyDB
from tinydb.middlewares import CachingMiddleware

from tui.core.storage import META_TABLE, SCHEMA, AtomicJSONStorage
from tui.core.store.shards import (
    PAPER_FIELDS, _get_items, encode_path, paper_to_doc, parse_to_shard, shard_bytes, shard_rows,
)

DIGESTS = Path(__file__).resolve().parents[1] / "data" / "digests"


def _through_tinydb(target: Path, result, docs) -> bytes:
    """The shard as the store wrote it through TinyDB before (the reference)."""
    db = TinyDB(target, storage=CachingMiddleware(AtomicJSONStorage), durable=False)
    db.drop_tables()
    db.table(META_TABLE).insert({
        "schema": SCHEMA, "kind": "shard", "source": encode_path(result.path), "size": result.size,
        "mtime_ns": result.mtime_ns, "category": result.category, "date": result.date,
    })
    db.table("papers").insert({"fields": list(PAPER_FIELDS), "rows": [list(_get_items(d)) for d in docs]})
    db.close()
    return target.read_bytes()


def test_shards_hold_tinydbs_bytes_and_their_checksum(tmp_path):
    from tui.core.digest import parse_digest_file

    files = sorted(DIGESTS.rglob("*.md"))
    assert len(files) >= 5
    for number, path in enumerate(files):
        result = parse_to_shard(str(path), str(tmp_path / "lib"), durable=False)
        assert result.error is None, result.error
        written = (tmp_path / "lib" / result.shard).read_bytes()
        docs = [paper_to_doc(p) for p in parse_digest_file(path).papers]
        assert written == shard_bytes(result, docs)
        assert written == _through_tinydb(tmp_path / f"ref{number}.json", result, docs)
        assert result.written[0] == len(written) and result.written[2] == zlib.crc32(written)
        data = AtomicJSONStorage(tmp_path / "lib" / result.shard).read()
        assert shard_rows(data) == [list(_get_items(d)) for d in docs]


def test_versions_carry_the_papers_fingerprints():
    from tui.core.digest import parse_digest_file
    from tui.core.store.shards import paper_fingerprint, versions_of

    docs = [paper_to_doc(p) for path in sorted(DIGESTS.rglob("*.md")) for p in parse_digest_file(path).papers]
    assert len(docs) > 100
    versions = versions_of(docs)
    best = {}
    for doc in docs:
        if doc["id"] not in best or doc["version"] >= best[doc["id"]]["version"]:
            best[doc["id"]] = doc
    assert versions == {key: (doc["version"], paper_fingerprint(doc)) for key, doc in best.items()}
    odd = [dict(docs[0], extra="x"), {k: v for k, v in docs[1].items() if k != "comment"}]
    assert versions_of(odd) == {d["id"]: (d["version"], paper_fingerprint(d)) for d in odd}
