"""fetch="record_batch": ranged reads of the footer and the needed record batches / columns only."""

import shutil

import pytest

from minietl import Dataset, ShardReadError
from minietl import dataset as dataset_module
from minietl.store import LocalStore


def rows(ds, **spec):
    return [(b.data, b.padding.tolist()) for b in ds.batches(**spec)]


SPECS = [
    dict(batch_size=7, columns=("article_id",), seed=1),
    dict(batch_size=3, columns=("article_id", "word_count"), seed=3, world_size=3, rank=1, window_units=2),
    dict(batch_size=4, seed=5, split="validation", train_fraction=0.7),
    dict(batch_size=8),
]


@pytest.mark.parametrize("spec", SPECS)
def test_ranged_reads_give_the_same_batches_as_whole_shards(fixture_dataset, spec):
    with Dataset.open(fixture_dataset) as whole, Dataset.open(fixture_dataset, fetch="record_batch") as ranged:
        a, b = rows(whole, **spec), rows(ranged, **spec)
        assert len(a) == len(b) > 0
        assert all(x.equals(y) and p == q for (x, p), (y, q) in zip(a, b))
        assert ranged._fetcher.gets == 0 and ranged._ranged_gets[0] > 0


def test_ranged_reads_fetch_only_the_footer_and_the_selected_columns_buffers(tmp_path, monkeypatch):
    import os
    import sys

    sys.path.insert(0, os.path.join(os.path.dirname(__file__), "..", "benchmarks"))
    from bench_reader import write_dataset  # a ZSTD shard of 4,000 ~5.5 KB articles, 2 batches

    root = tmp_path / "big"
    write_dataset(str(root), 4000)
    read = {"bytes": 0}
    original = LocalStore.get_range

    def counting(self, key, start, end):
        read["bytes"] += end - start
        return original(self, key, start, end)

    monkeypatch.setattr(LocalStore, "get_range", counting)
    with Dataset.open(root) as whole, Dataset.open(root, fetch="record_batch") as ds:
        total = sum(s.bytes for s in ds.shards)
        spec = dict(batch_size=64, columns=("article_id", "word_count"), seed=2)
        a, b = rows(whole, **spec), rows(ds, **spec)
        assert len(a) == len(b) == 63 and all(x.equals(y) for (x, _), (y, _) in zip(a, b))
        narrow = read["bytes"]
        read["bytes"] = 0
        assert sum(len(x) for x in ds.batches(batch_size=64, seed=2)) == 4032
        wide = read["bytes"]
    assert narrow < total / 20 and wide > total * 0.99, (narrow, wide, total)


def test_a_missing_shard_is_named_with_ranged_reads(fixture_dataset, tmp_path):
    copy = tmp_path / "ds"
    shutil.copytree(fixture_dataset, copy)
    with Dataset.open(copy, fetch="record_batch") as ds:
        victim = ds.shards[1].path
        (copy / victim).unlink()
        with pytest.raises(ShardReadError, match="missing though the manifest lists it") as e:
            for _ in ds.batches(batch_size=4, seed=1):
                pass
        assert e.value.path == victim


def test_an_unknown_fetch_mode_is_refused(fixture_dataset):
    with pytest.raises(ValueError, match="Invalid fetch 'whole'"):
        Dataset.open(fixture_dataset, fetch="whole")
