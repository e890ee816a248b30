package io.minietl.reader;

import java.nio.file.Path;
import java.time.Duration;
import java.util.Objects;

/**
 * How a {@link TrainingDataset} opens and fetches data. Immutable and thread-safe; build with
 * {@link #builder()}; {@link #defaults()} opens the latest version with whole-shard fetches, 4
 * fetch threads, a 256 MiB prefetch budget and no disk cache.
 */
public final class DatasetOptions {
  /** How shard bytes are fetched. */
  public enum FetchMode {
    /**
     * One GET per shard; the bytes are verified against the manifest's CRC32C before use and may be
     * kept in the disk cache. The default.
     */
    WHOLE_SHARD,
    /**
     * Ranged GETs of the footer and of each needed record batch only. Reads less when a rank needs
     * a part of a shard, but a whole-file checksum cannot be verified: integrity then rests on the
     * Arrow structure checks and the transport's checksums. The disk cache is not used.
     */
    RECORD_BATCH
  }

  /** What a corrupt or missing shard does. */
  public enum OnCorruptShard {
    /** Iteration fails with a {@link ShardReadException} naming the object. The default. */
    FAIL,
    /**
     * Its rows are yielded as padding rows with null values (so every rank keeps the same batch
     * count) and counted in {@link BatchIterator#skippedUnits()}.
     */
    SKIP
  }

  private final long version;
  private final FetchMode fetchMode;
  private final int fetchThreads;
  private final long prefetchBytes;
  private final Path cacheDirectory;
  private final long cacheMaxBytes;
  private final OnCorruptShard onCorruptShard;
  private final Duration followPollInterval;
  private final String runId;
  private final long pinEpoch;

  private DatasetOptions(Builder b) {
    this.version = b.version;
    this.fetchMode = b.fetchMode;
    this.fetchThreads = b.fetchThreads;
    this.prefetchBytes = b.prefetchBytes;
    this.cacheDirectory = b.cacheDirectory;
    this.cacheMaxBytes = b.cacheMaxBytes;
    this.onCorruptShard = b.onCorruptShard;
    this.followPollInterval = b.followPollInterval;
    this.runId = b.runId;
    this.pinEpoch = b.pinEpoch;
  }

  public static DatasetOptions defaults() {
    return builder().build();
  }

  public static Builder builder() {
    return new Builder();
  }

  /** The pinned manifest version, or 0 for the latest. */
  public long version() {
    return version;
  }

  public FetchMode fetchMode() {
    return fetchMode;
  }

  public int fetchThreads() {
    return fetchThreads;
  }

  public long prefetchBytes() {
    return prefetchBytes;
  }

  /** The local disk cache directory, or null for none. */
  public Path cacheDirectory() {
    return cacheDirectory;
  }

  public long cacheMaxBytes() {
    return cacheMaxBytes;
  }

  public OnCorruptShard onCorruptShard() {
    return onCorruptShard;
  }

  public Duration followPollInterval() {
    return followPollInterval;
  }

  /**
   * The run whose ranks agree on versions through pin objects, or null (see {@link Builder#pin}).
   */
  public String runId() {
    return runId;
  }

  /** The epoch whose version {@link TrainingDataset#open} agrees on (with {@link #runId()}). */
  public long pinEpoch() {
    return pinEpoch;
  }

  /** Builds {@link DatasetOptions}; fails fast on bad values. Not thread-safe. */
  public static final class Builder {
    private long version;
    private FetchMode fetchMode = FetchMode.WHOLE_SHARD;
    private int fetchThreads = 4;
    private long prefetchBytes = 256L << 20;
    private Path cacheDirectory;
    private long cacheMaxBytes = 10L << 30;
    private OnCorruptShard onCorruptShard = OnCorruptShard.FAIL;
    private Duration followPollInterval = Duration.ofSeconds(1);
    private String runId;
    private long pinEpoch;

    private Builder() {}

    /**
     * Makes every rank of run {@code runId} plan the same version: opening (without a pinned {@link
     * #version}) agrees on {@code epoch}'s version through the pin object {@code
     * _pins/<runId>/epoch-<epoch>.json} (the first rank to create it, with a conditional PUT, fixes
     * it; the Python reader reads and writes the same objects), {@link
     * TrainingDataset#refresh(long)} on a later epoch's, and a following iterator decides each
     * segment boundary once for all ranks. The trainer's entry point chooses the run id (e.g. from
     * {@code MINIETL_RUN_ID}).
     */
    public Builder pin(String runId, long epoch) {
      Pins.check(runId);
      if (epoch < 0) {
        throw new IllegalArgumentException("Invalid epoch " + epoch + ": must be >= 0");
      }
      this.runId = runId;
      this.pinEpoch = epoch;
      return this;
    }

    /** Opens this manifest version (>= 1) for a reproducible run; default: the latest. */
    public Builder version(long version) {
      if (version < 1) {
        throw new IllegalArgumentException("Invalid version " + version + ": versions start at 1");
      }
      this.version = version;
      return this;
    }

    /** Opens the latest version (the default). */
    public Builder latest() {
      this.version = 0;
      return this;
    }

    public Builder fetchMode(FetchMode fetchMode) {
      this.fetchMode = Objects.requireNonNull(fetchMode, "fetchMode");
      return this;
    }

    /** Threads fetching and decoding ahead of the iterator (default 4). */
    public Builder fetchThreads(int threads) {
      if (threads < 1) {
        throw new IllegalArgumentException("Invalid fetch threads " + threads + ": must be >= 1");
      }
      this.fetchThreads = threads;
      return this;
    }

    /**
     * Compressed bytes of data fetched ahead of the iterator, and of whole shards held in memory
     * (default 256 MiB). At least the current window is always held, whatever the budget.
     */
    public Builder prefetchBytes(long bytes) {
      if (bytes < 1) {
        throw new IllegalArgumentException("Invalid prefetch budget " + bytes + ": must be > 0");
      }
      this.prefetchBytes = bytes;
      return this;
    }

    /**
     * Keeps verified shards in {@code directory}, at most {@code maxBytes}, least recently used
     * out.
     */
    public Builder cache(Path directory, long maxBytes) {
      if (maxBytes < 1) {
        throw new IllegalArgumentException("Invalid cache size " + maxBytes + ": must be > 0");
      }
      this.cacheDirectory = Objects.requireNonNull(directory, "directory");
      this.cacheMaxBytes = maxBytes;
      return this;
    }

    public Builder onCorruptShard(OnCorruptShard policy) {
      this.onCorruptShard = Objects.requireNonNull(policy, "policy");
      return this;
    }

    /** How often a following iterator looks for the next commit (default 1 s). */
    public Builder followPollInterval(Duration interval) {
      if (interval.isNegative() || interval.isZero()) {
        throw new IllegalArgumentException("Invalid poll interval " + interval + ": must be > 0");
      }
      this.followPollInterval = interval;
      return this;
    }

    public DatasetOptions build() {
      return new DatasetOptions(this);
    }
  }
}
