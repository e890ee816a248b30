"""The PyTorch adapter: an IterableDataset whose DataLoader workers split a rank's batches."""

from __future__ import annotations

from typing import Any, Iterator

import numpy as np
import pyarrow as pa
import torch
from torch.utils.data import DataLoader, IterableDataset, get_worker_info

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
    """As :func:`to_torch` with numpy arrays: what workers send (a tensor would travel through a
    shared-memory segment of its own, far slower than pickling a small array)."""
    out: dict[str, Any] = {}
    for name, col in zip(batch.data.schema.names, batch.data.columns):
        t = col.type
        if pa.types.is_timestamp(t):
            col = col.cast(pa.int64())
            t = col.type
        if pa.types.is_integer(t) or pa.types.is_floating(t) or pa.types.is_boolean(t):
            if col.null_count:
                raise ValueError(
                    f"Cannot make a tensor of column '{name}': it has nulls; select other columns"
                )
            out[name] = np.array(col.to_numpy(zero_copy_only=False))  # writable: torch wants that
        else:
            out[name] = col.to_pylist()
    out["padding"] = batch.padding.copy()
    return out


class MiniEtlIterableDataset(IterableDataset):
    """One rank's batches of one epoch, at one pinned version; each item is one whole batch.

    In a DataLoader with n workers, worker w yields batches i = w (mod n): the loader's round
    robin then restores the rank's order. Each item is ``(batch_dict, position_text)``, the
    position after that batch; :class:`Loader` strips it and keeps it for ``state_dict()``.
    Arrays are numpy (a DataLoader's default collation makes them tensors; :class:`Loader` does).
    """

    def __init__(self, location: str, version: int, spec: ReadSpec, open_kwargs: dict[str, Any]):
        super().__init__()
        self.location = location
        self.version = version
        self.spec = spec
        self.open_kwargs = open_kwargs
        self.position: str | None = None

    def __iter__(self) -> Iterator[tuple[dict[str, Any], str]]:
        info = get_worker_info()
        w, n = (0, 1) if info is None else (info.id, info.num_workers)
        ds = Dataset.open(self.location, version=self.version, **self.open_kwargs)
        try:
            it = ds.batches(self.spec, position=self.position, worker=w, num_workers=n)
            for b in it:
                yield to_numpy(b), str(it.position)
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
        for batch, position in dl:
            self._position = position
            yield _tensors(batch)

    def state_dict(self) -> dict[str, Any]:
        return {"position": self._position, "version": self.dataset.version}

    def load_state_dict(self, state: dict[str, Any]) -> None:
        self._position = state.get("position")
