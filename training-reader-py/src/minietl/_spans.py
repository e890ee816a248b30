"""Spans: one rank's rows cut at the plan's window boundaries, how DataLoader workers split them.

A worker that yields whole batches i = w (mod n) needs every window those batches touch, and a
shuffled batch takes rows from all units of its window, so each of n workers decoded the whole
epoch (n times the work; measured in docs/PERFORMANCE.md). A span is instead the rows of one plan
window (a unit piece when reading sequentially), in the plan's order: worker w of n gathers the
spans s = w (mod n), each from only its own window's units, the DataLoader's in-order round robin
returns them in order, and :func:`cut` makes the rank's batches of them in the trainer's process
(a batch that straddles two windows is put together there). Values travel as numpy arrays and
lists of str, which is what the trainer gets anyway; no Arrow ``take`` or window copy is made.
"""

from __future__ import annotations

from concurrent.futures import Future
from dataclasses import dataclass, replace
from typing import TYPE_CHECKING, Any, Iterator

import numpy as np
import pyarrow as pa

from ._arrays import bool_values, numpy_values
from .spec import Position, ReadSpec

if TYPE_CHECKING:
    from .dataset import Dataset, _Segment


@dataclass(frozen=True)
class Span:
    """Rows ``lo`` to ``hi`` (plan positions) of one segment of a rank's epoch, as columns."""

    segment: Position  # the segment's position at batch 0: base, version, spec, rank, ...
    lo: int
    hi: int
    batch_size: int
    columns: dict[str, Any]  # name -> numpy array or list, one value per row
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


def spans(ds: Dataset, spec: ReadSpec, position: Position | str | None, worker: int, num_workers: int) -> Iterator[Span]:
    """Worker ``worker`` of ``num_workers``'s spans of the rank's epoch from ``position`` (None:
    the start), through follow segments: the spans s = worker (mod num_workers), counting from
    there. Units are decoded on the dataset's pool, the next own span's while this one is
    gathered, within ``prefetch_bytes``."""
    if not 0 <= worker < num_workers:
        raise ValueError(f"Invalid worker {worker} of {num_workers}")
    seg, first = ds._begin(spec, position)
    g = 0  # spans since the start, across segments
    while True:
        bounds = span_bounds(seg, spec.shuffle, first)
        mine = [(lo, hi) for k, (lo, hi) in enumerate(bounds, g) if k % num_workers == worker]
        g += len(bounds)
        yield from _gather_all(ds, spec, seg, mine)
        if spec.follow is None:
            return
        nxt = ds._await_segment(seg.base, seg.version + 1, spec)
        if nxt is None:
            return
        seg, first = nxt, 0


def _gather_all(ds: Dataset, spec: ReadSpec, seg: _Segment, mine: list[tuple[int, int]]) -> Iterator[Span]:
    plan = seg.plan
    needs = [list(dict.fromkeys(plan.units[lo:hi].tolist())) for lo, hi in mine]
    last_use: dict[int, int] = {}
    for j, us in enumerate(needs):
        for u in us:
            last_use[u] = j
    loaded: dict[int, Future] = {}

    def submit(j: int) -> None:
        for u in needs[j]:
            if u not in loaded:
                loaded[u] = ds._pool.submit(ds._load, seg.units[u], spec.columns)

    start = Position(seg.base, seg.version, spec.epoch, spec.rank, spec.world_size, spec.fingerprint(), 0)
    try:
        for j, (lo, hi) in enumerate(mine):
            submit(j)
            if j + 1 < len(mine):
                ahead = sum(seg.units[u].estimated_bytes for u in loaded)
                if ahead < ds.prefetch_bytes:
                    submit(j + 1)
            yield _gather(seg, lo, hi, needs[j], {u: loaded[u].result() for u in needs[j]}, start)
            for u in needs[j]:
                if last_use[u] == j:
                    loaded.pop(u, None)
    finally:
        for f in loaded.values():
            f.cancel()


def _gather(seg: _Segment, lo: int, hi: int, distinct: list[int], batches: dict[int, pa.RecordBatch], start: Position) -> Span:
    plan = seg.plan
    units = plan.units[lo:hi]
    src = plan.offsets[lo:hi].copy()
    for u in distinct:
        sel = seg.selections[u]
        if sel is not None:
            m = units == u
            src[m] = sel[src[m]]
    lut = np.zeros(len(seg.units), dtype=np.int64)
    base = 0
    for u in distinct:
        lut[u] = base
        base += batches[u].num_rows
    idx = lut[units] + src
    names = batches[distinct[0]].schema.names
    columns: dict[str, Any] = {}
    for k, name in enumerate(names):
        parts = [column_values(name, batches[u].column(k)) for u in distinct]
        if isinstance(parts[0], np.ndarray):
            columns[name] = np.concatenate(parts)[idx] if len(parts) > 1 else parts[0][idx]
        else:
            every = parts[0] if len(parts) == 1 else [v for p in parts for v in p]
            columns[name] = [every[i] for i in idx.tolist()]
    return Span(start, lo, hi, plan.batch_size, columns, np.arange(lo, hi) >= plan.real)


def cut(items: Iterator[Span]) -> Iterator[tuple[dict[str, Any], Position]]:
    """The rank's batches, in order, from its spans in order: each batch as a dict of columns and
    ``padding``, with the position after it."""
    carry: dict[str, Any] | None = None
    at = 0  # the plan position of carry's first row
    seg: Position | None = None
    for s in items:
        if carry is not None and (s.segment != seg or s.lo != at + len(carry["padding"])):
            raise RuntimeError(f"Internal error: span {s.lo}..{s.hi} of {s.segment} does not continue {seg}")
        cols = dict(s.columns)
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
            yield batch, replace(seg, batch=(at + k) // b + 1)
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
