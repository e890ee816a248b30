package io.minietl.reader;

import io.minietl.core.manifest.Checksums;
import io.minietl.core.manifest.ShardEntry;
import io.minietl.core.storage.ObjectStore;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.nio.file.attribute.FileTime;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.Iterator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.AtomicLong;
import java.util.stream.Stream;

/**
 * Whole-shard bytes, verified against the manifest's CRC32C: from a small in-memory LRU, else the
 * disk cache (verified again on every read: CRC32C runs at GB/s), else one GET. Concurrent requests
 * for one shard share one fetch. Thread-safe.
 */
final class ShardFetcher {
  private final ObjectStore store;
  private final long memoryBytes;
  private final Path cacheDir;
  private final long cacheMaxBytes;
  private final Map<String, CompletableFuture<byte[]>> inFlight = new ConcurrentHashMap<>();
  private final LinkedHashMap<String, byte[]> memory = new LinkedHashMap<>(16, 0.75f, true);
  private long memoryUsed;
  final AtomicLong gets = new AtomicLong();
  final AtomicLong cacheHits = new AtomicLong();

  ShardFetcher(ObjectStore store, long memoryBytes, Path cacheDir, long cacheMaxBytes) {
    this.store = store;
    this.memoryBytes = memoryBytes;
    this.cacheDir = cacheDir;
    this.cacheMaxBytes = cacheMaxBytes;
    if (cacheDir != null) {
      try {
        Files.createDirectories(cacheDir);
      } catch (IOException e) {
        throw new UncheckedIOException("Cannot create the cache directory " + cacheDir, e);
      }
    }
  }

  /** The shard's bytes, verified. @throws ShardReadException if missing or corrupt */
  byte[] bytes(ShardEntry shard) {
    synchronized (memory) {
      byte[] b = memory.get(shard.path());
      if (b != null) {
        return b;
      }
    }
    CompletableFuture<byte[]> mine = new CompletableFuture<>();
    CompletableFuture<byte[]> other = inFlight.putIfAbsent(shard.path(), mine);
    if (other != null) {
      try {
        return other.join();
      } catch (java.util.concurrent.CompletionException e) {
        throw e.getCause() instanceof RuntimeException r ? r : e;
      }
    }
    try {
      byte[] b = load(shard);
      remember(shard.path(), b);
      mine.complete(b);
      return b;
    } catch (RuntimeException e) {
      mine.completeExceptionally(e);
      throw e;
    } finally {
      inFlight.remove(shard.path(), mine);
    }
  }

  /** The bytes if already held in memory or on disk (no GET), else null. */
  byte[] cached(ShardEntry shard) {
    synchronized (memory) {
      byte[] b = memory.get(shard.path());
      if (b != null) {
        return b;
      }
    }
    return cacheDir != null && Files.exists(cacheFile(shard)) ? bytes(shard) : null;
  }

  private byte[] load(ShardEntry shard) {
    if (cacheDir != null) {
      Path file = cacheFile(shard);
      try {
        byte[] b = Files.readAllBytes(file);
        if (Checksums.crc32c(b).equals(shard.checksum())) {
          cacheHits.incrementAndGet();
          Files.setLastModifiedTime(file, FileTime.fromMillis(System.currentTimeMillis()));
          return b;
        }
        Files.deleteIfExists(file); // damaged locally: fetch again
      } catch (java.nio.file.NoSuchFileException e) {
        // not cached
      } catch (IOException e) {
        // unreadable cache entry: fetch again
      }
    }
    gets.incrementAndGet();
    byte[] b =
        store
            .get(shard.path())
            .orElseThrow(
                () ->
                    new ShardReadException(
                        shard.path(),
                        "Cannot read shard "
                            + shard.path()
                            + ": the object is missing from "
                            + store.location()
                            + " though the manifest lists it",
                        null));
    String actual = Checksums.crc32c(b);
    if (!actual.equals(shard.checksum())) {
      throw new ShardReadException(
          shard.path(),
          "Cannot read shard "
              + store.location()
              + "/"
              + shard.path()
              + ": its checksum is "
              + actual
              + " but the manifest says "
              + shard.checksum()
              + " (the object was changed or damaged)",
          null);
    }
    if (cacheDir != null) {
      store(shard, b);
    }
    return b;
  }

  private void remember(String path, byte[] b) {
    synchronized (memory) {
      if (memory.put(path, b) == null) {
        memoryUsed += b.length;
      }
      Iterator<Map.Entry<String, byte[]>> it = memory.entrySet().iterator();
      while (memoryUsed > memoryBytes && memory.size() > 1 && it.hasNext()) {
        Map.Entry<String, byte[]> e = it.next();
        if (!e.getKey().equals(path)) {
          memoryUsed -= e.getValue().length;
          it.remove();
        }
      }
    }
  }

  private Path cacheFile(ShardEntry shard) {
    String name =
        Checksums.crc32c(shard.path().getBytes(StandardCharsets.UTF_8)).substring(7)
            + "-"
            + shard.checksum().substring(7)
            + "-"
            + shard.path().replaceAll("[^A-Za-z0-9._-]", "_");
    return cacheDir.resolve(name.length() > 200 ? name.substring(0, 200) : name);
  }

  private synchronized void store(ShardEntry shard, byte[] b) {
    if (b.length > cacheMaxBytes) {
      return;
    }
    try {
      Path tmp = Files.createTempFile(cacheDir, ".part-", ".tmp");
      Files.write(tmp, b);
      Files.move(tmp, cacheFile(shard), StandardCopyOption.ATOMIC_MOVE);
      evict();
    } catch (IOException e) {
      // the cache is an optimization: a full or read-only disk only costs GETs
    }
  }

  private void evict() throws IOException {
    List<Path> files = new ArrayList<>();
    try (Stream<Path> s = Files.list(cacheDir)) {
      s.filter(p -> !p.getFileName().toString().startsWith(".")).forEach(files::add);
    }
    long total = 0;
    Map<Path, long[]> info = new LinkedHashMap<>();
    for (Path p : files) {
      long size = Files.size(p);
      info.put(p, new long[] {size, Files.getLastModifiedTime(p).toMillis()});
      total += size;
    }
    files.sort(Comparator.comparingLong(p -> info.get(p)[1]));
    for (Path p : files) {
      if (total <= cacheMaxBytes) {
        break;
      }
      total -= info.get(p)[0];
      Files.deleteIfExists(p);
    }
  }
}
