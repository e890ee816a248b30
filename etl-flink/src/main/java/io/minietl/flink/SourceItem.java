package io.minietl.flink;

import io.minietl.kinesis.StreamRecord;

/**
 * What the split reader hands the emitter: a record, the end of a shard, or a change of a shard's
 * idleness (bounded mode only; reported to the enumerator, never emitted downstream).
 */
record SourceItem(Kind kind, String shardId, StreamRecord record) {
  enum Kind {
    RECORD,
    SHARD_END,
    IDLE,
    ACTIVE
  }

  static SourceItem record(String shardId, StreamRecord record) {
    return new SourceItem(Kind.RECORD, shardId, record);
  }

  static SourceItem marker(Kind kind, String shardId) {
    return new SourceItem(kind, shardId, null);
  }
}
