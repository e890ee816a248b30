package io.minietl.core.manifest;

import static io.minietl.core.manifest.Entries.T0;
import static io.minietl.core.manifest.Entries.errors;
import static io.minietl.core.manifest.Entries.shard;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.minietl.core.stats.FeatureStats;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

class DatasetStateTest {

  /**
   * Commits {@code n} versions with snapshot interval {@code k}; shard i has word counts i, i+1.
   */
  static List<Manifest> commits(int n, int k) {
    List<Manifest> out = new ArrayList<>();
    DatasetState state = DatasetState.empty();
    for (int i = 1; i <= n; i++) {
      Manifest m =
          state
              .nextVersion()
              .writerId("runner-a")
              .committedAt(T0.plusSeconds(i))
              .snapshotInterval(k)
              .addShard(shard("a-" + i, i, i + 1))
              .addErrorFiles(i % 2 == 0 ? List.of(errors("a-" + i, 1, 0)) : List.of())
              .updateCheckpoint("shardId-0", ShardCheckpoint.at(Integer.toString(1000 + i)))
              .build();
      state = state.apply(m);
      out.add(m);
    }
    return out;
  }

  @Test
  void emptyStateHasVersionZeroAndItsNextVersionIsTheSnapshotV1() {
    DatasetState empty = DatasetState.empty();
    assertThat(empty.version()).isZero();
    assertThat(empty.shards()).isEmpty();
    assertThat(empty.stats("word_count")).isEqualTo(FeatureStats.empty());
    Manifest v1 = empty.nextVersion().writerId("w").committedAt(T0).snapshotInterval(1000).build();
    assertThat(v1.version()).isEqualTo(1);
    assertThat(v1.snapshot()).isTrue();
    assertThat(v1.parentVersion()).isZero();
  }

  @Test
  void aSnapshotComesEveryKVersions() {
    List<Manifest> ms = commits(10, 3);
    assertThat(ms)
        .extracting(Manifest::snapshot)
        .containsExactly(true, false, false, true, false, false, true, false, false, true);
    assertThat(ms)
        .extracting(Manifest::snapshotVersion)
        .containsExactly(1L, 1L, 1L, 4L, 4L, 4L, 7L, 7L, 7L, 10L);
    assertThat(commits(4, 1)).allMatch(Manifest::snapshot);
    assertThat(ms.get(9).shards()).hasSize(10);
    assertThat(ms.get(8).shards()).isEmpty();
  }

  @Test
  void forcedSnapshotRestartsTheInterval() {
    DatasetState state = DatasetState.replay(commits(2, 10));
    Manifest forced = state.nextVersion().writerId("w").committedAt(T0).forceSnapshot(true).build();
    assertThat(forced.snapshot()).isTrue();
    DatasetState after = state.apply(forced);
    assertThat(after.snapshotVersion()).isEqualTo(3);
    assertThat(after.nextVersion().writerId("w").committedAt(T0).build().snapshotVersion())
        .isEqualTo(3);
  }

  @Test
  void replayFromTheLatestSnapshotEqualsReplayFromScratch() {
    List<Manifest> ms = commits(23, 5);
    for (int v = 1; v <= ms.size(); v++) {
      Manifest latest = ms.get(v - 1);
      int s = (int) latest.snapshotVersion();
      DatasetState fromSnapshot = DatasetState.replay(ms.get(s - 1), ms.subList(s, v));
      DatasetState fromScratch = DatasetState.replay(ms.subList(0, v));
      assertSameState(fromSnapshot, fromScratch);
      assertThat(fromSnapshot.version()).isEqualTo(v);
      assertThat(fromSnapshot.shards()).hasSize(v);
      assertThat(fromSnapshot.checkpoint()).isEqualTo(latest.checkpoint());
      assertThat(v - s).isLessThan(5);
    }
  }

  static void assertSameState(DatasetState a, DatasetState b) {
    assertThat(a.version()).isEqualTo(b.version());
    assertThat(a.snapshotVersion()).isEqualTo(b.snapshotVersion());
    assertThat(a.shards()).isEqualTo(b.shards());
    assertThat(a.errorFiles()).isEqualTo(b.errorFiles());
    assertThat(a.checkpoint()).isEqualTo(b.checkpoint());
    assertThat(a.stats()).isEqualTo(b.stats());
    assertThat(a.totalRows()).isEqualTo(b.totalRows());
    assertThat(a.totalBytes()).isEqualTo(b.totalBytes());
    assertThat(a.totalErrorRecords()).isEqualTo(b.totalErrorRecords());
    assertThat(a.writerId()).isEqualTo(b.writerId());
  }

  @Test
  void cumulativeStatisticsAreThoseOfAllRows() {
    DatasetState state = DatasetState.replay(commits(12, 4));
    long[] all = new long[24];
    for (int i = 1; i <= 12; i++) {
      all[2 * (i - 1)] = i;
      all[2 * (i - 1) + 1] = i + 1;
    }
    assertThat(state.stats("word_count")).isEqualTo(FeatureStats.ofValues(all));
    assertThat(state.totalRows()).isEqualTo(24);
    assertThat(state.totalErrorRecords()).isEqualTo(6);
    assertThat(state.containsShard("data/dt=2026-11-28/part-a-7.arrow")).isTrue();
  }

  @Test
  void checkpointCarriesOverAndCanBeReplaced() {
    DatasetState state = DatasetState.replay(commits(2, 10));
    Manifest m =
        state
            .nextVersion()
            .writerId("w")
            .committedAt(T0)
            .updateCheckpoint(
                "shardId-1", ShardCheckpoint.closed(null).withParents(List.of("shardId-0")))
            .build();
    assertThat(m.checkpoint()).containsOnlyKeys("shardId-0", "shardId-1");
    assertThat(m.checkpoint().get("shardId-0")).isEqualTo(ShardCheckpoint.at("1002"));
    Manifest replaced =
        state
            .nextVersion()
            .writerId("w")
            .committedAt(T0)
            .checkpoint(Map.of("x", ShardCheckpoint.at("1")))
            .build();
    assertThat(replaced.checkpoint()).containsOnlyKeys("x");
    // A commit with no data may still move the checkpoint (all records were errors, a shard
    // closed).
    assertThat(state.apply(m).shards()).isEqualTo(state.shards());
  }

  @Test
  void versionsMustBeContiguous() {
    List<Manifest> ms = commits(4, 10);
    DatasetState v1 = DatasetState.fromSnapshot(ms.get(0));
    assertThatThrownBy(() -> v1.apply(ms.get(2)))
        .isInstanceOf(InvalidManifestException.class)
        .hasMessage("Invalid manifest sequence: expected v2 after v1, got v3");
    assertThatThrownBy(() -> v1.apply(ms.get(0)))
        .hasMessage("Invalid manifest sequence: expected v2 after v1, got v1");
    assertThatThrownBy(() -> DatasetState.fromSnapshot(ms.get(1)))
        .isInstanceOf(InvalidManifestException.class)
        .hasMessage(
            "Cannot start a replay from manifest v2: it is a delta; start from its snapshot v1");
    assertThatThrownBy(() -> DatasetState.replay(List.of()))
        .isInstanceOf(InvalidManifestException.class);
  }

  @Test
  void aShardListedTwiceIsRejected() {
    List<Manifest> ms = commits(2, 10);
    DatasetState v2 = DatasetState.replay(ms);
    ShardEntry again = ms.get(0).addedShards().get(0);
    assertThatThrownBy(() -> v2.nextVersion().writerId("w").committedAt(T0).addShard(again).build())
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessage("Cannot add shard " + again.path() + ": it is already in the dataset at v2");
    // A hand-made (or buggy) manifest that re-adds it is caught on apply.
    Manifest bad =
        ms.get(1).toBuilder()
            .version(3)
            .addedShards(List.of(again))
            .addedErrorFiles(List.of())
            .totalRows(v2.totalRows() + again.rows())
            .totalBytes(v2.totalBytes() + again.bytes())
            .stats(plus(v2.stats(), again.stats()))
            .totalErrorRecords(v2.totalErrorRecords())
            .build();
    assertThatThrownBy(() -> v2.apply(bad))
        .isInstanceOf(InvalidManifestException.class)
        .hasMessage(
            "Invalid manifest v3: it adds shard "
                + again.path()
                + ", which is already in the dataset (a shard may be listed only once)");
    // Twice in one manifest.
    assertThatThrownBy(
            () ->
                v2.nextVersion()
                    .writerId("w")
                    .committedAt(T0)
                    .addShard(shard("z", 1))
                    .addShard(shard("z", 1))
                    .build())
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessageContaining("is listed twice");
  }

  private static Map<String, FeatureStats> plus(
      Map<String, FeatureStats> a, Map<String, FeatureStats> b) {
    Map<String, FeatureStats> out = new java.util.TreeMap<>(a);
    b.forEach((k, v) -> out.merge(k, v, FeatureStats::plus));
    return out;
  }

  @Test
  void totalsAndStatisticsMustAddUp() {
    List<Manifest> ms = commits(3, 10);
    DatasetState v2 = DatasetState.replay(ms.subList(0, 2));
    Manifest v3 = ms.get(2);
    assertThatThrownBy(() -> v2.apply(v3.toBuilder().totalRows(v3.totalRows() + 1).build()))
        .isInstanceOf(InvalidManifestException.class)
        .hasMessageStartingWith("Invalid manifest v3: total rows 7, expected 6 from v2 plus");
    assertThatThrownBy(() -> v2.apply(v3.toBuilder().totalBytes(1).build()))
        .hasMessageContaining("total bytes 1");
    assertThatThrownBy(() -> v2.apply(v3.toBuilder().totalErrorRecords(9).build()))
        .hasMessageContaining("total error records 9, expected 1");
    assertThatThrownBy(
            () ->
                v2.apply(
                    v3.toBuilder().stats(Map.of("word_count", FeatureStats.ofValues(1))).build()))
        .hasMessageContaining("statistics");
  }

  @Test
  void aSnapshotMustListExactlyTheReplayedEntries() {
    List<Manifest> ms = commits(4, 3); // v4 is a snapshot
    DatasetState v3 = DatasetState.replay(ms.subList(0, 3));
    Manifest v4 = ms.get(3);
    assertThat(v4.snapshot()).isTrue();
    List<ShardEntry> missingOne = new ArrayList<>(v4.shards());
    missingOne.remove(0);
    Manifest bad = v4.toBuilder().shards(missingOne).build();
    assertThatThrownBy(() -> v3.apply(bad))
        .isInstanceOf(InvalidManifestException.class)
        .hasMessageContaining(
            "full shard list differs from the replayed one (missing [data/dt=2026-11-28/part-a-1.arrow]");
    // And a snapshot's own totals must match its lists.
    assertThatThrownBy(() -> DatasetState.fromSnapshot(bad))
        .isInstanceOf(InvalidManifestException.class)
        .hasMessageContaining("total rows");
  }

  @Test
  void aDeltaMustNameTheCurrentSnapshot() {
    List<Manifest> ms = commits(5, 3); // snapshots 1, 4
    DatasetState v4 = DatasetState.replay(ms.subList(0, 4));
    Manifest v5 = ms.get(4).toBuilder().snapshotVersion(1).build();
    assertThatThrownBy(() -> v4.apply(v5))
        .hasMessage("Invalid manifest v5: it names snapshot v1 but the latest snapshot is v4");
  }

  @Test
  void manifestInvariantsAreCheckedWhenBuilt() {
    Manifest v1 = commits(1, 10).get(0);
    assertThatThrownBy(() -> v1.toBuilder().snapshotVersion(0).version(1).shards(List.of()).build())
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessageContaining(
            "added shard data/dt=2026-11-28/part-a-1.arrow is missing from the snapshot's full list");
    assertThatThrownBy(() -> v1.toBuilder().version(2).snapshotVersion(3).build())
        .hasMessageContaining("snapshot version 3 must be in [1, 2]");
    assertThatThrownBy(() -> v1.toBuilder().version(0).build())
        .hasMessage("Invalid manifest version: 0 (must be >= 1)");
    assertThatThrownBy(() -> v1.toBuilder().writerId(null).build())
        .isInstanceOf(NullPointerException.class);
    assertThatThrownBy(() -> v1.toBuilder().formatVersion(3).build())
        .isInstanceOf(UnsupportedFormatVersionException.class);
    assertThat(v1.toBuilder().commitId(null).build().commitId()).hasSize(36); // a random UUID
    assertThatThrownBy(() -> v1.toBuilder().formatVersion(1).build())
        .hasMessageContaining("format version 1 cannot hold a commit id");
    assertThatThrownBy(() -> shard("x", 1).toBuilder().path("/abs/x.arrow").build())
        .hasMessageStartingWith("Invalid shard path: '/abs/x.arrow'");
    assertThatThrownBy(() -> shard("x", 1).toBuilder().path("data/../x.arrow").build())
        .isInstanceOf(IllegalArgumentException.class);
    assertThatThrownBy(() -> shard("x", 1).toBuilder().rows(-1).build())
        .hasMessageContaining("row count");
    assertThatThrownBy(() -> shard("x", 1, 2).toBuilder().rows(1).build())
        .hasMessageContaining("statistics over 2 values but the shard has 1 rows");
    assertThatThrownBy(() -> errors("x", 1, 1).toBuilder().records(3).build())
        .hasMessageContaining("counts per reason add up to 2 but the file has 3 records");
    assertThatThrownBy(() -> ShardCheckpoint.at(null)).isInstanceOf(NullPointerException.class);
    assertThatThrownBy(() -> ShardCheckpoint.at(" ")).isInstanceOf(IllegalArgumentException.class);
    assertThat(ShardCheckpoint.closed(null).sequenceNumber()).isNull();
  }

  @Test
  void valueTypesHaveValueEquality() {
    assertThat(shard("a", 1, 2)).isEqualTo(shard("a", 1, 2)).hasSameHashCodeAs(shard("a", 1, 2));
    assertThat(shard("a", 1, 2)).isNotEqualTo(shard("a", 1, 3));
    assertThat(shard("a", 1).toBuilder().build()).isEqualTo(shard("a", 1));
    assertThat(errors("a", 1, 2)).isEqualTo(errors("a", 1, 2)).hasSameHashCodeAs(errors("a", 1, 2));
    assertThat(ShardCheckpoint.at("1")).isEqualTo(ShardCheckpoint.of("1", false, List.of()));
    assertThat(ShardCheckpoint.at("1")).isNotEqualTo(ShardCheckpoint.closed("1"));
    List<Manifest> ms = commits(3, 2);
    assertThat(ms.get(2).toBuilder().build()).isEqualTo(ms.get(2)).hasSameHashCodeAs(ms.get(2));
    assertThat(ms.get(1)).isNotEqualTo(ms.get(2));
  }
}
