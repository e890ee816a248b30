package io.minietl.core.manifest;

import io.minietl.core.stats.FeatureStats;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Collection;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.TreeMap;
import java.util.UUID;

/**
 * The dataset at one manifest version: its live shards and error files, Kinesis checkpoint,
 * cumulative statistics and totals. Pure logic, no I/O: it replays manifests and builds the next
 * one.
 *
 * <h2>Reading a dataset</h2>
 *
 * To open version V: read manifest V, then its {@link Manifest#snapshotVersion() snapshot} S and
 * the deltas S+1..V (at most the snapshot interval of objects, however old the dataset), and call
 * {@link #replay(Manifest, List)}. The checkpoint, statistics and totals need manifest V alone.
 * Readers see exactly the shards listed: an object under {@code data/} that no manifest lists is
 * garbage from a failed or lost commit, never data.
 *
 * <h2>The commit contract</h2>
 *
 * A writer (the ingest runner, the Flink committer) commits like Iceberg and Delta Lake:
 *
 * <ol>
 *   <li>upload the new shards and error files under fresh, unique keys (never overwrite);
 *   <li>build manifest V+1 from its state at V with {@link #nextVersion()}: the added entries
 *       <em>and</em> the Kinesis checkpoint that produced them, in one object;
 *   <li>create {@code _manifest/v<V+1>} with a conditional PUT ({@code If-None-Match: *}). That PUT
 *       is the atomic commit point: data and checkpoint become visible together or not at all;
 *   <li>on success, {@link #apply(Manifest)} the manifest to move the state to V+1;
 *   <li>on a conflict (412: another writer created V+1 first) the commit failed cleanly: read the
 *       winner's manifest(s) and apply them. A runner that finds its own Kinesis shards advanced by
 *       another {@link Manifest#writerId() writer} must stop (fencing); otherwise retry from step
 *       2. Its uploaded objects are garbage;
 *   <li>on an unknown outcome (timeout, 5xx after sending) do not clean up: read V+1 back; its
 *       {@link Manifest#writerId() writer id} and {@link Manifest#commitId() commit id} say whether
 *       the commit won. A create reported as unknown may still be applied later, even after a retry
 *       was told the key exists: so a writer recognises its own commit id in <em>any</em> version
 *       it meets while retrying (see {@link ManifestLog#commit}).
 * </ol>
 *
 * <p>After a crash the writer resumes from the checkpoint of the latest manifest: records after it
 * are read and written again, records before it never are. Hence every record is in the dataset
 * exactly once, and {@link #stats()} is exactly the statistics of its rows.
 *
 * <h2>Invariants</h2>
 *
 * {@link #apply} checks that versions are contiguous, that no shard or error file is added twice,
 * that cumulative statistics and totals equal the previous ones plus the added entries, and that a
 * snapshot's full list equals the replayed one; a violation is an {@link InvalidManifestException}.
 * Immutable and thread-safe; {@code apply} copies the shard list (linear in the number of live
 * shards).
 */
public final class DatasetState {
  /** Versions between full snapshots by default. */
  public static final int DEFAULT_SNAPSHOT_INTERVAL = 10;

  private static final DatasetState EMPTY =
      new DatasetState(0, 0, null, null, Map.of(), Map.of(), Map.of(), Map.of(), 0, 0, 0);

  private final long version;
  private final long snapshotVersion;
  private final String writerId;
  private final StreamIdentity stream;
  private final Map<String, ShardEntry> shards;
  private final Map<String, ErrorFileEntry> errorFiles;
  private final Map<String, ShardCheckpoint> checkpoint;
  private final Map<String, FeatureStats> stats;
  private final long totalRows;
  private final long totalBytes;
  private final long totalErrorRecords;

  private DatasetState(
      long version,
      long snapshotVersion,
      String writerId,
      StreamIdentity stream,
      Map<String, ShardEntry> shards,
      Map<String, ErrorFileEntry> errorFiles,
      Map<String, ShardCheckpoint> checkpoint,
      Map<String, FeatureStats> stats,
      long totalRows,
      long totalBytes,
      long totalErrorRecords) {
    this.version = version;
    this.snapshotVersion = snapshotVersion;
    this.writerId = writerId;
    this.stream = stream;
    this.shards = shards;
    this.errorFiles = errorFiles;
    this.checkpoint = checkpoint;
    this.stats = stats;
    this.totalRows = totalRows;
    this.totalBytes = totalBytes;
    this.totalErrorRecords = totalErrorRecords;
  }

  /** The state before version 1: nothing committed. Its next version is the snapshot v1. */
  public static DatasetState empty() {
    return EMPTY;
  }

  /**
   * The state at {@code snapshot}'s version, from its full lists.
   *
   * @throws InvalidManifestException if {@code snapshot} is a delta, or its totals or statistics do
   *     not match its full lists
   */
  public static DatasetState fromSnapshot(Manifest snapshot) {
    if (!snapshot.snapshot()) {
      throw new InvalidManifestException(
          "Cannot start a replay from manifest v"
              + snapshot.version()
              + ": it is a delta; start from its snapshot v"
              + snapshot.snapshotVersion());
    }
    Map<String, ShardEntry> shards = new LinkedHashMap<>();
    snapshot.shards().forEach(s -> shards.put(s.path(), s));
    Map<String, ErrorFileEntry> errorFiles = new LinkedHashMap<>();
    snapshot.errorFiles().forEach(f -> errorFiles.put(f.path(), f));
    Totals totals = Totals.of(snapshot.shards(), snapshot.errorFiles(), Map.of(), 0, 0, 0);
    totals.requireMatches(snapshot, "its full lists");
    return new DatasetState(
        snapshot.version(),
        snapshot.version(),
        snapshot.writerId(),
        snapshot.stream(),
        Collections.unmodifiableMap(shards),
        Collections.unmodifiableMap(errorFiles),
        snapshot.checkpoint(),
        snapshot.stats(),
        snapshot.totalRows(),
        snapshot.totalBytes(),
        snapshot.totalErrorRecords());
  }

  /**
   * The state at the last version of {@code deltas} (or at {@code snapshot} if there are none): the
   * snapshot, then each delta applied in order.
   *
   * @throws InvalidManifestException if the sequence breaks an invariant (see {@link #apply})
   */
  public static DatasetState replay(Manifest snapshot, List<Manifest> deltas) {
    DatasetState state = fromSnapshot(snapshot);
    for (Manifest delta : deltas) {
      state = state.apply(delta);
    }
    return state;
  }

  /**
   * Replays consecutive manifests starting with a snapshot (for example every version from 1).
   *
   * @throws InvalidManifestException if the list is empty, does not start with a snapshot, or
   *     breaks an invariant
   */
  public static DatasetState replay(List<Manifest> manifests) {
    if (manifests.isEmpty()) {
      throw new InvalidManifestException("Cannot replay an empty list of manifests");
    }
    return replay(manifests.get(0), manifests.subList(1, manifests.size()));
  }

  /**
   * The state after {@code next}, which must be the version right after this one.
   *
   * @throws InvalidManifestException if {@code next} is not version {@code version() + 1}, names a
   *     different snapshot than this state's, adds a path that is already live, or its statistics,
   *     totals or (for a snapshot) full lists do not follow from this state and what it adds
   */
  public DatasetState apply(Manifest next) {
    if (next.version() != version + 1) {
      throw new InvalidManifestException(
          "Invalid manifest sequence: expected v"
              + (version + 1)
              + " after v"
              + version
              + ", got v"
              + next.version());
    }
    if (!next.snapshot() && next.snapshotVersion() != snapshotVersion) {
      throw new InvalidManifestException(
          "Invalid manifest v"
              + next.version()
              + ": it names snapshot v"
              + next.snapshotVersion()
              + " but the latest snapshot is v"
              + snapshotVersion);
    }
    Map<String, ShardEntry> newShards = new LinkedHashMap<>(shards);
    for (ShardEntry s : next.addedShards()) {
      if (newShards.putIfAbsent(s.path(), s) != null) {
        throw new InvalidManifestException(
            "Invalid manifest v"
                + next.version()
                + ": it adds shard "
                + s.path()
                + ", which is already in the dataset (a shard may be listed only once)");
      }
    }
    Map<String, ErrorFileEntry> newErrors = new LinkedHashMap<>(errorFiles);
    for (ErrorFileEntry f : next.addedErrorFiles()) {
      if (newErrors.putIfAbsent(f.path(), f) != null) {
        throw new InvalidManifestException(
            "Invalid manifest v"
                + next.version()
                + ": it adds error file "
                + f.path()
                + ", which is already in the dataset (a file may be listed only once)");
      }
    }
    Totals.of(
            next.addedShards(),
            next.addedErrorFiles(),
            stats,
            totalRows,
            totalBytes,
            totalErrorRecords)
        .requireMatches(next, "v" + version + " plus the entries it adds");
    if (next.snapshot()) {
      requireSameEntries(next, newShards, next.shards(), "shard");
      requireSameEntries(next, newErrors, next.errorFiles(), "error file");
    }
    return new DatasetState(
        next.version(),
        next.snapshotVersion(),
        next.writerId(),
        next.stream(),
        Collections.unmodifiableMap(newShards),
        Collections.unmodifiableMap(newErrors),
        next.checkpoint(),
        next.stats(),
        next.totalRows(),
        next.totalBytes(),
        next.totalErrorRecords());
  }

  private static <E> void requireSameEntries(
      Manifest m, Map<String, E> replayed, List<E> listed, String what) {
    Map<String, E> byPath = new LinkedHashMap<>();
    for (E e : listed) {
      byPath.put(pathOf(e), e);
    }
    if (!byPath.equals(replayed)) {
      List<String> missing = new ArrayList<>(replayed.keySet());
      missing.removeAll(byPath.keySet());
      List<String> extra = new ArrayList<>(byPath.keySet());
      extra.removeAll(replayed.keySet());
      throw new InvalidManifestException(
          "Invalid manifest v"
              + m.version()
              + ": its full "
              + what
              + " list differs from the replayed one (missing "
              + missing
              + ", unexpected "
              + extra
              + (missing.isEmpty() && extra.isEmpty() ? ", entries differ" : "")
              + ")");
    }
  }

  private static String pathOf(Object e) {
    return e instanceof ShardEntry ? ((ShardEntry) e).path() : ((ErrorFileEntry) e).path();
  }

  /** Starts building manifest {@code version() + 1} from this state. */
  public NextVersion nextVersion() {
    return new NextVersion();
  }

  /** The version of this state; 0 for {@link #empty()}. */
  public long version() {
    return version;
  }

  /** The latest snapshot version at or below {@link #version()}; 0 for {@link #empty()}. */
  public long snapshotVersion() {
    return snapshotVersion;
  }

  /** The writer of the latest version; null for {@link #empty()}. */
  public String writerId() {
    return writerId;
  }

  /**
   * The Kinesis stream the {@link #checkpoint()} belongs to, as the latest version recorded it;
   * null if none did (see {@link Manifest#stream()}).
   */
  public StreamIdentity stream() {
    return stream;
  }

  /** The live shards, in commit order. */
  public List<ShardEntry> shards() {
    return List.copyOf(shards.values());
  }

  /** The live shards by path, in commit order (unmodifiable). */
  public Map<String, ShardEntry> shardsByPath() {
    return shards;
  }

  /** The error files, in commit order. */
  public List<ErrorFileEntry> errorFiles() {
    return List.copyOf(errorFiles.values());
  }

  /** Whether {@code path} is a live shard. */
  public boolean containsShard(String path) {
    return shards.containsKey(path);
  }

  /** The Kinesis checkpoint per shard id. */
  public Map<String, ShardCheckpoint> checkpoint() {
    return checkpoint;
  }

  /** Statistics per feature over all rows. */
  public Map<String, FeatureStats> stats() {
    return stats;
  }

  /** Statistics of one feature over all rows; empty if the feature has none. */
  public FeatureStats stats(String feature) {
    return stats.getOrDefault(feature, FeatureStats.empty());
  }

  public long totalRows() {
    return totalRows;
  }

  public long totalBytes() {
    return totalBytes;
  }

  public long totalErrorRecords() {
    return totalErrorRecords;
  }

  @Override
  public String toString() {
    return "DatasetState{v"
        + version
        + ", shards="
        + shards.size()
        + ", rows="
        + totalRows
        + ", errors="
        + totalErrorRecords
        + "}";
  }

  /**
   * Builds the manifest of the version after a {@link DatasetState}: what the commit adds and the
   * new checkpoint; everything else (version, snapshot version, full lists, cumulative statistics
   * as the previous ones plus the added shards' statistics, totals) is derived. Version V+1 is a
   * full snapshot when it is version 1, when {@code snapshotInterval} versions have passed since
   * the latest snapshot, or when {@link #forceSnapshot(boolean) forced}. The checkpoint defaults to
   * the current one; {@link #updateCheckpoint} changes entries of it, {@link #checkpoint(Map)}
   * replaces it; so does the stream identity ({@link #stream(StreamIdentity)}). The commit id is a
   * random UUID unless given. Always {@link Manifest#CURRENT_FORMAT_VERSION}. Not thread-safe;
   * build once.
   */
  public final class NextVersion {
    private String writerId;
    private String commitId;
    private StreamIdentity newStream = stream;
    private Instant committedAt;
    private final List<ShardEntry> added = new ArrayList<>();
    private final List<ErrorFileEntry> addedErrors = new ArrayList<>();
    private final Map<String, ShardCheckpoint> newCheckpoint = new TreeMap<>(checkpoint);
    private int snapshotInterval = DEFAULT_SNAPSHOT_INTERVAL;
    private boolean forceSnapshot;

    private NextVersion() {}

    /** Required: who commits (fencing compares it). */
    public NextVersion writerId(String writerId) {
      this.writerId = writerId;
      return this;
    }

    /**
     * The id of this logical commit (see {@link Manifest#commitId()}); a writer that rebuilds the
     * same commit under a later version after a conflict passes the same id. Default: a random
     * UUID.
     */
    public NextVersion commitId(String commitId) {
      this.commitId = commitId;
      return this;
    }

    /** The stream the new checkpoint belongs to; default: the current state's. */
    public NextVersion stream(StreamIdentity stream) {
      this.newStream = stream;
      return this;
    }

    /** Required: the commit time (the caller's clock, for reproducible tests). */
    public NextVersion committedAt(Instant committedAt) {
      this.committedAt = committedAt;
      return this;
    }

    public NextVersion addShard(ShardEntry shard) {
      added.add(Objects.requireNonNull(shard, "shard"));
      return this;
    }

    public NextVersion addShards(Collection<ShardEntry> shards) {
      shards.forEach(this::addShard);
      return this;
    }

    public NextVersion addErrorFile(ErrorFileEntry file) {
      addedErrors.add(Objects.requireNonNull(file, "file"));
      return this;
    }

    public NextVersion addErrorFiles(Collection<ErrorFileEntry> files) {
      files.forEach(this::addErrorFile);
      return this;
    }

    /** Sets the checkpoint of one Kinesis shard, keeping the others. */
    public NextVersion updateCheckpoint(String shardId, ShardCheckpoint shardCheckpoint) {
      newCheckpoint.put(
          Objects.requireNonNull(shardId, "shardId"),
          Objects.requireNonNull(shardCheckpoint, "shardCheckpoint"));
      return this;
    }

    /** Replaces the whole checkpoint map. */
    public NextVersion checkpoint(Map<String, ShardCheckpoint> checkpoint) {
      newCheckpoint.clear();
      newCheckpoint.putAll(checkpoint);
      return this;
    }

    /**
     * Versions between full snapshots, {@code >= 1}; default {@value #DEFAULT_SNAPSHOT_INTERVAL}.
     */
    public NextVersion snapshotInterval(int snapshotInterval) {
      if (snapshotInterval < 1) {
        throw new IllegalArgumentException(
            "Invalid snapshot interval: " + snapshotInterval + " (must be >= 1)");
      }
      this.snapshotInterval = snapshotInterval;
      return this;
    }

    /** Makes this version a full snapshot regardless of the interval. */
    public NextVersion forceSnapshot(boolean forceSnapshot) {
      this.forceSnapshot = forceSnapshot;
      return this;
    }

    /**
     * The manifest of version {@code version() + 1}.
     *
     * @throws NullPointerException if the writer id or commit time is missing
     * @throws IllegalArgumentException if an added shard or error file is already in the dataset or
     *     added twice, or a total overflows
     */
    public Manifest build() {
      for (ShardEntry s : added) {
        if (shards.containsKey(s.path())) {
          throw new IllegalArgumentException(
              "Cannot add shard " + s.path() + ": it is already in the dataset at v" + version);
        }
      }
      for (ErrorFileEntry f : addedErrors) {
        if (errorFiles.containsKey(f.path())) {
          throw new IllegalArgumentException(
              "Cannot add error file "
                  + f.path()
                  + ": it is already in the dataset at v"
                  + version);
        }
      }
      long next = version + 1;
      boolean snapshot = next == 1 || forceSnapshot || next - snapshotVersion >= snapshotInterval;
      Totals totals =
          Totals.of(added, addedErrors, stats, totalRows, totalBytes, totalErrorRecords);
      Manifest.Builder b =
          Manifest.builder()
              .version(next)
              .snapshotVersion(snapshot ? next : snapshotVersion)
              .writerId(writerId)
              .commitId(commitId != null ? commitId : UUID.randomUUID().toString())
              .stream(newStream)
              .committedAt(committedAt)
              .addedShards(added)
              .addedErrorFiles(addedErrors)
              .checkpoint(newCheckpoint)
              .stats(totals.stats)
              .totalRows(totals.rows)
              .totalBytes(totals.bytes)
              .totalErrorRecords(totals.errorRecords);
      if (snapshot) {
        List<ShardEntry> all = new ArrayList<>(shards.values());
        all.addAll(added);
        List<ErrorFileEntry> allErrors = new ArrayList<>(errorFiles.values());
        allErrors.addAll(addedErrors);
        b.shards(all).errorFiles(allErrors);
      }
      return b.build();
    }
  }

  /** Cumulative statistics and totals: a base plus a list of entries. */
  private static final class Totals {
    final Map<String, FeatureStats> stats;
    final long rows;
    final long bytes;
    final long errorRecords;

    private Totals(Map<String, FeatureStats> stats, long rows, long bytes, long errorRecords) {
      this.stats = stats;
      this.rows = rows;
      this.bytes = bytes;
      this.errorRecords = errorRecords;
    }

    static Totals of(
        List<ShardEntry> shards,
        List<ErrorFileEntry> errorFiles,
        Map<String, FeatureStats> baseStats,
        long baseRows,
        long baseBytes,
        long baseErrorRecords) {
      Map<String, FeatureStats> stats = new TreeMap<>(baseStats);
      long rows = baseRows;
      long bytes = baseBytes;
      for (ShardEntry s : shards) {
        rows = Math.addExact(rows, s.rows());
        bytes = Math.addExact(bytes, s.bytes());
        s.stats().forEach((feature, fs) -> stats.merge(feature, fs, FeatureStats::plus));
      }
      long errorRecords = baseErrorRecords;
      for (ErrorFileEntry f : errorFiles) {
        errorRecords = Math.addExact(errorRecords, f.records());
      }
      return new Totals(stats, rows, bytes, errorRecords);
    }

    void requireMatches(Manifest m, String source) {
      String mismatch = null;
      if (m.totalRows() != rows) {
        mismatch = "total rows " + m.totalRows() + ", expected " + rows;
      } else if (m.totalBytes() != bytes) {
        mismatch = "total bytes " + m.totalBytes() + ", expected " + bytes;
      } else if (m.totalErrorRecords() != errorRecords) {
        mismatch = "total error records " + m.totalErrorRecords() + ", expected " + errorRecords;
      } else if (!m.stats().equals(stats)) {
        mismatch = "statistics " + m.stats() + ", expected " + stats;
      }
      if (mismatch != null) {
        throw new InvalidManifestException(
            "Invalid manifest v" + m.version() + ": " + mismatch + " from " + source);
      }
    }
  }
}
