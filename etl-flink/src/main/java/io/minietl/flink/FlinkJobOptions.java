package io.minietl.flink;

import io.minietl.core.format.ShardCompression;
import io.minietl.ingest.IngestOptions;
import io.minietl.kinesis.StartPosition;
import java.io.Serializable;
import java.time.Duration;
import java.time.Instant;
import java.util.UUID;

/**
 * What the Flink job can be tuned by, with the defaults beside each setting: the same names,
 * meanings, defaults and checks as the runner's {@code IngestOptions} where the runner has the
 * setting (the builder hands those settings to an {@code IngestOptions.Builder}). Immutable and
 * serializable (it travels with the job graph to the TaskManagers); build with {@link #builder()}.
 *
 * <p>What the job does not have: a maximum shard age (every writer closes its file at each Flink
 * checkpoint, so the checkpoint interval is the commit interval) and a fetch buffer (Flink's
 * back-pressure bounds what is read ahead).
 */
public final class FlinkJobOptions implements Serializable {
  private static final long serialVersionUID = 1L;

  private final StartPosition.Type initialType;
  private final Instant initialTimestamp;
  private final long targetShardBytes;
  private final long maxShardRows;
  private final ShardCompression compression;
  private final int rowsPerBatch;
  private final int recordsPerCall;
  private final long callBytes;
  private final Duration minCallInterval;
  private final Duration idlePollInterval;
  private final Duration shardDiscoveryInterval;
  private final Duration stopWhenIdle;
  private final int snapshotInterval;
  private final Duration commitDeadline;
  private final int maxRecordBytes;
  private final int maxNestingDepth;
  private final String writerId;
  private final String tempDir;
  private final boolean resetCheckpoint;

  private FlinkJobOptions(Builder b) {
    // The settings the runner has too, checked by and taken from its options (not kept: they are
    // not serializable).
    IngestOptions shared = b.shared.build();
    this.initialType = shared.initialPosition().type();
    this.initialTimestamp = shared.initialPosition().timestamp();
    this.targetShardBytes = shared.targetShardBytes();
    this.maxShardRows = shared.maxShardRows();
    this.compression = shared.compression();
    this.rowsPerBatch = shared.rowsPerBatch();
    this.recordsPerCall = shared.recordsPerCall();
    this.callBytes = shared.callBytes();
    this.minCallInterval = shared.minCallInterval();
    this.idlePollInterval = shared.idlePollInterval();
    this.shardDiscoveryInterval = shared.shardDiscoveryInterval();
    this.snapshotInterval = shared.snapshotInterval();
    this.commitDeadline = shared.commitDeadline();
    this.maxRecordBytes = shared.maxRecordBytes();
    this.maxNestingDepth = shared.maxNestingDepth();
    this.resetCheckpoint = shared.resetCheckpoint();
    this.stopWhenIdle = b.stopWhenIdle;
    this.writerId = b.writerId != null ? b.writerId : "flink-" + UUID.randomUUID();
    this.tempDir = b.tempDir;
  }

  public static Builder builder() {
    return new Builder();
  }

  /** Where a shard without a checkpoint and without a known parent starts. Default TRIM_HORIZON. */
  public StartPosition initialPosition() {
    return new StartPosition(initialType, null, initialTimestamp);
  }

  /** Roll the Arrow shard when its estimated size reaches this. Default 64 MiB. */
  public long targetShardBytes() {
    return targetShardBytes;
  }

  /** Roll the Arrow shard at this many rows. Default 1,000,000. */
  public long maxShardRows() {
    return maxShardRows;
  }

  /** Default ZSTD. */
  public ShardCompression compression() {
    return compression;
  }

  /** Rows per Arrow record batch. Default 2048. */
  public int rowsPerBatch() {
    return rowsPerBatch;
  }

  /** The largest GetRecords limit per call (Kinesis maximum 10,000). Default 10,000. */
  public int recordsPerCall() {
    return recordsPerCall;
  }

  /** Target bytes of one GetRecords page, as the runner's. Default 8 MiB. */
  public long callBytes() {
    return callBytes;
  }

  /** Minimum time between GetRecords calls on one shard. Default 200 ms. */
  public Duration minCallInterval() {
    return minCallInterval;
  }

  /** Time between GetRecords calls on a caught-up, quiet shard. Default 1 s. */
  public Duration idlePollInterval() {
    return idlePollInterval;
  }

  /** How often the enumerator looks for new shards and newly committed parents. Default 10 s. */
  public Duration shardDiscoveryInterval() {
    return shardDiscoveryInterval;
  }

  /**
   * Bounded mode: end once every open shard is caught up with no new record for this long, after a
   * final commit; null (the default) runs until cancelled.
   */
  public Duration stopWhenIdle() {
    return stopWhenIdle;
  }

  /** Every this many manifest versions, one is a full snapshot. Default 10. */
  public int snapshotInterval() {
    return snapshotInterval;
  }

  /**
   * The longest time from the upload of a checkpoint's files to the manifest create that lists
   * them, as the runner's ({@code IngestOptions#commitDeadline()}): past it, the committer copies
   * the files to new names first, so that gc (whose grace is at least four deadlines) never deletes
   * a file a late commit lists. It matters for committables restored from an old checkpoint or
   * savepoint. Default 5 minutes, at most {@code IngestOptions.MAX_COMMIT_DEADLINE}.
   */
  public Duration commitDeadline() {
    return commitDeadline;
  }

  public int maxRecordBytes() {
    return maxRecordBytes;
  }

  public int maxNestingDepth() {
    return maxNestingDepth;
  }

  /** The job's identity in the manifests it commits (fencing). Default {@code flink-<uuid>}. */
  public String writerId() {
    return writerId;
  }

  /** Where writers stage shard files before upload; null: the TaskManager's java.io.tmpdir. */
  public String tempDir() {
    return tempDir;
  }

  /**
   * Continue a dataset whose checkpoint belongs to another stream (another name, or the same name
   * deleted and created again), as the runner's {@code IngestOptions#resetCheckpoint()}: at start,
   * the job commits an empty checkpoint for this stream (whose shards start afresh at the initial
   * position); the data stays. Without it, such a job stops at start, without restarts, with {@link
   * io.minietl.kinesis.StreamMismatchException}. Default false.
   */
  public boolean resetCheckpoint() {
    return resetCheckpoint;
  }

  /**
   * Builds {@link FlinkJobOptions}; each setter validates its value at once. The settings the
   * runner has too are the runner's: {@code IngestOptions.Builder} checks them and gives their
   * defaults.
   */
  public static final class Builder {
    private final IngestOptions.Builder shared = IngestOptions.builder();
    private Duration stopWhenIdle;
    private String writerId;
    private String tempDir;

    private Builder() {}

    /** TRIM_HORIZON, LATEST or AT_TIMESTAMP (a sequence number belongs to a checkpoint). */
    public Builder initialPosition(StartPosition position) {
      shared.initialPosition(position);
      return this;
    }

    public Builder targetShardBytes(long bytes) {
      shared.targetShardBytes(bytes);
      return this;
    }

    public Builder maxShardRows(long rows) {
      shared.maxShardRows(rows);
      return this;
    }

    public Builder compression(ShardCompression compression) {
      shared.compression(compression);
      return this;
    }

    public Builder rowsPerBatch(int rows) {
      shared.rowsPerBatch(rows);
      return this;
    }

    public Builder recordsPerCall(int records) {
      shared.recordsPerCall(records);
      return this;
    }

    public Builder callBytes(long bytes) {
      shared.callBytes(bytes);
      return this;
    }

    public Builder minCallInterval(Duration interval) {
      shared.minCallInterval(interval);
      return this;
    }

    public Builder idlePollInterval(Duration interval) {
      shared.idlePollInterval(interval);
      return this;
    }

    public Builder shardDiscoveryInterval(Duration interval) {
      shared.shardDiscoveryInterval(interval);
      return this;
    }

    /**
     * Null: unbounded. Above zero (the runner also takes zero: its loop, not a Flink job's, can end
     * at once).
     */
    public Builder stopWhenIdle(Duration idle) {
      if (idle != null && (idle.isNegative() || idle.isZero())) {
        throw new IllegalArgumentException("Invalid stop-when-idle: " + idle + " (must be > 0)");
      }
      this.stopWhenIdle = idle;
      return this;
    }

    public Builder snapshotInterval(int versions) {
      shared.snapshotInterval(versions);
      return this;
    }

    /** At most {@code IngestOptions.MAX_COMMIT_DEADLINE}, as the runner's. */
    public Builder commitDeadline(Duration deadline) {
      shared.commitDeadline(deadline);
      return this;
    }

    public Builder maxRecordBytes(int bytes) {
      shared.maxRecordBytes(bytes);
      return this;
    }

    public Builder maxNestingDepth(int depth) {
      shared.maxNestingDepth(depth);
      return this;
    }

    /** Null: {@code flink-<random uuid>}. */
    public Builder writerId(String writerId) {
      if (writerId != null && writerId.isBlank()) {
        throw new IllegalArgumentException("Invalid writer id: blank");
      }
      this.writerId = writerId;
      return this;
    }

    public Builder tempDir(String tempDir) {
      this.tempDir = tempDir;
      return this;
    }

    public Builder resetCheckpoint(boolean reset) {
      shared.resetCheckpoint(reset);
      return this;
    }

    public FlinkJobOptions build() {
      return new FlinkJobOptions(this);
    }
  }
}
