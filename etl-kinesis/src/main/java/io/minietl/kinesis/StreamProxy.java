package io.minietl.kinesis;

import java.util.List;

/**
 * The narrow view of one Kinesis data stream the runner needs: list its shards, get an iterator,
 * get records. The real implementation calls the AWS SDK; tests use an in-memory fake that injects
 * failures. Implementations are thread-safe.
 *
 * <p>Failures a caller acts on are typed: {@link ThrottledException} (back off and retry), {@link
 * ExpiredIteratorException} (get a new iterator after the last sequence number read), {@link
 * StreamNotFoundException} (configuration error). Anything else is an unchecked exception the
 * caller may retry with backoff.
 */
public interface StreamProxy {
  /** The stream's name, for messages. */
  String streamName();

  /** Every shard of the stream, open and closed (within the retention period), in any order. */
  List<ShardDescription> listShards();

  /** An iterator for {@code shardId} at {@code position}. */
  String shardIterator(String shardId, StartPosition position);

  /**
   * At most {@code limit} records from {@code iterator}. The batch's next iterator is null when the
   * shard is closed and every record of it has been returned.
   */
  RecordBatch getRecords(String iterator, int limit);
}
