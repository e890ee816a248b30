"""The one-pass gather (minietl._arrays.gather) and the readers that use it, on long strings: the
shared vectors' strings are short, so Arrow's take serves them and these tests cover the numpy path."""

import json
import os
import random

import numpy as np
import pyarrow as pa
import pyarrow.ipc as ipc
import pytest
import google_crc32c

from minietl import Between, Dataset, ReadSpec
from minietl._arrays import gather


def long_texts(rnd, n, lo=300, hi=900):
    return ["".join(rnd.choice("abcdefgh ü記") for _ in range(rnd.randint(lo, hi))) for _ in range(n)]


def reference(parts, which, rows):
    """Arrow's own take of the same rows: an independent source for the expected values."""
    whole = pa.Table.from_batches(parts).combine_chunks().to_batches()[0] if len(parts) > 1 else parts[0]
    base = np.cumsum([0] + [p.num_rows for p in parts[:-1]])
    return whole.take(pa.array(base[which] + rows))


@pytest.mark.parametrize("string_type", [pa.string(), pa.large_string(), pa.binary(), pa.large_binary()])
def test_gather_of_long_values_from_several_record_batches_equals_arrow_take(string_type):
    rnd = random.Random(3)
    parts = []
    for n in (40, 25, 33):
        texts = long_texts(rnd, n)
        values = texts if "string" in str(string_type) else [t.encode() for t in texts]
        rb = pa.record_batch({
            "text": pa.array(values, string_type),
            "n": pa.array(range(n), pa.int32()),
            "short": pa.array([f"s{i}" for i in range(n)]),
            "maybe": pa.array([None if i % 3 == 0 else "x" * 400 for i in range(n)]),
        })
        parts.append(rb.slice(3, n - 5))  # non-zero array offsets, as slices of a decoded batch have
    rng = np.random.default_rng(5)
    which = rng.integers(0, len(parts), 200)
    rows = np.array([rng.integers(0, parts[w].num_rows) for w in which])
    got = gather(parts, which, rows)
    expected = reference(parts, which, rows)
    assert got.schema == parts[0].schema
    assert got.to_pylist() == expected.to_pylist()
    got.validate(full=True)
    one = gather(parts[1:2], np.zeros(7, dtype=np.int64), np.array([6, 0, 3, 3, 19, 1, 2]))
    assert one.to_pylist() == parts[1].take(pa.array([6, 0, 3, 3, 19, 1, 2])).to_pylist()


def write_dataset(root, shards=6, rows=40, batch_rows=16):
    rnd = random.Random(11)
    os.makedirs(os.path.join(root, "data"), exist_ok=True)
    entries = []
    for s in range(shards):
        ids = [f"a-{s * rows + i}" for i in range(rows)]
        texts = long_texts(rnd, rows)
        counts = [rnd.randint(1, 100) for _ in range(rows)]
        table = pa.table({"article_id": ids, "content": texts, "word_count": pa.array(counts, pa.int32())})
        sink = pa.BufferOutputStream()
        with ipc.new_file(sink, table.schema, options=ipc.IpcWriteOptions(compression="zstd")) as w:
            for b in table.to_batches(max_chunksize=batch_rows):
                w.write_batch(b)
        data = sink.getvalue().to_pybytes()
        path = f"data/part-{s}.arrow"
        with open(os.path.join(root, path), "wb") as f:
            f.write(data)
        entries.append({
            "path": path, "rows": rows, "bytes": len(data), "checksum": f"crc32c:{google_crc32c.value(data):08x}",
            "compression": "zstd", "batch-rows": [b.num_rows for b in table.to_batches(max_chunksize=batch_rows)],
            "stats": {"word_count": {"count": rows, "sum": sum(counts), "min": min(counts), "max": max(counts)}},
        })
    manifest = {
        "format-version": 1, "version": 1, "parent-version": 0, "snapshot-version": 1, "snapshot": True,
        "committed-at": "2026-12-01T00:00:00Z", "writer-id": "test", "added-shards": entries, "shards": entries,
        "added-error-files": [], "error-files": [], "checkpoint": {}, "stats": {}, "total-rows": shards * rows,
        "total-bytes": sum(e["bytes"] for e in entries), "total-error-records": 0,
    }
    os.makedirs(os.path.join(root, "_manifest"), exist_ok=True)
    with open(os.path.join(root, "_manifest", "v00000000000000000001.json"), "w") as f:
        json.dump(manifest, f)


def planned_rows(ds, spec):
    """The rows the plan names, read with pyarrow alone: (article_id, content, padding) per batch."""
    seg, _ = ds._begin(spec, None)
    tables = {s.path: ipc.open_file(os.path.join(ds.location, s.path)).read_all() for s in ds.shards}
    out = []
    p = seg.plan
    for k in range(p.batch_count):
        batch = []
        for i in range(k * p.batch_size, (k + 1) * p.batch_size):
            unit = seg.units[p.units[i]]
            sel = seg.selections[p.units[i]]
            row = int(p.offsets[i]) if sel is None else int(sel[p.offsets[i]])
            row += sum(unit.shard.batch_rows[: unit.batch])
            t = tables[unit.shard.path]
            batch.append((t["article_id"][row].as_py(), t["content"][row].as_py(), i >= p.real))
        out.append(batch)
    return out


SPECS = [
    dict(batch_size=7, seed=4, window_units=3),
    dict(batch_size=5, seed=9, window_units=4, rank=1, world_size=2, epoch=2),
    dict(batch_size=6, seed=2, window_units=3, filter=Between("word_count", 20, 70)),
    dict(batch_size=8),
]


@pytest.mark.parametrize("kw", SPECS)
def test_batches_of_long_strings_are_the_planned_rows_and_resume(tmp_path, kw):
    write_dataset(str(tmp_path))
    spec = ReadSpec(columns=("article_id", "content", "word_count"), **kw)
    with Dataset.open(str(tmp_path)) as ds:
        expected = planned_rows(ds, spec)
        got = [list(zip(b.data.column("article_id").to_pylist(), b.data.column("content").to_pylist(),
                        b.padding.tolist())) for b in ds.batches(spec)]
        assert got == expected and len(got) > 3
        it = ds.batches(spec)
        for _ in range(3):
            next(it)
        tail = [b.data.column("article_id").to_pylist() for b in ds.batches(spec, position=it.position)]
        assert tail == [[r[0] for r in b] for b in expected[3:]]


@pytest.mark.parametrize("workers", [0, 2])
def test_torch_loader_gives_the_same_long_strings_with_and_without_workers(tmp_path, workers):
    pytest.importorskip("torch")
    write_dataset(str(tmp_path))
    spec = dict(batch_size=7, seed=4, window_units=3, columns=("article_id", "content", "word_count"))
    with Dataset.open(str(tmp_path)) as ds:
        expected = [(b.data.column("content").to_pylist(), b.data.column("word_count").to_pylist())
                    for b in ds.batches(**spec)]
        got = [(b["content"], b["word_count"].tolist()) for b in ds.torch(num_workers=workers, **spec)]
    assert got == expected
