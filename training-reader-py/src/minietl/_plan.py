"""The epoch plan: a pure function of the units' row counts and the spec (docs/DESIGN.md)."""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np

from ._mix import Mix


@dataclass(frozen=True)
class PlanParams:
    seed: int
    shuffle: bool
    epoch: int
    segment: int
    world_size: int
    rank: int
    batch_size: int
    window_units: int
    drop: bool


@dataclass(frozen=True)
class Plan:
    """Rows of one rank in one segment: ``units[i]``/``offsets[i]``; index ``>= real`` is padding."""

    units: np.ndarray
    offsets: np.ndarray
    real: int
    batch_size: int
    #: The rank's unit pieces in slice order: (window, unit, first offset, end offset).
    pieces: tuple[tuple[int, int, int, int], ...] = ()

    @property
    def batch_count(self) -> int:
        return len(self.units) // self.batch_size


def plan(unit_rows: list[int], p: PlanParams) -> Plan:
    units = len(unit_rows)
    if any(r < 0 for r in unit_rows):
        raise ValueError(f"Invalid unit row counts {unit_rows}: a count is negative")
    n = sum(unit_rows)
    order = list(range(units))
    if p.shuffle:
        Mix.of(p.seed, p.epoch, p.segment).shuffle(order)
    w, b = p.world_size, p.batch_size
    if p.drop:
        q = n // w
        start = p.rank * q
        length = q // b * b
        total = length
    else:
        start = p.rank * n // w
        length = (p.rank + 1) * n // w - start
        per_rank = -(-n // w)
        total = -(-per_rank // b) * b
    out_u = np.empty(total, dtype=np.int64)
    out_o = np.empty(total, dtype=np.int64)
    pos = 0
    i = 0
    while i < units and pos + unit_rows[order[i]] <= start:
        pos += unit_rows[order[i]]
        i += 1
    filled = 0
    window_start = 0
    pieces = 0
    window = 0
    piece_list: list[tuple[int, int, int, int]] = []

    def shuffle_window(lo: int, hi: int, wnd: int) -> None:
        if p.shuffle and hi - lo > 1:
            perm = Mix.of(p.seed, p.epoch, p.segment, p.rank, wnd).shuffle_permutation(hi - lo)
            out_u[lo:hi] = out_u[lo:hi][perm]
            out_o[lo:hi] = out_o[lo:hi][perm]

    while filled < length and i < units:
        u = order[i]
        frm = max(0, start - pos)
        to = min(unit_rows[u], start + length - pos)
        if to > frm:
            out_u[filled : filled + to - frm] = u
            out_o[filled : filled + to - frm] = np.arange(frm, to)
            filled += to - frm
            piece_list.append((window, u, frm, to))
        pos += unit_rows[u]
        i += 1
        if to > frm:
            pieces += 1
            if pieces == p.window_units:
                shuffle_window(window_start, filled, window)
                window += 1
                window_start = filled
                pieces = 0
    shuffle_window(window_start, filled, window)
    real = filled
    if real == 0 and total > 0:
        count = min(total, n)
        bu: list[int] = []
        bo: list[int] = []
        for u in order:
            for off in range(unit_rows[u]):
                if len(bu) == count:
                    break
                bu.append(u)
                bo.append(off)
            if len(bu) == count:
                break
        k = np.arange(total) % len(bu)
        out_u[:] = np.asarray(bu)[k]
        out_o[:] = np.asarray(bo)[k]
    elif total > real:
        k = np.arange(real, total)
        src = real - 1 - ((k - real) % real)
        out_u[real:] = out_u[src]
        out_o[real:] = out_o[src]
    return Plan(out_u, out_o, real, b, tuple(piece_list))
