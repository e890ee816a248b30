package io.minietl.core.manifest;

import io.minietl.core.stats.FeatureStats;
import java.time.Instant;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Set;

/**
 * One version of the dataset: the unit of commit. Version {@code N} is the object {@code
 * _manifest/v<N, 20 digits>.json} (see {@link ManifestPaths}); it is created once, with a
 * conditional PUT, and never changed (see {@link DatasetState} for the commit contract).
 *
 * <p>A manifest holds:
 *
 * <ul>
 *   <li>what this commit adds: {@link #addedShards()} and {@link #addedErrorFiles()};
 *   <li>for a {@linkplain #snapshot() snapshot} version, the full list of live {@link #shards()}
 *       and {@link #errorFiles()} (empty lists in a delta version), so that a reader replays at
 *       most the versions since the latest snapshot, which every manifest names in {@link
 *       #snapshotVersion()};
 *   <li>the state at this version, always complete, so one object answers "where do I resume" and
 *       "what is the average": the Kinesis {@link #checkpoint()} of every shard and the {@link
 *       #stream()} it belongs to, the cumulative feature {@link #stats()} over all rows of the
 *       dataset, and the totals;
 *   <li>who committed it: the {@link #writerId()} and, since format version 2, a {@link
 *       #commitId()} that lets a writer recognise its own commit after an unknown outcome.
 * </ul>
 *
 * <p>Format versions: 1 is the first; 2 adds the {@link #commitId()}, the {@link #stream()}
 * identity, and sub-sequence numbers and arrival times in the {@link ShardCheckpoint}s. Both are
 * read; a manifest keeps the format version it was read in, so it is written back byte for byte,
 * and a format 1 manifest cannot hold the fields of format 2 (they would be lost on writing).
 *
 * <p>A manifest checks its own invariants when built (version 1 is a snapshot, the parent is the
 * previous version, a snapshot lists its added entries, no path twice, ...); the invariants across
 * versions (contiguity, totals adding up) are checked by {@link DatasetState#apply}. Immutable; all
 * maps sorted by key, lists in commit order.
 */
public final class Manifest {
  /** The format version this code writes, and the highest it reads. */
  public static final int CURRENT_FORMAT_VERSION = 2;

  private final int formatVersion;
  private final long version;
  private final long snapshotVersion;
  private final Instant committedAt;
  private final String writerId;
  private final String commitId;
  private final StreamIdentity stream;
  private final List<ShardEntry> addedShards;
  private final List<ErrorFileEntry> addedErrorFiles;
  private final List<ShardEntry> shards;
  private final List<ErrorFileEntry> errorFiles;
  private final Map<String, ShardCheckpoint> checkpoint;
  private final Map<String, FeatureStats> stats;
  private final long totalRows;
  private final long totalBytes;
  private final long totalErrorRecords;

  private Manifest(Builder b) {
    if (b.formatVersion < 1 || b.formatVersion > CURRENT_FORMAT_VERSION) {
      throw new UnsupportedFormatVersionException(b.formatVersion);
    }
    this.formatVersion = b.formatVersion;
    if (b.version < 1) {
      throw new IllegalArgumentException(
          "Invalid manifest version: " + b.version + " (must be >= 1)");
    }
    this.version = b.version;
    this.snapshotVersion = b.snapshotVersion == 0 ? b.version : b.snapshotVersion;
    if (snapshotVersion < 1 || snapshotVersion > version) {
      throw new IllegalArgumentException(
          "Invalid manifest v"
              + version
              + ": snapshot version "
              + snapshotVersion
              + " must be in [1, "
              + version
              + "]");
    }
    this.committedAt = Objects.requireNonNull(b.committedAt, "committedAt");
    this.writerId = Checks.nonBlank(b.writerId, "writerId");
    // Format 2 always has one; a builder that gives none (a carrier of entries, as the Flink
    // committable state is) gets a random one, so no caller of format 1's builder breaks.
    this.commitId =
        b.commitId != null
            ? Checks.nonBlank(b.commitId, "commitId")
            : b.formatVersion >= 2 ? java.util.UUID.randomUUID().toString() : null;
    this.stream = b.stream;
    this.addedShards = List.copyOf(b.addedShards);
    this.addedErrorFiles = List.copyOf(b.addedErrorFiles);
    this.shards = List.copyOf(b.shards);
    this.errorFiles = List.copyOf(b.errorFiles);
    this.checkpoint = Checks.sortedCopy(b.checkpoint, "checkpoint");
    this.stats = Checks.sortedCopy(b.stats, "stats");
    this.totalRows = Checks.nonNegative(b.totalRows, "total rows");
    this.totalBytes = Checks.nonNegative(b.totalBytes, "total bytes");
    this.totalErrorRecords = Checks.nonNegative(b.totalErrorRecords, "total error records");
    if (formatVersion < 2
        && (commitId != null
            || stream != null
            || checkpoint.values().stream().anyMatch(ShardCheckpoint::needsFormat2))) {
      throw new IllegalArgumentException(
          "Invalid manifest v"
              + version
              + ": format version 1 cannot hold a commit id, a stream identity, sub-sequence"
              + " numbers or arrival times (use format version "
              + CURRENT_FORMAT_VERSION
              + ")");
    }
    if (version == 1 && !snapshot()) {
      throw new IllegalArgumentException(
          "Invalid manifest v1: the first version must be a snapshot");
    }
    requireDistinct(paths(addedShards), "added shard");
    requireDistinct(paths(addedErrorFiles), "added error file");
    if (snapshot()) {
      Set<String> all = requireDistinct(paths(shards), "shard");
      Set<String> allErrors = requireDistinct(paths(errorFiles), "error file");
      requireListed(addedShards, all, "shard");
      requireListed(addedErrorFiles, allErrors, "error file");
    } else if (!shards.isEmpty() || !errorFiles.isEmpty()) {
      throw new IllegalArgumentException(
          "Invalid manifest v"
              + version
              + ": a delta version (snapshot version "
              + snapshotVersion
              + ") must not carry the full shard or error-file list");
    }
  }

  public static Builder builder() {
    return new Builder();
  }

  public Builder toBuilder() {
    return new Builder()
            .formatVersion(formatVersion)
            .version(version)
            .snapshotVersion(snapshotVersion)
            .committedAt(committedAt)
            .writerId(writerId)
            .commitId(commitId)
            .stream(stream)
            .addedShards(addedShards)
            .addedErrorFiles(addedErrorFiles)
            .shards(shards)
            .errorFiles(errorFiles)
            .checkpoint(checkpoint)
            .stats(stats)
            .totalRows(totalRows)
            .totalBytes(totalBytes)
            .totalErrorRecords(totalErrorRecords);
  }

  /**
   * The format version the manifest was written in ({@link #CURRENT_FORMAT_VERSION} when built).
   */
  public int formatVersion() {
    return formatVersion;
  }

  /** This version, {@code >= 1}. */
  public long version() {
    return version;
  }

  /** The version this one follows, {@code version - 1}; 0 for the first version. */
  public long parentVersion() {
    return version - 1;
  }

  /**
   * The latest snapshot version at or below this one: equal to {@link #version()} for a snapshot. A
   * reader of version V reads V, then this snapshot and the deltas between them.
   */
  public long snapshotVersion() {
    return snapshotVersion;
  }

  /** Whether this version carries the full list of live shards and error files. */
  public boolean snapshot() {
    return snapshotVersion == version;
  }

  /** When the commit was prepared (the writer's clock). */
  public Instant committedAt() {
    return committedAt;
  }

  /** Which writer (runner instance, Flink job) committed this version: for fencing and audits. */
  public String writerId() {
    return writerId;
  }

  /**
   * Identifies the logical commit this version holds, unique per writer: a writer that retries a
   * commit (after an unknown outcome, or under the next version number after a conflict) keeps it,
   * so a version with its writer id and commit id is its own commit. Null in format version 1.
   */
  public String commitId() {
    return commitId;
  }

  /**
   * The Kinesis stream the {@link #checkpoint()} belongs to; null if the writer did not record one
   * (format version 1, or a dataset not written from Kinesis).
   */
  public StreamIdentity stream() {
    return stream;
  }

  /** The shards this version adds, in commit order. */
  public List<ShardEntry> addedShards() {
    return addedShards;
  }

  /** The error files this version adds, in commit order. */
  public List<ErrorFileEntry> addedErrorFiles() {
    return addedErrorFiles;
  }

  /** For a snapshot, every live shard (including the added ones); empty for a delta. */
  public List<ShardEntry> shards() {
    return shards;
  }

  /** For a snapshot, every error file (including the added ones); empty for a delta. */
  public List<ErrorFileEntry> errorFiles() {
    return errorFiles;
  }

  /** The Kinesis checkpoint of every shard known at this version, by shard id. Always complete. */
  public Map<String, ShardCheckpoint> checkpoint() {
    return checkpoint;
  }

  /** Statistics per feature over all rows of the dataset at this version. */
  public Map<String, FeatureStats> stats() {
    return stats;
  }

  /** Rows in all live shards. */
  public long totalRows() {
    return totalRows;
  }

  /** Bytes of all live shards. */
  public long totalBytes() {
    return totalBytes;
  }

  /** Records in all error files. */
  public long totalErrorRecords() {
    return totalErrorRecords;
  }

  private static List<String> paths(List<?> entries) {
    List<String> paths = new ArrayList<>(entries.size());
    for (Object e : entries) {
      paths.add(e instanceof ShardEntry ? ((ShardEntry) e).path() : ((ErrorFileEntry) e).path());
    }
    return paths;
  }

  private Set<String> requireDistinct(List<String> paths, String what) {
    Set<String> seen = new HashSet<>();
    for (String p : paths) {
      if (!seen.add(p)) {
        throw new IllegalArgumentException(
            "Invalid manifest v" + version + ": " + what + " " + p + " is listed twice");
      }
    }
    return seen;
  }

  private void requireListed(List<?> added, Set<String> all, String what) {
    for (String p : paths(added)) {
      if (!all.contains(p)) {
        throw new IllegalArgumentException(
            "Invalid manifest v"
                + version
                + ": added "
                + what
                + " "
                + p
                + " is missing from the snapshot's full list");
      }
    }
  }

  @Override
  public boolean equals(Object o) {
    if (this == o) {
      return true;
    }
    if (!(o instanceof Manifest)) {
      return false;
    }
    Manifest that = (Manifest) o;
    return formatVersion == that.formatVersion
        && version == that.version
        && snapshotVersion == that.snapshotVersion
        && totalRows == that.totalRows
        && totalBytes == that.totalBytes
        && totalErrorRecords == that.totalErrorRecords
        && committedAt.equals(that.committedAt)
        && writerId.equals(that.writerId)
        && Objects.equals(commitId, that.commitId)
        && Objects.equals(stream, that.stream)
        && addedShards.equals(that.addedShards)
        && addedErrorFiles.equals(that.addedErrorFiles)
        && shards.equals(that.shards)
        && errorFiles.equals(that.errorFiles)
        && checkpoint.equals(that.checkpoint)
        && stats.equals(that.stats);
  }

  @Override
  public int hashCode() {
    return Objects.hash(
        formatVersion,
        version,
        snapshotVersion,
        committedAt,
        writerId,
        commitId,
        stream,
        addedShards,
        addedErrorFiles,
        shards,
        errorFiles,
        checkpoint,
        stats,
        totalRows,
        totalBytes,
        totalErrorRecords);
  }

  @Override
  public String toString() {
    return "Manifest{v"
        + version
        + (snapshot() ? " snapshot" : " delta of v" + snapshotVersion)
        + ", writer="
        + writerId
        + ", +"
        + addedShards.size()
        + " shards, +"
        + addedErrorFiles.size()
        + " error files, rows="
        + totalRows
        + "}";
  }

  /**
   * Builds a {@link Manifest}. Version, committedAt, writerId and (format 2) commitId are required;
   * {@code snapshotVersion} defaults to the version (a snapshot). Most callers use {@link
   * DatasetState#nextVersion()} instead, which fills in everything derived from the previous state.
   */
  public static final class Builder {
    private int formatVersion = CURRENT_FORMAT_VERSION;
    private long version;
    private long snapshotVersion;
    private Instant committedAt;
    private String writerId;
    private String commitId;
    private StreamIdentity stream;
    private List<ShardEntry> addedShards = List.of();
    private List<ErrorFileEntry> addedErrorFiles = List.of();
    private List<ShardEntry> shards = List.of();
    private List<ErrorFileEntry> errorFiles = List.of();
    private Map<String, ShardCheckpoint> checkpoint = Map.of();
    private Map<String, FeatureStats> stats = Map.of();
    private long totalRows;
    private long totalBytes;
    private long totalErrorRecords;

    private Builder() {}

    public Builder formatVersion(int formatVersion) {
      this.formatVersion = formatVersion;
      return this;
    }

    public Builder version(long version) {
      this.version = version;
      return this;
    }

    /** The latest snapshot at or below this version; equal to the version for a snapshot. */
    public Builder snapshotVersion(long snapshotVersion) {
      this.snapshotVersion = snapshotVersion;
      return this;
    }

    public Builder committedAt(Instant committedAt) {
      this.committedAt = committedAt;
      return this;
    }

    public Builder writerId(String writerId) {
      this.writerId = writerId;
      return this;
    }

    /** See {@link Manifest#commitId()}; in format 2, a random UUID if not given. */
    public Builder commitId(String commitId) {
      this.commitId = commitId;
      return this;
    }

    /** The stream of the checkpoint; may be null (see {@link Manifest#stream()}). */
    public Builder stream(StreamIdentity stream) {
      this.stream = stream;
      return this;
    }

    public Builder addedShards(List<ShardEntry> addedShards) {
      this.addedShards = Objects.requireNonNull(addedShards, "addedShards");
      return this;
    }

    public Builder addedErrorFiles(List<ErrorFileEntry> addedErrorFiles) {
      this.addedErrorFiles = Objects.requireNonNull(addedErrorFiles, "addedErrorFiles");
      return this;
    }

    public Builder shards(List<ShardEntry> shards) {
      this.shards = Objects.requireNonNull(shards, "shards");
      return this;
    }

    public Builder errorFiles(List<ErrorFileEntry> errorFiles) {
      this.errorFiles = Objects.requireNonNull(errorFiles, "errorFiles");
      return this;
    }

    public Builder checkpoint(Map<String, ShardCheckpoint> checkpoint) {
      this.checkpoint = checkpoint;
      return this;
    }

    public Builder stats(Map<String, FeatureStats> stats) {
      this.stats = stats;
      return this;
    }

    public Builder totalRows(long totalRows) {
      this.totalRows = totalRows;
      return this;
    }

    public Builder totalBytes(long totalBytes) {
      this.totalBytes = totalBytes;
      return this;
    }

    public Builder totalErrorRecords(long totalErrorRecords) {
      this.totalErrorRecords = totalErrorRecords;
      return this;
    }

    /**
     * @throws NullPointerException if a required field is missing
     * @throws IllegalArgumentException if the manifest breaks one of its own invariants
     * @throws UnsupportedFormatVersionException if the format version is not supported
     */
    public Manifest build() {
      return new Manifest(this);
    }
  }
}
