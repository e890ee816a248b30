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
