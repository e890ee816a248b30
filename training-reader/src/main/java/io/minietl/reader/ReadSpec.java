package io.minietl.reader;

import io.minietl.core.manifest.Checksums;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayList;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Objects;

/**
 * What one rank reads in one epoch: batch size, columns, order, rank, split, filter, remainder,
 * follow. Immutable and thread-safe; build with {@link #builder()}. The same spec on the same
 * dataset version yields the same batches on every run and machine.
 */
public final class ReadSpec {
  /** Default number of units (record batches) whose rows are shuffled together. */
  public static final int DEFAULT_WINDOW_UNITS = 8;

  private final int batchSize;
  private final List<String> columns;
  private final boolean shuffle;
  private final long seed;
  private final long epoch;
  private final int rank;
  private final int worldSize;
  private final int windowUnits;
  private final Split split;
  private final double trainFraction;
  private final Filter filter;
  private final Remainder remainder;
  private final Duration followIdleTimeout;

  private ReadSpec(Builder b) {
    this.batchSize = b.batchSize;
    this.columns = List.copyOf(b.columns);
    this.shuffle = b.shuffle;
    this.seed = b.seed;
    this.epoch = b.epoch;
    this.rank = b.rank;
    this.worldSize = b.worldSize;
    this.windowUnits = b.windowUnits;
    this.split = b.split;
    this.trainFraction = b.trainFraction;
    this.filter = b.filter;
    this.remainder = b.remainder;
    this.followIdleTimeout = b.followIdleTimeout;
  }

  public static Builder builder() {
    return new Builder();
  }

  public Builder toBuilder() {
    Builder b = new Builder();
    b.batchSize = batchSize;
    b.columns = new ArrayList<>(columns);
    b.shuffle = shuffle;
    b.seed = seed;
    b.epoch = epoch;
    b.rank = rank;
    b.worldSize = worldSize;
    b.windowUnits = windowUnits;
    b.split = split;
    b.trainFraction = trainFraction;
    b.filter = filter;
    b.remainder = remainder;
    b.followIdleTimeout = followIdleTimeout;
    return b;
  }

  public int batchSize() {
    return batchSize;
  }

  /** The columns of each batch, in order; empty means all columns of the dataset. */
  public List<String> columns() {
    return columns;
  }

  public boolean shuffle() {
    return shuffle;
  }

  public long seed() {
    return seed;
  }

  public long epoch() {
    return epoch;
  }

  public int rank() {
    return rank;
  }

  public int worldSize() {
    return worldSize;
  }

  public int windowUnits() {
    return windowUnits;
  }

  /** The split side, or null for all rows. */
  public Split split() {
    return split;
  }

  public double trainFraction() {
    return trainFraction;
  }

  /** The filter, or null. */
  public Filter filter() {
    return filter;
  }

  public Remainder remainder() {
    return remainder;
  }

  /** How long a following iterator waits for the next commit before it ends; null: no follow. */
  public Duration followIdleTimeout() {
    return followIdleTimeout;
  }

  /** The part of the spec that decides which rows are selected (filter and split). */
  String selectionKey() {
    return (split == null ? "all" : split + "@" + trainFraction)
        + ";"
        + (filter == null ? "none" : filter);
  }

  /**
   * The canonical spec string: everything that decides the sequence of a rank besides epoch, rank
   * and world size (which a {@link Position} holds itself), in a form any language formats the same
   * ({@code docs/DESIGN.md}, "The spec fingerprint"). Version 1:
   *
   * <pre>{@code
   * spec/1;batch=32;columns=[10:article_id,7:content];order=shuffle:42;window=8;
   * split=train:3fe999999999999a;filter=between(10:word_count,5,20);remainder=pad;follow=false
   * }</pre>
   */
  String canonical() {
    StringBuilder cols = new StringBuilder("[");
    for (int i = 0; i < columns.size(); i++) {
      cols.append(i == 0 ? "" : ",").append(canonicalString(columns.get(i)));
    }
    cols.append("]");
    String splitPart =
        split == null
            ? "all"
            : split.name().toLowerCase(java.util.Locale.ROOT)
                + ":"
                + String.format("%016x", Double.doubleToLongBits(trainFraction));
    return String.join(
        ";",
        "spec/1",
        "batch=" + batchSize,
        "columns=" + cols,
        "order=" + (shuffle ? "shuffle:" + seed : "sequential"),
        "window=" + windowUnits,
        "split=" + splitPart,
        "filter=" + (filter == null ? "none" : filter.canonical()),
        "remainder=" + remainder.name().toLowerCase(java.util.Locale.ROOT),
        "follow=" + (followIdleTimeout != null));
  }

  /** A string in the canonical spec: its UTF-8 byte length, a colon, the text. */
  static String canonicalString(String s) {
    return s.getBytes(StandardCharsets.UTF_8).length + ":" + s;
  }

  /**
   * The spec's fingerprint in a {@link Position}: the CRC32C of the UTF-8 {@link #canonical()}
   * string, 8 lower-case hex digits.
   */
  String fingerprint() {
    return Checksums.crc32c(canonical().getBytes(StandardCharsets.UTF_8)).substring(7);
  }

  /**
   * The fingerprint of format-1 positions ({@code mtr1:}), written before the canonical string: a
   * CRC32C of Java's own {@code List.toString()}/{@code Double.toString()} forms, which no other
   * language reproduces. Kept so that positions saved by earlier releases still resume in Java.
   */
  String legacyFingerprint() {
    String canonical =
        String.join(
            ";",
            "b=" + batchSize,
            "c=" + columns,
            "s=" + (shuffle ? Long.toString(seed) : "seq"),
            "w=" + windowUnits,
            "sel=" + selectionKey(),
            "r=" + remainder,
            "f=" + (followIdleTimeout != null));
    return Checksums.crc32c(canonical.getBytes(StandardCharsets.UTF_8)).substring(7);
  }

  @Override
  public boolean equals(Object o) {
    if (!(o instanceof ReadSpec)) {
      return false;
    }
    ReadSpec s = (ReadSpec) o;
    return fingerprint().equals(s.fingerprint())
        && epoch == s.epoch
        && rank == s.rank
        && worldSize == s.worldSize
        && Objects.equals(followIdleTimeout, s.followIdleTimeout);
  }

  @Override
  public int hashCode() {
    return Objects.hash(fingerprint(), epoch, rank, worldSize);
  }

  @Override
  public String toString() {
    return "ReadSpec{batchSize="
        + batchSize
        + ", columns="
        + columns
        + ", order="
        + (shuffle ? "shuffle(" + seed + ")" : "sequential")
        + ", epoch="
        + epoch
        + ", rank="
        + rank
        + "/"
        + worldSize
        + ", window="
        + windowUnits
        + ", selection="
        + selectionKey()
        + ", remainder="
        + remainder
        + ", follow="
        + followIdleTimeout
        + "}";
  }

  /** Builds a {@link ReadSpec}; fails fast on bad values. Not thread-safe. */
  public static final class Builder {
    private int batchSize = 32;
    private List<String> columns = new ArrayList<>();
    private boolean shuffle;
    private long seed;
    private long epoch;
    private int rank;
    private int worldSize = 1;
    private int windowUnits = DEFAULT_WINDOW_UNITS;
    private Split split;
    private double trainFraction;
    private Filter filter;
    private Remainder remainder = Remainder.PAD;
    private Duration followIdleTimeout;

    private Builder() {}

    /** Rows per batch (default 32). */
    public Builder batchSize(int batchSize) {
      if (batchSize < 1) {
        throw new IllegalArgumentException("Invalid batch size " + batchSize + ": must be >= 1");
      }
      this.batchSize = batchSize;
      return this;
    }

    /** The columns of each batch, in this order (default: all). */
    public Builder columns(String... columns) {
      return columns(List.of(columns));
    }

    public Builder columns(List<String> columns) {
      if (new LinkedHashSet<>(columns).size() != columns.size()) {
        throw new IllegalArgumentException("Invalid columns " + columns + ": a column twice");
      }
      this.columns = new ArrayList<>(columns);
      return this;
    }

    /** Seeded two-level shuffle (units, then rows within a window of units). */
    public Builder shuffle(long seed) {
      this.shuffle = true;
      this.seed = seed;
      return this;
    }

    /** Canonical order: shards in manifest order, rows in file order (the default). */
    public Builder sequential() {
      this.shuffle = false;
      this.seed = 0;
      return this;
    }

    /** The epoch (>= 0); each epoch has its own order. */
    public Builder epoch(long epoch) {
      if (epoch < 0) {
        throw new IllegalArgumentException("Invalid epoch " + epoch + ": must be >= 0");
      }
      this.epoch = epoch;
      return this;
    }

    public Builder rank(int rank) {
      this.rank = rank;
      return this;
    }

    public Builder worldSize(int worldSize) {
      this.worldSize = worldSize;
      return this;
    }

    /** Units whose rows are shuffled together (default 8): more mixes better, costs memory. */
    public Builder windowUnits(int windowUnits) {
      if (windowUnits < 1) {
        throw new IllegalArgumentException("Invalid window " + windowUnits + ": must be >= 1");
      }
      this.windowUnits = windowUnits;
      return this;
    }

    /** Only the rows of {@code side} of a split with {@code trainFraction} in TRAIN. */
    public Builder split(Split side, double trainFraction) {
      Objects.requireNonNull(side, "side");
      if (!(trainFraction >= 0 && trainFraction <= 1)) {
        throw new IllegalArgumentException(
            "Invalid train fraction " + trainFraction + ": must be in [0, 1]");
      }
      this.split = side;
      this.trainFraction = trainFraction;
      return this;
    }

    public Builder filter(Filter filter) {
      this.filter = filter;
      return this;
    }

    public Builder remainder(Remainder remainder) {
      this.remainder = Objects.requireNonNull(remainder, "remainder");
      return this;
    }

    /**
     * After the dataset version's rows, keep yielding the rows of each later commit, in version
     * order, waiting up to {@code idleTimeout} for the next one before ending. Null: no follow.
     */
    public Builder follow(Duration idleTimeout) {
      if (idleTimeout != null && idleTimeout.isNegative()) {
        throw new IllegalArgumentException("Invalid follow timeout " + idleTimeout);
      }
      this.followIdleTimeout = idleTimeout;
      return this;
    }

    /**
     * @throws IllegalArgumentException if the rank is not in {@code [0, worldSize)}
     */
    public ReadSpec build() {
      if (worldSize < 1 || rank < 0 || rank >= worldSize) {
        throw new IllegalArgumentException(
            "Invalid rank " + rank + " of world size " + worldSize + ": need 0 <= rank < size");
      }
      return new ReadSpec(this);
    }
  }
}
