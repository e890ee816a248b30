"""The disk cache of whole shards (Dataset.open(..., cache_dir=...)), as Java's ShardFetcher's."""

import multiprocessing
import os
import warnings

import google_crc32c
import pytest

from minietl import Dataset
from minietl._cache import DiskCache
from minietl.manifest import ManifestLog
from minietl.store import LocalStore

SPEC = dict(batch_size=7, seed=3, window_units=2)


class CountingStore:
    """Our ObjectStore over a local directory, counting the reads of shard objects."""

    def __init__(self, root):
        self.inner = LocalStore(root)
        self.shard_reads = []

    @property
    def location(self):
        return self.inner.location

    def get(self, key):
        if key.startswith("data/"):
            self.shard_reads.append(key)
        return self.inner.get(key)

    def get_range(self, key, start, end):
        if key.startswith("data/"):
            self.shard_reads.append(key)
        return self.inner.get_range(key, start, end)

    def list(self, prefix, start_after=None):
        return self.inner.list(prefix, start_after)

    def put_if_absent(self, key, data):
        return self.inner.put_if_absent(key, data)


def open_counting(root, cache_dir, prefetch_bytes=1, **kw):
    store = CountingStore(root)
    ds = Dataset(
        store,
        ManifestLog(store).load(None),
        prefetch_bytes=prefetch_bytes,  # an in-memory LRU of one shard: later reads need the cache
        fetch_threads=2,
        verify_checksums=True,
        follow_poll_interval=1.0,
        cache_dir=cache_dir,
        **kw,
    )
    return ds, store


def rows(ds, **spec):
    return [(b.data, b.padding.tolist()) for b in ds.batches(**{**SPEC, **spec})]


def same(a, b):
    return len(a) == len(b) > 0 and all(x.equals(y) and p == q for (x, p), (y, q) in zip(a, b))


def shards(root):
    return {s.path: s for s in ManifestLog(LocalStore(root)).load(None).shards}


def expected_name(shard):
    # Java's ShardFetcher.cacheFile, written out: crc32c(path) hex, the shard's hex, the path with
    # every character outside [A-Za-z0-9._-] replaced by '_'.
    path_crc = f"{google_crc32c.value(shard.path.encode()):08x}"
    return f"{path_crc}-{shard.checksum[7:]}-{shard.path.replace('/', '_').replace('=', '_')}"


def test_a_second_epoch_reads_no_shard_from_the_source(fixture_dataset, tmp_path):
    cache = tmp_path / "cache"
    with Dataset.open(fixture_dataset) as plain:
        want = [rows(plain, epoch=e) for e in (0, 1)]
    ds, store = open_counting(fixture_dataset, cache)
    with ds:
        assert same(rows(ds, epoch=0), want[0])
        first = sorted(store.shard_reads)
        store.shard_reads.clear()
        assert same(rows(ds, epoch=1), want[1])
        assert store.shard_reads == []
        assert ds._fetcher.cache.hits > 0
    assert first == sorted(shards(fixture_dataset))  # each shard fetched once, then from disk
    assert sorted(os.listdir(cache)) == sorted(expected_name(s) for s in shards(fixture_dataset).values())
    # A new dataset (another process, a later run) on the same directory fetches nothing either.
    again, store2 = open_counting(fixture_dataset, cache, prefetch_bytes=256 << 20)
    with again:
        assert same(rows(again, epoch=1), want[1])
    assert store2.shard_reads == []


def test_cached_files_are_the_shards_bytes(fixture_dataset, tmp_path):
    ds, _ = open_counting(fixture_dataset, tmp_path / "c")
    with ds:
        rows(ds)
    for s in shards(fixture_dataset).values():
        data = (fixture_dataset / s.path).read_bytes()
        assert (tmp_path / "c" / expected_name(s)).read_bytes() == data


def test_the_budget_evicts_the_least_recently_used_files(fixture_dataset, tmp_path):
    by_path = shards(fixture_dataset)
    s0, s1, s2, s3 = (by_path[f"data/dt=2026-11-28/part-{n}.arrow"] for n in ("v1-0", "v1-1", "v2-0", "v3-0"))
    assert (s0.bytes, s1.bytes, s2.bytes, s3.bytes) == (9994, 8074, 8202, 6210)
    cache = DiskCache(tmp_path, 9994 + 8074 + 8202)  # room for exactly s0, s1 and s2
    for s in (s0, s1, s2):
        cache.put(s, (fixture_dataset / s.path).read_bytes())
    assert sorted(os.listdir(tmp_path)) == sorted(expected_name(s) for s in (s0, s1, s2))
    assert cache.get(s0) is not None  # s0 used again: s1 is now the least recently used
    cache.put(s3, (fixture_dataset / s3.path).read_bytes())  # 32,480 bytes > budget: s1 goes (24,406 left)
    assert sorted(os.listdir(tmp_path)) == sorted(expected_name(s) for s in (s0, s2, s3))
    assert cache.get(s1) is None and cache.hits == 1


def test_a_shard_larger_than_the_budget_is_served_but_not_kept(fixture_dataset, tmp_path):
    big = shards(fixture_dataset)["data/dt=2026-11-28/part-v3-1.arrow"]
    assert big.bytes == 13562
    cache = DiskCache(tmp_path / "c", 13561)
    cache.put(big, (fixture_dataset / big.path).read_bytes())
    assert os.listdir(tmp_path / "c") == []
    # Through a dataset: rows exact, only the shards that fit (each alone) ever kept.
    with Dataset.open(fixture_dataset) as plain:
        want = rows(plain)
    ds, store = open_counting(fixture_dataset, tmp_path / "d", cache_max_bytes=13561)
    with ds:
        assert same(rows(ds), want)
        store.shard_reads.clear()
        assert same(rows(ds), want)
    assert big.path in store.shard_reads  # fetched again: it was never kept
    kept = os.listdir(tmp_path / "d")
    assert expected_name(big) not in kept and 0 < sum(os.path.getsize(tmp_path / "d" / f) for f in kept) <= 13561


def test_a_corrupt_cache_file_is_deleted_and_fetched_again(fixture_dataset, tmp_path):
    cache = tmp_path / "cache"
    with Dataset.open(fixture_dataset) as plain:
        want = rows(plain)
    ds, _ = open_counting(fixture_dataset, cache)
    with ds:
        rows(ds)
    victim = shards(fixture_dataset)["data/dt=2026-11-28/part-v2-0.arrow"]
    file = cache / expected_name(victim)
    data = bytearray(file.read_bytes())
    data[len(data) // 2] ^= 0x01
    file.write_bytes(bytes(data))
    again, store = open_counting(fixture_dataset, cache, prefetch_bytes=256 << 20)
    with again, pytest.warns(RuntimeWarning, match="Cannot use the cached copy .*part-v2-0.arrow.*fetching"):
        assert same(rows(again), want)
    assert store.shard_reads == [victim.path]
    assert file.read_bytes() == (fixture_dataset / victim.path).read_bytes()  # repaired
    # Never served, and gone even if the fetch that follows fails.
    other = shards(fixture_dataset)["data/dt=2026-11-28/part-v4-0.arrow"]
    data = bytearray((cache / expected_name(other)).read_bytes())
    data[0] ^= 0x80
    (cache / expected_name(other)).write_bytes(bytes(data))
    with pytest.warns(RuntimeWarning, match="its checksum is crc32c:[0-9a-f]{8} but the manifest says " + other.checksum):
        assert DiskCache(cache, 10 << 30).get(other) is None
    assert not (cache / expected_name(other)).exists()


def test_dataloader_workers_share_the_cache_directory(fixture_dataset, tmp_path):
    pytest.importorskip("torch")
    spec = dict(batch_size=3, seed=42, epoch=1, rank=1, world_size=3, columns=("article_id",))
    cache = tmp_path / "cache"
    with Dataset.open(fixture_dataset) as plain:
        want = [b.data.column("article_id").to_pylist() for b in plain.batches(**spec)]
    with Dataset.open(fixture_dataset, cache_dir=cache) as ds:
        got = [b["article_id"] for b in ds.torch(num_workers=2, **spec)]
    assert got == want
    names = {expected_name(s) for s in shards(fixture_dataset).values()}
    assert os.listdir(cache) and set(os.listdir(cache)) <= names  # the workers' files, no temporaries


def test_the_ranged_path_bypasses_the_cache(fixture_dataset, tmp_path):
    with Dataset.open(fixture_dataset, fetch="record_batch", cache_dir=tmp_path / "c") as ds:
        assert len(rows(ds)) > 0 and ds._fetcher.cache is None
    assert not (tmp_path / "c").exists()


def test_invalid_budget_is_refused(fixture_dataset, tmp_path):
    with pytest.raises(ValueError, match="Invalid cache_max_bytes 0: must be > 0"):
        Dataset.open(fixture_dataset, cache_dir=tmp_path, cache_max_bytes=0)


def _read_in_process(root, cache, barrier, out):
    barrier.wait()  # both processes fetch and write the same files at once
    with warnings.catch_warnings():
        warnings.simplefilter("error")  # a partial file seen by the other process would warn
        with Dataset.open(root, cache_dir=cache, prefetch_bytes=1) as ds:
            ids = [b.data.column("article_id").to_pylist() for e in (0, 1) for b in ds.batches(**SPEC, epoch=e)]
            out.put((ids, ds._fetcher.gets, ds._fetcher.cache.hits))


def test_two_processes_share_one_cache_directory(fixture_dataset, tmp_path):
    cache = tmp_path / "cache"
    with Dataset.open(fixture_dataset) as plain:
        want = [b.data.column("article_id").to_pylist() for e in (0, 1) for b in plain.batches(**SPEC, epoch=e)]
    ctx = multiprocessing.get_context("spawn")
    barrier, out = ctx.Barrier(2), ctx.Queue()
    procs = [ctx.Process(target=_read_in_process, args=(str(fixture_dataset), str(cache), barrier, out)) for _ in range(2)]
    for p in procs:
        p.start()
    results = [out.get(timeout=120) for _ in procs]
    for p in procs:
        p.join(timeout=120)
        assert p.exitcode == 0
    for ids, gets, hits in results:
        assert ids == want
        assert gets + hits >= 6 and hits > 0
    assert sorted(os.listdir(cache)) == sorted(expected_name(s) for s in shards(fixture_dataset).values())
    ds, store = open_counting(fixture_dataset, cache)
    with ds:
        rows(ds)
    assert store.shard_reads == []
