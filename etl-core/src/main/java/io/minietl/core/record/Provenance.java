package io.minietl.core.record;

import java.time.Instant;
import java.util.Objects;

/**
 * Where a record came from: its Kinesis shard and sequence number (a decimal string: Kinesis
 * sequence numbers exceed 64 bits), partition key, the approximate time Kinesis received it, and
 * the time the pipeline ingested it. Immutable.
 */
public record Provenance(
    String shardId,
    String sequenceNumber,
    String partitionKey,
    Instant approximateArrivalTime,
    Instant ingestionTime) {

  public Provenance {
    Objects.requireNonNull(shardId, "shardId");
    Objects.requireNonNull(sequenceNumber, "sequenceNumber");
    Objects.requireNonNull(partitionKey, "partitionKey");
    Objects.requireNonNull(approximateArrivalTime, "approximateArrivalTime");
    Objects.requireNonNull(ingestionTime, "ingestionTime");
  }

  public static Provenance of(
      String shardId,
      String sequenceNumber,
      String partitionKey,
      Instant approximateArrivalTime,
      Instant ingestionTime) {
    return new Provenance(
        shardId, sequenceNumber, partitionKey, approximateArrivalTime, ingestionTime);
  }
}
