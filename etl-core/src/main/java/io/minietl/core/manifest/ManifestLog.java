package io.minietl.core.manifest;

import io.minietl.core.storage.ObjectInfo;
import io.minietl.core.storage.ObjectStore;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Optional;
import java.util.OptionalLong;

/**
 * The manifest log of one dataset in an {@link ObjectStore}: load the latest state, commit the next
 * version with a conditional create, catch up with versions others committed.
 *
 * <p>Opening reads a bounded number of objects however old the dataset is: a best-effort hint
 * object names the latest full snapshot, one LIST after it finds the newest version, and the replay
 * reads the snapshot plus at most a snapshot interval of deltas. The hint can only be stale, never
 * wrong: versions are listed from it, not trusted from it.
 *
 * <p>The commit contract is {@link DatasetState}'s. Thread-safe: it keeps no state beyond the
 * store.
 */
public final class ManifestLog {
  /** Names the latest snapshot version; sorts before every {@code v…} key of the manifest dir. */
  public static final String SNAPSHOT_HINT_KEY = ManifestPaths.MANIFEST_DIR + "_last-snapshot";

  private final ObjectStore store;

  public ManifestLog(ObjectStore store) {
    this.store = store;
  }

  public String location() {
    return store.location();
  }

  /** The dataset at its latest committed version (empty if nothing was ever committed). */
  public DatasetState load() {
    long hint = readHint();
    String startAfter = hint > 1 ? ManifestPaths.manifestKey(hint - 1) : null;
    long latest = 0;
    for (ObjectInfo o : store.list(ManifestPaths.MANIFEST_DIR, startAfter)) {
      OptionalLong v = ManifestPaths.parseManifestVersion(o.key());
      if (v.isPresent()) {
        latest = Math.max(latest, v.getAsLong());
      }
    }
    if (latest == 0) {
      return DatasetState.empty();
    }
    String headKey = ManifestPaths.manifestKey(latest);
    return replayTo(read(latest).orElseThrow(() -> missing(headKey)));
  }

  /**
   * The dataset at {@code version} (a pinned version, for reproducible reads).
   *
   * @throws IllegalArgumentException if that version does not exist
   */
  public DatasetState load(long version) {
    String key = ManifestPaths.manifestKey(version);
    Manifest head =
        read(version)
            .orElseThrow(
                () ->
                    new IllegalArgumentException(
                        "Invalid version " + version + ": " + store.location() + " has no " + key));
    return replayTo(head);
  }

  /** {@code state} moved forward over every version committed after it. */
  public DatasetState refresh(DatasetState state) {
    DatasetState current = state;
    while (true) {
      Optional<Manifest> next = read(current.version() + 1);
      if (next.isEmpty()) {
        return current;
      }
      current = current.apply(next.get());
    }
  }

  /** The outcome of {@link #commit}. */
  public enum Outcome {
    /** The manifest is version {@code state.version() + 1} of the dataset. */
    COMMITTED,
    /** Another writer created that version first; nothing of ours is visible. */
    CONFLICT
  }

  /**
   * Creates manifest {@code next} (version {@code state.version() + 1}) if no one else has. When
   * the store cannot tell whether the create happened, reads the version back and compares bytes:
   * our own bytes mean we won.
   */
  public Outcome commit(Manifest next) {
    String key = ManifestPaths.manifestKey(next.version());
    byte[] bytes = ManifestParser.toJsonBytes(next);
    while (true) {
      switch (store.putIfAbsent(key, bytes)) {
        case CREATED:
          if (next.snapshot()) {
            writeHint(next.version());
          }
          return Outcome.COMMITTED;
        case ALREADY_EXISTS:
          return Outcome.CONFLICT;
        default:
          Optional<byte[]> there = store.get(key);
          if (there.isEmpty()) {
            continue; // the create did not happen: try again
          }
          boolean ours = Arrays.equals(there.get(), bytes);
          if (ours && next.snapshot()) {
            writeHint(next.version());
          }
          return ours ? Outcome.COMMITTED : Outcome.CONFLICT;
      }
    }
  }

  public Optional<Manifest> read(long version) {
    return store.get(ManifestPaths.manifestKey(version)).map(ManifestParser::fromJson);
  }

  /** The state at {@code head}: its snapshot and the deltas up to it. */
  private DatasetState replayTo(Manifest head) {
    List<Manifest> chain = new ArrayList<>();
    for (long v = head.snapshotVersion(); v < head.version(); v++) {
      long version = v;
      chain.add(read(version).orElseThrow(() -> missing(ManifestPaths.manifestKey(version))));
    }
    chain.add(head);
    return DatasetState.replay(chain.get(0), chain.subList(1, chain.size()));
  }

  private long readHint() {
    try {
      return store
          .get(SNAPSHOT_HINT_KEY)
          .map(b -> Long.parseLong(new String(b, StandardCharsets.US_ASCII).trim()))
          .orElse(0L);
    } catch (NumberFormatException e) {
      return 0; // a damaged hint only costs a longer LIST
    }
  }

  private void writeHint(long version) {
    try {
      store.put(SNAPSHOT_HINT_KEY, Long.toString(version).getBytes(StandardCharsets.US_ASCII));
    } catch (RuntimeException e) {
      // Best effort: a stale hint is harmless (see the class comment).
    }
  }

  private IllegalStateException missing(String key) {
    return new IllegalStateException(
        "Cannot open the dataset at " + store.location() + ": manifest " + key + " is missing");
  }
}
