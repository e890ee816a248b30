"""A local disk cache of whole shards, shared by the processes of one machine (Java's
``ShardFetcher`` cache, same file names and rules)."""

from __future__ import annotations

import os
import re
import tempfile
import threading
import time
import warnings

import google_crc32c
import pyarrow as pa

from .manifest import ShardEntry


def _crc32c(data: bytes | pa.Buffer) -> str:
    return f"crc32c:{google_crc32c.value(data):08x}"


# One put at a time in this process: the reader's fetch threads put shards concurrently, and two
# puts evicting at once could each delete the other's new file (each spares only its own), leaving
# the cache empty. Puts are one per shard fetch, so the lock costs nothing. Re-made in a forked
# child (a DataLoader worker), where a lock held by another thread at fork time would never be
# released. Processes sharing a directory still evict independently: a best effort, as Java's.
_put_lock = threading.Lock()


def _new_put_lock() -> None:
    global _put_lock
    _put_lock = threading.Lock()


os.register_at_fork(after_in_child=_new_put_lock)


def _touch(path: str) -> None:
    """Marks ``path`` used now. The clock, not the kernel's file time: that one advances by timer
    ticks (milliseconds), so files written in a row would tie and their use order be lost."""
    now = time.time_ns()
    os.utime(path, ns=(now, now))


class DiskCache:
    """Verified shard bytes in ``directory``, at most ``max_bytes`` of them, least recently used
    evicted first.

    A file is named by the CRC32C of the shard's path, the shard's CRC32C and the path itself
    (as Java names it, so Java and Python readers can share one directory): shards are immutable,
    so a name never needs invalidating. Every read is verified against the manifest's CRC32C
    again (it runs at GB/s): a damaged file is deleted with a warning and the shard fetched
    again, never served. Files are written to a temporary name and renamed (``os.replace``,
    atomic), so processes reading one directory (DataLoader workers, the ranks of one machine)
    never see a partial file. Use order is the files' modification times (a hit touches its file),
    so it holds across processes. The cache is an optimization: a full or read-only disk only
    costs fetches.
    """

    def __init__(self, directory: str | os.PathLike[str], max_bytes: int) -> None:
        if max_bytes <= 0:
            raise ValueError(f"Invalid cache_max_bytes {max_bytes}: must be > 0")
        self.directory = os.path.abspath(os.fspath(directory))
        self.max_bytes = max_bytes
        try:
            os.makedirs(self.directory, exist_ok=True)
        except OSError as e:
            raise ValueError(f"Cannot create the cache directory {self.directory}: {e}") from e
        self.hits = 0

    def path(self, shard: ShardEntry) -> str:
        name = (
            f"{_crc32c(shard.path.encode('utf-8'))[7:]}-{shard.checksum[7:]}-"
            f"{re.sub(r'[^A-Za-z0-9._-]', '_', shard.path)}"
        )
        return os.path.join(self.directory, name[:200])

    def get(self, shard: ShardEntry) -> pa.Buffer | None:
        """The cached bytes if present and intact, else None."""
        file = self.path(shard)
        try:
            with pa.OSFile(file, "r") as f:  # Arrow's pool, as LocalStore.get_buffer
                b = f.read_buffer()
        except OSError:  # missing (Arrow's error names no errno) or unreadable: fetch it
            return None
        actual = _crc32c(b)
        if actual != shard.checksum:
            warnings.warn(
                f"Cannot use the cached copy {file} of shard {shard.path}: its checksum is {actual}"
                f" but the manifest says {shard.checksum} (damaged on this disk); deleted it,"
                " fetching the shard again",
                RuntimeWarning,
                stacklevel=2,
            )
            self._remove(file)
            return None
        try:
            _touch(file)
        except OSError:
            pass  # evicted by another process meanwhile: the bytes are still good
        self.hits += 1
        return b

    def put(self, shard: ShardEntry, data: bytes | pa.Buffer) -> None:
        """Keeps verified ``data``, then evicts down to the budget; a shard larger than the whole
        budget is not kept (it would evict everything and then itself)."""
        if len(data) > self.max_bytes:
            return
        with _put_lock:
            self._put(self.path(shard), data)

    def _put(self, file: str, data: bytes | pa.Buffer) -> None:
        tmp = None
        try:
            fd, tmp = tempfile.mkstemp(dir=self.directory, prefix=".part-", suffix=".tmp")
            with os.fdopen(fd, "wb") as f:
                f.write(data)
            _touch(tmp)
            os.replace(tmp, file)
            tmp = None
            self._evict(keep=file)
        except OSError:
            pass  # a full or read-only disk only costs fetches
        finally:
            if tmp is not None:
                self._remove(tmp)

    def _evict(self, keep: str) -> None:
        files = []
        total = 0
        with os.scandir(self.directory) as it:
            for e in it:
                if e.name.startswith("."):  # another process's temporary file
                    continue
                try:
                    st = e.stat()
                except FileNotFoundError:  # evicted by another process
                    continue
                files.append((st.st_mtime_ns, e.name, st.st_size))
                total += st.st_size
        for _, name, size in sorted(files):
            if total <= self.max_bytes:
                break
            path = os.path.join(self.directory, name)
            if path == keep:  # just written: the newest, and it fits
                continue
            self._remove(path)
            total -= size

    @staticmethod
    def _remove(path: str) -> None:
        try:
            os.remove(path)
        except FileNotFoundError:
            pass
