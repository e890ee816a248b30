package io.minietl.ingest;

import io.minietl.core.manifest.ShardCheckpoint;
import io.minietl.testing.KinesisEmulator;
import io.minietl.testing.KinesisFlavor;
import java.math.BigInteger;
import java.util.Comparator;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.stream.Collectors;
import software.amazon.awssdk.services.kinesis.KinesisClient;
import software.amazon.awssdk.services.kinesis.model.ScalingType;
import software.amazon.awssdk.services.kinesis.model.Shard;

/**
 * The resharding steps of the runner's and the Flink job's resharding tests (test 3), one place for
 * both: on kinesalite SplitShard, then MergeShards of two adjacent open shards (it has no
 * UpdateShardCount); on kinesis-local UpdateShardCount up to twice the shards, then back down
 * (splits, then merges). Each step waits until the stream is ACTIVE again. Public for etl-flink's
 * tests (the test jar).
 */
public final class Resharding {
  private Resharding() {}

  /** Splits: kinesalite splits the first open shard in two; kinesis-local doubles the count. */
  public static void splitStep(KinesisEmulator kinesis, String stream) {
    KinesisClient client = kinesis.client();
    List<Shard> open = openShards(kinesis, stream);
    if (kinesis.flavor() == KinesisFlavor.KINESALITE) {
      Shard first = open.get(0);
      BigInteger lo = new BigInteger(first.hashKeyRange().startingHashKey());
      BigInteger hi = new BigInteger(first.hashKeyRange().endingHashKey());
      client.splitShard(
          b ->
              b.streamName(stream)
                  .shardToSplit(first.shardId())
                  .newStartingHashKey(lo.add(hi).shiftRight(1).toString()));
    } else {
      client.updateShardCount(
          b ->
              b.streamName(stream)
                  .targetShardCount(2 * open.size())
                  .scalingType(ScalingType.UNIFORM_SCALING));
    }
    kinesis.awaitActive(stream);
  }

  /**
   * Merges after {@link #splitStep}: kinesalite merges the second half of the split with the open
   * shard next to it; kinesis-local halves the count.
   */
  public static void mergeStep(KinesisEmulator kinesis, String stream) {
    KinesisClient client = kinesis.client();
    List<Shard> open = openShards(kinesis, stream);
    if (kinesis.flavor() == KinesisFlavor.KINESALITE) {
      if (open.size() < 3
          || !new BigInteger(open.get(1).hashKeyRange().endingHashKey())
              .add(BigInteger.ONE)
              .equals(new BigInteger(open.get(2).hashKeyRange().startingHashKey()))) {
        throw new IllegalStateException(
            "Cannot merge: expected 3 open shards, the 2nd and 3rd adjacent, got " + open);
      }
      client.mergeShards(
          b ->
              b.streamName(stream)
                  .shardToMerge(open.get(1).shardId())
                  .adjacentShardToMerge(open.get(2).shardId()));
    } else {
      client.updateShardCount(
          b ->
              b.streamName(stream)
                  .targetShardCount(open.size() / 2)
                  .scalingType(ScalingType.UNIFORM_SCALING));
    }
    kinesis.awaitActive(stream);
  }

  /** The fewest shards a split step then a merge step close (3 on kinesalite, 6 from 2). */
  public static int minClosedAfterBothSteps(KinesisFlavor flavor) {
    return flavor == KinesisFlavor.KINESALITE ? 3 : 6;
  }

  /** The open shards by starting hash key. */
  public static List<Shard> openShards(KinesisEmulator kinesis, String stream) {
    return kinesis.listShards(stream).stream()
        .filter(s -> s.sequenceNumberRange().endingSequenceNumber() == null)
        .sorted(Comparator.comparing(s -> new BigInteger(s.hashKeyRange().startingHashKey())))
        .toList();
  }

  /** The ids of the stream's closed shards. */
  public static Set<String> closedShards(KinesisEmulator kinesis, String stream) {
    return kinesis.listShards(stream).stream()
        .filter(s -> s.sequenceNumberRange().endingSequenceNumber() != null)
        .map(Shard::shardId)
        .collect(Collectors.toSet());
  }

  /** The ids of the shards a checkpoint holds as closed. */
  public static Set<String> closedIn(Map<String, ShardCheckpoint> checkpoint) {
    return checkpoint.entrySet().stream()
        .filter(e -> e.getValue().closed())
        .map(Map.Entry::getKey)
        .collect(Collectors.toSet());
  }
}
