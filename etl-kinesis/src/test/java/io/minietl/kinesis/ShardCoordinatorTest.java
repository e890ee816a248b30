package io.minietl.kinesis;

import static org.assertj.core.api.Assertions.assertThat;

import io.minietl.core.manifest.ShardCheckpoint;
import java.time.Instant;
import java.util.List;
import java.util.Map;
import java.util.Set;
import org.junit.jupiter.api.Test;

class ShardCoordinatorTest {
  private final ShardCoordinator coordinator = new ShardCoordinator(StartPosition.latest());

  private static ShardDescription shard(String id, String... parents) {
    return new ShardDescription(id, List.of(parents), "1", null);
  }

  @Test
  void aChildWaitsForAListedParentUntilItIsClosedInTheCheckpoint() {
    List<ShardDescription> listed = List.of(shard("p"), shard("c", "p"));
    Map<String, ShardCheckpoint> open = Map.of("p", ShardCheckpoint.at("10"));

    assertThat(coordinator.assignable(listed, open, Set.of("p"))).isEmpty();
    assertThat(coordinator.assignable(listed, Map.of("p", ShardCheckpoint.closed("10")), Set.of()))
        .containsExactly(
            new ShardCoordinator.Assignment("c", List.of("p"), StartPosition.trimHorizon()));
  }

  @Test
  void anOpenParentThatAgedOutNoLongerBlocksItsChildAndIsReported() {
    // The checkpoint knows p as open at 10, but ListShards no longer returns it (retention).
    ShardCheckpoint atTen =
        ShardCheckpoint.at("10").withArrivalTime(Instant.parse("2026-11-30T09:00:00Z"));
    Map<String, ShardCheckpoint> checkpoint = Map.of("p", atTen, "q", ShardCheckpoint.closed("5"));
    List<ShardDescription> listed = List.of(shard("c", "p"));

    assertThat(coordinator.assignable(listed, checkpoint, Set.of()))
        .containsExactly(
            new ShardCoordinator.Assignment("c", List.of("p"), StartPosition.trimHorizon()));
    assertThat(coordinator.expiredOpenShards(listed, checkpoint))
        .containsExactly(Map.entry("p", atTen));
  }

  @Test
  void aShardWithoutCheckpointOrKnownParentStartsAtTheInitialPosition() {
    List<ShardDescription> listed = List.of(shard("a"), shard("b", "gone"));

    assertThat(coordinator.assignable(listed, Map.of(), Set.of()))
        .extracting(ShardCoordinator.Assignment::start)
        .containsExactly(StartPosition.latest(), StartPosition.latest());
    assertThat(coordinator.expiredOpenShards(listed, Map.of())).isEmpty();
  }

  @Test
  void aCheckpointInsideAKplAggregateResumesAfterItsLastCommittedUserRecord() {
    List<ShardDescription> listed = List.of(shard("a"), shard("b"));
    Map<String, ShardCheckpoint> checkpoint =
        Map.of("a", ShardCheckpoint.at("10", 3), "b", ShardCheckpoint.at("20"));

    assertThat(coordinator.assignable(listed, checkpoint, Set.of()))
        .extracting(ShardCoordinator.Assignment::start)
        .containsExactly(
            StartPosition.afterSubSequenceNumber("10", 3), StartPosition.afterSequenceNumber("20"));
    StartPosition inside = StartPosition.afterSubSequenceNumber("10", 3);
    Instant t = Instant.EPOCH;
    assertThat(inside.isPast(new StreamRecord("10", 3L, "k", t, new byte[0], null))).isTrue();
    assertThat(inside.isPast(new StreamRecord("10", 0L, "k", t, new byte[0], null))).isTrue();
    assertThat(inside.isPast(new StreamRecord("10", 4L, "k", t, new byte[0], null))).isFalse();
    assertThat(inside.isPast(new StreamRecord("11", 0L, "k", t, new byte[0], null))).isFalse();
    assertThat(
            StartPosition.afterSequenceNumber("10")
                .isPast(new StreamRecord("10", 0L, "k", t, new byte[0], null)))
        .isFalse();
  }
}
