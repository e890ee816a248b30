"""``Dataset``: a dataset opened at one manifest version, and its batches for one rank."""

from __future__ import annotations

import io
import os
import sys
import threading
import time
from collections import OrderedDict
from concurrent.futures import Future, ThreadPoolExecutor
from dataclasses import dataclass, replace
from typing import Any, Iterator, Mapping

import google_crc32c
import numpy as np
import pyarrow as pa
import pyarrow.ipc as ipc

from ._plan import Plan, PlanParams, plan
from .manifest import DatasetState, FeatureStats, ManifestLog, ShardEntry
from .spec import Position, ReadSpec, Split, bucket_bits
from ._cache import DiskCache
from .store import ObjectStore, open_store

_TRAIN_LIMIT = 2**53


def _agree(store: ObjectStore, log: ManifestLog, run_id: str | None, epoch: int, agree: str) -> int:
    from . import pins

    if agree == "torch":
        torch = sys.modules.get("torch")
        if torch is None or not torch.distributed.is_initialized():
            raise ValueError("Invalid agree 'torch': torch.distributed is not initialised")
        latest = log.latest_version() if torch.distributed.get_rank() == 0 else 0
        return pins.broadcast_version(latest)
    latest = log.latest_version()
    if latest == 0:
        raise ValueError(f"Cannot open {store.location}: no manifest version was committed there")
    return pins.agree_on_version(store, run_id, epoch, latest)


def run_id_from_environment(env: Mapping[str, str] | None = None) -> str | None:
    """The run id for pins, for entry points: ``MINIETL_RUN_ID``, else torchrun's
    ``TORCHELASTIC_RUN_ID``; None if neither is set. (The library itself reads no environment.)"""
    e = os.environ if env is None else env
    return e.get("MINIETL_RUN_ID") or e.get("TORCHELASTIC_RUN_ID") or None


class ShardReadError(RuntimeError):
    """A shard that is missing or corrupt; ``path`` names it."""

    def __init__(self, path: str, message: str) -> None:
        super().__init__(message)
        self.path = path


@dataclass(frozen=True)
class Batch:
    """One batch: the rows as a ``pyarrow.RecordBatch`` and which of them are padding."""

    data: pa.RecordBatch
    padding: np.ndarray
    index: int

    def __len__(self) -> int:
        return self.data.num_rows


@dataclass(frozen=True)
class _Unit:
    shard: ShardEntry
    batch: int
    rows: int
    estimated_bytes: int


@dataclass(frozen=True)
class _Segment:
    base: int
    version: int
    units: list[_Unit]
    selections: list[np.ndarray | None]
    plan: Plan


class _RangedFile(io.RawIOBase):
    """A shard read by ranged GETs, for pyarrow's IPC file reader: it reads the footer, then the
    metadata and the buffers of the record batches asked for (with ``included_fields``, only the
    selected columns' buffers), nothing else. The footer is fetched once per shard (``tails``)."""

    _TAIL = 64 << 10  # one GET covers the footer of our shards (a few KiB)

    def __init__(self, store: ObjectStore, shard: ShardEntry, tails: dict[str, bytes], counter: list[int]) -> None:
        super().__init__()
        self._store = store
        self._shard = shard
        self._size = shard.bytes
        self._tails = tails
        self._counter = counter
        self._pos = 0

    def readable(self) -> bool:
        return True

    def seekable(self) -> bool:
        return True

    def tell(self) -> int:
        return self._pos

    def seek(self, offset: int, whence: int = 0) -> int:
        base = {0: 0, 1: self._pos, 2: self._size}[whence]
        self._pos = base + offset
        return self._pos

    def size(self) -> int:
        return self._size

    def _get(self, start: int, end: int) -> bytes:
        self._counter[0] += 1
        b = self._store.get_range(self._shard.path, start, end)
        if b is None:
            raise ShardReadError(
                self._shard.path,
                f"Cannot read shard {self._store.location}/{self._shard.path}: the object is missing"
                " though the manifest lists it",
            )
        if len(b) != end - start:
            raise ShardReadError(
                self._shard.path,
                f"Cannot read shard {self._store.location}/{self._shard.path}: it has fewer bytes"
                f" than the {self._size} the manifest says",
            )
        return b

    def read(self, n: int = -1) -> bytes:
        end = self._size if n is None or n < 0 else min(self._size, self._pos + n)
        start = self._pos
        if end <= start:
            return b""
        tail_start = max(0, self._size - self._TAIL)
        if start >= tail_start:
            tail = self._tails.get(self._shard.path)
            if tail is None:
                tail = self._get(tail_start, self._size)
                self._tails[self._shard.path] = tail
            out = tail[start - tail_start : end - tail_start]
        else:
            out = self._get(start, end)
        self._pos = end
        return out

    def readinto(self, b) -> int:
        data = self.read(len(b))
        b[: len(data)] = data
        return len(data)


class _Fetcher:
    """Whole-shard bytes, verified against the manifest's CRC32C; concurrent requests share one
    fetch; a small LRU keeps recent shards within ``memory_bytes``, then the optional disk cache,
    then one GET."""

    def __init__(self, store: ObjectStore, memory_bytes: int, verify: bool, cache: DiskCache | None = None) -> None:
        self.store = store
        self.memory_bytes = memory_bytes
        self.verify = verify
        self.cache = cache
        self._lock = threading.Lock()
        self._memory: OrderedDict[str, bytes] = OrderedDict()
        self._used = 0
        self._in_flight: dict[str, Future] = {}
        self.gets = 0

    def get(self, shard: ShardEntry) -> bytes | pa.Buffer:
        with self._lock:
            b = self._memory.get(shard.path)
            if b is not None:
                self._memory.move_to_end(shard.path)
                return b
            f = self._in_flight.get(shard.path)
            mine = f is None
            if mine:
                f = Future()
                self._in_flight[shard.path] = f
        if not mine:
            return f.result()
        try:
            b = self._load(shard)
            with self._lock:
                if shard.path not in self._memory:
                    self._memory[shard.path] = b
                    self._used += len(b)
                while self._used > self.memory_bytes and len(self._memory) > 1:
                    _, old = self._memory.popitem(last=False)
                    self._used -= len(old)
            f.set_result(b)
            return b
        except BaseException as e:
            f.set_exception(e)
            raise
        finally:
            with self._lock:
                self._in_flight.pop(shard.path, None)

    def _load(self, shard: ShardEntry) -> bytes | pa.Buffer:
        # Only CRC32C-named shards are cached: the file name and the read-back check need it.
        cache = self.cache if self.cache is not None and shard.checksum.startswith("crc32c:") else None
        if cache is not None:
            b = cache.get(shard)
            if b is not None:
                return b
        self.gets += 1
        where = f"{self.store.location}/{shard.path}"
        get_buffer = getattr(self.store, "get_buffer", None)  # LocalStore's: no fresh allocation
        b = self.store.get(shard.path) if get_buffer is None else get_buffer(shard.path)
        if b is None:
            raise ShardReadError(
                shard.path,
                f"Cannot read shard {where}: the object is missing though the manifest lists it",
            )
        if (self.verify or cache is not None) and shard.checksum.startswith("crc32c:"):
            actual = f"crc32c:{google_crc32c.value(b):08x}"
            if actual != shard.checksum and self.verify:
                raise ShardReadError(
                    shard.path,
                    f"Cannot read shard {where}: its checksum is {actual} but the manifest says"
                    f" {shard.checksum} (the object was changed or damaged)",
                )
            if cache is not None and actual == shard.checksum:  # never keep unverified bytes
                cache.put(shard, b)
        return b


def _check_columns(columns: tuple[str, ...], schema: pa.Schema) -> None:
    missing = [c for c in columns if schema.get_field_index(c) < 0]
    if missing:
        raise ValueError(f"Invalid column '{missing[0]}': the dataset's columns are {schema.names}")


def _default_rank_world(rank: int | None, world_size: int | None) -> tuple[int, int]:
    if rank is not None and world_size is not None:
        return rank, world_size
    torch = sys.modules.get("torch")  # never imported here: only used if the trainer did
    if torch is not None and torch.distributed.is_available() and torch.distributed.is_initialized():
        r = torch.distributed.get_rank() if rank is None else rank
        w = torch.distributed.get_world_size() if world_size is None else world_size
        return r, w
    return (0 if rank is None else rank), (1 if world_size is None else world_size)


class Dataset:
    """A dataset opened at one manifest version (pinned, or the latest).

    >>> ds = Dataset.open("s3://bucket/articles")             # doctest: +SKIP
    >>> for batch in ds.batches(batch_size=32, seed=42, epoch=0, rank=0, world_size=1):
    ...     batch.data  # a pyarrow.RecordBatch; batch.padding marks repeated rows

    Thread-safe: iterators may be used from different threads (each by one).
    """

    def __init__(
        self,
        store: ObjectStore,
        state: DatasetState,
        *,
        prefetch_bytes: int,
        fetch_threads: int,
        verify_checksums: bool,
        follow_poll_interval: float,
        ranged: bool = False,
        cache_dir: str | os.PathLike[str] | None = None,
        cache_max_bytes: int = 10 << 30,
    ) -> None:
        self.store = store
        self.ranged = ranged
        self._tails: dict[str, bytes] = {}
        self._ranged_gets = [0]
        self._log = ManifestLog(store)
        self._state = state
        self.prefetch_bytes = prefetch_bytes
        self.follow_poll_interval = follow_poll_interval
        # The ranged path never fetches whole shards, so it has no use for the cache (as Java's).
        cache = DiskCache(cache_dir, cache_max_bytes) if cache_dir is not None and not ranged else None
        self._fetcher = _Fetcher(store, max(prefetch_bytes, 1), verify_checksums, cache)
        self._pool = ThreadPoolExecutor(max_workers=fetch_threads, thread_name_prefix="minietl-fetch")
        self._selections: dict[tuple, np.ndarray | None] = {}
        self._location: str | None = None
        self._run_id: str | None = None
        self._agree: str | None = None
        self._s3_given = False
        self._open_kwargs: dict[str, Any] = {}
        self._layouts: dict[str, tuple[int, ...]] = {}

    @classmethod
    def open(
        cls,
        location: str | os.PathLike[str],
        version: int | None = None,
        *,
        s3: Any = None,
        prefetch_bytes: int = 256 << 20,
        fetch_threads: int = 4,
        verify_checksums: bool = True,
        follow_poll_interval: float = 1.0,
        run_id: str | None = None,
        epoch: int = 0,
        agree: str | None = None,
        fetch: str = "shard",
        cache_dir: str | os.PathLike[str] | None = None,
        cache_max_bytes: int = 10 << 30,
    ) -> Dataset:
        """Opens ``s3://bucket/prefix``, ``file:///dir`` or a directory at ``version`` (None:
        the latest). ``s3`` is a boto3 S3 client (default: :func:`minietl.store.s3_client`).

        ``agree`` makes every rank of one run plan the same version (see :mod:`minietl.pins`):
        ``"pin"`` (needs ``run_id``: the first rank to open ``epoch`` pins its latest version with
        a conditional PUT, the others read it; follow extensions are pinned too) or ``"torch"``
        (rank 0's latest, broadcast over the initialised ``torch.distributed`` group).

        ``fetch``: ``"shard"`` (default) GETs each shard whole and checks its CRC32C against the
        manifest; ``"record_batch"`` reads only the footer and the record batches (and, with
        ``columns``, only the selected columns' buffers) the plan needs, by ranged GETs: no
        whole-file checksum can be checked then (the Arrow structure and the manifest's row
        counts still are), as Java's ``FetchMode.RECORD_BATCH``.

        ``cache_dir``: a local directory keeping fetched shards (``fetch="shard"`` only) for later
        epochs, datasets and processes (DataLoader workers, the ranks of one machine may share
        it), at most ``cache_max_bytes`` (default 10 GiB, least recently used evicted first; a
        larger shard is read but not kept). Each cached file is checked against the manifest's
        CRC32C again when read; a damaged one is deleted with a warning and fetched again."""
        if fetch not in ("shard", "record_batch"):
            raise ValueError(f"Invalid fetch '{fetch}': 'shard' or 'record_batch'")
        if cache_max_bytes <= 0:
            raise ValueError(f"Invalid cache_max_bytes {cache_max_bytes}: must be > 0")
        if agree not in (None, "pin", "torch"):
            raise ValueError(f"Invalid agree '{agree}': None, 'pin' or 'torch'")
        if agree == "pin" and not run_id:
            raise ValueError("Invalid agree 'pin': give the run's run_id (e.g. minietl.run_id_from_environment())")
        store = open_store(location, s3)
        log = ManifestLog(store)
        if version is None and agree is not None:
            version = _agree(store, log, run_id, epoch, agree)
        state = log.load(version)
        ds = cls(
            store,
            state,
            prefetch_bytes=prefetch_bytes,
            fetch_threads=fetch_threads,
            verify_checksums=verify_checksums,
            follow_poll_interval=follow_poll_interval,
            ranged=fetch == "record_batch",
            cache_dir=cache_dir,
            cache_max_bytes=cache_max_bytes,
        )
        ds._location = os.fspath(location)
        ds._run_id = run_id if agree == "pin" else None
        ds._agree = agree
        ds._s3_given = s3 is not None
        ds._open_kwargs = dict(
            prefetch_bytes=prefetch_bytes,
            fetch_threads=fetch_threads,
            verify_checksums=verify_checksums,
            follow_poll_interval=follow_poll_interval,
            fetch=fetch,
            cache_dir=None if cache_dir is None else os.path.abspath(os.fspath(cache_dir)),
            cache_max_bytes=cache_max_bytes,
        )
        return ds

    # ------------------------------------------------------------------ what the manifest says

    @property
    def version(self) -> int:
        return self._state.version

    @property
    def num_rows(self) -> int:
        """Rows at :attr:`version`, before any filter or split."""
        return self._state.total_rows

    @property
    def stats(self) -> Mapping[str, FeatureStats]:
        return self._state.stats

    @property
    def shards(self) -> tuple[ShardEntry, ...]:
        return self._state.shards

    @property
    def location(self) -> str:
        return self.store.location

    def refresh(self, epoch: int | None = None) -> int:
        """Moves to the latest committed version (for the next epoch); returns it. Opened with
        ``agree``, every rank moves to the version agreed for ``epoch``."""
        version = None
        if self._agree is not None:
            if epoch is None:
                raise ValueError("Invalid refresh: a dataset opened with agree needs the epoch")
            version = _agree(self.store, self._log, self._run_id, epoch, self._agree)
        self._state = self._log.load(version)
        return self._state.version

    def close(self) -> None:
        self._pool.shutdown(wait=False, cancel_futures=True)

    # ------------------------------------------------------------------ adapters

    def torch(
        self,
        *,
        num_workers: int = 0,
        position: Position | str | None = None,
        dataloader_kwargs: dict[str, Any] | None = None,
        **spec: Any,
    ) -> Any:
        """A PyTorch loader of one rank's epoch at :attr:`version` (``minietl._torch.Loader``):
        batches as dicts of tensors / lists of strings, ``state_dict()``/``load_state_dict()``.
        The spec arguments are :meth:`batches`'; needs the ``torch`` extra."""
        from ._torch import Loader, MiniEtlIterableDataset

        if not isinstance(self._location, str) or self._s3_given:
            raise ValueError(
                "Cannot make a torch loader of a dataset opened with an own s3 client: workers"
                " open it again by location; open it by location with boto3's default client"
            )
        it = MiniEtlIterableDataset(self._location, self.version, self.spec(**spec), self._open_kwargs)
        loader = Loader(it, num_workers, **(dataloader_kwargs or {}))
        if position is not None:
            loader.load_state_dict({"position": str(position)})
        return loader

    def to_hf(self, columns: tuple[str, ...] | list[str] = (), cache_dir: str | None = None) -> Any:
        """A Hugging Face ``datasets.Dataset`` of every row at :attr:`version`, memory-mapped.

        Each shard is rewritten once (by Arrow, one shard at a time, not row by row through
        Python) into the IPC *stream* format that ``datasets.Dataset.from_file`` maps, under
        ``cache_dir`` (default: a new temporary directory), named by its checksum so a later call
        reuses it. Needs the ``hf`` extra.
        """
        import tempfile

        import datasets

        cache = cache_dir or tempfile.mkdtemp(prefix="minietl-hf-")
        os.makedirs(cache, exist_ok=True)
        parts = []
        for shard in self.shards:
            if shard.rows == 0:
                continue
            tag = "all" if not columns else f"{google_crc32c.value(','.join(columns).encode()):08x}"
            name = f"{shard.checksum.replace(':', '-')}-{tag}-{os.path.basename(shard.path)}"
            path = os.path.join(cache, name)
            if not os.path.exists(path):
                reader = self._reader(shard)
                schema = reader.schema if not columns else pa.schema([reader.schema.field(c) for c in columns])
                tmp = path + ".tmp"
                with pa.OSFile(tmp, "wb") as sink, ipc.new_stream(sink, schema) as w:
                    for i in range(reader.num_record_batches):
                        rb = reader.get_batch(i)
                        w.write_batch(rb.select(list(columns)) if columns else rb)
                os.replace(tmp, path)
            parts.append(datasets.Dataset.from_file(path))
        if not parts:
            raise ValueError(f"Cannot make a datasets.Dataset of {self.location}: it has no rows")
        return datasets.concatenate_datasets(parts) if len(parts) > 1 else parts[0]

    def __enter__(self) -> Dataset:
        return self

    def __exit__(self, *exc: object) -> None:
        self.close()

    # ------------------------------------------------------------------ iteration

    def spec(self, **kwargs: Any) -> ReadSpec:
        """A :class:`ReadSpec`; rank and world size default to ``torch.distributed`` if it is
        initialised, else 0 and 1."""
        rank, world = _default_rank_world(kwargs.pop("rank", None), kwargs.pop("world_size", None))
        return ReadSpec(rank=rank, world_size=world, **kwargs)

    def batches(
        self,
        spec: ReadSpec | None = None,
        *,
        position: Position | str | None = None,
        **kwargs: Any,
    ) -> BatchIterator:
        """The batches of one rank in one epoch at :attr:`version`, or, with ``position``, exactly
        the continuation of the iteration that was there (on the position's version)."""
        if spec is None:
            spec = self.spec(**kwargs)
        elif kwargs:
            spec = replace(spec, **kwargs)
        seg, start = self._begin(spec, position)
        return BatchIterator(self, spec, seg, start)

    def _begin(self, spec: ReadSpec, position: Position | str | None) -> tuple[_Segment, int]:
        """The segment an iteration of ``spec`` starts in, and its first batch there."""
        if position is None:
            s = self._state
            return self._segment(s.version, s.version, s.shards, spec), 0
        if isinstance(position, str):
            position = Position.parse(position)
        if (
            position.spec != spec.fingerprint()
            or position.epoch != spec.epoch
            or position.rank != spec.rank
            or position.world_size != spec.world_size
        ):
            raise ValueError(
                f"Cannot resume {position} with {spec}: the position was taken with another spec,"
                " epoch, rank or world size"
            )
        if position.segment == position.version:
            state = (
                self._state if position.version == self._state.version else self._log.load(position.version)
            )
            shards = state.shards
        else:
            shards = self._log.added(position.segment)
            if shards is None:
                raise ValueError(f"Invalid position {position}: version {position.segment} is missing")
        seg = self._segment(position.version, position.segment, shards, spec)
        if position.batch > seg.plan.batch_count:
            raise ValueError(
                f"Invalid position: batch {position.batch} of a segment of {seg.plan.batch_count}"
            )
        return seg, position.batch

    # ------------------------------------------------------------------ internals

    def _layout(self, shard: ShardEntry) -> tuple[int, ...]:
        if shard.rows == 0:
            return ()
        if shard.batch_rows:
            return shard.batch_rows
        got = self._layouts.get(shard.path)
        if got is None:
            reader = self._reader(shard)
            got = tuple(reader.get_batch(i).num_rows for i in range(reader.num_record_batches))
            if sum(got) != shard.rows:
                raise ShardReadError(
                    shard.path,
                    f"Cannot read shard {self.location}/{shard.path}: it has {sum(got)} rows but"
                    f" the manifest says {shard.rows}",
                )
            self._layouts[shard.path] = got
        return got

    def _reader(self, shard: ShardEntry, columns: tuple[str, ...] = ()) -> ipc.RecordBatchFileReader:
        """A reader of the shard's bytes; with ``columns``, one that decodes only those (the
        others' buffers are not decompressed)."""
        try:
            if self.ranged:
                buf = pa.PythonFile(_RangedFile(self.store, shard, self._tails, self._ranged_gets), mode="r")
            else:
                b = self._fetcher.get(shard)
                buf = b if isinstance(b, pa.Buffer) else pa.py_buffer(b)
            if not columns:
                return ipc.open_file(buf)
            schema = ipc.open_file(buf).schema
            _check_columns(columns, schema)
            fields = sorted(schema.get_field_index(c) for c in columns)
            return ipc.open_file(buf, options=ipc.IpcReadOptions(included_fields=fields))
        except pa.ArrowException as e:
            raise ShardReadError(shard.path, f"Cannot read shard {self.location}/{shard.path}: {e}") from e

    def _load(self, unit: _Unit, columns: tuple[str, ...]) -> pa.RecordBatch:
        reader = self._reader(unit.shard, columns)
        layout = self._layout(unit.shard)
        try:
            rb = reader.get_batch(unit.batch)
        except (pa.ArrowException, IndexError) as e:
            raise ShardReadError(
                unit.shard.path, f"Cannot read shard {self.location}/{unit.shard.path}: {e}"
            ) from e
        if rb.num_rows != layout[unit.batch] or reader.num_record_batches != len(layout):
            raise ShardReadError(
                unit.shard.path,
                f"Cannot read shard {self.location}/{unit.shard.path}: record batch {unit.batch}"
                f" has {rb.num_rows} rows of {reader.num_record_batches} batches, the manifest"
                f" says {layout[unit.batch]} of {len(layout)}",
            )
        return rb.select(list(columns)) if columns else rb  # in the order asked for

    def _selection(self, unit: _Unit, spec: ReadSpec) -> np.ndarray | None:
        if spec.filter is None and spec.split is None:
            return None
        key = (spec.selection_key(), unit.shard.path, unit.batch)
        if key in self._selections:
            return self._selections[key]
        decided = True if spec.filter is None else spec.filter.decide(unit.shard.stats, unit.shard.rows)
        if decided is False:
            result: np.ndarray | None = np.empty(0, dtype=np.int64)
        elif decided is True and spec.split is None:
            result = None
        else:
            rb = self._load(unit, ())
            mask = np.ones(rb.num_rows, dtype=bool)
            if decided is None:
                mask &= spec.filter.mask(rb)
            if spec.split is not None:
                limit = spec.train_fraction * _TRAIN_LIMIT
                ids = rb.column(rb.schema.get_field_index("article_id")).to_pylist()
                train = np.fromiter((bucket_bits(i) < limit for i in ids), dtype=bool, count=len(ids))
                mask &= train if spec.split is Split.TRAIN else ~train
            result = np.flatnonzero(mask).astype(np.int64)
        self._selections[key] = result
        return result

    def _segment(self, base: int, version: int, shards, spec: ReadSpec) -> _Segment:
        units = []
        for s in shards:
            for b, rows in enumerate(self._layout(s)):
                units.append(_Unit(s, b, rows, s.bytes * rows // s.rows if s.rows else 0))
        if spec.columns and units:
            # Fail early on a bad column, from the schema in the footer (no record batch decoded).
            schema = self._reader(next(u for u in units if u.rows > 0).shard).schema
            _check_columns(spec.columns, schema)
        selections = list(self._pool.map(lambda u: self._selection(u, spec), units))
        rows = [u.rows if sel is None else len(sel) for u, sel in zip(units, selections)]
        p = plan(
            rows,
            PlanParams(
                seed=spec.seed or 0,
                shuffle=spec.shuffle,
                epoch=spec.epoch,
                segment=version,
                world_size=spec.world_size,
                rank=spec.rank,
                batch_size=spec.batch_size,
                window_units=spec.window_units,
                drop=spec.remainder == "drop",
            ),
        )
        return _Segment(base, version, units, selections, p)

    def _await_segment(self, base: int, version: int, spec: ReadSpec) -> _Segment | None:
        from . import pins

        run = self._run_id
        deadline = time.monotonic() + (spec.follow or 0.0)
        while True:
            decided = None if run is None else pins.decided_boundary(self.store, run, spec.epoch, version - 1)
            if decided is False:
                return None
            added = self._log.added(version)
            if added is not None:
                if run is not None and decided is None and not pins.decide_boundary(
                    self.store, run, spec.epoch, version - 1, True
                ):
                    return None  # another rank ended the epoch first
                return self._segment(base, version, added, spec)
            left = deadline - time.monotonic()
            if left <= 0 and decided is None:
                if run is None or not pins.decide_boundary(self.store, run, spec.epoch, version - 1, False):
                    return None
                decided = True  # another rank saw the version: it is committed, read it
            time.sleep(min(self.follow_poll_interval, max(left, 0.01)))


class BatchIterator(Iterator[Batch]):
    """The batches of one rank in one epoch. Units are fetched and decoded ahead on the dataset's
    threads within its prefetch budget. One consumer; :attr:`position` resumes it.

    The rows of each plan window are gathered once, in the plan's order, and batches are
    zero-copy slices of that (see :mod:`minietl._spans`): a batch keeps its window's copy alive.
    """

    def __init__(
        self,
        dataset: Dataset,
        spec: ReadSpec,
        segment: _Segment,
        start_batch: int,
    ) -> None:
        from ._spans import cut_batches, segment_spans

        if start_batch > segment.plan.batch_count:
            raise ValueError(
                f"Invalid position: batch {start_batch} of a segment of {segment.plan.batch_count}"
            )
        self.dataset = dataset
        self.spec = spec
        s = spec
        self._position = Position(
            segment.base, segment.version, s.epoch, s.rank, s.world_size, s.fingerprint(), start_batch
        )
        self._batch_count = segment.plan.batch_count
        self._batches = cut_batches(segment_spans(dataset, spec, segment, start_batch, 0, 1))

    @property
    def position(self) -> Position:
        """Where the iterator is: resume with ``dataset.batches(spec, position=...)``."""
        return self._position

    @property
    def segment_version(self) -> int:
        return self._position.segment

    @property
    def batch_count(self) -> int:
        """Batches of the current segment in all (including those already yielded)."""
        return self._batch_count

    def __iter__(self) -> BatchIterator:
        return self

    def __next__(self) -> Batch:
        data, padding, position, count = next(self._batches)
        self._position = position
        self._batch_count = count
        return Batch(data, padding, position.batch - 1)
