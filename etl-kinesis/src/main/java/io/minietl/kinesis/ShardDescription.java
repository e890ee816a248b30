package io.minietl.kinesis;

import java.util.List;
import java.util.Objects;

/**
 * One shard as ListShards describes it. {@code parentShardIds} holds the parent of a split and both
 * parents of a merge (empty for an original shard). {@code endingSequenceNumber} is null while the
 * shard is open.
 */
public record ShardDescription(
    String shardId,
    List<String> parentShardIds,
    String startingSequenceNumber,
    String endingSequenceNumber) {

  public ShardDescription {
    Objects.requireNonNull(shardId, "shardId");
    parentShardIds = List.copyOf(parentShardIds);
  }

  public boolean isClosed() {
    return endingSequenceNumber != null;
  }
}
