package io.minietl.core.format;

import io.minietl.core.stats.FeatureStats;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.zip.CRC32C;

/**
 * What a {@link ShardWriter} wrote: row count, byte size, the rows of each record batch, the
 * checksum of the file's bytes and the statistics of each feature over the shard's rows (what a
 * manifest entry needs). Immutable and thread-safe.
 *
 * <p>The checksum is {@code "crc32c:"} followed by the CRC32C (Castagnoli) of every byte of the
 * file, as 8 lower-case hex digits; {@link #checksumOf(byte[])} computes it for verification.
 */
public final class ShardSummary {
  static final String CHECKSUM_PREFIX = "crc32c:";

  private final long rows;
  private final long bytes;
  private final List<Integer> batchRows;
  private final String checksum;
  private final Map<String, FeatureStats> featureStats;

  private ShardSummary(
      long rows,
      long bytes,
      List<Integer> batchRows,
      String checksum,
      Map<String, FeatureStats> stats) {
    this.rows = rows;
    this.bytes = bytes;
    this.batchRows = batchRows;
    this.checksum = checksum;
    this.featureStats = stats;
  }

  /**
   * A summary from its parts; {@code batchRows} and {@code featureStats} are copied, keeping their
   * order.
   *
   * @throws IllegalArgumentException if a count is negative, the batch rows do not add up to {@code
   *     rows}, or the checksum is not {@code crc32c:} and 8 hex digits
   */
  public static ShardSummary of(
      long rows,
      long bytes,
      List<Integer> batchRows,
      String checksum,
      Map<String, FeatureStats> featureStats) {
    Objects.requireNonNull(batchRows, "batchRows");
    Objects.requireNonNull(checksum, "checksum");
    Objects.requireNonNull(featureStats, "featureStats");
    long sum = 0;
    for (int r : batchRows) {
      if (r < 0) {
        throw new IllegalArgumentException("Invalid shard summary: batch rows " + batchRows);
      }
      sum += r;
    }
    if (rows < 0 || bytes < 0 || sum != rows) {
      throw new IllegalArgumentException(
          "Invalid shard summary: rows=" + rows + " bytes=" + bytes + " batch rows=" + batchRows);
    }
    if (!checksum.matches("crc32c:[0-9a-f]{8}")) {
      throw new IllegalArgumentException(
          "Invalid checksum '" + checksum + "': expected crc32c: and 8 lower-case hex digits");
    }
    return new ShardSummary(
        rows,
        bytes,
        List.copyOf(batchRows),
        checksum,
        Collections.unmodifiableMap(new LinkedHashMap<>(featureStats)));
  }

  /** The checksum of {@code bytes} in the summary's format, {@code crc32c:xxxxxxxx}. */
  public static String checksumOf(byte[] bytes) {
    CRC32C crc = new CRC32C();
    crc.update(bytes);
    return formatCrc32c(crc.getValue());
  }

  static String formatCrc32c(long value) {
    return CHECKSUM_PREFIX + String.format("%08x", value);
  }

  /** The number of rows. */
  public long rows() {
    return rows;
  }

  /** The size of the file in bytes. */
  public long bytes() {
    return bytes;
  }

  /** The number of record batches. */
  public int batches() {
    return batchRows.size();
  }

  /** The rows of each record batch, in file order; they add up to {@link #rows()}. */
  public List<Integer> batchRows() {
    return batchRows;
  }

  /** {@code crc32c:} and the CRC32C of the file's bytes as 8 lower-case hex digits. */
  public String checksum() {
    return checksum;
  }

  /** The statistics of each feature over the shard's rows, in column order. */
  public Map<String, FeatureStats> featureStats() {
    return featureStats;
  }

  @Override
  public boolean equals(Object o) {
    if (this == o) {
      return true;
    }
    if (!(o instanceof ShardSummary)) {
      return false;
    }
    ShardSummary that = (ShardSummary) o;
    return rows == that.rows
        && bytes == that.bytes
        && batchRows.equals(that.batchRows)
        && checksum.equals(that.checksum)
        && featureStats.equals(that.featureStats);
  }

  @Override
  public int hashCode() {
    return Objects.hash(rows, bytes, batchRows, checksum, featureStats);
  }

  @Override
  public String toString() {
    return "ShardSummary{rows="
        + rows
        + ", bytes="
        + bytes
        + ", batchRows="
        + batchRows
        + ", checksum="
        + checksum
        + ", featureStats="
        + featureStats
        + "}";
  }
}
