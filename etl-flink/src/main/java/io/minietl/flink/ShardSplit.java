package io.minietl.flink;

import io.minietl.kinesis.StartPosition;
import java.util.List;
import java.util.Objects;
import org.apache.flink.api.connector.source.SourceSplit;

/**
 * One Kinesis shard as a Flink split, and where to read it from: the position the enumerator chose
 * (from the committed manifest) or, in a Flink checkpoint, after the last record emitted.
 * Immutable.
 */
final class ShardSplit implements SourceSplit {
  private final String shardId;
  private final List<String> parentShardIds;
  private final StartPosition start;

  ShardSplit(String shardId, List<String> parentShardIds, StartPosition start) {
    this.shardId = Objects.requireNonNull(shardId, "shardId");
    this.parentShardIds = List.copyOf(parentShardIds);
    this.start = Objects.requireNonNull(start, "start");
  }

  @Override
  public String splitId() {
    return shardId;
  }

  String shardId() {
    return shardId;
  }

  List<String> parentShardIds() {
    return parentShardIds;
  }

  StartPosition start() {
    return start;
  }

  /**
   * This split resuming after {@code lastSequenceNumber} (null: unchanged) or, with a {@code
   * lastSubSequenceNumber}, after that user record of the KPL aggregate at it.
   */
  ShardSplit after(String lastSequenceNumber, Long lastSubSequenceNumber) {
    if (lastSequenceNumber == null) {
      return this;
    }
    return new ShardSplit(
        shardId,
        parentShardIds,
        lastSubSequenceNumber == null
            ? StartPosition.afterSequenceNumber(lastSequenceNumber)
            : StartPosition.afterSubSequenceNumber(lastSequenceNumber, lastSubSequenceNumber));
  }

  @Override
  public boolean equals(Object o) {
    return o instanceof ShardSplit s
        && shardId.equals(s.shardId)
        && parentShardIds.equals(s.parentShardIds)
        && start.equals(s.start);
  }

  @Override
  public int hashCode() {
    return Objects.hash(shardId, parentShardIds, start);
  }

  @Override
  public String toString() {
    return "ShardSplit{" + shardId + " from " + start + "}";
  }
}
