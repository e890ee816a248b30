package io.minietl.kinesis;

import java.util.List;

/**
 * The result of one GetRecords call. {@code nextIterator} is null when the shard is closed and read
 * to its end; {@code childShardIds} then names its children when the service reports them
 * (kinesis-local does, kinesalite does not: the runner also discovers children by ListShards).
 *
 * <p>{@code records} are the records handed over, KPL aggregates already split into their user
 * records; {@code kinesisRecords} counts the Kinesis records GetRecords returned (what its {@code
 * Limit} counts) and {@code kinesisBytes} their data bytes, so that the next call's limit can be
 * sized by bytes.
 */
public record RecordBatch(
    List<StreamRecord> records,
    String nextIterator,
    long millisBehindLatest,
    List<String> childShardIds,
    int kinesisRecords,
    long kinesisBytes) {

  public RecordBatch {
    records = List.copyOf(records);
    childShardIds = List.copyOf(childShardIds);
  }

  /** A batch of records none of which was aggregated. */
  public RecordBatch(
      List<StreamRecord> records,
      String nextIterator,
      long millisBehindLatest,
      List<String> childShardIds) {
    this(
        records,
        nextIterator,
        millisBehindLatest,
        childShardIds,
        records.size(),
        dataBytes(records));
  }

  private static long dataBytes(List<StreamRecord> records) {
    long bytes = 0;
    for (StreamRecord r : records) {
      bytes += r.data().length;
    }
    return bytes;
  }

  /**
   * The {@code Limit} for the next GetRecords call after this one: {@code callBytes} over the
   * average size of this batch's Kinesis records (an aggregate counts as one record of its whole
   * size, as GetRecords counts it), between 1 and {@code maxRecords}. {@code maxRecords} when this
   * batch is empty.
   */
  public int nextLimit(long callBytes, int maxRecords) {
    if (kinesisRecords == 0) {
      return maxRecords;
    }
    long average = Math.max(1, kinesisBytes / kinesisRecords);
    return (int) Math.max(1, Math.min(maxRecords, callBytes / average));
  }

  /** Whether the shard is closed and every record of it has been returned. */
  public boolean isShardEnd() {
    return nextIterator == null;
  }
}
