package io.minietl.flink;

import java.time.Instant;

/**
 * What the source hands the sink: one Kinesis record of a shard, or the marker that the shard was
 * read to its end (so the writer commits the shard as closed with the records before it). A Flink
 * POJO (public fields, no-argument constructor) so that Flink serializes it without Kryo.
 */
public final class KinesisElement {
  public String shardId;
  public String sequenceNumber;
  public String partitionKey;
  public long arrivalEpochSecond;
  public int arrivalNano;
  public byte[] data;

  /** The KPL sub-sequence number of a user record of an aggregate; null for a plain record. */
  public Long subSequenceNumber;

  /** Why a record with the KPL magic bytes could not be de-aggregated; null otherwise. */
  public String aggregateError;

  /** True for the end-of-shard marker, which carries nothing else but the shard id. */
  public boolean shardEnd;

  public KinesisElement() {}

  static KinesisElement record(
      String shardId, String sequenceNumber, String partitionKey, Instant arrival, byte[] data) {
    return record(shardId, sequenceNumber, null, partitionKey, arrival, data, null);
  }

  static KinesisElement record(
      String shardId,
      String sequenceNumber,
      Long subSequenceNumber,
      String partitionKey,
      Instant arrival,
      byte[] data,
      String aggregateError) {
    KinesisElement e = new KinesisElement();
    e.subSequenceNumber = subSequenceNumber;
    e.aggregateError = aggregateError;
    e.shardId = shardId;
    e.sequenceNumber = sequenceNumber;
    e.partitionKey = partitionKey;
    e.arrivalEpochSecond = arrival.getEpochSecond();
    e.arrivalNano = arrival.getNano();
    e.data = data;
    return e;
  }

  static KinesisElement endOf(String shardId) {
    KinesisElement e = new KinesisElement();
    e.shardId = shardId;
    e.shardEnd = true;
    return e;
  }

  Instant arrival() {
    return Instant.ofEpochSecond(arrivalEpochSecond, arrivalNano);
  }
}
