package io.minietl.core.record;

import java.time.Instant;
import java.util.Objects;

/**
 * Where a record came from: its Kinesis shard and sequence number (a decimal string: Kinesis
 * sequence numbers exceed 64 bits), partition key, the approximate time Kinesis received it, the
 * time the pipeline ingested it, and, for a user record that a producer aggregated with the Kinesis
 * Producer Library, its sub-sequence number (its index in the aggregated Kinesis record; null for a
 * record that was not aggregated). Shard, sequence number and sub-sequence number identify a record
 * of a stream. Immutable.
 */
public record Provenance(
    String shardId,
    String sequenceNumber,
    String partitionKey,
    Instant approximateArrivalTime,
    Instant ingestionTime,
    Long subSequenceNumber) {

  public Provenance {
    Objects.requireNonNull(shardId, "shardId");
    Objects.requireNonNull(sequenceNumber, "sequenceNumber");
    Objects.requireNonNull(partitionKey, "partitionKey");
    Objects.requireNonNull(approximateArrivalTime, "approximateArrivalTime");
    Objects.requireNonNull(ingestionTime, "ingestionTime");
    if (subSequenceNumber != null && subSequenceNumber < 0) {
      throw new IllegalArgumentException(
          "Invalid sub-sequence number " + subSequenceNumber + ": must be >= 0");
    }
  }

  /** The provenance of a record that was not aggregated (no sub-sequence number). */
  public static Provenance of(
      String shardId,
      String sequenceNumber,
      String partitionKey,
      Instant approximateArrivalTime,
      Instant ingestionTime) {
    return new Provenance(
        shardId, sequenceNumber, partitionKey, approximateArrivalTime, ingestionTime, null);
  }

  /**
   * The provenance of a record; {@code subSequenceNumber} is null unless it is a user record of a
   * KPL-aggregated Kinesis record.
   */
  public static Provenance of(
      String shardId,
      String sequenceNumber,
      String partitionKey,
      Instant approximateArrivalTime,
      Instant ingestionTime,
      Long subSequenceNumber) {
    return new Provenance(
        shardId,
        sequenceNumber,
        partitionKey,
        approximateArrivalTime,
        ingestionTime,
        subSequenceNumber);
  }
}
