package io.minietl.kinesis;

import io.minietl.core.manifest.ShardCheckpoint;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;

/**
 * Decides which Kinesis shards to read and from where, from ListShards and the committed
 * checkpoint. Pure logic, shared by the runner (etl-ingest) and the Flink job (etl-flink): each
 * keeps its own code that starts and stops the readers of the shards it returns. Immutable, thread
 * safe.
 *
 * <p>Rules (docs/DESIGN.md, "Resharding"):
 *
 * <ul>
 *   <li>A shard closed in the committed checkpoint is never read again.
 *   <li>A shard with a committed sequence number resumes after it.
 *   <li>A child shard (one with parents) starts only when each parent is closed in the
 *       <em>committed</em> checkpoint, so every record of a partition key lands after the records
 *       put before it: a parent's tail is in the dataset before any record of its child. A parent
 *       that ListShards no longer returns aged out of the stream's retention and does not hold the
 *       child back, whether the checkpoint does not know it or knows it as open (its unread tail is
 *       gone with it: see {@link #expiredOpenShards}, which the caller reports). A child starts at
 *       TRIM_HORIZON, whatever the initial position: its records all came after its parents'.
 *   <li>Any other shard starts at the configured initial position.
 * </ul>
 */
public final class ShardCoordinator {
  private final StartPosition initialPosition;

  /**
   * Shards without a committed position and without a known parent start at {@code
   * initialPosition}.
   */
  public ShardCoordinator(StartPosition initialPosition) {
    this.initialPosition = initialPosition;
  }

  /** A shard to start reading, and where. */
  public record Assignment(String shardId, List<String> parentShardIds, StartPosition start) {}

  /**
   * The shards to start now: not {@code running}, not closed in {@code checkpoint}, and with every
   * parent finished.
   */
  public List<Assignment> assignable(
      List<ShardDescription> shards, Map<String, ShardCheckpoint> checkpoint, Set<String> running) {
    Map<String, ShardDescription> listed = new HashMap<>();
    for (ShardDescription s : shards) {
      listed.put(s.shardId(), s);
    }
    List<Assignment> out = new ArrayList<>();
    for (ShardDescription s : shards) {
      String id = s.shardId();
      ShardCheckpoint committed = checkpoint.get(id);
      if (running.contains(id) || (committed != null && committed.closed())) {
        continue;
      }
      if (!parentsFinished(s, listed, checkpoint)) {
        continue;
      }
      StartPosition start;
      if (committed != null && committed.sequenceNumber() != null) {
        start =
            committed.subSequenceNumber().isPresent()
                ? StartPosition.afterSubSequenceNumber(
                    committed.sequenceNumber(), committed.subSequenceNumber().getAsLong())
                : StartPosition.afterSequenceNumber(committed.sequenceNumber());
      } else if (hasKnownParent(s, listed, checkpoint)) {
        start = StartPosition.trimHorizon();
      } else {
        start = initialPosition;
      }
      out.add(new Assignment(id, s.parentShardIds(), start));
    }
    return out;
  }

  /**
   * The shards the checkpoint knows as open that ListShards no longer returns: they aged out of the
   * stream's retention before they were read to their end, and their records after the committed
   * position are lost (Kinesis gives no count of them). In checkpoint order.
   */
  public Map<String, ShardCheckpoint> expiredOpenShards(
      List<ShardDescription> shards, Map<String, ShardCheckpoint> checkpoint) {
    Set<String> listed = new java.util.HashSet<>();
    shards.forEach(s -> listed.add(s.shardId()));
    Map<String, ShardCheckpoint> out = new LinkedHashMap<>();
    checkpoint.forEach(
        (id, c) -> {
          if (!c.closed() && !listed.contains(id)) {
            out.put(id, c);
          }
        });
    return out;
  }

  private static boolean parentsFinished(
      ShardDescription s,
      Map<String, ShardDescription> listed,
      Map<String, ShardCheckpoint> checkpoint) {
    for (String parent : s.parentShardIds()) {
      ShardCheckpoint c = checkpoint.get(parent);
      // A listed parent must be closed in the committed checkpoint; one no longer listed is gone.
      if (listed.containsKey(parent) && (c == null || !c.closed())) {
        return false;
      }
    }
    return true;
  }

  private static boolean hasKnownParent(
      ShardDescription s,
      Map<String, ShardDescription> listed,
      Map<String, ShardCheckpoint> checkpoint) {
    for (String parent : s.parentShardIds()) {
      if (listed.containsKey(parent) || checkpoint.containsKey(parent)) {
        return true;
      }
    }
    return false;
  }
}
