package io.minietl.kinesis;

import java.time.Instant;
import java.util.Objects;

/** Where a shard iterator starts. Immutable. */
public record StartPosition(Type type, String sequenceNumber, Instant timestamp) {
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
}
