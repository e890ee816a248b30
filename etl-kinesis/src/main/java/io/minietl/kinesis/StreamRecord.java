package io.minietl.kinesis;

import java.time.Instant;
import java.util.Objects;

/**
 * One Kinesis record as read: sequence number (a decimal string, it exceeds 64 bits), partition
 * key, approximate arrival time and the raw data. The data array is owned by the record: callers
 * must not modify it.
 */
public record StreamRecord(
    String sequenceNumber, String partitionKey, Instant approximateArrivalTime, byte[] data) {

  public StreamRecord {
    Objects.requireNonNull(sequenceNumber, "sequenceNumber");
    Objects.requireNonNull(partitionKey, "partitionKey");
    Objects.requireNonNull(approximateArrivalTime, "approximateArrivalTime");
    Objects.requireNonNull(data, "data");
  }
}
