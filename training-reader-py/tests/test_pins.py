"""Ranks agree on one version: a commit lands between two ranks' opens (and mid-follow)."""

import json
import re
import shutil

import pytest

from minietl import Dataset, run_id_from_environment


def commit_later(src, dst, version):
    """Makes ``version`` of the fixture appear in ``dst`` (shards first, then the manifest)."""
    m = json.loads((src / "_manifest" / f"v{version:020d}.json").read_text())
    for s in m["added-shards"]:
        (dst / s["path"]).parent.mkdir(parents=True, exist_ok=True)
        shutil.copy(src / s["path"], dst / s["path"])
    shutil.copy(src / "_manifest" / f"v{version:020d}.json", dst / "_manifest" / f"v{version:020d}.json")


def fixture_up_to(fixture_dataset, tmp_path, version):
    dst = tmp_path / "ds"
    shutil.copytree(fixture_dataset, dst)
    for v in range(version + 1, 5):
        (dst / "_manifest" / f"v{v:020d}.json").unlink()
    (dst / "_manifest" / "_last-snapshot").write_text("1")
    return dst


def ids(it):
    return [i for b in it for i in b.data.column("article_id").to_pylist()]


def test_a_commit_between_two_ranks_opens_does_not_change_the_pinned_version(fixture_dataset, tmp_path):
    ds_dir = fixture_up_to(fixture_dataset, tmp_path, 3)
    spec = dict(batch_size=4, seed=5, world_size=2)
    with Dataset.open(ds_dir, run_id="run-1", agree="pin") as rank0:
        commit_later(fixture_dataset, ds_dir, 4)  # lands between the two ranks' opens
        with Dataset.open(ds_dir, run_id="run-1", agree="pin") as rank1, Dataset.open(ds_dir) as unpinned:
            assert (rank0.version, rank1.version, unpinned.version) == (3, 3, 4)
            a, b = rank0.batches(rank=0, **spec), rank1.batches(rank=1, **spec)
            rows = ids(a) + ids(b)
            assert a.batch_count == b.batch_count
            assert len(set(rows)) == rank0.num_rows == 56
        # The next epoch agrees on the then latest version, again through a pin.
        assert rank0.refresh(epoch=1) == 4
    pin = json.loads((ds_dir / "_pins" / "run-1" / "epoch-0.json").read_text())
    assert (pin["format"], pin["run-id"], pin["epoch"], pin["version"]) == (1, "run-1", 0, 3)


def test_a_follow_extension_is_decided_once_for_all_ranks(fixture_dataset, tmp_path):
    ds_dir = fixture_up_to(fixture_dataset, tmp_path, 2)
    spec = dict(batch_size=4, seed=11, world_size=2, follow=0.0)
    with Dataset.open(ds_dir, run_id="run-2", agree="pin") as r0:
        first = r0.batches(rank=0, **spec)
        n0 = len(list(first))  # v2 only: at the boundary v3 is missing, so rank 0 decides "end"
        commit_later(fixture_dataset, ds_dir, 3)
        with Dataset.open(ds_dir, run_id="run-2", agree="pin") as r1:
            n1 = len(list(r1.batches(rank=1, **spec)))  # v3 exists now, but the epoch ended
        with Dataset.open(ds_dir, version=2) as loose:
            n_loose = len(list(loose.batches(rank=1, **spec)))
    assert n0 == n1 < n_loose
    decision = json.loads((ds_dir / "_pins" / "run-2" / "epoch-0" / "after-2.json").read_text())
    assert decision["next"] is False


def test_a_follow_extension_seen_by_the_first_rank_is_followed_by_all(fixture_dataset, tmp_path):
    ds_dir = fixture_up_to(fixture_dataset, tmp_path, 2)
    spec = dict(batch_size=4, seed=11, world_size=2, follow=0.0)
    with Dataset.open(ds_dir, run_id="run-3", agree="pin") as r0:
        commit_later(fixture_dataset, ds_dir, 3)
        got0 = ids(r0.batches(rank=0, **spec))
        with Dataset.open(ds_dir, run_id="run-3", agree="pin") as r1:
            got1 = ids(r1.batches(rank=1, **spec))
    assert r0.version == r1.version == 2
    numbers = sorted(int(re.search(r"(\d+)$", i).group(1)) for i in got0 + got1)
    assert set(numbers) == set(range(0, 56))  # v2's 33 rows, then the 23 rows v3 added
    assert len(got0) == len(got1)
    decision = json.loads((ds_dir / "_pins" / "run-3" / "epoch-0" / "after-2.json").read_text())
    assert decision["next"] is True


def test_run_id_comes_from_the_environment_only_when_asked():
    assert run_id_from_environment({"MINIETL_RUN_ID": "a", "TORCHELASTIC_RUN_ID": "b"}) == "a"
    assert run_id_from_environment({"TORCHELASTIC_RUN_ID": "b"}) == "b"
    assert run_id_from_environment({}) is None
    with pytest.raises(ValueError, match="run_id"):
        Dataset.open("/nonexistent", agree="pin")
