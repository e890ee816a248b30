package io.minietl.core.manifest;

import io.minietl.core.storage.ObjectInfo;
import io.minietl.core.storage.ObjectStore;
import java.nio.charset.StandardCharsets;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Optional;
import java.util.OptionalLong;
import java.util.concurrent.ThreadLocalRandom;

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

  /** The first pause before retrying a create whose outcome was unknown, by default. */
  public static final Duration DEFAULT_UNKNOWN_BACKOFF = Duration.ofMillis(200);

  /** The longest pause between such retries, by default. */
  public static final Duration DEFAULT_MAX_UNKNOWN_BACKOFF = Duration.ofSeconds(10);

  /** How the log waits between retries; a test replaces it to record the pauses. */
  interface Sleeper {
    void sleep(Duration duration) throws InterruptedException;
  }

  private final ObjectStore store;
  private final Duration unknownBackoff;
  private final Duration maxUnknownBackoff;
  private final Sleeper sleeper;
  private final Clock clock;

  /** A log with the default backoff between retries of an unknown outcome. */
  public ManifestLog(ObjectStore store) {
    this(store, DEFAULT_UNKNOWN_BACKOFF, DEFAULT_MAX_UNKNOWN_BACKOFF);
  }

  /**
   * A log that pauses before retrying a create whose outcome was unknown (a store in a brownout is
   * not helped by a retry at once): the pause is between half and all of a backoff that starts at
   * {@code unknownBackoff} and doubles up to {@code maxUnknownBackoff}.
   */
  public ManifestLog(ObjectStore store, Duration unknownBackoff, Duration maxUnknownBackoff) {
    this(store, unknownBackoff, maxUnknownBackoff, Clock.systemUTC());
  }

  /** As {@link #ManifestLog(ObjectStore, Duration, Duration)}, with the clock deadlines use. */
  public ManifestLog(
      ObjectStore store, Duration unknownBackoff, Duration maxUnknownBackoff, Clock clock) {
    this(store, unknownBackoff, maxUnknownBackoff, d -> Thread.sleep(d.toMillis()), clock);
  }

  ManifestLog(
      ObjectStore store,
      Duration unknownBackoff,
      Duration maxUnknownBackoff,
      Sleeper sleeper,
      Clock clock) {
    this.store = store;
    if (unknownBackoff.isNegative() || maxUnknownBackoff.compareTo(unknownBackoff) < 0) {
      throw new IllegalArgumentException(
          "Invalid backoff: " + unknownBackoff + " up to " + maxUnknownBackoff);
    }
    this.unknownBackoff = unknownBackoff;
    this.maxUnknownBackoff = maxUnknownBackoff;
    this.sleeper = sleeper;
    this.clock = clock;
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
   * Creates manifest {@code next} (version {@code state.version() + 1}) if no one else has; see
   * {@link #commit(Manifest, Instant)}, with no deadline.
   */
  public Outcome commit(Manifest next) {
    return commit(next, Instant.MAX);
  }

  /**
   * Creates manifest {@code next} (version {@code state.version() + 1}) if no one else has.
   *
   * <p>When the store cannot tell whether the create happened, the version is read back: absent,
   * the create is retried after a backoff; present, it is ours if it is {@linkplain #isOwnCommit
   * our own commit}. A create reported as unknown may be applied <em>after</em> the read back found
   * nothing, so a later retry meets "already exists" for our own manifest: that answer too is
   * checked against the manifest there, over the whole loop, and never taken for a conflict unseen.
   *
   * <p>No create is <em>retried</em> after {@code deadline} (the first is always sent: the caller
   * checks its deadline before calling). A writer that bounds the time between uploading its files
   * and committing them, so that garbage collection, which waits much longer, cannot delete them
   * first, passes that bound here.
   *
   * @return {@link Outcome#COMMITTED} if {@code next} (or, after an unknown outcome, our own
   *     earlier attempt of it) is now version {@code next.version()}; {@link Outcome#CONFLICT} if
   *     another commit is
   * @throws CommitStateUnknownException if the deadline passed (or the thread was interrupted)
   *     before the outcome was learned: an attempt may still become visible; do not clean up
   */
  public Outcome commit(Manifest next, Instant deadline) {
    String key = ManifestPaths.manifestKey(next.version());
    byte[] bytes = ManifestParser.toJsonBytes(next);
    Duration backoff = unknownBackoff;
    int unknown = 0;
    while (true) {
      if (unknown > 0 && !clock.instant().isBefore(deadline)) {
        throw new CommitStateUnknownException(
            "Cannot learn whether manifest "
                + key
                + " of "
                + store.location()
                + " was committed: "
                + unknown
                + " attempt(s) had an unknown outcome and the commit deadline "
                + deadline
                + " has passed");
      }
      Optional<byte[]> there;
      switch (store.putIfAbsent(key, bytes)) {
        case CREATED:
          return committed(next);
        case ALREADY_EXISTS:
          there = store.get(key);
          if (there.isEmpty()) {
            // Never expected of a store (a created key does not vanish); retry like UNKNOWN.
            break;
          }
          return isOwnCommit(there.get(), bytes, next) ? committed(next) : Outcome.CONFLICT;
        default:
          there = store.get(key);
          if (there.isPresent()) {
            return isOwnCommit(there.get(), bytes, next) ? committed(next) : Outcome.CONFLICT;
          }
          break; // the create has not happened (yet): retry after a pause
      }
      unknown++;
      pause(backoff, key);
      backoff =
          backoff.multipliedBy(2).compareTo(maxUnknownBackoff) > 0
              ? maxUnknownBackoff
              : backoff.multipliedBy(2);
    }
  }

  /**
   * Whether {@code there}, a committed manifest, is the commit {@code mine}: the same writer id and
   * commit id (format 2), or the same bytes (a format 1 writer).
   */
  public static boolean isOwnCommit(Manifest there, Manifest mine) {
    return there.writerId().equals(mine.writerId())
        && mine.commitId() != null
        && mine.commitId().equals(there.commitId());
  }

  private static boolean isOwnCommit(byte[] there, byte[] mine, Manifest next) {
    if (Arrays.equals(there, mine)) {
      return true;
    }
    try {
      return isOwnCommit(ManifestParser.fromJson(there), next);
    } catch (RuntimeException e) {
      return false; // unreadable: not ours (the caller's refresh will report it)
    }
  }

  private Outcome committed(Manifest next) {
    if (next.snapshot()) {
      writeHint(next.version());
    }
    return Outcome.COMMITTED;
  }

  private void pause(Duration backoff, String key) {
    long half = backoff.toMillis() / 2;
    Duration jittered =
        Duration.ofMillis(
            backoff.toMillis() - half + ThreadLocalRandom.current().nextLong(half + 1));
    try {
      sleeper.sleep(jittered);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw new CommitStateUnknownException(
          "Cannot learn whether manifest "
              + key
              + " of "
              + store.location()
              + " was committed: interrupted while retrying an unknown outcome");
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
