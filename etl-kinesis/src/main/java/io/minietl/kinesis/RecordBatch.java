package io.minietl.kinesis;

import java.util.List;

/**
 * The result of one GetRecords call. {@code nextIterator} is null when the shard is closed and read
 * to its end; {@code childShardIds} then names its children when the service reports them
 * (kinesis-local does, kinesalite does not: the runner also discovers children by ListShards).
 */
public record RecordBatch(
    List<StreamRecord> records,
    String nextIterator,
    long millisBehindLatest,
    List<String> childShardIds) {

  public RecordBatch {
    records = List.copyOf(records);
    childShardIds = List.copyOf(childShardIds);
  }

  /** Whether the shard is closed and every record of it has been returned. */
  public boolean isShardEnd() {
    return nextIterator == null;
  }
}
