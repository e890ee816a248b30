"""Arrow columns to numpy and back without ``Array.to_numpy()``, ``np.asarray(array)`` or
``pa.array()``: in pyarrow 25 each of those imports pandas (~0.5 s idle, several seconds on a
loaded machine), and every DataLoader worker process paid it again."""

from __future__ import annotations

import numpy as np
import pyarrow as pa
import pyarrow.compute as pc


def numpy_values(col: pa.Array) -> np.ndarray | None:
    """A read-only numpy view of a non-null integer or floating column, else None."""
    t = col.type
    if col.null_count or not (pa.types.is_integer(t) or pa.types.is_floating(t)):
        return None
    kind = "f" if pa.types.is_floating(t) else "i" if pa.types.is_signed_integer(t) else "u"
    width = t.bit_width // 8
    if len(col) == 0:
        return np.empty(0, dtype=f"<{kind}{width}")
    return np.frombuffer(col.buffers()[1], dtype=f"<{kind}{width}", count=len(col), offset=col.offset * width)


def arrow_values(values: np.ndarray, t: pa.DataType) -> pa.Array:
    return pa.Array.from_buffers(t, len(values), [None, pa.py_buffer(np.ascontiguousarray(values))])


def bool_values(col: pa.Array) -> np.ndarray:
    """A boolean column as a numpy bool array, nulls as False."""
    return numpy_values(pc.cast(pc.fill_null(col, False), pa.uint8())).astype(bool)


_OFFSETS = {pa.string(): np.int32, pa.binary(): np.int32, pa.large_string(): np.int64, pa.large_binary(): np.int64}
_LONG_VALUES = 256  # mean bytes per value from which a gather by numpy views beats Arrow's take


def gather(parts: list[pa.RecordBatch], which: np.ndarray, rows: np.ndarray) -> pa.RecordBatch:
    """Row ``rows[i]`` of ``parts[which[i]]`` for every i, as one record batch of the parts'
    schema: one pass over the values. Arrow's ``take`` of long strings grows its output buffer
    as it goes (80 MB of ~5 KB strings: ~70 ms against ~25 ms here), and a take from several
    batches first concatenates them (one more copy)."""
    schema = parts[0].schema
    masks = [np.flatnonzero(which == j) for j in range(len(parts))] if len(parts) > 1 else None
    cols = []
    for k, field in enumerate(schema):
        arrays = [p.column(k) for p in parts]
        cols.append(_gather_column(arrays, field.type, masks, which, rows))
    return pa.RecordBatch.from_arrays(cols, schema=schema)


def _gather_column(arrays: list[pa.Array], t: pa.DataType, masks, which: np.ndarray, rows: np.ndarray) -> pa.Array:
    n = len(rows)
    values = [numpy_values(a) for a in arrays]
    if all(v is not None for v in values):
        if masks is None:
            return arrow_values(values[0][rows], t)
        out = np.empty(n, dtype=values[0].dtype)
        for v, m in zip(values, masks):
            out[m] = v[rows[m]]
        return arrow_values(out, t)
    kind = _OFFSETS.get(t)
    if kind is not None and not any(a.null_count for a in arrays):
        offsets = [np.frombuffer(a.buffers()[1], dtype=kind, count=len(a) + 1, offset=a.offset * kind().itemsize)
                   for a in arrays]
        stored = sum(int(o[-1] - o[0]) for o in offsets)
        if stored >= _LONG_VALUES * max(1, sum(len(a) for a in arrays)):
            return _gather_binary(arrays, offsets, kind, t, masks, which, rows)
    # Anything else (short strings, nulls, nested types): Arrow's take, on one array.
    whole = arrays[0] if len(arrays) == 1 else pa.concat_arrays(arrays)
    if masks is not None:
        base = np.cumsum([0] + [len(a) for a in arrays[:-1]])
        rows = base[which] + rows
    return whole.take(arrow_values(rows.astype(np.int64, copy=False), pa.int64()))


def _gather_binary(arrays, offsets, kind, t, masks, which, rows) -> pa.Array:
    n = len(rows)
    starts = np.empty(n, dtype=np.int64)
    ends = np.empty(n, dtype=np.int64)
    if masks is None:
        starts[:] = offsets[0][rows]
        ends[:] = offsets[0][rows + 1]
    else:
        for o, m in zip(offsets, masks):
            r = rows[m]
            starts[m] = o[r]
            ends[m] = o[r + 1]
    out_offsets = np.empty(n + 1, dtype=np.int64)
    out_offsets[0] = 0
    np.cumsum(ends - starts, out=out_offsets[1:])
    total = int(out_offsets[-1])
    if kind is np.int32 and total > np.iinfo(np.int32).max:
        raise ValueError(f"Cannot gather {total} bytes into one {t} array: use a smaller batch_size or window_units")
    data = pa.allocate_buffer(total)  # Arrow's pool: its pages are reused (no fresh page faults)
    datas = [np.frombuffer(a.buffers()[2], dtype=np.uint8) for a in arrays]
    src = which.tolist() if masks is not None else [0] * n
    views = [datas[j][s:e] for j, s, e in zip(src, starts.tolist(), ends.tolist())]
    if views:
        np.concatenate(views, out=np.frombuffer(data, dtype=np.uint8))
    return pa.Array.from_buffers(t, n, [None, pa.py_buffer(out_offsets.astype(kind, copy=False)), data])
