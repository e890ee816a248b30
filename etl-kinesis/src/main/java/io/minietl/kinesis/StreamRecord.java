package io.minietl.kinesis;

import java.time.Instant;
import java.util.Objects;

/**
 * One record as read: sequence number (a decimal string, it exceeds 64 bits), partition key,
 * approximate arrival time and the raw data. The data array is owned by the record: callers must
 * not modify it.
 *
 * <p>A Kinesis record that a producer aggregated with the Kinesis Producer Library comes out as its
 * user records ({@link KplAggregation}): each has the Kinesis record's sequence number and arrival
 * time, its own partition key and data, and its {@link #subSequenceNumber()} (0, 1, ...); it is
 * null for a record that was not aggregated. An aggregated record that cannot be de-aggregated
 * comes out whole, with its raw bytes and {@link #aggregateError()} saying what is wrong (the
 * caller stores it as an error record, never as data).
 */
public record StreamRecord(
    String sequenceNumber,
    Long subSequenceNumber,
    String partitionKey,
    Instant approximateArrivalTime,
    byte[] data,
    String aggregateError) {

  public StreamRecord {
    Objects.requireNonNull(sequenceNumber, "sequenceNumber");
    Objects.requireNonNull(partitionKey, "partitionKey");
    Objects.requireNonNull(approximateArrivalTime, "approximateArrivalTime");
    Objects.requireNonNull(data, "data");
    if (subSequenceNumber != null && subSequenceNumber < 0) {
      throw new IllegalArgumentException(
          "Invalid sub-sequence number " + subSequenceNumber + ": must be >= 0");
    }
    if (subSequenceNumber != null && aggregateError != null) {
      throw new IllegalArgumentException(
          "Invalid stream record: a corrupt aggregate has no sub-sequence number");
    }
  }

  /** A record that was not aggregated. */
  public StreamRecord(
      String sequenceNumber, String partitionKey, Instant approximateArrivalTime, byte[] data) {
    this(sequenceNumber, null, partitionKey, approximateArrivalTime, data, null);
  }
}
