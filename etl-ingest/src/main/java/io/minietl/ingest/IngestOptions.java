package io.minietl.ingest;

import io.minietl.core.feature.FeatureRegistry;
import io.minietl.core.format.ShardCompression;
import io.minietl.core.record.RecordParser;
import io.minietl.kinesis.StartPosition;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Objects;
import java.util.UUID;

/**
 * Everything an {@link IngestRunner} run can be tuned by, with the defaults beside each setting.
 * Immutable and thread-safe; build with {@link #builder()}, change with {@link #toBuilder()}.
 * Endpoints and credentials are not here: they belong to the clients the runner is given.
 */
public final class IngestOptions {
  /** The longest {@link #commitDeadline()} accepted: a quarter of gc's minimum grace period. */
  public static final Duration MAX_COMMIT_DEADLINE = Duration.ofMinutes(15);

  private final StartPosition initialPosition;
  private final long targetShardBytes;
  private final long maxShardRows;
  private final Duration maxShardAge;
  private final ShardCompression compression;
  private final int rowsPerBatch;
  private final long bufferBytes;
  private final int recordsPerCall;
  private final long callBytes;
  private final Duration minCallInterval;
  private final Duration idlePollInterval;
  private final Duration shardDiscoveryInterval;
  private final Duration progressInterval;
  private final Duration stopWhenIdle;
  private final int snapshotInterval;
  private final Duration commitDeadline;
  private final Duration stallWarning;
  private final boolean resetCheckpoint;
  private final boolean verbose;
  private final int maxRecordBytes;
  private final int maxNestingDepth;
  private final FeatureRegistry features;
  private final String writerId;
  private final Path tempDir;

  private IngestOptions(Builder b) {
    this.initialPosition = b.initialPosition;
    this.targetShardBytes = b.targetShardBytes;
    this.maxShardRows = b.maxShardRows;
    this.maxShardAge = b.maxShardAge;
    this.compression = b.compression;
    this.rowsPerBatch = b.rowsPerBatch;
    this.bufferBytes = b.bufferBytes;
    this.recordsPerCall = b.recordsPerCall;
    this.callBytes = b.callBytes;
    this.minCallInterval = b.minCallInterval;
    this.idlePollInterval = b.idlePollInterval;
    this.shardDiscoveryInterval = b.shardDiscoveryInterval;
    this.progressInterval = b.progressInterval;
    this.stopWhenIdle = b.stopWhenIdle;
    this.snapshotInterval = b.snapshotInterval;
    this.commitDeadline = b.commitDeadline;
    this.stallWarning = b.stallWarning;
    this.resetCheckpoint = b.resetCheckpoint;
    this.verbose = b.verbose;
    this.maxRecordBytes = b.maxRecordBytes;
    this.maxNestingDepth = b.maxNestingDepth;
    this.features = b.features;
    this.writerId = b.writerId != null ? b.writerId : "runner-" + UUID.randomUUID();
    this.tempDir = b.tempDir != null ? b.tempDir : Path.of(System.getProperty("java.io.tmpdir"));
  }

  public static Builder builder() {
    return new Builder();
  }

  public Builder toBuilder() {
    Builder b = new Builder();
    b.initialPosition = initialPosition;
    b.targetShardBytes = targetShardBytes;
    b.maxShardRows = maxShardRows;
    b.maxShardAge = maxShardAge;
    b.compression = compression;
    b.rowsPerBatch = rowsPerBatch;
    b.bufferBytes = bufferBytes;
    b.recordsPerCall = recordsPerCall;
    b.callBytes = callBytes;
    b.minCallInterval = minCallInterval;
    b.idlePollInterval = idlePollInterval;
    b.shardDiscoveryInterval = shardDiscoveryInterval;
    b.progressInterval = progressInterval;
    b.stopWhenIdle = stopWhenIdle;
    b.snapshotInterval = snapshotInterval;
    b.commitDeadline = commitDeadline;
    b.stallWarning = stallWarning;
    b.resetCheckpoint = resetCheckpoint;
    b.verbose = verbose;
    b.maxRecordBytes = maxRecordBytes;
    b.maxNestingDepth = maxNestingDepth;
    b.features = features;
    b.writerId = writerId;
    b.tempDir = tempDir;
    return b;
  }

  /** Where a shard without a checkpoint starts. Default TRIM_HORIZON (process every record). */
  public StartPosition initialPosition() {
    return initialPosition;
  }

  /** Roll the Arrow shard when its estimated size reaches this. Default 64 MiB. */
  public long targetShardBytes() {
    return targetShardBytes;
  }

  /** Roll the Arrow shard at this many rows. Default 1,000,000. */
  public long maxShardRows() {
    return maxShardRows;
  }

  /** Commit at least this often when records arrive (a quiet stream still lands). Default 60 s. */
  public Duration maxShardAge() {
    return maxShardAge;
  }

  /** Default ZSTD. */
  public ShardCompression compression() {
    return compression;
  }

  /** Rows per Arrow record batch. Default 2048 (about 10 MiB of 5 KB articles). */
  public int rowsPerBatch() {
    return rowsPerBatch;
  }

  /** Bytes of fetched, not yet processed records; reading pauses at this. Default 64 MiB. */
  public long bufferBytes() {
    return bufferBytes;
  }

  /** The largest GetRecords limit per call (Kinesis maximum 10,000). Default 10,000. */
  public int recordsPerCall() {
    return recordsPerCall;
  }

  /**
   * Target bytes of one GetRecords page. Each call's limit is this over the average record size of
   * the shard's previous page (at most {@link #recordsPerCall()}), so that a page holds about this
   * much even where the service would return a whole shard at once (emulators have no 10 MB cap):
   * the heap a page in flight needs stays bounded, and processing overlaps reading. Default 8 MiB
   * (real Kinesis caps a page at 10 MB).
   */
  public long callBytes() {
    return callBytes;
  }

  /** Minimum time between GetRecords calls on one shard (5 per second allowed). Default 200 ms. */
  public Duration minCallInterval() {
    return minCallInterval;
  }

  /** Time between GetRecords calls on a caught-up, quiet shard. Default 1 s. */
  public Duration idlePollInterval() {
    return idlePollInterval;
  }

  /** How often ListShards looks for new (child) shards. Default 10 s. */
  public Duration shardDiscoveryInterval() {
    return shardDiscoveryInterval;
  }

  /** How often a progress line is printed. Default 10 s. */
  public Duration progressInterval() {
    return progressInterval;
  }

  /**
   * Stop once every open shard is caught up with no new record for this long; null (the default)
   * runs until stopped.
   */
  public Duration stopWhenIdle() {
    return stopWhenIdle;
  }

  /** Every this many manifest versions, one is a full snapshot. Default 10. */
  public int snapshotInterval() {
    return snapshotInterval;
  }

  /**
   * The longest time from the start of a commit's uploads to a manifest create that lists them.
   * Past it (upload retries, a conflict loop, unknown outcomes during an S3 brownout), the runner
   * uploads the files again under new names before it commits, so that gc, whose grace period is at
   * least {@link DatasetMaintenance#MINIMUM_GRACE} (four times the longest deadline), never deletes
   * a file that a late commit then lists. Default 5 minutes, at most {@link #MAX_COMMIT_DEADLINE}.
   */
  public Duration commitDeadline() {
    return commitDeadline;
  }

  /**
   * After a shard (or shard discovery) has failed for this long without a success, every progress
   * line names it, its error and since when. Default 5 minutes.
   */
  public Duration stallWarning() {
    return stallWarning;
  }

  /**
   * Continue a dataset whose checkpoint belongs to another stream (another name, or the same name
   * deleted and created again): its checkpoint is replaced by an empty one for this stream (whose
   * shards start afresh at the initial position); its data stays. Without it, such a run stops with
   * {@link io.minietl.kinesis.StreamMismatchException}. Default false.
   */
  public boolean resetCheckpoint() {
    return resetCheckpoint;
  }

  /** Print the stack trace of each retried failure's last occurrence. Default false. */
  public boolean verbose() {
    return verbose;
  }

  public int maxRecordBytes() {
    return maxRecordBytes;
  }

  public int maxNestingDepth() {
    return maxNestingDepth;
  }

  /** The features computed. Default {@link FeatureRegistry#defaults()}. */
  public FeatureRegistry features() {
    return features;
  }

  /** This runner's identity in the manifests it commits (fencing). Default a random UUID. */
  public String writerId() {
    return writerId;
  }

  /**
   * Where shard files are staged before upload, in a {@code minietl-staging-*} directory per run; a
   * run deletes those of killed runners. Default java.io.tmpdir.
   */
  public Path tempDir() {
    return tempDir;
  }

  /** Builds {@link IngestOptions}; each setter validates its value at once. */
  public static final class Builder {
    private StartPosition initialPosition = StartPosition.trimHorizon();
    private long targetShardBytes = 64L << 20;
    private long maxShardRows = 1_000_000;
    private Duration maxShardAge = Duration.ofSeconds(60);
    private ShardCompression compression = ShardCompression.ZSTD;
    private int rowsPerBatch = 2048;
    private long bufferBytes = 64L << 20;
    private int recordsPerCall = 10_000;
    private long callBytes = 8L << 20;
    private Duration minCallInterval = Duration.ofMillis(200);
    private Duration idlePollInterval = Duration.ofSeconds(1);
    private Duration shardDiscoveryInterval = Duration.ofSeconds(10);
    private Duration progressInterval = Duration.ofSeconds(10);
    private Duration stopWhenIdle;
    private int snapshotInterval = 10;
    private Duration commitDeadline = Duration.ofMinutes(5);
    private Duration stallWarning = Duration.ofMinutes(5);
    private boolean resetCheckpoint;
    private boolean verbose;
    private int maxRecordBytes = RecordParser.DEFAULT_MAX_RECORD_BYTES;
    private int maxNestingDepth = RecordParser.DEFAULT_MAX_NESTING_DEPTH;
    private FeatureRegistry features = FeatureRegistry.defaults();
    private String writerId;
    private Path tempDir;

    private Builder() {}

    public Builder initialPosition(StartPosition position) {
      Objects.requireNonNull(position, "initialPosition");
      if (position.type() == StartPosition.Type.AFTER_SEQUENCE_NUMBER) {
        throw new IllegalArgumentException(
            "Invalid initial position AFTER_SEQUENCE_NUMBER: use TRIM_HORIZON, LATEST or AT_TIMESTAMP");
      }
      this.initialPosition = position;
      return this;
    }

    public Builder targetShardBytes(long bytes) {
      this.targetShardBytes = positive("targetShardBytes", bytes);
      return this;
    }

    public Builder maxShardRows(long rows) {
      this.maxShardRows = positive("maxShardRows", rows);
      return this;
    }

    public Builder maxShardAge(Duration age) {
      this.maxShardAge = positive("maxShardAge", age);
      return this;
    }

    public Builder compression(ShardCompression compression) {
      this.compression = Objects.requireNonNull(compression, "compression");
      return this;
    }

    public Builder rowsPerBatch(int rows) {
      this.rowsPerBatch = (int) positive("rowsPerBatch", rows);
      return this;
    }

    public Builder bufferBytes(long bytes) {
      this.bufferBytes = positive("bufferBytes", bytes);
      return this;
    }

    public Builder recordsPerCall(int records) {
      if (records < 1 || records > 10_000) {
        throw new IllegalArgumentException(
            "Invalid recordsPerCall: " + records + " (Kinesis allows 1 to 10000)");
      }
      this.recordsPerCall = records;
      return this;
    }

    public Builder callBytes(long bytes) {
      this.callBytes = positive("callBytes", bytes);
      return this;
    }

    public Builder minCallInterval(Duration interval) {
      this.minCallInterval = nonNegative("minCallInterval", interval);
      return this;
    }

    public Builder idlePollInterval(Duration interval) {
      this.idlePollInterval = nonNegative("idlePollInterval", interval);
      return this;
    }

    public Builder shardDiscoveryInterval(Duration interval) {
      this.shardDiscoveryInterval = positive("shardDiscoveryInterval", interval);
      return this;
    }

    public Builder progressInterval(Duration interval) {
      this.progressInterval = positive("progressInterval", interval);
      return this;
    }

    /** See {@link IngestOptions#stopWhenIdle()}; null to run until stopped. */
    public Builder stopWhenIdle(Duration idle) {
      this.stopWhenIdle = idle == null ? null : nonNegative("stopWhenIdle", idle);
      return this;
    }

    public Builder snapshotInterval(int versions) {
      this.snapshotInterval = (int) positive("snapshotInterval", versions);
      return this;
    }

    /** See {@link IngestOptions#commitDeadline()}. */
    public Builder commitDeadline(Duration deadline) {
      positive("commitDeadline", deadline);
      if (deadline.compareTo(MAX_COMMIT_DEADLINE) > 0) {
        throw new IllegalArgumentException(
            "Invalid commitDeadline: "
                + deadline
                + " (at most "
                + MAX_COMMIT_DEADLINE
                + ", a quarter of gc's minimum grace period)");
      }
      this.commitDeadline = deadline;
      return this;
    }

    /** See {@link IngestOptions#stallWarning()}. */
    public Builder stallWarning(Duration after) {
      this.stallWarning = nonNegative("stallWarning", after);
      return this;
    }

    /** See {@link IngestOptions#resetCheckpoint()}. */
    public Builder resetCheckpoint(boolean reset) {
      this.resetCheckpoint = reset;
      return this;
    }

    /** See {@link IngestOptions#verbose()}. */
    public Builder verbose(boolean verbose) {
      this.verbose = verbose;
      return this;
    }

    public Builder maxRecordBytes(int bytes) {
      this.maxRecordBytes = (int) positive("maxRecordBytes", bytes);
      return this;
    }

    public Builder maxNestingDepth(int depth) {
      this.maxNestingDepth = (int) positive("maxNestingDepth", depth);
      return this;
    }

    public Builder features(FeatureRegistry features) {
      this.features = Objects.requireNonNull(features, "features");
      return this;
    }

    public Builder writerId(String writerId) {
      if (writerId == null || writerId.isBlank()) {
        throw new IllegalArgumentException("Invalid writerId: '" + writerId + "'");
      }
      this.writerId = writerId;
      return this;
    }

    public Builder tempDir(Path dir) {
      this.tempDir = Objects.requireNonNull(dir, "tempDir");
      return this;
    }

    public IngestOptions build() {
      return new IngestOptions(this);
    }

    private static long positive(String name, long value) {
      if (value < 1) {
        throw new IllegalArgumentException("Invalid " + name + ": " + value + " (must be > 0)");
      }
      return value;
    }

    private static Duration positive(String name, Duration value) {
      Objects.requireNonNull(value, name);
      if (value.isNegative() || value.isZero()) {
        throw new IllegalArgumentException("Invalid " + name + ": " + value + " (must be > 0)");
      }
      return value;
    }

    private static Duration nonNegative(String name, Duration value) {
      Objects.requireNonNull(value, name);
      if (value.isNegative()) {
        throw new IllegalArgumentException("Invalid " + name + ": " + value + " (must be >= 0)");
      }
      return value;
    }
  }
}
