"""Python reader throughput against the bare pyarrow read of the same files (the ceiling) and the
path ML users take today (Hugging Face datasets .shuffle() into a torch DataLoader).

    training-reader-py/.venv/bin/python training-reader-py/benchmarks/bench_reader.py \
        [--rows 40000] [--dir /tmp/minietl-bench]

Writes a dataset in the shard format (Arrow IPC file, ZSTD, record batches of 2,048 rows, ~5 KB
articles, a format-1 manifest with batch-rows and CRC32C) unless it is already there, then runs
every case once warm (after one untimed pass) in this process and prints a Markdown table: wall
seconds, CPU seconds of all processes (this one and its DataLoader workers), rows/s, MB/s of
``content`` and rows/s against the ceiling.
"""

from __future__ import annotations

import argparse
import json
import os
import platform
import random
import resource
import time

import google_crc32c
import pyarrow as pa
import pyarrow.compute as pc
import pyarrow.ipc as ipc

COLUMNS = ("article_id", "content", "word_count")
SHARD_ROWS = 4000
BATCH_ROWS = 2048


def write_dataset(root: str, rows: int) -> None:
    if os.path.exists(os.path.join(root, "_manifest", "v00000000000000000001.json")):
        return
    rnd = random.Random(7)
    words = ["".join(rnd.choice("abcdefghijklmnopqrstuvwxyz") for _ in range(rnd.randint(2, 9))) for _ in range(5000)]
    os.makedirs(os.path.join(root, "data", "dt=2026-12-01"), exist_ok=True)
    shards = []
    options = ipc.IpcWriteOptions(compression="zstd")
    for s in range(0, rows, SHARD_ROWS):
        n = min(SHARD_ROWS, rows - s)
        ids, texts, counts = [], [], []
        for i in range(s, s + n):
            k = rnd.randint(600, 1100)
            ids.append(f"a-{i}")
            texts.append(" ".join(rnd.choice(words) for _ in range(k)))
            counts.append(k)
        table = pa.table({"article_id": ids, "content": texts, "word_count": pa.array(counts, pa.int32())})
        path = f"data/dt=2026-12-01/part-bench-{s // SHARD_ROWS:04d}.arrow"
        sink = pa.BufferOutputStream()
        with ipc.new_file(sink, table.schema, options=options) as w:
            for b in table.to_batches(max_chunksize=BATCH_ROWS):
                w.write_batch(b)
        data = sink.getvalue().to_pybytes()
        with open(os.path.join(root, path), "wb") as f:
            f.write(data)
        shards.append({
            "path": path, "rows": n, "bytes": len(data), "checksum": f"crc32c:{google_crc32c.value(data):08x}",
            "compression": "zstd", "batch-rows": [b.num_rows for b in table.to_batches(max_chunksize=BATCH_ROWS)],
            "stats": {"word_count": {"count": n, "sum": sum(counts), "min": min(counts), "max": max(counts)}},
        })
    total = sum(s["rows"] for s in shards)
    manifest = {
        "format-version": 1, "version": 1, "parent-version": 0, "snapshot-version": 1, "snapshot": True,
        "committed-at": "2026-12-01T00:00:00Z", "writer-id": "bench", "added-shards": shards, "shards": shards,
        "added-error-files": [], "error-files": [], "checkpoint": {}, "stats": {}, "total-rows": total,
        "total-bytes": sum(s["bytes"] for s in shards), "total-error-records": 0,
    }
    os.makedirs(os.path.join(root, "_manifest"), exist_ok=True)
    with open(os.path.join(root, "_manifest", "v00000000000000000001.json"), "w") as f:
        json.dump(manifest, f)


def cpu_seconds() -> float:
    """CPU time of this process and its finished children (DataLoader workers): under load the
    wall time says more about the other builds on the machine than about the reader."""
    me, kids = resource.getrusage(resource.RUSAGE_SELF), resource.getrusage(resource.RUSAGE_CHILDREN)
    return me.ru_utime + me.ru_stime + kids.ru_utime + kids.ru_stime


def timed(fn):
    fn()  # warm: page cache, imports, thread pools
    c = cpu_seconds()
    t = time.perf_counter()
    rows, content = fn()
    return rows, content, time.perf_counter() - t, cpu_seconds() - c


def main() -> None:
    ap = argparse.ArgumentParser()
    ap.add_argument("--rows", type=int, default=40000)
    ap.add_argument("--dir", default="/tmp/minietl-bench")
    args = ap.parse_args()
    root = os.path.join(args.dir, f"ds-{args.rows}")
    write_dataset(root, args.rows)

    from minietl import Dataset

    ds = Dataset.open(root)
    paths = [os.path.join(root, s.path) for s in ds.shards]

    def ceiling():
        rows = content = 0
        for p in paths:
            with open(p, "rb") as f:
                t = ipc.open_file(pa.py_buffer(f.read())).read_all().select(list(COLUMNS))
            rows += t.num_rows
            content += pc.sum(pc.binary_length(t.column("content"))).as_py()
        return rows, content

    def reader(**spec):
        def run():
            rows = content = 0
            for b in ds.batches(batch_size=32, columns=COLUMNS, **spec):
                rows += b.data.num_rows
                content += pc.sum(pc.binary_length(b.data.column("content"))).as_py()
            return rows, content
        return run

    def loader(workers):
        def run():
            rows = content = 0
            for b in ds.torch(batch_size=32, columns=COLUMNS, seed=1, num_workers=workers):
                rows += len(b["content"])
                content += sum(len(s.encode()) for s in b["content"])
            return rows, content
        return run

    def hf_path():
        import datasets
        from torch.utils.data import DataLoader

        datasets.disable_progress_bars()
        hf = datasets.load_dataset("arrow", data_files=paths, split="train", cache_dir=os.path.join(args.dir, "hf-cache"))
        hf = hf.select_columns(list(COLUMNS)).shuffle(seed=1)
        rows = content = 0
        for b in DataLoader(hf, batch_size=32, collate_fn=lambda rs: [r["content"] for r in rs]):
            rows += len(b)
            content += sum(len(s.encode()) for s in b)
        return rows, content

    cases = [
        ("pyarrow open_file + read_all (ceiling)", ceiling),
        ("minietl sequential", reader()),
        ("minietl shuffled (seed, window 8)", reader(seed=1)),
        ("minietl shuffled, torch loader, no workers", loader(0)),
        ("minietl shuffled, DataLoader 2 workers", loader(2)),
        ("minietl shuffled, DataLoader 4 workers", loader(4)),
        ("HF datasets load_dataset + shuffle + DataLoader", hf_path),
    ]
    results = []
    for name, fn in cases:
        rows, content, secs, cpu = timed(fn)
        results.append((name, rows, content, secs, cpu))
    base = results[0][1] / results[0][3]
    load = ", ".join(f"{x:.1f}" for x in os.getloadavg())
    print(f"{args.rows} rows, {len(paths)} shards, {os.cpu_count()} cores, load average {load} at the end,"
          f" Python {platform.python_version()}, pyarrow {pa.__version__}")
    print("| case | rows | s | CPU s | rows/s | MB/s content | vs ceiling |")
    print("|---|---|---|---|---|---|---|")
    for name, rows, content, secs, cpu in results:
        print(f"| {name} | {rows} | {secs:.2f} | {cpu:.2f} | {rows / secs:,.0f} | {content / secs / 1e6:,.0f}"
              f" | {rows / secs / base:.2f} |")
    ds.close()


if __name__ == "__main__":
    main()
