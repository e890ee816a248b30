package io.minietl.flink;

import org.apache.flink.api.connector.source.SourceEvent;

/** The events between the source readers and the enumerator. */
final class SourceEvents {
  private SourceEvents() {}

  /** Reader → enumerator: a shard was read to its end (it commits as closed). */
  record ShardEnded(String shardId) implements SourceEvent {}

  /** Reader → enumerator (bounded mode): a shard is caught up and quiet, or no longer. */
  record ShardIdle(String shardId, boolean idle) implements SourceEvent {}

  /** Enumerator → readers (bounded mode): every shard is idle; finish every split now. */
  record StopReading() implements SourceEvent {}
}
