package io.minietl.flink;

import io.minietl.core.format.ShardCompression;
import io.minietl.ingest.IngestOptions;
import io.minietl.kinesis.StartPosition;
import java.io.Serializable;
import java.time.Duration;
import java.time.Instant;
import java.util.Objects;
import java.util.UUID;

/**
 * What the Flink job can be tuned by, with the defaults beside each setting: the same names,
 * meanings and defaults as the runner's {@code IngestOptions} where the runner has the setting (the
 * builder starts from the runner's defaults). Immutable and serializable (it travels with the job
 * graph to the TaskManagers); build with {@link #builder()}.
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
    this.initialType = b.initialPosition.type();
    this.initialTimestamp = b.initialPosition.timestamp();
    this.targetShardBytes = b.targetShardBytes;
    this.maxShardRows = b.maxShardRows;
    this.compression = b.compression;
    this.rowsPerBatch = b.rowsPerBatch;
    this.recordsPerCall = b.recordsPerCall;
    this.callBytes = b.callBytes;
    this.minCallInterval = b.minCallInterval;
    this.idlePollInterval = b.idlePollInterval;
    this.shardDiscoveryInterval = b.shardDiscoveryInterval;
    this.stopWhenIdle = b.stopWhenIdle;
    this.snapshotInterval = b.snapshotInterval;
    this.commitDeadline = b.commitDeadline;
    this.maxRecordBytes = b.maxRecordBytes;
    this.maxNestingDepth = b.maxNestingDepth;
    this.writerId = b.writerId != null ? b.writerId : "flink-" + UUID.randomUUID();
    this.tempDir = b.tempDir;
    this.resetCheckpoint = b.resetCheckpoint;
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

  /** Builds {@link FlinkJobOptions}; each setter validates its value at once. */
  public static final class Builder {
    // The runner's defaults, so that a setting the two share cannot start differently in the job.
    private static final IngestOptions RUNNER = IngestOptions.builder().build();

    private StartPosition initialPosition = RUNNER.initialPosition();
    private long targetShardBytes = RUNNER.targetShardBytes();
    private long maxShardRows = RUNNER.maxShardRows();
    private ShardCompression compression = RUNNER.compression();
    private int rowsPerBatch = RUNNER.rowsPerBatch();
    private int recordsPerCall = RUNNER.recordsPerCall();
    private long callBytes = RUNNER.callBytes();
    private Duration minCallInterval = RUNNER.minCallInterval();
    private Duration idlePollInterval = RUNNER.idlePollInterval();
    private Duration shardDiscoveryInterval = RUNNER.shardDiscoveryInterval();
    private Duration stopWhenIdle;
    private int snapshotInterval = RUNNER.snapshotInterval();
    private Duration commitDeadline = RUNNER.commitDeadline();
    private int maxRecordBytes = RUNNER.maxRecordBytes();
    private int maxNestingDepth = RUNNER.maxNestingDepth();
    private String writerId;
    private String tempDir;
    private boolean resetCheckpoint;

    private Builder() {}

    /** TRIM_HORIZON, LATEST or AT_TIMESTAMP (a sequence number belongs to a checkpoint). */
    public Builder initialPosition(StartPosition position) {
      Objects.requireNonNull(position, "position");
      if (position.type() == StartPosition.Type.AFTER_SEQUENCE_NUMBER) {
        throw new IllegalArgumentException(
            "Invalid initial position: AFTER_SEQUENCE_NUMBER comes from a checkpoint only");
      }
      this.initialPosition = position;
      return this;
    }

    public Builder targetShardBytes(long bytes) {
      this.targetShardBytes = positive(bytes, "target shard bytes");
      return this;
    }

    public Builder maxShardRows(long rows) {
      this.maxShardRows = positive(rows, "max shard rows");
      return this;
    }

    public Builder compression(ShardCompression compression) {
      this.compression = Objects.requireNonNull(compression, "compression");
      return this;
    }

    public Builder rowsPerBatch(int rows) {
      this.rowsPerBatch = (int) positive(rows, "rows per batch");
      return this;
    }

    public Builder recordsPerCall(int records) {
      if (records < 1 || records > 10_000) {
        throw new IllegalArgumentException(
            "Invalid records per call: " + records + " (must be 1..10000)");
      }
      this.recordsPerCall = records;
      return this;
    }

    public Builder callBytes(long bytes) {
      this.callBytes = positive(bytes, "call bytes");
      return this;
    }

    public Builder minCallInterval(Duration interval) {
      this.minCallInterval = nonNegative(interval, "min call interval");
      return this;
    }

    public Builder idlePollInterval(Duration interval) {
      this.idlePollInterval = nonNegative(interval, "idle poll interval");
      return this;
    }

    public Builder shardDiscoveryInterval(Duration interval) {
      this.shardDiscoveryInterval = positive(interval, "shard discovery interval");
      return this;
    }

    /** Null: unbounded. */
    public Builder stopWhenIdle(Duration idle) {
      this.stopWhenIdle = idle == null ? null : positive(idle, "stop-when-idle");
      return this;
    }

    public Builder snapshotInterval(int versions) {
      this.snapshotInterval = (int) positive(versions, "snapshot interval");
      return this;
    }

    public Builder commitDeadline(Duration deadline) {
      positive(deadline, "commit deadline");
      if (deadline.compareTo(IngestOptions.MAX_COMMIT_DEADLINE) > 0) {
        throw new IllegalArgumentException(
            "Invalid commit deadline: "
                + deadline
                + " (at most "
                + IngestOptions.MAX_COMMIT_DEADLINE
                + ", a quarter of gc's minimum grace)");
      }
      this.commitDeadline = deadline;
      return this;
    }

    public Builder maxRecordBytes(int bytes) {
      this.maxRecordBytes = (int) positive(bytes, "max record bytes");
      return this;
    }

    public Builder maxNestingDepth(int depth) {
      this.maxNestingDepth = (int) positive(depth, "max nesting depth");
      return this;
    }

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
      this.resetCheckpoint = reset;
      return this;
    }

    public FlinkJobOptions build() {
      return new FlinkJobOptions(this);
    }

    private static long positive(long value, String what) {
      if (value < 1) {
        throw new IllegalArgumentException("Invalid " + what + ": " + value + " (must be >= 1)");
      }
      return value;
    }

    private static Duration positive(Duration value, String what) {
      if (value == null || value.isNegative() || value.isZero()) {
        throw new IllegalArgumentException("Invalid " + what + ": " + value + " (must be > 0)");
      }
      return value;
    }

    private static Duration nonNegative(Duration value, String what) {
      if (value == null || value.isNegative()) {
        throw new IllegalArgumentException("Invalid " + what + ": " + value + " (must be >= 0)");
      }
      return value;
    }
  }
}
