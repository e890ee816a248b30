package io.minietl.core.manifest;

import java.util.Map;
import java.util.Objects;

/**
 * One error file (gzip JSON lines of rejected records) as a manifest lists it: its path relative to
 * the dataset root ({@code errors/dt=2026-11-28/part-….jsonl.gz}), its record count, byte size,
 * checksum, and the number of records per reason code ({@code not_json}, ...), which add up to the
 * record count.
 *
 * <p>Immutable; the reason map is sorted by code.
 */
public final class ErrorFileEntry {
  private final String path;
  private final long records;
  private final long bytes;
  private final String checksum;
  private final Map<String, Long> countsByReason;

  private ErrorFileEntry(Builder b) {
    this.path = Checks.relativePath(b.path, "error file");
    this.records = Checks.nonNegative(b.records, "record count of error file " + path);
    this.bytes = Checks.nonNegative(b.bytes, "byte size of error file " + path);
    this.checksum = Checksums.require(b.checksum, "error file " + path);
    this.countsByReason = Checks.sortedCopy(b.countsByReason, "countsByReason");
    long sum = 0;
    for (Map.Entry<String, Long> e : countsByReason.entrySet()) {
      sum += Checks.nonNegative(e.getValue(), "count of reason '" + e.getKey() + "' in " + path);
    }
    if (!countsByReason.isEmpty() && sum != records) {
      throw new IllegalArgumentException(
          "Invalid error file "
              + path
              + ": counts per reason add up to "
              + sum
              + " but the file has "
              + records
              + " records");
    }
  }

  public static Builder builder() {
    return new Builder();
  }

  public Builder toBuilder() {
    return new Builder()
        .path(path)
        .records(records)
        .bytes(bytes)
        .checksum(checksum)
        .countsByReason(countsByReason);
  }

  public String path() {
    return path;
  }

  public long records() {
    return records;
  }

  public long bytes() {
    return bytes;
  }

  public String checksum() {
    return checksum;
  }

  /** Records per reason code, sorted by code; empty if not recorded. */
  public Map<String, Long> countsByReason() {
    return countsByReason;
  }

  @Override
  public boolean equals(Object o) {
    if (this == o) {
      return true;
    }
    if (!(o instanceof ErrorFileEntry)) {
      return false;
    }
    ErrorFileEntry that = (ErrorFileEntry) o;
    return records == that.records
        && bytes == that.bytes
        && path.equals(that.path)
        && checksum.equals(that.checksum)
        && countsByReason.equals(that.countsByReason);
  }

  @Override
  public int hashCode() {
    return Objects.hash(path, records, bytes, checksum, countsByReason);
  }

  @Override
  public String toString() {
    return "ErrorFileEntry{" + path + ", records=" + records + ", " + countsByReason + "}";
  }

  /** Builds an {@link ErrorFileEntry}. Path and checksum are required. */
  public static final class Builder {
    private String path;
    private long records;
    private long bytes;
    private String checksum;
    private Map<String, Long> countsByReason = Map.of();

    private Builder() {}

    public Builder path(String path) {
      this.path = path;
      return this;
    }

    public Builder records(long records) {
      this.records = records;
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

    public Builder countsByReason(Map<String, Long> countsByReason) {
      this.countsByReason = countsByReason;
      return this;
    }

    /**
     * @throws NullPointerException if a required field is missing
     * @throws IllegalArgumentException if a value is invalid or the reason counts do not add up
     */
    public ErrorFileEntry build() {
      return new ErrorFileEntry(this);
    }
  }
}
