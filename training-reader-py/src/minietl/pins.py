"""Ranks agree on one version (docs/DESIGN.md, "Ranks agree on one version").

Every rank of a run opening "latest" by itself plans a different version if a commit lands
between their opens: rows are lost or doubled and batch counts differ (a DDP hang). Two ways to
agree, without any side channel:

- a pin object ``_pins/<run-id>/epoch-<n>.json`` created with a conditional PUT (``If-None-Match:
  *``, as the manifest commit): the first rank to create it fixes the version, every other rank
  reads it;
- with ``torch.distributed`` initialised, rank 0's version broadcast to all (for trainers that may
  not write to the bucket).

A follow extension is pinned the same way, one object per segment boundary:
``_pins/<run-id>/epoch-<n>/after-<v>.json`` says whether the epoch continues with version v+1
(``{"next": true}``) or ends after v (``{"next": false}``); the first rank to reach the boundary
decides from what it sees (v+1 committed, or its idle timeout passed) and every other rank obeys.
"""

from __future__ import annotations

import datetime as dt
import json
from typing import Any

from .store import ObjectStore

PIN_FORMAT = 1


def epoch_pin_key(run_id: str, epoch: int) -> str:
    _check_run_id(run_id)
    return f"_pins/{run_id}/epoch-{epoch}.json"


def boundary_key(run_id: str, epoch: int, version: int) -> str:
    _check_run_id(run_id)
    return f"_pins/{run_id}/epoch-{epoch}/after-{version}.json"


def _check_run_id(run_id: str) -> None:
    if not run_id or "/" in run_id or run_id in (".", ".."):
        raise ValueError(f"Invalid run id '{run_id}': non-empty, without '/'")


def _now() -> str:
    return dt.datetime.now(dt.timezone.utc).strftime("%Y-%m-%dT%H:%M:%SZ")


def _read(store: ObjectStore, key: str) -> dict[str, Any]:
    raw = store.get(key)
    if raw is None:
        raise RuntimeError(f"Cannot read pin {store.location}/{key}: it was created but is gone")
    pin = json.loads(raw)
    if pin.get("format") != PIN_FORMAT:
        raise ValueError(f"Cannot read pin {store.location}/{key}: unknown format {pin.get('format')}")
    return pin


def agree_on_version(store: ObjectStore, run_id: str, epoch: int, proposal: int) -> int:
    """The version every rank of ``run_id`` plans ``epoch`` on: ``proposal`` (this rank's latest)
    if this rank creates the pin first, else the version the pin holds."""
    key = epoch_pin_key(run_id, epoch)
    body = {"format": PIN_FORMAT, "run-id": run_id, "epoch": epoch, "version": proposal, "created-at": _now()}
    if store.put_if_absent(key, json.dumps(body, sort_keys=True).encode()):
        return proposal
    return int(_read(store, key)["version"])


def decided_boundary(store: ObjectStore, run_id: str, epoch: int, version: int) -> bool | None:
    """Whether the epoch continues after ``version`` as some rank decided, or None if undecided."""
    key = boundary_key(run_id, epoch, version)
    if store.get(key) is None:
        return None
    return bool(_read(store, key)["next"])


def decide_boundary(store: ObjectStore, run_id: str, epoch: int, version: int, continues: bool) -> bool:
    """Proposes ``continues`` for the boundary after ``version``; returns what holds (ours, or the
    decision of the rank that was first)."""
    key = boundary_key(run_id, epoch, version)
    body = {"format": PIN_FORMAT, "run-id": run_id, "epoch": epoch, "after": version, "next": continues,
            "created-at": _now()}
    if store.put_if_absent(key, json.dumps(body, sort_keys=True).encode()):
        return continues
    return bool(_read(store, key)["next"])


def broadcast_version(version: int) -> int:
    """Rank 0's ``version``, on every rank of the initialised ``torch.distributed`` group."""
    import torch.distributed as dist

    box = [version if dist.get_rank() == 0 else None]
    dist.broadcast_object_list(box, src=0)
    return int(box[0])
