package io.minietl.core.manifest;

import static io.minietl.core.manifest.Entries.T0;
import static io.minietl.core.manifest.Entries.shard;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.minietl.core.storage.InMemoryObjectStore;
import io.minietl.core.storage.ObjectInfo;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;

class ManifestLogTest {
  private final InMemoryObjectStore store = new InMemoryObjectStore();
  private final ManifestLog log = new ManifestLog(store);

  private Manifest next(DatasetState state, String writer, int i) {
    return state
        .nextVersion()
        .writerId(writer)
        .committedAt(T0.plusSeconds(i))
        .snapshotInterval(4)
        .addShard(shard(writer + "-" + i, i, i + 2))
        .updateCheckpoint("shardId-0", ShardCheckpoint.at(Integer.toString(1000 + i)))
        .build();
  }

  /** Commits {@code n} versions; returns the manifests. */
  private List<Manifest> commit(int n) {
    List<Manifest> all = new ArrayList<>();
    DatasetState state = log.load();
    for (int i = 1; i <= n; i++) {
      Manifest m = next(state, "w", i);
      assertThat(log.commit(m)).isEqualTo(ManifestLog.Outcome.COMMITTED);
      state = state.apply(m);
      all.add(m);
    }
    return all;
  }

  @Test
  void anEmptyStoreIsTheEmptyDataset() {
    assertThat(log.load().version()).isZero();
    assertThat(log.load().shards()).isEmpty();
  }

  @Test
  void loadingTheLatestEqualsReplayingEveryVersion() {
    List<Manifest> all = commit(11);

    DatasetState loaded = log.load();

    assertThat(loaded.version()).isEqualTo(11);
    DatasetState replayed = DatasetState.replay(all);
    assertThat(loaded.shards()).isEqualTo(replayed.shards());
    assertThat(loaded.stats()).isEqualTo(replayed.stats());
    assertThat(loaded.checkpoint()).isEqualTo(replayed.checkpoint());
  }

  @Test
  void aPinnedVersionLoadsThatVersion() {
    commit(9);

    DatasetState v6 = log.load(6);

    assertThat(v6.version()).isEqualTo(6);
    assertThat(v6.shards()).hasSize(6);
    assertThatThrownBy(() -> log.load(10)).hasMessageContaining("Invalid version 10");
  }

  @Test
  void openingReadsTheHintedSnapshotAndItsDeltasOnly() {
    commit(10); // snapshots at 1, 5, 9 with interval 4
    assertThat(new String(store.bytes(ManifestLog.SNAPSHOT_HINT_KEY), StandardCharsets.US_ASCII))
        .isEqualTo("9");
    // With the hint, the LIST starts at v9: older versions could even be gone.
    for (long v = 1; v < 9; v++) {
      store.delete(ManifestPaths.manifestKey(v));
    }
    assertThat(log.load().version()).isEqualTo(10);
  }

  @Test
  void aStaleOrDamagedHintOnlyCostsALongerList() {
    commit(6);
    store.put(ManifestLog.SNAPSHOT_HINT_KEY, "1".getBytes(StandardCharsets.US_ASCII));
    assertThat(log.load().version()).isEqualTo(6);
    store.put(ManifestLog.SNAPSHOT_HINT_KEY, "garbage".getBytes(StandardCharsets.US_ASCII));
    assertThat(log.load().version()).isEqualTo(6);
  }

  @Test
  void theSecondWriterOfAVersionGetsAConflictAndCatchesUpByRefresh() {
    DatasetState base = log.load();
    Manifest mine = next(base, "a", 1);
    Manifest theirs = next(base, "b", 1);

    assertThat(log.commit(theirs)).isEqualTo(ManifestLog.Outcome.COMMITTED);
    assertThat(log.commit(mine)).isEqualTo(ManifestLog.Outcome.CONFLICT);

    DatasetState refreshed = log.refresh(base);
    assertThat(refreshed.version()).isEqualTo(1);
    assertThat(refreshed.writerId()).isEqualTo("b");
  }

  @Test
  void anUnknownOutcomeIsResolvedByReadingTheVersionBack() {
    // Every 2nd conditional create answers UNKNOWN, alternately applied and not applied.
    InMemoryObjectStore flaky = new InMemoryObjectStore().unknownEveryNthConditionalPut(2);
    ManifestLog flakyLog = new ManifestLog(flaky);
    DatasetState state = flakyLog.load();
    for (int i = 1; i <= 8; i++) {
      Manifest m = next(state, "w", i);
      assertThat(flakyLog.commit(m)).isEqualTo(ManifestLog.Outcome.COMMITTED);
      state = state.apply(m);
    }
    assertThat(flaky.injectedFailures.get()).isPositive();
    assertThat(flakyLog.load().version()).isEqualTo(8);
    List<ObjectInfo> manifests = flaky.list(ManifestPaths.MANIFEST_DIR + "v", null);
    assertThat(manifests).hasSize(8);
  }
}
