package io.minietl.core.format;

import io.minietl.core.stats.FeatureStats;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Objects;
import java.util.zip.CRC32C;

/**
 * What a {@link ShardWriter} wrote: row count, byte size, record batch count, the checksum of the
 * file's bytes and the statistics of each feature over the shard's rows (what a manifest entry
 * needs). Immutable and thread-safe.
 *
 * <p>The checksum is {@code "crc32c:"} followed by the CRC32C (Castagnoli) of every byte of the
 * file, as 8 lower-case hex digits; {@link #checksumOf(byte[])} computes it for verification.
 */
public final class ShardSummary {
  static final String CHECKSUM_PREFIX = "crc32c:";

  private final long rows;
  private final long bytes;
  private final int batches;
  private final String checksum;
  private final Map<String, FeatureStats> featureStats;

  private ShardSummary(
      long rows, long bytes, int batches, String checksum, Map<String, FeatureStats> stats) {
    this.rows = rows;
    this.bytes = bytes;
    this.batches = batches;
    this.checksum = checksum;
    this.featureStats = stats;
  }

  /**
   * A summary from its parts; {@code featureStats} is copied, keeping its iteration order.
   *
   * @throws IllegalArgumentException if a count is negative or the checksum is not {@code crc32c:}
   *     and 8 hex digits
   */
  public static ShardSummary of(
      long rows, long bytes, int batches, String checksum, Map<String, FeatureStats> featureStats) {
    Objects.requireNonNull(checksum, "checksum");
    Objects.requireNonNull(featureStats, "featureStats");
    if (rows < 0 || bytes < 0 || batches < 0) {
      throw new IllegalArgumentException(
          "Invalid shard summary: rows=" + rows + " bytes=" + bytes + " batches=" + batches);
    }
    if (!checksum.matches("crc32c:[0-9a-f]{8}")) {
      throw new IllegalArgumentException(
          "Invalid checksum '" + checksum + "': expected crc32c: and 8 lower-case hex digits");
    }
    return new ShardSummary(
        rows,
        bytes,
        batches,
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
    return batches;
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
        && batches == that.batches
        && checksum.equals(that.checksum)
        && featureStats.equals(that.featureStats);
  }

  @Override
  public int hashCode() {
    return Objects.hash(rows, bytes, batches, checksum, featureStats);
  }

  @Override
  public String toString() {
    return "ShardSummary{rows="
        + rows
        + ", bytes="
        + bytes
        + ", batches="
        + batches
        + ", checksum="
        + checksum
        + ", featureStats="
        + featureStats
        + "}";
  }
}
