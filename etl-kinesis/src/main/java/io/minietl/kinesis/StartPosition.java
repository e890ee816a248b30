package io.minietl.kinesis;

import java.time.Instant;
import java.util.Objects;

/**
 * Where a shard iterator starts. Immutable.
 *
 * <p>{@code AFTER_SEQUENCE_NUMBER} with a {@link #subSequenceNumber()} starts inside a
 * KPL-aggregated record: after its user record {@code subSequenceNumber}. Kinesis has no such
 * iterator, so the proxy starts {@code AT_SEQUENCE_NUMBER} and the reader drops the user records
 * this position is past ({@link #isPast}).
 */
public record StartPosition(
    Type type, String sequenceNumber, Instant timestamp, Long subSequenceNumber) {
  /** The Kinesis ShardIteratorType values the runner uses. */
  public enum Type {
    TRIM_HORIZON,
    LATEST,
    AT_TIMESTAMP,
    AFTER_SEQUENCE_NUMBER
  }

  public StartPosition {
    Objects.requireNonNull(type, "type");
    if (type == Type.AFTER_SEQUENCE_NUMBER && sequenceNumber == null) {
      throw new IllegalArgumentException("Invalid start position: AFTER_SEQUENCE_NUMBER needs one");
    }
    if (type == Type.AT_TIMESTAMP && timestamp == null) {
      throw new IllegalArgumentException("Invalid start position: AT_TIMESTAMP needs a timestamp");
    }
    if (subSequenceNumber != null
        && (type != Type.AFTER_SEQUENCE_NUMBER || subSequenceNumber < 0)) {
      throw new IllegalArgumentException(
          "Invalid start position: a sub-sequence number ("
              + subSequenceNumber
              + ") needs AFTER_SEQUENCE_NUMBER and must be >= 0");
    }
  }

  /** A position without a sub-sequence number. */
  public StartPosition(Type type, String sequenceNumber, Instant timestamp) {
    this(type, sequenceNumber, timestamp, null);
  }

  public static StartPosition trimHorizon() {
    return new StartPosition(Type.TRIM_HORIZON, null, null);
  }

  public static StartPosition latest() {
    return new StartPosition(Type.LATEST, null, null);
  }

  public static StartPosition atTimestamp(Instant timestamp) {
    return new StartPosition(Type.AT_TIMESTAMP, null, timestamp);
  }

  public static StartPosition afterSequenceNumber(String sequenceNumber) {
    return new StartPosition(Type.AFTER_SEQUENCE_NUMBER, sequenceNumber, null);
  }

  /**
   * After user record {@code subSequenceNumber} of the aggregated record {@code sequenceNumber}:
   * its later user records and every later record.
   */
  public static StartPosition afterSubSequenceNumber(
      String sequenceNumber, long subSequenceNumber) {
    return new StartPosition(Type.AFTER_SEQUENCE_NUMBER, sequenceNumber, null, subSequenceNumber);
  }

  /**
   * Whether {@code record}, returned by an iterator for this position, is one this position is
   * already past: a user record up to and including {@link #subSequenceNumber()} of the record at
   * {@link #sequenceNumber()}. Always false for a position without a sub-sequence number.
   */
  public boolean isPast(StreamRecord record) {
    return subSequenceNumber != null
        && record.subSequenceNumber() != null
        && record.subSequenceNumber() <= subSequenceNumber
        && record.sequenceNumber().equals(sequenceNumber);
  }
}
