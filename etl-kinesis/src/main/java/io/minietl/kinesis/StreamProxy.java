package io.minietl.kinesis;

import io.minietl.core.manifest.StreamIdentity;
import java.util.List;

/**
 * The narrow view of one Kinesis data stream the runner needs: list its shards, get an iterator,
 * get records. The real implementation calls the AWS SDK; tests use an in-memory fake that injects
 * failures. Implementations are thread-safe.
 *
 * <p>Failures a caller acts on are typed: {@link ThrottledException} (back off and retry), {@link
 * ExpiredIteratorException} (get a new iterator after the last sequence number read), {@link
 * StreamNotFoundException} (configuration error), {@link InvalidPositionException} (a sequence
 * number the shard does not hold: trimmed, or of another stream). Anything else is an unchecked
 * exception the caller may retry with backoff.
 */
public interface StreamProxy {
  /** The stream's name, for messages. */
  String streamName();

  /**
   * The stream's identity: its ARN and creation time (DescribeStreamSummary). A stream deleted and
   * created again under the same name has a new creation time.
   *
   * @throws StreamNotFoundException if the stream does not exist
   */
  StreamIdentity identity();

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
