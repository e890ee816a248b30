package io.minietl.core.manifest;

import io.minietl.core.format.ShardSummary;
import io.minietl.core.stats.FeatureStats;
import java.time.Instant;
import java.util.List;
import java.util.Map;
import java.util.Objects;

/**
 * One data shard (an Arrow IPC file) as a manifest lists it: its path relative to the dataset root
 * ({@code data/dt=2026-11-28/part-….arrow}), its row count, byte size, checksum ({@code
 * crc32c:1a2b3c4d}), body compression ({@code zstd}, {@code lz4_frame}, {@code none}), the
 * statistics of each feature over its rows, and optionally the range of its ingestion times and the
 * rows of each of its record batches (so that a reader plans record-batch units without reading
 * each file's footer; manifests written before this field have none).
 *
 * <p>Immutable; the statistics map is sorted by feature name.
 */
public final class ShardEntry {
  private final String path;
  private final long rows;
  private final long bytes;
  private final String checksum;
  private final String compression;
  private final Map<String, FeatureStats> stats;
  private final Instant minIngestionTime;
  private final Instant maxIngestionTime;
  private final List<Integer> batchRows;

  private ShardEntry(Builder b) {
    this.path = Checks.relativePath(b.path, "shard");
    this.rows = Checks.nonNegative(b.rows, "row count of shard " + path);
    this.bytes = Checks.nonNegative(b.bytes, "byte size of shard " + path);
    this.checksum = Checksums.require(b.checksum, "shard " + path);
    this.compression = Checks.nonBlank(b.compression, "compression of shard " + path);
    this.stats = Checks.sortedCopy(b.stats, "stats");
    this.minIngestionTime = b.minIngestionTime;
    this.maxIngestionTime = b.maxIngestionTime;
    this.batchRows = List.copyOf(b.batchRows);
    if (!batchRows.isEmpty()) {
      long sum = 0;
      for (int r : batchRows) {
        sum += Checks.nonNegative(r, "batch rows of shard " + path);
      }
      if (sum != rows) {
        throw new IllegalArgumentException(
            "Invalid shard "
                + path
                + ": its record batches hold "
                + sum
                + " rows ("
                + batchRows
                + ") but the shard has "
                + rows);
      }
    }
    for (Map.Entry<String, FeatureStats> e : stats.entrySet()) {
      if (e.getValue().count() > rows) {
        throw new IllegalArgumentException(
            "Invalid shard "
                + path
                + ": feature '"
                + e.getKey()
                + "' has statistics over "
                + e.getValue().count()
                + " values but the shard has "
                + rows
                + " rows");
      }
    }
    if (minIngestionTime != null
        && maxIngestionTime != null
        && minIngestionTime.isAfter(maxIngestionTime)) {
      throw new IllegalArgumentException(
          "Invalid shard "
              + path
              + ": min ingestion time "
              + minIngestionTime
              + " is after max "
              + maxIngestionTime);
    }
  }

  public static Builder builder() {
    return new Builder();
  }

  public Builder toBuilder() {
    return new Builder()
        .path(path)
        .rows(rows)
        .bytes(bytes)
        .checksum(checksum)
        .compression(compression)
        .stats(stats)
        .minIngestionTime(minIngestionTime)
        .maxIngestionTime(maxIngestionTime)
        .batchRows(batchRows);
  }

  /** The path relative to the dataset root. */
  public String path() {
    return path;
  }

  public long rows() {
    return rows;
  }

  /** The size of the file in bytes. */
  public long bytes() {
    return bytes;
  }

  /** The checksum of the whole file, {@code algorithm:hex}. */
  public String checksum() {
    return checksum;
  }

  /**
   * The Arrow body compression codec, lower case ({@code zstd}, {@code lz4_frame}, {@code none}).
   */
  public String compression() {
    return compression;
  }

  /** Statistics per feature name over the rows of this shard, sorted by name. */
  public Map<String, FeatureStats> stats() {
    return stats;
  }

  /** The earliest ingestion time of a row, or null if not recorded. */
  public Instant minIngestionTime() {
    return minIngestionTime;
  }

  /** The latest ingestion time of a row, or null if not recorded. */
  public Instant maxIngestionTime() {
    return maxIngestionTime;
  }

  /**
   * The rows of each record batch in file order (they add up to {@link #rows()}), or an empty list
   * if the manifest does not say.
   */
  public List<Integer> batchRows() {
    return batchRows;
  }

  @Override
  public boolean equals(Object o) {
    if (this == o) {
      return true;
    }
    if (!(o instanceof ShardEntry)) {
      return false;
    }
    ShardEntry that = (ShardEntry) o;
    return rows == that.rows
        && bytes == that.bytes
        && path.equals(that.path)
        && checksum.equals(that.checksum)
        && compression.equals(that.compression)
        && stats.equals(that.stats)
        && Objects.equals(minIngestionTime, that.minIngestionTime)
        && Objects.equals(maxIngestionTime, that.maxIngestionTime)
        && batchRows.equals(that.batchRows);
  }

  @Override
  public int hashCode() {
    return Objects.hash(
        path,
        rows,
        bytes,
        checksum,
        compression,
        stats,
        minIngestionTime,
        maxIngestionTime,
        batchRows);
  }

  @Override
  public String toString() {
    return "ShardEntry{" + path + ", rows=" + rows + ", bytes=" + bytes + ", " + checksum + "}";
  }

  /** Builds a {@link ShardEntry}. Path, checksum and compression are required. */
  public static final class Builder {
    private String path;
    private long rows;
    private long bytes;
    private String checksum;
    private String compression;
    private Map<String, FeatureStats> stats = Map.of();
    private Instant minIngestionTime;
    private Instant maxIngestionTime;
    private List<Integer> batchRows = List.of();

    private Builder() {}

    /**
     * Rows, bytes, checksum, feature statistics and batch rows from what the {@link
     * io.minietl.core.format.ShardWriter} reported.
     */
    public Builder summary(ShardSummary summary) {
      return rows(summary.rows())
          .bytes(summary.bytes())
          .checksum(summary.checksum())
          .stats(summary.featureStats())
          .batchRows(summary.batchRows());
    }

    public Builder path(String path) {
      this.path = path;
      return this;
    }

    public Builder rows(long rows) {
      this.rows = rows;
      return this;
    }

    public Builder bytes(long bytes) {
      this.bytes = bytes;
      return this;
    }

    public Builder checksum(String checksum) {
      this.checksum = checksum;
      return this;
    }

    public Builder compression(String compression) {
      this.compression = compression;
      return this;
    }

    public Builder stats(Map<String, FeatureStats> stats) {
      this.stats = stats;
      return this;
    }

    public Builder minIngestionTime(Instant minIngestionTime) {
      this.minIngestionTime = minIngestionTime;
      return this;
    }

    public Builder maxIngestionTime(Instant maxIngestionTime) {
      this.maxIngestionTime = maxIngestionTime;
      return this;
    }

    /** The rows of each record batch; empty (the default) if unknown. */
    public Builder batchRows(List<Integer> batchRows) {
      this.batchRows = batchRows;
      return this;
    }

    /**
     * @throws NullPointerException if a required field is missing
     * @throws IllegalArgumentException if a value is invalid (the message names it)
     */
    public ShardEntry build() {
      return new ShardEntry(this);
    }
  }
}
