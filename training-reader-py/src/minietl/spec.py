"""What one rank reads in one epoch (``ReadSpec``), its filters and split, and ``Position``."""

from __future__ import annotations

import hashlib
import struct
from dataclasses import dataclass
from enum import Enum
from typing import Union

import google_crc32c
import numpy as np
import pyarrow as pa
import pyarrow.compute as pc

from ._arrays import bool_values

DEFAULT_WINDOW_UNITS = 8


class Split(str, Enum):
    """A side of the deterministic train/validation split by a hash of ``article_id``."""

    TRAIN = "train"
    VALIDATION = "validation"


def bucket_bits(article_id: str) -> int:
    """The top 53 bits of the first 8 bytes of SHA-256 of the UTF-8 id (big-endian)."""
    return int.from_bytes(hashlib.sha256(article_id.encode("utf-8")).digest()[:8], "big") >> 11


def bucket(article_id: str) -> float:
    """The row's place in [0, 1); TRAIN at fraction f is ``bucket < f`` (as Java's ``Split``)."""
    return bucket_bits(article_id) / 2**53


def _str(s: str) -> str:
    return f"{len(s.encode('utf-8'))}:{s}"


@dataclass(frozen=True)
class Between:
    """Rows whose integer column is in ``[lo, hi]`` (a null never matches)."""

    column: str
    lo: int
    hi: int

    def __post_init__(self) -> None:
        if self.lo > self.hi:
            raise ValueError(f"Invalid range [{self.lo}, {self.hi}] of {self.column}")

    @property
    def columns(self) -> set[str]:
        return {self.column}

    def canonical(self) -> str:
        return f"between({_str(self.column)},{self.lo},{self.hi})"

    def decide(self, shard_stats: dict, rows: int) -> bool | None:
        s = shard_stats.get(self.column)
        if s is None or s.get("count", 0) == 0 or "min" not in s:
            return False if rows == 0 else None
        if s["min"] >= self.lo and s["max"] <= self.hi:
            return True
        if s["max"] < self.lo or s["min"] > self.hi:
            return False
        return None

    def mask(self, batch: pa.RecordBatch) -> np.ndarray:
        col = _column(batch, self.column)
        if not pa.types.is_integer(col.type):
            raise ValueError(f"Invalid filter between({self.column}): not an integer column")
        m = pc.and_(pc.greater_equal(col, self.lo), pc.less_equal(col, self.hi))
        return bool_values(m)


@dataclass(frozen=True)
class Equal:
    """Rows whose string column equals ``value`` (a null never matches)."""

    column: str
    value: str

    @property
    def columns(self) -> set[str]:
        return {self.column}

    def canonical(self) -> str:
        return f"equal({_str(self.column)},{_str(self.value)})"

    def decide(self, shard_stats: dict, rows: int) -> bool | None:
        return None

    def mask(self, batch: pa.RecordBatch) -> np.ndarray:
        col = _column(batch, self.column)
        if not (pa.types.is_string(col.type) or pa.types.is_large_string(col.type)):
            raise ValueError(f"Invalid filter equal({self.column}): not a string column")
        return bool_values(pc.equal(col, self.value))


@dataclass(frozen=True)
class AllOf:
    """Rows matching every one of ``parts``."""

    parts: tuple[Filter, ...]

    def __post_init__(self) -> None:
        if not self.parts:
            raise ValueError("Invalid filter: AllOf() of nothing")

    @property
    def columns(self) -> set[str]:
        return set().union(*(p.columns for p in self.parts))

    def canonical(self) -> str:
        return "and(" + ",".join(p.canonical() for p in self.parts) + ")"

    def decide(self, shard_stats: dict, rows: int) -> bool | None:
        every = True
        for p in self.parts:
            d = p.decide(shard_stats, rows)
            if d is False:
                return False
            every &= d is True
        return True if every else None

    def mask(self, batch: pa.RecordBatch) -> np.ndarray:
        m = np.ones(batch.num_rows, dtype=bool)
        for p in self.parts:
            m &= p.mask(batch)
        return m


Filter = Union[Between, Equal, AllOf]


def _column(batch: pa.RecordBatch, name: str) -> pa.Array:
    i = batch.schema.get_field_index(name)
    if i < 0:
        raise ValueError(f"Invalid filter: the dataset has no column '{name}'")
    return batch.column(i)


@dataclass(frozen=True)
class ReadSpec:
    """What one rank reads in one epoch; the Java ``ReadSpec`` under Python names.

    ``seed=None`` reads sequentially (manifest order); ``follow`` is the idle timeout in seconds
    after the epoch's version (None: no follow). ``columns=()`` means all columns.
    """

    batch_size: int = 32
    columns: tuple[str, ...] = ()
    seed: int | None = None
    epoch: int = 0
    rank: int = 0
    world_size: int = 1
    window_units: int = DEFAULT_WINDOW_UNITS
    split: Split | None = None
    train_fraction: float = 0.0
    filter: Filter | None = None
    remainder: str = "pad"
    follow: float | None = None

    def __post_init__(self) -> None:
        object.__setattr__(self, "columns", tuple(self.columns))
        if self.split is not None:
            object.__setattr__(self, "split", Split(self.split))
        if self.batch_size < 1:
            raise ValueError(f"Invalid batch size {self.batch_size}: must be >= 1")
        if len(set(self.columns)) != len(self.columns):
            raise ValueError(f"Invalid columns {list(self.columns)}: a column twice")
        if self.seed is not None and not -(2**63) <= self.seed < 2**63:
            raise ValueError(f"Invalid seed {self.seed}: must be a signed 64-bit integer")
        if self.epoch < 0:
            raise ValueError(f"Invalid epoch {self.epoch}: must be >= 0")
        if self.world_size < 1 or not 0 <= self.rank < self.world_size:
            raise ValueError(
                f"Invalid rank {self.rank} of world size {self.world_size}: need 0 <= rank < size"
            )
        if self.window_units < 1:
            raise ValueError(f"Invalid window {self.window_units}: must be >= 1")
        if not 0.0 <= self.train_fraction <= 1.0:
            raise ValueError(f"Invalid train fraction {self.train_fraction}: must be in [0, 1]")
        if self.remainder not in ("pad", "drop"):
            raise ValueError(f"Invalid remainder '{self.remainder}': must be 'pad' or 'drop'")
        if self.follow is not None and self.follow < 0:
            raise ValueError(f"Invalid follow timeout {self.follow}: must be >= 0 seconds")

    @property
    def shuffle(self) -> bool:
        return self.seed is not None

    def canonical(self) -> str:
        """The canonical spec string (docs/DESIGN.md, "The spec fingerprint")."""
        if self.split is None:
            split = "all"
        else:
            split = f"{self.split.value}:{struct.pack('>d', float(self.train_fraction)).hex()}"
        return ";".join(
            [
                "spec/1",
                f"batch={self.batch_size}",
                "columns=[" + ",".join(_str(c) for c in self.columns) + "]",
                "order=sequential" if self.seed is None else f"order=shuffle:{self.seed}",
                f"window={self.window_units}",
                f"split={split}",
                "filter=" + ("none" if self.filter is None else self.filter.canonical()),
                f"remainder={self.remainder}",
                "follow=" + ("true" if self.follow is not None else "false"),
            ]
        )

    def fingerprint(self) -> str:
        return f"{google_crc32c.value(self.canonical().encode('utf-8')):08x}"

    def selection_key(self) -> str:
        split = "all" if self.split is None else f"{self.split.value}@{self.train_fraction!r}"
        return split + ";" + ("none" if self.filter is None else self.filter.canonical())


@dataclass(frozen=True)
class Position:
    """Where an iteration is; ``str(position)`` is the same text as Java's ``Position``."""

    version: int
    segment: int
    epoch: int
    rank: int
    world_size: int
    spec: str
    batch: int

    PREFIX = "mtr2:"

    @classmethod
    def parse(cls, text: str) -> Position:
        if text.startswith("mtr1:"):
            raise ValueError(
                f"Cannot resume '{text}' in Python: it is a format-1 position, written by an older"
                " Java training-reader; resume it in Java or restart the epoch"
            )
        if not text.startswith(cls.PREFIX):
            raise ValueError(f"Invalid position '{text}': expected the format {cls.PREFIX}...")
        kv = {}
        for part in text[len(cls.PREFIX) :].split(","):
            key, eq, value = part.partition("=")
            if not eq:
                raise ValueError(f"Invalid position '{text}': '{part}'")
            kv[key] = value
        try:
            return cls(
                version=int(kv["version"]),
                segment=int(kv["segment"]),
                epoch=int(kv["epoch"]),
                rank=int(kv["rank"]),
                world_size=int(kv["world"]),
                spec=kv["spec"],
                batch=int(kv["batch"]),
            )
        except KeyError as e:
            raise ValueError(f"Invalid position '{text}': no {e.args[0]}") from None
        except ValueError as e:
            raise ValueError(f"Invalid position '{text}': {e}") from None

    def __str__(self) -> str:
        return (
            f"{self.PREFIX}version={self.version},segment={self.segment},epoch={self.epoch},"
            f"rank={self.rank},world={self.world_size},spec={self.spec},batch={self.batch}"
        )
