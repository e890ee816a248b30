"""Spans: one rank's rows cut at the plan's window boundaries, the unit of gathering.

A shuffled batch takes rows from all units of its plan window, so gathering batch by batch makes
one take per batch from the whole window (the old plain iterator: ~0.1 ms of Arrow per batch,
~2x the pyarrow read of the same files), and DataLoader workers that yield whole batches
i = w (mod n) each decoded the whole epoch. A span is instead the rows of one plan window (a unit
piece when reading sequentially), in the plan's order, gathered in one pass into one record
batch: :func:`cut` makes the rank's batches of consecutive spans as zero-copy slices (a batch
that straddles two spans is put together). The plain iterator reads every span; DataLoader
worker w of n gathers the spans s = w (mod n), each from only its own window's units, and the
DataLoader's in-order round robin returns them to the trainer's process in order.
"""

from __future__ import annotations

from concurrent.futures import Future
from dataclasses import dataclass
from typing import TYPE_CHECKING, Any, Iterator

import numpy as np
import pyarrow as pa

from ._arrays import bool_values, gather, numpy_values
from .spec import Position, ReadSpec

if TYPE_CHECKING:
    from .dataset import Dataset, _Segment


@dataclass(frozen=True)
class Span:
    """Rows ``lo`` to ``hi`` (plan positions) of one segment of a rank's epoch."""

    segment: Position  # the segment's position at batch 0: base, version, spec, rank, ...
    lo: int
    hi: int
    batch_size: int
    batch_count: int  # of the segment
    data: pa.RecordBatch | dict[str, Any]  # one row per plan position; a dict: column_values
    padding: np.ndarray


def column_values(name: str, col: pa.Array) -> np.ndarray | list:
    """A column as the torch adapter hands it out: numbers and booleans as a numpy array
    (timestamps as int64 microseconds since the epoch, UTC), anything else as a list."""
    t = col.type
    if pa.types.is_timestamp(t):
        col = col.cast(pa.int64())
        t = col.type
    if pa.types.is_integer(t) or pa.types.is_floating(t) or pa.types.is_boolean(t):
        if col.null_count:
            raise ValueError(f"Cannot make a tensor of column '{name}': it has nulls; select other columns")
        values = numpy_values(col)
        # A copy, writable and owned (torch wants that); booleans are bit-packed in Arrow.
        return bool_values(col) if values is None else values.copy()
    return col.to_pylist()


def span_bounds(seg: _Segment, shuffle: bool, first_batch: int) -> list[tuple[int, int]]:
    """The spans of a segment from ``first_batch`` on: cut where a plan window starts (shuffled)
    or a unit piece starts (sequential); padding rows go with the last span."""
    plan = seg.plan
    total = len(plan.units)
    lo = first_batch * plan.batch_size
    cuts = []
    pos = 0
    prev = None
    for w, u, frm, to in plan.pieces:
        key = w if shuffle else (w, u, frm)
        if key != prev and lo < pos < total:
            cuts.append(pos)
        prev = key
        pos += to - frm
    edges = [lo, *cuts, total]
    return [(a, b) for a, b in zip(edges, edges[1:]) if b > a]


def spans(ds: Dataset, spec: ReadSpec, position: Position | str | None, worker: int, num_workers: int,
          lists: bool = False) -> Iterator[Span]:
    """Worker ``worker`` of ``num_workers``'s spans of the rank's epoch from ``position`` (None:
    the start), through follow segments: the spans s = worker (mod num_workers), counting from
    there. With ``lists``, a span's data is a dict of :func:`column_values` (for the trainer's
    own process), else a record batch."""
    seg, first = ds._begin(spec, position)
    return segment_spans(ds, spec, seg, first, worker, num_workers, lists)


def segment_spans(ds: Dataset, spec: ReadSpec, seg: _Segment, first: int, worker: int, num_workers: int,
                  lists: bool = False) -> Iterator[Span]:
    """As :func:`spans`, from batch ``first`` of ``seg``. Units are decoded ahead on the
    dataset's pool, within ``prefetch_bytes`` (at least the next span's)."""
    if not 0 <= worker < num_workers:
        raise ValueError(f"Invalid worker {worker} of {num_workers}")
    g = 0  # spans since the start, across segments
    while True:
        bounds = span_bounds(seg, spec.shuffle, first)
        mine = [(lo, hi) for k, (lo, hi) in enumerate(bounds, g) if k % num_workers == worker]
        g += len(bounds)
        yield from _gather_all(ds, spec, seg, mine, lists)
        if spec.follow is None:
            return
        nxt = ds._await_segment(seg.base, seg.version + 1, spec)
        if nxt is None:
            return
        seg, first = nxt, 0


def _gather_all(ds: Dataset, spec: ReadSpec, seg: _Segment, mine: list[tuple[int, int]], lists: bool) -> Iterator[Span]:
    plan = seg.plan
    needs = [list(dict.fromkeys(plan.units[lo:hi].tolist())) for lo, hi in mine]
    last_use: dict[int, int] = {}
    for j, us in enumerate(needs):
        for u in us:
            last_use[u] = j
    loaded: dict[int, Future] = {}
    ahead = 0  # estimated bytes of the units in loaded
    submitted = 0  # spans whose units were submitted

    def submit(j: int) -> None:
        nonlocal ahead
        for u in needs[j]:
            if u not in loaded:
                loaded[u] = ds._pool.submit(ds._load, seg.units[u], spec.columns)
                ahead += seg.units[u].estimated_bytes

    start = Position(seg.base, seg.version, spec.epoch, spec.rank, spec.world_size, spec.fingerprint(), 0)
    try:
        for j, (lo, hi) in enumerate(mine):
            while submitted <= j or (submitted < len(mine) and ahead < ds.prefetch_bytes):
                submit(submitted)
                submitted += 1
            span = _gather(seg, lo, hi, needs[j], {u: loaded[u].result() for u in needs[j]}, start, lists)
            # Units no later span needs go before the span is handed out: its batches are
            # consumed while this generator waits, and the gathered copy replaces them.
            for u in needs[j]:
                if last_use[u] == j and u in loaded:
                    del loaded[u]
                    ahead -= seg.units[u].estimated_bytes
            yield span
            del span
    finally:
        for f in loaded.values():
            f.cancel()


def _gather(seg: _Segment, lo: int, hi: int, distinct: list[int], batches: dict[int, pa.RecordBatch], start: Position,
            lists: bool) -> Span:
    plan = seg.plan
    units = plan.units[lo:hi]
    src = plan.offsets[lo:hi].copy()
    for u in distinct:
        sel = seg.selections[u]
        if sel is not None:
            m = units == u
            src[m] = sel[src[m]]
    lut = np.zeros(len(seg.units), dtype=np.int64)
    lut[distinct] = np.arange(len(distinct))
    first = int(src[0])
    data: pa.RecordBatch | dict[str, Any]
    if lists:
        # Python values are made once per unit and gathered as lists: no Arrow copy of the rows.
        base = 0
        for u in distinct:
            lut[u] = base
            base += batches[u].num_rows
        idx = lut[units] + src
        names = batches[distinct[0]].schema.names
        data = {}
        for k, name in enumerate(names):
            parts = [column_values(name, batches[u].column(k)) for u in distinct]
            if isinstance(parts[0], np.ndarray):
                data[name] = np.concatenate(parts)[idx] if len(parts) > 1 else parts[0][idx]
            else:
                every = parts[0] if len(parts) == 1 else [v for p in parts for v in p]
                data[name] = [every[i] for i in idx.tolist()]
    elif len(distinct) == 1 and np.array_equal(src, np.arange(first, first + len(src))):
        data = batches[distinct[0]].slice(first, len(src))  # zero copy: sequential reading
    else:
        data = gather([batches[u] for u in distinct], lut[units], src)
    return Span(start, lo, hi, plan.batch_size, plan.batch_count, data, np.arange(lo, hi) >= plan.real)


def cut_batches(items: Iterator[Span]) -> Iterator[tuple[pa.RecordBatch, np.ndarray, Position, int]]:
    """The rank's batches, in order, from its spans in order: each as its rows, its padding, the
    position after it and the segment's batch count."""
    carry: pa.RecordBatch | None = None
    carry_pad: np.ndarray | None = None
    at = 0  # the plan position of carry's first row
    seg: Position | None = None
    for s in items:
        if carry is not None and (s.segment != seg or s.lo != at + carry.num_rows):
            raise RuntimeError(f"Internal error: span {s.lo}..{s.hi} of {s.segment} does not continue {seg}")
        data, pad = s.data, s.padding
        if carry is not None:
            data = pa.concat_batches([carry, data])
            pad = np.concatenate([carry_pad, pad])
        else:
            at, seg = s.lo, s.segment
        n = data.num_rows
        b = s.batch_size
        k = 0
        while n - k >= b:
            yield data.slice(k, b), pad[k : k + b], _at(seg, (at + k) // b + 1), s.batch_count
            k += b
        if k < n:
            carry, carry_pad = data.slice(k, n - k), pad[k:n]
            at += k
        else:
            carry = carry_pad = None
    if carry is not None:
        raise RuntimeError(f"Internal error: the spans of {seg} end inside a batch")


def _at(seg: Position, batch: int) -> Position:
    return Position(seg.version, seg.segment, seg.epoch, seg.rank, seg.world_size, seg.spec, batch)


def cut(items: Iterator[Span]) -> Iterator[tuple[dict[str, Any], Position]]:
    """The rank's batches, in order, from its spans in order: each batch as a dict of columns
    (:func:`column_values`) and ``padding``, with the position after it. A span's record batch
    is made Python values once, whole (per batch, the conversion's overhead doubled the loader's
    time in the trainer's process)."""
    carry: dict[str, Any] | None = None
    at = 0  # the plan position of carry's first row
    seg: Position | None = None
    for s in items:
        if carry is not None and (s.segment != seg or s.lo != at + len(carry["padding"])):
            raise RuntimeError(f"Internal error: span {s.lo}..{s.hi} of {s.segment} does not continue {seg}")
        if isinstance(s.data, dict):
            cols = dict(s.data)
        else:
            cols = {name: column_values(name, col) for name, col in zip(s.data.schema.names, s.data.columns)}
        cols["padding"] = s.padding
        if carry is not None:
            cols = {k: _concat(carry[k], v) for k, v in cols.items()}
        else:
            at, seg = s.lo, s.segment
        n = len(cols["padding"])
        b = s.batch_size
        k = 0
        while n - k >= b:
            batch = {name: _slice(v, k, k + b) for name, v in cols.items()}
            yield batch, _at(seg, (at + k) // b + 1)
            k += b
        if k < n:
            carry = {name: _slice(v, k, n) for name, v in cols.items()}
            at += k
        else:
            carry = None
    if carry is not None:
        raise RuntimeError(f"Internal error: the spans of {seg} end inside a batch")


def _concat(a: Any, b: Any) -> Any:
    return np.concatenate([a, b]) if isinstance(a, np.ndarray) else a + b


def _slice(v: Any, lo: int, hi: int) -> Any:
    return v[lo:hi].copy() if isinstance(v, np.ndarray) else v[lo:hi]
