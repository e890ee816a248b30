package io.minietl.core.storage;

import java.nio.file.Path;
import java.util.List;
import java.util.Optional;

/**
 * The narrow view of a dataset's storage that its writers (the ingest runner, a Flink committer)
 * and readers need. Keys are relative to the dataset root ({@code s3://bucket/prefix/}), e.g.
 * {@code _manifest/v00000000000000000001.json}. The implementations are {@code
 * io.minietl.s3.S3ObjectStore} (module etl-s3) and {@link LocalObjectStore} (a directory); {@code
 * io.minietl.s3.DatasetLocation} turns a dataset URI into one of them. Tests use {@code
 * InMemoryObjectStore} (etl-core's test jar), which injects failures; {@code ObjectStoreContract}
 * (same jar) is the test every implementation passes. Implementations are thread-safe.
 *
 * <p>Transient failures (5xx, timeouts) are retried inside the implementation; what escapes is an
 * unchecked exception. {@link #putIfAbsent} is the only conditional operation and the basis of the
 * commit protocol.
 */
public interface ObjectStore {
  /** A human-readable location of the dataset root, for messages (e.g. s3://bucket/prefix). */
  String location();

  /**
   * Checks that the dataset root can be used (the bucket exists and these credentials may list it;
   * the directory is writable), for one clear message before anything runs. The default checks
   * nothing.
   *
   * @throws StorageAccessException naming the location and what to fix
   */
  default void checkAccess() {}

  /** Writes {@code bytes} at {@code key}, replacing any object there. */
  void put(String key, byte[] bytes);

  /** Writes the file's content at {@code key}, replacing any object there. */
  void put(String key, Path file);

  /**
   * Creates {@code key} with {@code bytes} only if no object exists there (S3 {@code If-None-Match:
   * *}). Atomic: of concurrent callers on one key, exactly one gets {@code CREATED}.
   *
   * @return {@link PutResult#CREATED}, or {@link PutResult#ALREADY_EXISTS} if the key was taken;
   *     {@link PutResult#UNKNOWN} if the outcome could not be learned (the request may or may not
   *     have been applied: the caller must read the key to find out, and must not clean up)
   */
  PutResult putIfAbsent(String key, byte[] bytes);

  /** The object's content, or empty if there is none. */
  Optional<byte[]> get(String key);

  /**
   * {@code length} bytes of the object at {@code key} starting at {@code offset} (fewer if the
   * object ends first; none if {@code offset} is at or past its end), or empty if there is no
   * object. The default reads the whole object and copies the range; stores that can read a range
   * directly (S3: a {@code Range} header) override it.
   *
   * @throws IllegalArgumentException if {@code offset} or {@code length} is negative
   */
  default Optional<byte[]> getRange(String key, long offset, int length) {
    if (offset < 0 || length < 0) {
      throw new IllegalArgumentException(
          "Invalid range: offset " + offset + ", length " + length + " (both must be >= 0)");
    }
    return get(key)
        .map(
            all -> {
              int from = (int) Math.min(offset, all.length);
              int to = (int) Math.min((long) from + length, all.length);
              return java.util.Arrays.copyOfRange(all, from, to);
            });
  }

  /**
   * The objects whose keys start with {@code prefix} and sort after {@code startAfter} (may be
   * null), in key order.
   */
  List<ObjectInfo> list(String prefix, String startAfter);

  /** Deletes {@code key}; no error if it does not exist. */
  void delete(String key);

  /** The outcome of {@link #putIfAbsent}. */
  enum PutResult {
    CREATED,
    ALREADY_EXISTS,
    UNKNOWN
  }
}
