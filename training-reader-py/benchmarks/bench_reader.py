"""Python reader throughput against the bare pyarrow read of the same files (the ceiling) and the
path ML users take today (Hugging Face datasets .shuffle() into a torch DataLoader).

    training-reader-py/.venv/bin/python training-reader-py/benchmarks/bench_reader.py \
        [--rows 40000] [--dir /tmp/minietl-bench] [--repeat 1] [--s3-bucket BUCKET]
    training-reader-py/benchmarks/run-bench.sh [same flags]    # with the s3proxy cases

Writes a dataset in the shard format (Arrow IPC file, ZSTD, record batches of 2,048 rows, ~5 KB
articles, a format-1 manifest with batch-rows and CRC32C) unless it is already there, then runs
every case warm (after one untimed pass; ``--repeat N`` times, the median of each figure) in this
process and prints a Markdown table: wall seconds, CPU seconds of all processes (this one and its
DataLoader workers), rows/s, MB/s of
``content`` and rows/s against the ceiling of the same store (local: reading the files; s3proxy:
boto3 GETs of the same objects). Each reader run opens the dataset afresh (no shard bytes cached
from the previous run).
"""

from __future__ import annotations

import argparse
import json
import os
import platform
import random
import resource
import statistics
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


def timed(fn, repeat=1):
    """Rows, content bytes, and the median wall and CPU seconds of ``repeat`` warm runs: on a
    machine shared with other builds one run's figures vary by 2x."""
    fn()  # warm: page cache, imports, thread pools
    walls, cpus = [], []
    for _ in range(repeat):
        c = cpu_seconds()
        t = time.perf_counter()
        rows, content = fn()
        walls.append(time.perf_counter() - t)
        cpus.append(cpu_seconds() - c)
    return rows, content, statistics.median(walls), statistics.median(cpus)


def upload(root: str, bucket: str, prefix: str) -> None:
    """Copies the local dataset to s3://bucket/prefix (boto3, the AWS variables) unless it is there."""
    from minietl.store import s3_client

    s3 = s3_client()
    if s3.list_objects_v2(Bucket=bucket, Prefix=f"{prefix}/_manifest/").get("KeyCount", 0):
        return
    for dirpath, _, files in os.walk(root):
        for name in files:
            path = os.path.join(dirpath, name)
            key = f"{prefix}/{os.path.relpath(path, root).replace(os.sep, '/')}"
            with open(path, "rb") as f:
                s3.put_object(Bucket=bucket, Key=key, Body=f.read())


def main() -> None:
    ap = argparse.ArgumentParser()
    ap.add_argument("--rows", type=int, default=40000)
    ap.add_argument("--dir", default="/tmp/minietl-bench")
    ap.add_argument("--repeat", type=int, default=1, help="timed runs per case; the table shows medians")
    ap.add_argument("--s3-bucket", default=None,
                    help="also read a copy in this bucket (the AWS variables point at the store: run-bench.sh)")
    args = ap.parse_args()
    root = os.path.join(args.dir, f"ds-{args.rows}")
    write_dataset(root, args.rows)

    from minietl import Dataset

    with Dataset.open(root) as ds:
        shard_paths = [s.path for s in ds.shards]
    paths = [os.path.join(root, p) for p in shard_paths]

    def ceiling_local():
        for p in paths:
            with open(p, "rb") as f:
                yield f.read()

    def ceiling(read):
        def run():
            rows = content = 0
            for data in read():
                t = ipc.open_file(pa.py_buffer(data)).read_all().select(list(COLUMNS))
                rows += t.num_rows
                content += pc.sum(pc.binary_length(t.column("content"))).as_py()
            return rows, content
        return run

    # Each run opens the dataset afresh, as a new epoch's process would: nothing is served from
    # the previous run's in-memory shard cache, so every run fetches and checks every shard.
    def reader(location, s3=None, **spec):
        def run():
            rows = content = 0
            with Dataset.open(location, s3=s3) as ds:
                for b in ds.batches(batch_size=32, columns=COLUMNS, **spec):
                    rows += b.data.num_rows
                    content += pc.sum(pc.binary_length(b.data.column("content"))).as_py()
            return rows, content
        return run

    def loader(location, workers):
        def run():
            rows = content = 0
            with Dataset.open(location) as ds:
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
        ("local: pyarrow open_file + read_all (ceiling)", ceiling(ceiling_local)),
        ("local: minietl sequential", reader(root)),
        ("local: minietl shuffled (seed, window 8)", reader(root, seed=1)),
        ("local: minietl shuffled, torch loader, no workers", loader(root, 0)),
        ("local: minietl shuffled, DataLoader 2 workers", loader(root, 2)),
        ("local: minietl shuffled, DataLoader 4 workers", loader(root, 4)),
        ("local: HF datasets load_dataset + shuffle + DataLoader", hf_path),
    ]
    if args.s3_bucket:
        from minietl.store import s3_client

        prefix = f"bench-{args.rows}"
        upload(root, args.s3_bucket, prefix)
        location = f"s3://{args.s3_bucket}/{prefix}"
        s3 = s3_client()

        def ceiling_s3():
            for p in shard_paths:
                yield s3.get_object(Bucket=args.s3_bucket, Key=f"{prefix}/{p}")["Body"].read()

        cases += [
            ("s3proxy: boto3 get_object + open_file + read_all (ceiling)", ceiling(ceiling_s3)),
            # The same boto3 client as the ceiling's (making one costs ~0.1-0.3 s); the DataLoader's
            # workers each make their own (a client cannot be pickled), inside the timing.
            ("s3proxy: minietl sequential", reader(location, s3)),
            ("s3proxy: minietl shuffled (seed, window 8)", reader(location, s3, seed=1)),
            ("s3proxy: minietl shuffled, DataLoader 2 workers", loader(location, 2)),
        ]
    results = []
    for name, fn in cases:
        rows, content, secs, cpu = timed(fn, args.repeat)
        results.append((name, rows, content, secs, cpu))
    ceilings = {r[0].split(":")[0]: r[1] / r[3] for r in results if "(ceiling)" in r[0]}
    load = ", ".join(f"{x:.1f}" for x in os.getloadavg())
    print(f"{args.rows} rows, {len(paths)} shards, {os.cpu_count()} cores, median of {args.repeat} run(s),"
          f" load average {load} at the end,"
          f" Python {platform.python_version()}, pyarrow {pa.__version__}")
    print("| case | rows | s | CPU s | rows/s | MB/s content | vs its ceiling |")
    print("|---|---|---|---|---|---|---|")
    for name, rows, content, secs, cpu in results:
        base = ceilings[name.split(":")[0]]
        print(f"| {name} | {rows} | {secs:.2f} | {cpu:.2f} | {rows / secs:,.0f} | {content / secs / 1e6:,.0f}"
              f" | {rows / secs / base:.2f} |")


if __name__ == "__main__":
    main()
