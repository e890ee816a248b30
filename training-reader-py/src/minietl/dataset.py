"""``Dataset``: a dataset opened at one manifest version, and its batches for one rank."""

from __future__ import annotations

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
from .store import ObjectStore, open_store

_TRAIN_LIMIT = 2**53


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


class _Fetcher:
    """Whole-shard bytes, verified against the manifest's CRC32C; concurrent requests share one
    fetch; a small LRU keeps recent shards within ``memory_bytes``."""

    def __init__(self, store: ObjectStore, memory_bytes: int, verify: bool) -> None:
        self.store = store
        self.memory_bytes = memory_bytes
        self.verify = verify
        self._lock = threading.Lock()
        self._memory: OrderedDict[str, bytes] = OrderedDict()
        self._used = 0
        self._in_flight: dict[str, Future] = {}
        self.gets = 0

    def get(self, shard: ShardEntry) -> bytes:
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

    def _load(self, shard: ShardEntry) -> bytes:
        self.gets += 1
        where = f"{self.store.location}/{shard.path}"
        b = self.store.get(shard.path)
        if b is None:
            raise ShardReadError(
                shard.path,
                f"Cannot read shard {where}: the object is missing though the manifest lists it",
            )
        if self.verify and shard.checksum.startswith("crc32c:"):
            actual = f"crc32c:{google_crc32c.value(b):08x}"
            if actual != shard.checksum:
                raise ShardReadError(
                    shard.path,
                    f"Cannot read shard {where}: its checksum is {actual} but the manifest says"
                    f" {shard.checksum} (the object was changed or damaged)",
                )
        return b


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
    ) -> None:
        self.store = store
        self._log = ManifestLog(store)
        self._state = state
        self.prefetch_bytes = prefetch_bytes
        self.follow_poll_interval = follow_poll_interval
        self._fetcher = _Fetcher(store, max(prefetch_bytes, 1), verify_checksums)
        self._pool = ThreadPoolExecutor(max_workers=fetch_threads, thread_name_prefix="minietl-fetch")
        self._selections: dict[tuple, np.ndarray | None] = {}
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
    ) -> Dataset:
        """Opens ``s3://bucket/prefix``, ``file:///dir`` or a directory at ``version`` (None:
        the latest). ``s3`` is a boto3 S3 client (default: :func:`minietl.store.s3_client`)."""
        store = open_store(location, s3)
        state = ManifestLog(store).load(version)
        return cls(
            store,
            state,
            prefetch_bytes=prefetch_bytes,
            fetch_threads=fetch_threads,
            verify_checksums=verify_checksums,
            follow_poll_interval=follow_poll_interval,
        )

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

    def refresh(self) -> int:
        """Moves to the latest committed version (for the next epoch); returns it."""
        self._state = self._log.load(None)
        return self._state.version

    def close(self) -> None:
        self._pool.shutdown(wait=False, cancel_futures=True)

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
        self, spec: ReadSpec | None = None, *, position: Position | str | None = None, **kwargs: Any
    ) -> BatchIterator:
        """The batches of one rank in one epoch at :attr:`version`, or, with ``position``, exactly
        the continuation of the iteration that was there (on the position's version)."""
        if spec is None:
            spec = self.spec(**kwargs)
        elif kwargs:
            spec = replace(spec, **kwargs)
        if position is None:
            s = self._state
            return BatchIterator(self, spec, self._segment(s.version, s.version, s.shards, spec), 0)
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
        return BatchIterator(self, spec, seg, position.batch)

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

    def _reader(self, shard: ShardEntry) -> ipc.RecordBatchFileReader:
        try:
            return ipc.open_file(pa.py_buffer(self._fetcher.get(shard)))
        except pa.ArrowException as e:
            raise ShardReadError(shard.path, f"Cannot read shard {self.location}/{shard.path}: {e}") from e

    def _load(self, unit: _Unit, columns: tuple[str, ...]) -> pa.RecordBatch:
        reader = self._reader(unit.shard)
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
        if columns:
            missing = [c for c in columns if rb.schema.get_field_index(c) < 0]
            if missing:
                raise ValueError(
                    f"Invalid column '{missing[0]}': the dataset's columns are {rb.schema.names}"
                )
            rb = rb.select(list(columns))
        return rb

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
            self._load(next(u for u in units if u.rows > 0), spec.columns)  # fail early on a bad column
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
        deadline = time.monotonic() + (spec.follow or 0.0)
        while True:
            added = self._log.added(version)
            if added is not None:
                return self._segment(base, version, added, spec)
            left = deadline - time.monotonic()
            if left <= 0:
                return None
            time.sleep(min(self.follow_poll_interval, left))


class BatchIterator(Iterator[Batch]):
    """The batches of one rank in one epoch. Units are fetched and decoded ahead on the dataset's
    threads within its prefetch budget. One consumer; :attr:`position` resumes it."""

    def __init__(self, dataset: Dataset, spec: ReadSpec, segment: _Segment, start_batch: int) -> None:
        self.dataset = dataset
        self.spec = spec
        self._start(segment, start_batch)

    def _start(self, seg: _Segment, start_batch: int) -> None:
        if start_batch > seg.plan.batch_count:
            raise ValueError(
                f"Invalid position: batch {start_batch} of a segment of {seg.plan.batch_count}"
            )
        self._seg = seg
        self._next_batch = start_batch
        units = seg.plan.units[start_batch * seg.plan.batch_size :]
        first = {}
        last = {}
        for i, u in enumerate(units.tolist()):
            if u not in first:
                first[u] = i
            last[u] = i
        base = start_batch * seg.plan.batch_size
        self._order = sorted(first, key=first.get)
        self._last_use = {u: base + i for u, i in last.items()}
        self._submitted = 0
        self._loaded: dict[int, Future] = {}
        self._bytes_ahead = 0
        self._top_up()

    def _top_up(self) -> None:
        while self._submitted < len(self._order) and (
            not self._loaded or self._bytes_ahead < self.dataset.prefetch_bytes
        ):
            self._submit_next()

    def _submit_next(self) -> None:
        u = self._order[self._submitted]
        self._submitted += 1
        unit = self._seg.units[u]
        self._bytes_ahead += unit.estimated_bytes
        self._loaded[u] = self.dataset._pool.submit(self.dataset._load, unit, self.spec.columns)

    def _await(self, u: int) -> pa.RecordBatch:
        while u not in self._loaded:
            self._submit_next()
        return self._loaded[u].result()

    @property
    def position(self) -> Position:
        """Where the iterator is: resume with ``dataset.batches(spec, position=...)``."""
        s = self.spec
        return Position(
            self._seg.base, self._seg.version, s.epoch, s.rank, s.world_size, s.fingerprint(), self._next_batch
        )

    @property
    def segment_version(self) -> int:
        return self._seg.version

    @property
    def batch_count(self) -> int:
        """Batches of the current segment in all (including those already yielded)."""
        return self._seg.plan.batch_count

    def __iter__(self) -> BatchIterator:
        return self

    def _has_next(self) -> bool:
        while self._next_batch >= self._seg.plan.batch_count:
            if self.spec.follow is None:
                return False
            nxt = self.dataset._await_segment(self._seg.base, self._seg.version + 1, self.spec)
            if nxt is None:
                return False
            self._loaded.clear()
            self._start(nxt, 0)
        return True

    def __next__(self) -> Batch:
        if not self._has_next():
            raise StopIteration
        p = self._seg.plan
        b = p.batch_size
        lo = self._next_batch * b
        units = p.units[lo : lo + b]
        offsets = p.offsets[lo : lo + b]
        src = offsets.copy()
        distinct = list(dict.fromkeys(units.tolist()))
        loaded = {u: self._await(u) for u in distinct}
        for u in distinct:
            sel = self._seg.selections[u]
            if sel is not None:
                m = units == u
                src[m] = sel[offsets[m]]
        if len(distinct) == 1:
            rb = loaded[distinct[0]]
            first = int(src[0])
            if np.array_equal(src, np.arange(first, first + b)):
                data = rb.slice(first, b)  # zero copy: sequential reading
            else:
                data = rb.take(pa.array(src))
        else:
            pieces = []
            where = []
            for u in distinct:
                m = np.flatnonzero(units == u)
                pieces.append(loaded[u].take(pa.array(src[m])))
                where.append(m)
            gathered = pa.Table.from_batches(pieces).combine_chunks().to_batches()[0]
            inverse = np.empty(b, dtype=np.int64)
            inverse[np.concatenate(where)] = np.arange(b)
            data = gathered.take(pa.array(inverse))
        padding = np.arange(lo, lo + b) >= p.real
        for u in distinct:
            if self._last_use[u] < lo + b:
                self._loaded.pop(u, None)
                self._bytes_ahead -= self._seg.units[u].estimated_bytes
        self._top_up()
        batch = Batch(data, padding, self._next_batch)
        self._next_batch += 1
        return batch
