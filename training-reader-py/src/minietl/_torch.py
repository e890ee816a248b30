"""The PyTorch adapter: an IterableDataset whose DataLoader workers split a rank's batches."""

from __future__ import annotations

from dataclasses import replace
from typing import Any, Iterator

import numpy as np
import pyarrow as pa
import pyarrow.ipc as ipc
import torch
from torch.utils.data import DataLoader, IterableDataset, get_worker_info

from ._spans import Span, column_values, cut, spans
from .dataset import Batch, Dataset
from .spec import Position, ReadSpec


def to_torch(batch: Batch) -> dict[str, Any]:
    """A batch as a dict: numeric columns as tensors (timestamps as int64 microseconds since the
    epoch, UTC), strings as lists of str, and ``padding`` as a bool tensor."""
    return _tensors(to_numpy(batch))


def _tensors(d: dict[str, Any]) -> dict[str, Any]:
    return {k: torch.from_numpy(v) if isinstance(v, np.ndarray) else v for k, v in d.items()}


def _identity(x: Any) -> Any:
    return x


def to_numpy(batch: Batch) -> dict[str, Any]:
    """As :func:`to_torch` with numpy arrays."""
    out: dict[str, Any] = {
        name: column_values(name, col) for name, col in zip(batch.data.schema.names, batch.data.columns)
    }
    out["padding"] = batch.padding.copy()
    return out


class _SharedSpan:
    """A span on its way from a DataLoader worker to the trainer's process: its rows as one Arrow
    IPC stream in one shared-memory tensor (torch passes the segment's file descriptor), the rest
    pickled. Pickled through the worker's pipe, a window of ~5 KB strings (80 MB) went through
    64 KiB pipe writes and reads and, as Python lists, a UTF-8 encode and decode (pickling and
    unpickling alone: 0.45-0.65 of the 2-worker benchmark's 1.6-1.9 CPU s). The trainer's process
    maps the stream without copying it."""

    def __init__(self, span: Span) -> None:
        sink = pa.MockOutputStream()
        with ipc.new_stream(sink, span.data.schema) as w:
            w.write_batch(span.data)
        size = sink.size()
        new_shared = getattr(torch.UntypedStorage, "_new_shared", None)
        if new_shared is not None:  # straight into shared memory
            tensor = torch.empty(0, dtype=torch.uint8).set_(new_shared(size))
        else:
            tensor = torch.empty(size, dtype=torch.uint8).share_memory_()
        with ipc.new_stream(pa.FixedSizeBufferWriter(pa.py_buffer(tensor.numpy())), span.data.schema) as w:
            w.write_batch(span.data)
        self.tensor = tensor
        self.span = replace(span, data=None)

    def unpack(self) -> Span:
        data = ipc.open_stream(pa.py_buffer(self.tensor.numpy())).read_next_batch()
        return replace(self.span, data=data)


def _unpack(items: Iterator[Any]) -> Iterator[Span]:
    for x in items:
        yield x.unpack() if isinstance(x, _SharedSpan) else x


class MiniEtlIterableDataset(IterableDataset):
    """One rank's epoch at one pinned version, as :class:`minietl._spans.Span` items: the rows of
    one plan window each, in the plan's order (docs/DESIGN.md, "torch adapter").

    In a DataLoader with n workers, worker w yields the spans s = w (mod n), decoding only their
    windows' units; the loader's in-order round robin returns them in order and :class:`Loader`
    cuts them into the rank's batches. A worker's span travels in shared memory (``_SharedSpan``).
    """

    def __init__(self, location: str, version: int, spec: ReadSpec, open_kwargs: dict[str, Any]):
        super().__init__()
        self.location = location
        self.version = version
        self.spec = spec
        self.open_kwargs = open_kwargs
        self.position: str | None = None

    def __iter__(self) -> Iterator[Span]:
        info = get_worker_info()
        w, n = (0, 1) if info is None else (info.id, info.num_workers)
        ds = Dataset.open(self.location, version=self.version, **self.open_kwargs)
        try:
            if info is None:
                yield from spans(ds, self.spec, self.position, 0, 1, lists=True)
            else:
                for span in spans(ds, self.spec, self.position, w, n):
                    yield _SharedSpan(span)
        finally:
            ds.close()


class Loader:
    """A DataLoader over :class:`MiniEtlIterableDataset` with ``state_dict()`` /
    ``load_state_dict()`` as torchdata's ``StatefulDataLoader`` has them: the state is the rank's
    position of the next batch this loader yields (the workers' interleaving is deterministic), so
    a loader with any number of workers resumes it, and so does the Java reader."""

    def __init__(self, iterable: MiniEtlIterableDataset, num_workers: int, **dataloader_kwargs: Any):
        self.dataset = iterable
        self.num_workers = num_workers
        self.dataloader_kwargs = dataloader_kwargs
        self._position: str | None = None

    @property
    def position(self) -> Position | None:
        return None if self._position is None else Position.parse(self._position)

    def __iter__(self) -> Iterator[dict[str, Any]]:
        self.dataset.position = self._position
        kwargs = {"collate_fn": _identity, **self.dataloader_kwargs}  # default_convert walks every string
        dl = DataLoader(self.dataset, batch_size=None, num_workers=self.num_workers, **kwargs)
        for batch, position in cut(_unpack(iter(dl))):
            self._position = str(position)
            yield _tensors(batch)

    def state_dict(self) -> dict[str, Any]:
        return {"position": self._position, "version": self.dataset.version}

    def load_state_dict(self, state: dict[str, Any]) -> None:
        self._position = state.get("position")
