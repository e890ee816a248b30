"""Java writes, Python reads: datasets PythonReaderIT wrote with etl-core to s3proxy."""

import json
import threading

import pytest

from minietl import Between, Dataset, ReadSpec, ShardReadError


def ids_of(batches):
    return [[("pad:" if p else "") + i for i, p in zip(b.data.column("article_id").to_pylist(), b.padding.tolist())] for b in batches]


def real(batches):
    return [i for b in batches for i in b if not i.startswith("pad:")]


def test_open_reads_version_rows_and_stats_from_the_manifest(it_bucket, s3):
    # etl-core wrote these manifests (PythonReaderIT): format 2, with its commit ids.
    head = json.loads(s3.get_object(Bucket=it_bucket, Key="main/_manifest/v00000000000000000002.json")["Body"].read())
    assert head["format-version"] == 2 and head["commit-id"]
    with Dataset.open(f"s3://{it_bucket}/main") as ds:
        assert ds._state.format_version == 2
        assert ds.version == 2
        assert ds.num_rows == 757
        assert ds.stats["word_count"].count == 757
        assert len(ds.shards) == 5
    with Dataset.open(f"s3://{it_bucket}/main", version=1) as ds:
        assert (ds.version, ds.num_rows, len(ds.shards)) == (1, 700, 3)


@pytest.mark.parametrize("world", [1, 3, 8])
def test_every_row_exactly_once_per_epoch_with_equal_batch_counts(it_bucket, world):
    with Dataset.open(f"s3://{it_bucket}/main") as ds:
        seen, counts, pads = [], set(), 0
        for r in range(world):
            batches = ids_of(ds.batches(batch_size=10, seed=11, epoch=1, rank=r, world_size=world))
            counts.add(len(batches))
            assert all(len(b) == 10 for b in batches)
            seen += real(batches)
            pads += sum(i.startswith("pad:") for b in batches for i in b)
        assert sorted(seen) == sorted(f"a-{i}" for i in range(757))
        per_rank = -(-757 // world)
        assert counts == {-(-per_rank // 10)}
        assert pads == world * 10 * counts.pop() - 757


def test_same_rows_in_the_same_order_as_java(it_bucket, s3):
    expected = json.loads(s3.get_object(Bucket=it_bucket, Key="main/expected-java.json")["Body"].read())
    specs = {
        "shuffle7-w3": dict(seed=7, epoch=2),
        "shuffle3-w8-train-0.8-between-5-60-drop": dict(
            seed=3, split="train", train_fraction=0.8, filter=Between("word_count", 5, 60), remainder="drop"
        ),
        "sequential-w1": dict(),
    }
    with Dataset.open(f"s3://{it_bucket}/main") as ds:
        for e in expected:
            kw = specs[e["name"]]
            world = len(e["ranks"])
            for r in range(world):
                spec = ReadSpec(batch_size=10, columns=("article_id", "word_count"), rank=r, world_size=world, **kw)
                assert ids_of(ds.batches(spec)) == e["ranks"][r], (e["name"], r)
            # Java's saved position resumes here to exactly Java's continuation.
            spec0 = ReadSpec(batch_size=10, columns=("article_id", "word_count"), rank=0, world_size=world, **kw)
            assert ids_of(ds.batches(spec0, position=e["position_after_3"])) == e["ranks"][0][3:]


def test_resume_with_a_filter_and_a_split_gives_exactly_the_continuation(it_bucket):
    spec = ReadSpec(batch_size=7, seed=5, rank=1, world_size=2, split="validation", train_fraction=0.6,
                    filter=Between("word_count", 10, 80), columns=("article_id",))
    with Dataset.open(f"s3://{it_bucket}/main") as ds:
        whole = ids_of(ds.batches(spec))
        it = ds.batches(spec)
        for _ in range(4):
            next(it)
        saved = str(it.position)
    assert saved.startswith("mtr2:version=2,segment=2,epoch=0,rank=1,world=2,spec=")
    with Dataset.open(f"s3://{it_bucket}/main") as ds:
        assert ids_of(ds.batches(spec, position=saved)) == whole[4:]


def test_follow_sees_a_commit_made_while_iterating(it_bucket, s3):
    # PythonReaderIT wrote v2 of "follow" aside: copying it in is the commit (shard, then manifest).
    with Dataset.open(f"s3://{it_bucket}/follow", follow_poll_interval=0.05) as ds:
        assert ds.version == 1
        it = ds.batches(batch_size=10, seed=1, follow=30.0, columns=("article_id",))
        first = ids_of([next(it)])

        def commit():
            staged = s3.list_objects_v2(Bucket=it_bucket, Prefix="follow-staged/")["Contents"]
            for o in sorted(staged, key=lambda o: o["Key"].endswith(".json")):  # manifest last
                body = s3.get_object(Bucket=it_bucket, Key=o["Key"])["Body"].read()
                s3.put_object(Bucket=it_bucket, Key="follow/" + o["Key"][len("follow-staged/"):], Body=body)

        rest = []
        for b in it:
            rest += ids_of([b])
            if b.index == 14:  # the last batch of v1 (150 rows): commit before asking for more
                commit()
            if it.segment_version == 2 and b.index == it.batch_count - 1:
                break
        ids = real(first + rest)
        assert sorted(ids) == sorted([f"a-{i}" for i in range(150)] + [f"a-{i}" for i in range(5000, 5030)])
        assert it.position.version == 1 and it.position.segment == 2


def test_corrupt_shard_is_reported_by_name(it_bucket):
    with Dataset.open(f"s3://{it_bucket}/corrupt") as ds:
        with pytest.raises(ShardReadError, match=r"s3://.*/corrupt/data/dt=2026-11-28/part-v1-1\.arrow.*checksum") as e:
            for _ in ds.batches(batch_size=10, seed=2):
                pass
        assert e.value.path == "data/dt=2026-11-28/part-v1-1.arrow"


def test_ranged_reads_of_the_shards_java_wrote_give_the_same_batches(it_bucket):
    spec = dict(batch_size=10, seed=7, epoch=2, columns=("article_id", "word_count"), rank=1, world_size=3)
    with Dataset.open(f"s3://{it_bucket}/main") as whole, \
            Dataset.open(f"s3://{it_bucket}/main", fetch="record_batch") as ranged:
        expected = ids_of(whole.batches(**spec))
        assert ids_of(ranged.batches(**spec)) == expected and len(expected) > 0
        assert ranged._fetcher.gets == 0 and ranged._ranged_gets[0] > 0
