package io.minietl.ingest;

import io.minietl.kinesis.StreamRecord;
import java.util.List;

/**
 * What a shard fetcher hands to the processing loop: the records of one GetRecords call of one
 * shard, whether the shard ended with them, and how far behind the tip the shard is. An empty batch
 * still carries the shard's progress (caught up, or ended).
 */
record FetchedBatch(
    String shardId,
    List<StreamRecord> records,
    boolean shardEnd,
    long millisBehindLatest,
    List<String> childShardIds,
    long bytes) {

  static FetchedBatch of(
      String shardId,
      List<StreamRecord> records,
      boolean shardEnd,
      long millisBehindLatest,
      List<String> childShardIds) {
    long bytes = 0;
    for (StreamRecord r : records) {
      bytes += r.data().length;
    }
    return new FetchedBatch(shardId, records, shardEnd, millisBehindLatest, childShardIds, bytes);
  }
}
