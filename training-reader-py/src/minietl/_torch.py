"""The PyTorch adapter: an IterableDataset whose DataLoader workers split a rank's batches."""

from __future__ import annotations

from typing import Any, Iterator

import numpy as np
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


class MiniEtlIterableDataset(IterableDataset):
    """One rank's epoch at one pinned version, as :class:`minietl._spans.Span` items: the rows of
    one plan window each, in the plan's order (docs/DESIGN.md, "torch adapter").

    In a DataLoader with n workers, worker w yields the spans s = w (mod n), decoding only their
    windows' units; the loader's in-order round robin returns them in order and :class:`Loader`
    cuts them into the rank's batches. Columns are numpy arrays and lists (a tensor would travel
    through a shared-memory segment of its own, far slower than pickling an array).
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
            yield from spans(ds, self.spec, self.position, w, n)
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
        for batch, position in cut(iter(dl)):
            self._position = str(position)
            yield _tensors(batch)

    def state_dict(self) -> dict[str, Any]:
        return {"position": self._position, "version": self.dataset.version}

    def load_state_dict(self, state: dict[str, Any]) -> None:
        self._position = state.get("position")
