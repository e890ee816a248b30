"""Where a dataset lives: a local directory or ``s3://bucket/prefix``, behind one narrow interface."""

from __future__ import annotations

import os
import threading
from typing import Any, Protocol
from urllib.parse import urlparse

import pyarrow as pa


class ObjectStore(Protocol):
    """Keys are relative to the dataset root, e.g. ``_manifest/v00000000000000000001.json``."""

    @property
    def location(self) -> str: ...

    def get(self, key: str) -> bytes | None:
        """The object's bytes, or None if there is none."""

    def get_range(self, key: str, start: int, end: int) -> bytes | None:
        """Bytes ``start`` to ``end`` (exclusive) of the object, or None if there is none."""

    def list(self, prefix: str, start_after: str | None = None) -> list[str]:
        """Keys starting with ``prefix`` sorting after ``start_after``, in order."""

    def put_if_absent(self, key: str, data: bytes) -> bool:
        """Creates ``key`` only if absent; True if this call created it."""


class LocalStore:
    """A dataset in a local directory (e.g. copied with ``aws s3 sync``)."""

    def __init__(self, root: str | os.PathLike[str]) -> None:
        self.root = os.path.abspath(os.fspath(root))

    @property
    def location(self) -> str:
        return self.root

    def _path(self, key: str) -> str:
        return os.path.join(self.root, *key.split("/"))

    def get(self, key: str) -> bytes | None:
        try:
            with open(self._path(key), "rb") as f:
                return f.read()
        except (FileNotFoundError, IsADirectoryError, NotADirectoryError):
            return None

    def get_buffer(self, key: str) -> pa.Buffer | None:
        """As :meth:`get`, into memory of Arrow's pool: ``f.read()`` gets a fresh allocation from
        the C library for each shard, whose page faults cost ~4x the copy itself (measured: 0.07
        against 0.017 CPU s for 100 MB); Arrow's allocator reuses its pages."""
        path = self._path(key)
        try:
            with pa.OSFile(path, "r") as f:
                return f.read_buffer()
        except (FileNotFoundError, NotADirectoryError):
            return None
        except OSError:
            if os.path.isdir(path):  # Arrow's error names no errno here
                return None
            raise

    def get_range(self, key: str, start: int, end: int) -> bytes | None:
        try:
            with open(self._path(key), "rb") as f:
                f.seek(start)
                return f.read(end - start)
        except (FileNotFoundError, IsADirectoryError, NotADirectoryError):
            return None

    def list(self, prefix: str, start_after: str | None = None) -> list[str]:
        keys = []
        for dirpath, _, files in os.walk(self.root):
            rel = os.path.relpath(dirpath, self.root)
            for name in files:
                key = name if rel == "." else rel.replace(os.sep, "/") + "/" + name
                if key.startswith(prefix) and (start_after is None or key > start_after):
                    keys.append(key)
        return sorted(keys)

    def put_if_absent(self, key: str, data: bytes) -> bool:
        path = self._path(key)
        os.makedirs(os.path.dirname(path), exist_ok=True)
        try:
            with open(path, "xb") as f:
                f.write(data)
            return True
        except FileExistsError:
            return False


class S3Store:
    """A dataset at ``s3://bucket/prefix`` through a boto3 S3 client."""

    def __init__(self, client: Any, bucket: str, prefix: str) -> None:
        self.client = client
        self.bucket = bucket
        self.prefix = prefix.strip("/")

    @property
    def location(self) -> str:
        return f"s3://{self.bucket}/{self.prefix}" if self.prefix else f"s3://{self.bucket}"

    def _key(self, key: str) -> str:
        return f"{self.prefix}/{key}" if self.prefix else key

    def get(self, key: str) -> bytes | None:
        try:
            return self.client.get_object(Bucket=self.bucket, Key=self._key(key))["Body"].read()
        except self.client.exceptions.NoSuchKey:
            return None

    def get_range(self, key: str, start: int, end: int) -> bytes | None:
        if end <= start:
            return b""
        try:
            r = self.client.get_object(Bucket=self.bucket, Key=self._key(key), Range=f"bytes={start}-{end - 1}")
            return r["Body"].read()
        except self.client.exceptions.NoSuchKey:
            return None

    def list(self, prefix: str, start_after: str | None = None) -> list[str]:
        args = {"Bucket": self.bucket, "Prefix": self._key(prefix)}
        if start_after:
            args["StartAfter"] = self._key(start_after)
        base = len(self._key(""))
        keys = []
        for page in self.client.get_paginator("list_objects_v2").paginate(**args):
            keys += [o["Key"][base:] for o in page.get("Contents", [])]
        return keys

    def put_if_absent(self, key: str, data: bytes) -> bool:
        from botocore.exceptions import ClientError

        try:
            self.client.put_object(Bucket=self.bucket, Key=self._key(key), Body=data, IfNoneMatch="*")
            return True
        except ClientError as e:
            if e.response.get("Error", {}).get("Code") in ("PreconditionFailed", "412"):
                return False
            raise


_session: Any = None
_session_lock = threading.Lock()


def _reset_after_fork() -> None:
    global _session_lock
    _session_lock = threading.Lock()  # another thread may have held it at the fork


os.register_at_fork(after_in_child=_reset_after_fork)


def s3_client(endpoint_url: str | None = None, region: str | None = None) -> Any:
    """A boto3 S3 client: boto3's own configuration chain (``AWS_ENDPOINT_URL``/``_S3``,
    ``AWS_REGION``, the default credentials), path-style addressing when the endpoint is not AWS's.

    Clients of one process come from one boto3 session (created under a lock: a session is not
    thread-safe), which keeps the parsed S3 service model: a client from a new session cost
    ~0.1 CPU s, from this one ~5 ms, and DataLoader workers (forked) inherit it. Clients have
    their own connections, so a forked worker's client shares no socket with its parent's.
    Assumption: the credentials the session resolved first stay valid (refreshable ones refresh
    themselves); a process that changes its AWS variables later should pass its own client.
    """
    global _session
    import boto3
    from botocore.config import Config

    with _session_lock:
        if _session is None:
            _session = boto3.session.Session()
        session = _session
        client = session.client("s3", endpoint_url=endpoint_url, region_name=region)
        host = urlparse(client.meta.endpoint_url).hostname or ""
        if not host.endswith("amazonaws.com"):
            # An emulator or S3-compatible store (s3proxy, LocalStack, MinIO): no virtual hosts there.
            client = session.client(
                "s3",
                endpoint_url=client.meta.endpoint_url,
                region_name=client.meta.region_name,
                config=Config(s3={"addressing_style": "path"}),
            )
    return client


def open_store(location: str | os.PathLike[str], s3: Any = None) -> ObjectStore:
    """``s3://bucket/prefix``, ``file:///path`` or a directory path."""
    text = os.fspath(location)
    if text.startswith("s3://"):
        u = urlparse(text)
        if not u.netloc:
            raise ValueError(f"Invalid dataset location '{text}': no bucket")
        return S3Store(s3 if s3 is not None else s3_client(), u.netloc, u.path)
    if text.startswith("file://"):
        text = urlparse(text).path
    if "://" in text:
        raise ValueError(f"Invalid dataset location '{text}': use s3://bucket/prefix or a directory")
    if not os.path.isdir(text):
        raise ValueError(f"Cannot open {text}: not a directory")
    return LocalStore(text)
