"""The manifest log as etl-core writes it (docs/DESIGN.md, "Manifest"): read-only replay."""

from __future__ import annotations

import json
import re
from dataclasses import dataclass, field
from types import MappingProxyType
from typing import Any, Mapping

from .store import ObjectStore

MANIFEST_DIR = "_manifest/"
SNAPSHOT_HINT_KEY = MANIFEST_DIR + "_last-snapshot"
#: Format 1 (the original) and 2 (stream identity and commit ids in the checkpoint, issue 10).
#: Readers ignore keys they do not know, so only a higher version is refused.
MAX_FORMAT_VERSION = 2
_KEY = re.compile(r"^_manifest/v(\d{20})\.json$")


class ManifestError(ValueError):
    """A manifest that cannot be read: missing, not JSON, a newer format, or broken."""


def manifest_key(version: int) -> str:
    return f"{MANIFEST_DIR}v{version:020d}.json"


@dataclass(frozen=True)
class FeatureStats:
    """Statistics of one feature (e.g. ``word_count``) from the manifest; no data is read."""

    count: int
    sum: int
    min: int | None
    max: int | None
    mean: float | None
    stddev: float | None

    @classmethod
    def from_json(cls, d: Mapping[str, Any]) -> FeatureStats:
        return cls(
            count=int(d["count"]),
            sum=int(d["sum"]),
            min=d.get("min"),
            max=d.get("max"),
            mean=d.get("mean"),
            stddev=d.get("stddev"),
        )


@dataclass(frozen=True)
class ShardEntry:
    """One shard as the manifest lists it."""

    path: str
    rows: int
    bytes: int
    checksum: str
    compression: str
    batch_rows: tuple[int, ...]
    stats: Mapping[str, Mapping[str, Any]] = field(default_factory=dict)

    @classmethod
    def from_json(cls, d: Mapping[str, Any], where: str) -> ShardEntry:
        try:
            return cls(
                path=str(d["path"]),
                rows=int(d["rows"]),
                bytes=int(d["bytes"]),
                checksum=str(d["checksum"]),
                compression=str(d.get("compression", "")),
                batch_rows=tuple(int(r) for r in d.get("batch-rows") or ()),
                stats=MappingProxyType(dict(d.get("stats") or {})),
            )
        except KeyError as e:
            raise ManifestError(f"Invalid manifest: missing '{e.args[0]}' in {where}") from None


@dataclass(frozen=True)
class DatasetState:
    """The dataset at one version: live shards in canonical order, totals and statistics."""

    version: int
    shards: tuple[ShardEntry, ...]
    stats: Mapping[str, FeatureStats]
    total_rows: int
    total_bytes: int
    total_error_records: int
    format_version: int


def parse(data: bytes, key: str) -> dict[str, Any]:
    try:
        m = json.loads(data)
    except ValueError as e:
        raise ManifestError(f"Invalid manifest {key}: not valid JSON: {e}") from None
    if not isinstance(m, dict):
        raise ManifestError(f"Invalid manifest {key}: not a JSON object")
    fv = m.get("format-version")
    if not isinstance(fv, int) or fv < 1:
        raise ManifestError(f"Invalid manifest {key}: 'format-version' must be a positive integer")
    if fv > MAX_FORMAT_VERSION:
        raise ManifestError(
            f"Cannot read manifest {key}: format-version {fv} is newer than this reader"
            f" (it reads 1 to {MAX_FORMAT_VERSION}); upgrade minietl"
        )
    for k in ("version", "snapshot-version", "added-shards", "total-rows"):
        if k not in m:
            raise ManifestError(f"Invalid manifest {key}: missing '{k}'")
    return m


class ManifestLog:
    """Reads the manifest versions of a dataset in an :class:`ObjectStore`. Thread-safe."""

    def __init__(self, store: ObjectStore) -> None:
        self.store = store

    def read(self, version: int) -> dict[str, Any] | None:
        key = manifest_key(version)
        data = self.store.get(key)
        return None if data is None else parse(data, f"{self.store.location}/{key}")

    def latest_version(self) -> int:
        hint = 0
        raw = self.store.get(SNAPSHOT_HINT_KEY)
        if raw is not None:
            try:
                hint = int(raw.decode("ascii").strip())
            except ValueError:
                hint = 0  # a damaged hint only costs a longer listing
        start_after = manifest_key(hint - 1) if hint > 1 else None
        latest = 0
        for k in self.store.list(MANIFEST_DIR, start_after):
            m = _KEY.match(k)
            if m:
                latest = max(latest, int(m.group(1)))
        return latest

    def load(self, version: int | None = None) -> DatasetState:
        """The state at ``version`` (None: the latest), replayed from its snapshot."""
        if version is None:
            version = self.latest_version()
            if version == 0:
                raise ValueError(
                    f"Cannot open {self.store.location}: no manifest version was committed there"
                )
        head = self.read(version)
        if head is None:
            raise ValueError(
                f"Invalid version {version}: {self.store.location} has no {manifest_key(version)}"
            )
        snap_v = int(head["snapshot-version"])
        chain = []
        for v in range(snap_v, version):
            m = self.read(v)
            if m is None:
                raise ManifestError(
                    f"Cannot open the dataset at {self.store.location}: manifest"
                    f" {manifest_key(v)} is missing"
                )
            chain.append(m)
        chain.append(head)
        snap = chain[0]
        if "shards" not in snap:
            raise ManifestError(
                f"Invalid manifest {manifest_key(snap_v)}: a snapshot without 'shards'"
            )
        shards = [ShardEntry.from_json(s, f"v{snap_v} shards") for s in snap["shards"]]
        for m in chain[1:]:
            shards += [
                ShardEntry.from_json(s, f"v{m['version']} added-shards") for s in m["added-shards"]
            ]
        seen = set()
        for s in shards:
            if s.path in seen:
                raise ManifestError(f"Invalid manifest log: shard {s.path} is listed twice")
            seen.add(s.path)
        return DatasetState(
            version=version,
            shards=tuple(shards),
            stats=MappingProxyType(
                {k: FeatureStats.from_json(v) for k, v in (head.get("stats") or {}).items()}
            ),
            total_rows=int(head["total-rows"]),
            total_bytes=int(head.get("total-bytes", 0)),
            total_error_records=int(head.get("total-error-records", 0)),
            format_version=int(head["format-version"]),
        )

    def added(self, version: int) -> list[ShardEntry] | None:
        """The shards ``version`` added, or None if it does not exist (yet)."""
        m = self.read(version)
        if m is None:
            return None
        return [ShardEntry.from_json(s, f"v{version} added-shards") for s in m["added-shards"]]
