"""The shared plan vectors (testdata/plan-vectors), also checked by Java's PlanVectorsTest."""

import hashlib

import pytest

from minietl import Between, Dataset, Position, ReadSpec
from minietl._mix import Mix, signed


def read_spec(s, rank):
    return ReadSpec(
        batch_size=s["batch_size"],
        columns=tuple(s["columns"]),
        seed=s["seed"],
        epoch=s["epoch"],
        rank=rank,
        world_size=s["world_size"],
        window_units=s["window_units"],
        split=s["split"],
        train_fraction=s["train_fraction"],
        filter=None if s["between"] is None else Between(*s["between"]),
        remainder=s["remainder"],
        follow=0.0 if s["follow"] else None,
    )


def drain(it):
    batches, positions = [], []
    for b in it:
        ids = b.data.column("article_id").to_pylist()
        batches.append([("pad:" if p else "") + i for i, p in zip(ids, b.padding.tolist())])
        positions.append(str(it.position))
    return {"batches": batches, "positions": positions}


def names(vectors):
    return [v["spec"]["name"] for v in vectors["specs"]]


def test_there_are_at_least_twenty_specs(vectors):
    assert len(vectors["specs"]) >= 20


@pytest.mark.parametrize("index", range(25))
def test_spec_gives_the_recorded_batches_and_positions_on_every_rank(vectors, fixture_dataset, index):
    v = vectors["specs"][index]
    s = v["spec"]
    spec0 = read_spec(s, 0)
    assert spec0.canonical() == v["canonical"]
    assert spec0.fingerprint() == v["fingerprint"]
    with Dataset.open(fixture_dataset, version=s["version"]) as ds:
        got = [drain(ds.batches(read_spec(s, r))) for r in range(s["world_size"])]
    assert got == v["ranks"], s["name"]


@pytest.mark.parametrize("index", range(25))
def test_resuming_from_the_middle_gives_the_recorded_continuation(vectors, fixture_dataset, index):
    v = vectors["specs"][index]
    s = v["spec"]
    with Dataset.open(fixture_dataset, version=s["version"]) as ds:
        for r, rank in enumerate(v["ranks"]):
            n = len(rank["batches"])
            if n < 2:
                continue
            k = n // 2
            it = ds.batches(read_spec(s, r), position=rank["positions"][k - 1])
            tail = drain(it)
            assert tail["batches"] == rank["batches"][k:]
            assert tail["positions"] == rank["positions"][k:]


def test_mix_gives_the_recorded_splitmix64_sequences(vectors):
    for m in vectors["mix"]:
        g = Mix.of(*m["seed_values"])
        assert [signed(g.next_long()) for _ in m["next_longs"]] == m["next_longs"]
        for o in m["next_ints"]:
            assert [g.next_int(o["bound"]) for _ in o["values"]] == o["values"]
        perm = list(range(20))
        Mix.of(*m["seed_values"]).shuffle(perm)
        assert perm == m["shuffle_20"]


def test_vectorized_draws_equal_scalar_draws():
    a, b = Mix.of(5, 6), Mix.of(5, 6)
    bounds = [3, 1, 2**31 - 1, 7, 2**62 + 1, 2**62 + 1, 2**62 + 1, 5]
    import numpy as np

    assert a._draws(np.asarray(bounds, dtype=np.int64)).tolist() == [b.next_int(x) for x in bounds]
    assert a.next_long() == b.next_long()


def test_split_buckets_are_the_sha256_prefix(vectors):
    from minietl.spec import bucket, bucket_bits

    sides = {"lt05": 0, "ge05": 0, "lt07": 0, "ge07": 0, "non_ascii": 0}
    for b in vectors["buckets"]:
        aid = b["id"]
        expected = int.from_bytes(hashlib.sha256(aid.encode()).digest()[:8], "big") >> 11
        assert bucket_bits(aid) == expected == b["bits"]
        x = bucket(aid)
        sides["lt05" if x < 0.5 else "ge05"] += 1
        sides["lt07" if x < 0.7 else "ge07"] += 1
        sides["non_ascii"] += any(ord(c) > 127 for c in aid)
    assert min(sides.values()) >= 5, sides


def test_canonical_spec_counts_utf8_bytes_and_formats_fractions_exactly():
    from minietl import AllOf, Equal

    s = ReadSpec(
        batch_size=3,
        columns=("article_id", "记"),
        seed=-5,
        split="validation",
        train_fraction=0.1,
        filter=AllOf((Between("word_count", -2, 9), Equal("author", "é,)"))),
        remainder="drop",
        follow=1.0,
    )
    assert s.canonical() == (
        "spec/1;batch=3;columns=[10:article_id,3:记];order=shuffle:-5;window=8;"
        "split=validation:3fb999999999999a;"
        "filter=and(between(10:word_count,-2,9),equal(6:author,4:é,)));"
        "remainder=drop;follow=true"
    )
    assert ReadSpec().canonical() == (
        "spec/1;batch=32;columns=[];order=sequential;window=8;split=all;filter=none;"
        "remainder=pad;follow=false"
    )


def test_position_text_round_trips_and_format_1_is_refused_with_a_reason():
    text = "mtr2:version=4,segment=4,epoch=0,rank=1,world=3,spec=0badf00d,batch=2"
    assert str(Position.parse(text)) == text
    with pytest.raises(ValueError, match="resume it in Java"):
        Position.parse(text.replace("mtr2", "mtr1"))
    with pytest.raises(ValueError, match="no batch"):
        Position.parse("mtr2:version=4,segment=4,epoch=0,rank=1,world=3,spec=0badf00d")


def test_resume_with_another_spec_is_refused(vectors, fixture_dataset):
    v = vectors["specs"][3]
    with Dataset.open(fixture_dataset) as ds:
        with pytest.raises(ValueError, match="Cannot resume"):
            ds.batches(ReadSpec(batch_size=2, seed=42), position=v["ranks"][0]["positions"][0])


def round_robin(iterators):
    """What a DataLoader does with its workers' items: in order, one from each live worker in turn."""
    live = list(iterators)
    while live:
        for it in list(live):
            try:
                yield next(it)
            except StopIteration:
                live.remove(it)


def drain_spans(ds, spec, workers, position=None):
    from minietl._spans import cut, spans

    batches, positions = [], []
    for cols, pos in cut(round_robin([spans(ds, spec, position, w, workers) for w in range(workers)])):
        batches.append([("pad:" if p else "") + i for i, p in zip(cols["article_id"], cols["padding"].tolist())])
        positions.append(str(pos))
    return {"batches": batches, "positions": positions}


@pytest.mark.parametrize("workers", [1, 2, 3])
@pytest.mark.parametrize("index", range(25))
def test_worker_spans_cut_into_batches_give_the_recorded_batches_and_resume(vectors, fixture_dataset, index, workers):
    # How DataLoader workers split a rank (minietl._spans): each gathers whole plan windows, the
    # trainer's process cuts them into batches. Any number of workers gives the recorded sequence.
    v = vectors["specs"][index]
    s = v["spec"]
    with Dataset.open(fixture_dataset, version=s["version"]) as ds:
        for r, rank in enumerate(v["ranks"]):
            assert drain_spans(ds, read_spec(s, r), workers) == rank, (s["name"], r)
            n = len(rank["batches"])
            if n >= 2:
                k = n // 2
                tail = drain_spans(ds, read_spec(s, r), workers, rank["positions"][k - 1])
                assert tail == {"batches": rank["batches"][k:], "positions": rank["positions"][k:]}


def test_spans_are_cut_at_window_boundaries_so_workers_decode_disjoint_units(fixture_dataset):
    from minietl._spans import span_bounds, spans

    spec = ReadSpec(batch_size=4, seed=42, window_units=2, columns=("article_id",))
    with Dataset.open(fixture_dataset) as ds:
        seg, _ = ds._begin(spec, None)
        windows = {}
        pos = 0
        for w, u, frm, to in seg.plan.pieces:
            windows.setdefault(w, [pos, pos])[1] = pos + to - frm
            pos += to - frm
        bounds = span_bounds(seg, True, 0)
        expected = [tuple(x) for x in windows.values()]
        expected[-1] = (expected[-1][0], len(seg.plan.units))  # padding rows join the last span
        assert bounds == expected and len(bounds) >= 3
        units = [set(seg.plan.units[lo:hi].tolist()) for lo, hi in bounds]
        for a in range(len(units)):
            for b in range(a + 1, len(units)):
                assert not units[a] & units[b] or b == len(units) - 1  # only padding repeats rows
        got = [x.lo for x in spans(ds, spec, None, 1, 2)]
        assert got == [lo for lo, _ in bounds[1::2]]
