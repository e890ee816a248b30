package io.minietl.core.manifest;

import static io.minietl.core.manifest.Entries.T0;
import static org.assertj.core.api.Assertions.assertThat;

import io.minietl.core.stats.FeatureStats;
import io.minietl.core.stats.FeatureStatsAccumulator;
import java.util.ArrayList;
import java.util.List;
import net.jqwik.api.Arbitraries;
import net.jqwik.api.Arbitrary;
import net.jqwik.api.ForAll;
import net.jqwik.api.Property;
import net.jqwik.api.Provide;
import net.jqwik.api.constraints.IntRange;

/**
 * For random commit histories: replaying the latest snapshot plus its deltas (through JSON) gives
 * the same state as replaying every version from 1, and the cumulative statistics are those of all
 * rows.
 */
class DatasetStatePropertiesTest {

  /** A commit: word counts of each added shard (possibly none), and how many error records. */
  @Provide
  Arbitrary<List<List<List<Long>>>> histories() {
    Arbitrary<List<Long>> shardRows = Arbitraries.longs().between(0, 2000).list().ofMaxSize(6);
    return shardRows.list().ofMaxSize(3).list().ofMinSize(1).ofMaxSize(25);
  }

  @Property(tries = 200)
  void snapshotPlusDeltasEqualsReplayFromScratch(
      @ForAll("histories") List<List<List<Long>>> history,
      @ForAll @IntRange(min = 1, max = 6) int snapshotInterval) {
    List<Manifest> committed = new ArrayList<>();
    DatasetState state = DatasetState.empty();
    FeatureStatsAccumulator allRows = new FeatureStatsAccumulator();
    int shardNo = 0;
    for (List<List<Long>> commit : history) {
      DatasetState.NextVersion next =
          state
              .nextVersion()
              .writerId("w")
              .committedAt(T0.plusSeconds(committed.size()))
              .snapshotInterval(snapshotInterval)
              .updateCheckpoint(
                  "shardId-" + (committed.size() % 3),
                  ShardCheckpoint.at(Integer.toString(committed.size())));
      for (List<Long> rows : commit) {
        next.addShard(
            Entries.shard("p" + shardNo++, rows.stream().mapToLong(Long::longValue).toArray()));
        rows.forEach(allRows::add);
      }
      if (commit.size() == 2) {
        next.addErrorFile(Entries.errors("p" + shardNo, 1, 2));
      }
      Manifest m = next.build();
      // What readers get is what was written: go through the JSON.
      Manifest stored = ManifestParser.fromJson(ManifestParser.toJsonBytes(m));
      assertThat(stored).isEqualTo(m);
      state = state.apply(stored);
      committed.add(stored);
    }

    Manifest latest = committed.get(committed.size() - 1);
    int s = (int) latest.snapshotVersion();
    assertThat(latest.version() - s).isLessThan(snapshotInterval);
    DatasetState opened =
        DatasetState.replay(committed.get(s - 1), committed.subList(s, committed.size()));
    DatasetStateTest.assertSameState(opened, DatasetState.replay(committed));
    DatasetStateTest.assertSameState(opened, state);
    assertThat(opened.stats("word_count")).isEqualTo(allRows.snapshot());
    assertThat(latest.stats().getOrDefault("word_count", FeatureStats.empty()))
        .isEqualTo(allRows.snapshot());
    assertThat(opened.totalRows()).isEqualTo(allRows.count());
    assertThat(opened.shards().stream().mapToLong(ShardEntry::rows).sum())
        .isEqualTo(allRows.count());
  }
}
