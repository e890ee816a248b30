package io.minietl.kinesis;

/**
 * A Kinesis record starts with the KPL aggregation magic bytes but is not a well-formed aggregated
 * record (see {@link KplAggregation}). The message says what is wrong; the caller keeps the raw
 * bytes (as an error record) rather than passing them through or dropping them.
 */
public final class CorruptAggregateException extends RuntimeException {
  public CorruptAggregateException(String message) {
    super(message);
  }
}
