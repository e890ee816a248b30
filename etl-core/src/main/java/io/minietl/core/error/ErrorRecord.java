package io.minietl.core.error;

import io.minietl.core.record.InvalidReason;
import java.time.Instant;
import java.util.Arrays;
import java.util.Objects;

/**
 * A record that did not make it into the dataset: why (a stable reason code such as {@code
 * not_json}, see {@link InvalidReason#code()}), a human message, where it came from in Kinesis, and
 * its raw bytes, untouched.
 *
 * <p>The reason is a string rather than the enum so that error files written by a newer version
 * (with reasons this version does not know) still read. Immutable; {@link #raw()} returns a copy.
 */
public final class ErrorRecord {
  private final String reason;
  private final String message;
  private final String shardId;
  private final String sequenceNumber;
  private final String partitionKey;
  private final Instant approximateArrivalTime;
  private final Long subSequenceNumber;
  private final byte[] raw;

  private ErrorRecord(Builder b) {
    this.reason = requireNonBlank(b.reason, "reason");
    this.message = Objects.requireNonNull(b.message, "message");
    this.shardId = requireNonBlank(b.shardId, "shardId");
    this.sequenceNumber = requireNonBlank(b.sequenceNumber, "sequenceNumber");
    this.partitionKey = Objects.requireNonNull(b.partitionKey, "partitionKey");
    this.approximateArrivalTime = b.approximateArrivalTime;
    if (b.subSequenceNumber != null && b.subSequenceNumber < 0) {
      throw new IllegalArgumentException(
          "Invalid sub-sequence number " + b.subSequenceNumber + ": must be >= 0");
    }
    this.subSequenceNumber = b.subSequenceNumber;
    this.raw = Objects.requireNonNull(b.raw, "raw").clone();
  }

  public static Builder builder() {
    return new Builder();
  }

  public Builder toBuilder() {
    return new Builder()
        .reason(reason)
        .message(message)
        .shardId(shardId)
        .sequenceNumber(sequenceNumber)
        .partitionKey(partitionKey)
        .approximateArrivalTime(approximateArrivalTime)
        .subSequenceNumber(subSequenceNumber)
        .raw(raw);
  }

  /**
   * The sub-sequence number of a user record of a KPL-aggregated Kinesis record (its index in it);
   * null for a record that was not aggregated, and for an aggregated record that could not be
   * de-aggregated ({@code kpl_corrupt}: the raw bytes are the whole Kinesis record).
   */
  public Long subSequenceNumber() {
    return subSequenceNumber;
  }

  /** The stable reason code, e.g. {@code not_json}. */
  public String reason() {
    return reason;
  }

  /** A human-readable explanation (may be empty, never null). */
  public String message() {
    return message;
  }

  public String shardId() {
    return shardId;
  }

  /** The Kinesis sequence number, a decimal string (it exceeds 64 bits). */
  public String sequenceNumber() {
    return sequenceNumber;
  }

  public String partitionKey() {
    return partitionKey;
  }

  /** When Kinesis received the record; null if unknown. */
  public Instant approximateArrivalTime() {
    return approximateArrivalTime;
  }

  /** A copy of the raw record bytes. */
  public byte[] raw() {
    return raw.clone();
  }

  /** The size of the raw record in bytes. */
  public int rawLength() {
    return raw.length;
  }

  private static String requireNonBlank(String value, String name) {
    Objects.requireNonNull(value, name);
    if (value.isBlank()) {
      throw new IllegalArgumentException("Invalid error record: '" + name + "' is blank");
    }
    return value;
  }

  @Override
  public boolean equals(Object o) {
    if (this == o) {
      return true;
    }
    if (!(o instanceof ErrorRecord)) {
      return false;
    }
    ErrorRecord that = (ErrorRecord) o;
    return reason.equals(that.reason)
        && message.equals(that.message)
        && shardId.equals(that.shardId)
        && sequenceNumber.equals(that.sequenceNumber)
        && partitionKey.equals(that.partitionKey)
        && Objects.equals(approximateArrivalTime, that.approximateArrivalTime)
        && Objects.equals(subSequenceNumber, that.subSequenceNumber)
        && Arrays.equals(raw, that.raw);
  }

  @Override
  public int hashCode() {
    return Objects.hash(
                reason,
                message,
                shardId,
                sequenceNumber,
                partitionKey,
                approximateArrivalTime,
                subSequenceNumber)
            * 31
        + Arrays.hashCode(raw);
  }

  @Override
  public String toString() {
    return "ErrorRecord{reason="
        + reason
        + ", shardId="
        + shardId
        + ", sequenceNumber="
        + sequenceNumber
        + ", rawBytes="
        + raw.length
        + ", message="
        + message
        + "}";
  }

  /**
   * Builds an {@link ErrorRecord}; reason, message, shard id, sequence number, partition key and
   * raw are required.
   */
  public static final class Builder {
    private String reason;
    private String message;
    private String shardId;
    private String sequenceNumber;
    private String partitionKey;
    private Instant approximateArrivalTime;
    private Long subSequenceNumber;
    private byte[] raw;

    private Builder() {}

    public Builder reason(String reasonCode) {
      this.reason = reasonCode;
      return this;
    }

    public Builder reason(InvalidReason reason) {
      this.reason = reason.code();
      return this;
    }

    public Builder message(String message) {
      this.message = message;
      return this;
    }

    public Builder shardId(String shardId) {
      this.shardId = shardId;
      return this;
    }

    public Builder sequenceNumber(String sequenceNumber) {
      this.sequenceNumber = sequenceNumber;
      return this;
    }

    public Builder partitionKey(String partitionKey) {
      this.partitionKey = partitionKey;
      return this;
    }

    public Builder approximateArrivalTime(Instant approximateArrivalTime) {
      this.approximateArrivalTime = approximateArrivalTime;
      return this;
    }

    /** The sub-sequence number of a KPL user record; null (the default) for a plain record. */
    public Builder subSequenceNumber(Long subSequenceNumber) {
      this.subSequenceNumber = subSequenceNumber;
      return this;
    }

    /** The raw bytes (copied). */
    public Builder raw(byte[] raw) {
      this.raw = raw == null ? null : raw.clone();
      return this;
    }

    /**
     * @throws NullPointerException if a required field is missing
     * @throws IllegalArgumentException if the reason, shard id or sequence number is blank
     */
    public ErrorRecord build() {
      return new ErrorRecord(this);
    }
  }
}
