"""torch adapter, Hugging Face bridge, other readers of the same files, and the CLI."""

import json
import os
import shutil
import subprocess
import sys

import pytest

from minietl import Dataset, ManifestError


def ids(batch_dicts):
    return [[("pad:" if p else "") + i for i, p in zip(b["article_id"], b["padding"].tolist())] for b in batch_dicts]


def reference(ds, **spec):
    return [[("pad:" if p else "") + i for i, p in zip(b.data.column("article_id").to_pylist(), b.padding.tolist())]
            for b in ds.batches(**spec)]


SPEC = dict(batch_size=3, seed=42, epoch=1, rank=1, world_size=3, columns=("article_id", "word_count"))


@pytest.mark.parametrize("workers", [0, 1, 3])
def test_dataloader_with_any_number_of_workers_yields_the_rank_sequence(fixture_dataset, workers):
    pytest.importorskip("torch")
    with Dataset.open(fixture_dataset) as ds:
        expected = reference(ds, **SPEC)
        got = list(ds.torch(num_workers=workers, **SPEC))
    assert len(expected) == 7
    assert ids(got) == expected
    assert got[0]["word_count"].dtype.is_floating_point is False
    assert got[0]["padding"].dtype.__repr__() == "torch.bool"


@pytest.mark.parametrize("workers", [0, 3])
def test_state_dict_resumes_exactly_with_other_workers_and_in_the_plain_reader(fixture_dataset, workers):
    pytest.importorskip("torch")
    with Dataset.open(fixture_dataset) as ds:
        expected = reference(ds, **SPEC)
        loader = ds.torch(num_workers=workers, **SPEC)
        head = []
        for b in loader:
            head.append(b)
            if len(head) == 4:
                break
        state = loader.state_dict()
        assert state["position"].startswith("mtr2:version=4,segment=4,epoch=1,rank=1,world=3,")
        assert state["position"].endswith(",batch=4")
        again = ds.torch(num_workers=3 - workers, **SPEC)
        again.load_state_dict(state)
        assert ids(head) + ids(list(again)) == expected
        assert reference(ds, position=state["position"], **SPEC) == expected[4:]


def test_to_hf_maps_every_row_with_the_manifest_columns(fixture_dataset, tmp_path):
    datasets = pytest.importorskip("datasets")
    import pyarrow.ipc as ipc

    with Dataset.open(fixture_dataset) as ds:
        hf = ds.to_hf(cache_dir=str(tmp_path))
        assert isinstance(hf, datasets.Dataset)
        assert hf.num_rows == ds.num_rows == 61
        schema = ipc.open_file(os.path.join(fixture_dataset, ds.shards[0].path)).schema
        assert hf.column_names == schema.names
        assert sum(hf["word_count"]) == ds.stats["word_count"].sum
        small = ds.to_hf(columns=["article_id", "word_count"], cache_dir=str(tmp_path))
        assert small.column_names == ["article_id", "word_count"]
        assert small.filter(lambda r: r["word_count"] > 20).num_rows == sum(w > 20 for w in hf["word_count"])


def test_polars_and_duckdb_read_the_same_files(fixture_dataset):
    pl = pytest.importorskip("polars")
    duckdb = pytest.importorskip("duckdb")
    import pyarrow.ipc as ipc

    with Dataset.open(fixture_dataset) as ds:
        paths = [os.path.join(fixture_dataset, s.path) for s in ds.shards]
        frames = [pl.read_ipc(p) for p in paths]
        assert sum(f.height for f in frames) == ds.num_rows
        assert sum(int(f["word_count"].sum()) for f in frames) == ds.stats["word_count"].sum
        shard = ipc.open_file(paths[0]).read_all()  # noqa: F841 (duckdb scans the local variable)
        n, total = duckdb.sql("select count(*), sum(word_count) from shard").fetchone()
        assert (n, total) == (ds.shards[0].rows, ds.shards[0].stats["word_count"]["sum"])


def run_cli(*args):
    return subprocess.run([sys.executable, "-m", "minietl", *args], capture_output=True)


def test_batches_command_prints_rfc8785_json_lines(fixture_dataset):
    r = run_cli("batches", "--dataset", str(fixture_dataset), "--batch-size", "8", "--columns", "article_id,word_count")
    assert r.returncode == 0, r.stderr
    lines = r.stdout.split(b"\n")
    assert lines[-1] == b"" and len(lines) == 9
    assert lines[0] == (
        '{"article_id":["a-0","ü-1","記事-2","🙂-3","q\\"uote-4","back\\\\slash-5","tab\\t6","sep\u20287"],'
        '"word_count":[1,8,15,22,6,13,20,4],'
        '"padding":[false,false,false,false,false,false,false,false]}'
    ).encode("utf-8")
    assert json.loads(lines[7])["padding"] == [False] * 5 + [True] * 3


def test_batches_command_matches_the_vectors(fixture_dataset, vectors):
    v = next(x for x in vectors["specs"] if x["spec"]["name"] == "between-5-15-shuffle9-w3-b3")
    r = run_cli("batches", "--dataset", str(fixture_dataset), "--seed", "9", "--rank", "2", "--world-size", "3",
                "--batch-size", "3", "--between", "word_count:5:15")
    assert r.returncode == 0, r.stderr
    got = [json.loads(line) for line in r.stdout.decode().splitlines()]
    assert [[("pad:" if p else "") + i for i, p in zip(g["article_id"], g["padding"])] for g in got] == v["ranks"][2]["batches"]


def test_batches_command_reports_bad_input_in_one_line_with_exit_2(fixture_dataset, tmp_path):
    r = run_cli("batches", "--dataset", str(tmp_path / "nope"), "--batch-size", "2")
    assert r.returncode == 2 and b"Traceback" not in r.stderr and b"not a directory" in r.stderr
    r = run_cli("batches", "--dataset", str(fixture_dataset), "--batch-size", "2", "--columns", "nope")
    assert r.returncode == 2 and b"Invalid column 'nope'" in r.stderr and b"Traceback" not in r.stderr


ETL_CORE_MANIFESTS = os.path.join(os.path.dirname(__file__), "..", "..", "etl-core", "src", "test", "resources", "manifest")


def test_manifest_format_2_as_etl_core_writes_it_is_replayed_and_a_newer_one_refused(tmp_path):
    # etl-core's ManifestFormatV2FixtureTest checks that its writer writes exactly these bytes.
    man = tmp_path / "ds" / "_manifest"
    man.mkdir(parents=True)
    for v, name in ((1, "v2-snapshot.json"), (2, "v2-delta.json")):
        shutil.copy(os.path.join(ETL_CORE_MANIFESTS, name), man / f"v{v:020d}.json")
    with Dataset.open(tmp_path / "ds") as ds:
        assert (ds.version, ds.num_rows, ds._state.format_version) == (2, 5, 2)
        assert [s.path for s in ds.shards] == ["data/dt=2026-11-28/part-a-1.arrow", "data/dt=2026-11-28/part-a-2.arrow"]
        assert [s.batch_rows for s in ds.shards] == [(2, 1), (2,)]
        wc = ds.stats["word_count"]
        assert (wc.count, wc.sum, wc.min, wc.max, wc.mean) == (5, 50, 3, 21, 10.0)
    with Dataset.open(tmp_path / "ds", version=1) as ds:
        assert (ds.num_rows, ds.stats["word_count"].sum, len(ds.shards)) == (3, 16, 1)
    m = json.loads((man / "v00000000000000000002.json").read_text())
    m["format-version"] = 3
    (man / "v00000000000000000002.json").write_text(json.dumps(m))
    with pytest.raises(ManifestError, match=r"v00000000000000000002\.json: format-version 3 is newer than this reader"):
        Dataset.open(tmp_path / "ds")


def test_batches_command_with_a_run_id_plans_the_pinned_version_after_a_commit(fixture_dataset, tmp_path):
    copy = tmp_path / "ds"
    shutil.copytree(fixture_dataset, copy)
    man = copy / "_manifest"
    later = {v: (man / f"v{v:020d}.json").read_bytes() for v in (3, 4)}
    for v in later:
        (man / f"v{v:020d}.json").unlink()
    (man / "_last-snapshot").unlink()
    flags = ["--dataset", str(copy), "--batch-size", "4", "--seed", "5", "--epoch", "1", "--world-size", "2"]
    r0 = run_cli("batches", *flags, "--rank", "0", "--run-id", "run-1")
    assert r0.returncode == 0, r0.stderr
    pin = json.loads((copy / "_pins" / "run-1" / "epoch-1.json").read_text())
    assert (pin["version"], pin["epoch"], pin["run-id"]) == (2, 1, "run-1")
    for v, body in later.items():  # two commits land between the ranks' opens
        (man / f"v{v:020d}.json").write_bytes(body)
    r1 = run_cli("batches", *flags, "--rank", "1", "--run-id", "run-1")
    assert r1.returncode == 0, r1.stderr
    assert r1.stdout == run_cli("batches", *flags, "--rank", "1", "--dataset-version", "2").stdout
    assert r1.stdout != run_cli("batches", *flags, "--rank", "1").stdout
    both = run_cli("batches", *flags, "--run-id", "run-1", "--dataset-version", "2")
    assert both.returncode == 2 and b"not both" in both.stderr and b"Traceback" not in both.stderr
    bad = run_cli("batches", *flags, "--run-id", "a/b")
    assert bad.returncode == 2 and b"Invalid run id" in bad.stderr and b"Traceback" not in bad.stderr


def test_the_example_training_loop_runs_and_resumes_to_the_end_of_the_epoch(fixture_dataset, tmp_path):
    pytest.importorskip("torch")
    pytest.importorskip("tokenizers")
    script = os.path.join(os.path.dirname(__file__), "..", "..", "examples", "python", "train_loop.py")
    r = subprocess.run(
        [sys.executable, script, "--dataset", str(fixture_dataset), "--batch-size", "4", "--workers", "2",
         "--steps", "5", "--checkpoint", str(tmp_path / "ckpt.pt")],
        capture_output=True, text=True, timeout=600,
    )
    assert r.returncode == 0, r.stdout + r.stderr
    assert "checkpoint after step 5: mtr2:version=4,segment=4,epoch=0,rank=0,world=1," in r.stdout
    assert "epoch done: 16 steps, 61 distinct rows of 61" in r.stdout
