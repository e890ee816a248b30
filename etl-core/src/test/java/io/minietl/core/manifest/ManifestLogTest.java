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

  /** A log whose pauses are recorded instead of slept, and whose clock the test moves. */
  private static final class RecordingSleeper implements ManifestLog.Sleeper {
    final List<java.time.Duration> pauses = new ArrayList<>();
    java.time.Instant now = T0;

    @Override
    public void sleep(java.time.Duration duration) {
      pauses.add(duration);
      now = now.plus(duration);
    }

    java.time.Clock clock() {
      RecordingSleeper self = this;
      return new java.time.Clock() {
        @Override
        public java.time.ZoneId getZone() {
          return java.time.ZoneOffset.UTC;
        }

        @Override
        public java.time.Clock withZone(java.time.ZoneId zone) {
          return this;
        }

        @Override
        public java.time.Instant instant() {
          return self.now;
        }
      };
    }
  }

  private static ManifestLog logWith(InMemoryObjectStore store, RecordingSleeper sleeper) {
    return new ManifestLog(
        store,
        java.time.Duration.ofMillis(100),
        java.time.Duration.ofMillis(400),
        sleeper,
        sleeper.clock());
  }

  @Test
  void aCreateAppliedAfterItsUnknownOutcomeIsRecognisedAsOurs() {
    // Attempt 1 times out (UNKNOWN) and is not there when read back; the retry then meets it as
    // "already exists". Before commit ids, this was a CONFLICT and the runner fenced itself.
    InMemoryObjectStore late = new InMemoryObjectStore().applyLateAfterUnknown(1);
    RecordingSleeper sleeper = new RecordingSleeper();
    ManifestLog lateLog = logWith(late, sleeper);
    Manifest mine = next(lateLog.load(), "a", 1);

    assertThat(lateLog.commit(mine)).isEqualTo(ManifestLog.Outcome.COMMITTED);

    assertThat(late.injectedFailures.get()).isEqualTo(1);
    assertThat(lateLog.load().version()).isEqualTo(1);
    assertThat(lateLog.read(1).orElseThrow()).isEqualTo(mine);
    assertThat(sleeper.pauses).as("one pause before the retry").hasSize(1);
  }

  @Test
  void ownCommitIsRecognisedByWriterAndCommitIdNotOnlyByBytes() {
    // The same logical commit rebuilt (say with a later commit time) keeps its commit id.
    InMemoryObjectStore late = new InMemoryObjectStore().applyLateAfterUnknown(1);
    ManifestLog lateLog = logWith(late, new RecordingSleeper());
    DatasetState base = lateLog.load();
    Manifest first = next(base, "a", 1).toBuilder().commitId("c-1").build();
    Manifest rebuilt = first.toBuilder().committedAt(T0.plusSeconds(30)).build();
    Manifest otherCommitOfSameWriter = first.toBuilder().commitId("c-2").build();

    assertThatThrownBy(() -> lateLog.commit(first, T0))
        .isInstanceOf(CommitStateUnknownException.class)
        .hasMessageContaining("commit deadline");
    // The held create lands now (the read back above triggered it): v1 is ours.
    assertThat(lateLog.commit(rebuilt)).isEqualTo(ManifestLog.Outcome.COMMITTED);
    assertThat(lateLog.commit(otherCommitOfSameWriter)).isEqualTo(ManifestLog.Outcome.CONFLICT);
    Manifest someoneElse = first.toBuilder().writerId("b").build();
    assertThat(lateLog.commit(someoneElse)).isEqualTo(ManifestLog.Outcome.CONFLICT);
    assertThat(ManifestLog.isOwnCommit(lateLog.read(1).orElseThrow(), rebuilt)).isTrue();
  }

  @Test
  void retriesOfAnUnknownOutcomeBackOffExponentiallyWithJitter() {
    // Five conditional creates in a row answer UNKNOWN and are lost: five rounds.
    InMemoryObjectStore late = new InMemoryObjectStore().loseNextConditionalPuts(5);
    RecordingSleeper sleeper = new RecordingSleeper();
    ManifestLog lateLog = logWith(late, sleeper);
    Manifest mine = next(lateLog.load(), "a", 1);

    assertThat(lateLog.commit(mine)).isEqualTo(ManifestLog.Outcome.COMMITTED);

    // Backoffs 100, 200, 400, 400, 400 ms (capped), each paused for between half and all of it.
    long[] backoffs = {100, 200, 400, 400, 400};
    assertThat(sleeper.pauses).hasSize(5);
    for (int i = 0; i < backoffs.length; i++) {
      assertThat(sleeper.pauses.get(i).toMillis())
          .as("pause %d", i)
          .isBetween(backoffs[i] / 2, backoffs[i]);
    }
  }

  @Test
  void noRetryIsSentAfterTheDeadline() {
    InMemoryObjectStore late = new InMemoryObjectStore().loseNextConditionalPuts(100);
    RecordingSleeper sleeper = new RecordingSleeper();
    ManifestLog lateLog = logWith(late, sleeper);
    Manifest mine = next(lateLog.load(), "a", 1);

    assertThatThrownBy(() -> lateLog.commit(mine, T0.plusMillis(500)))
        .isInstanceOf(CommitStateUnknownException.class)
        .hasMessageContaining(ManifestPaths.manifestKey(1))
        .hasMessageContaining("the commit deadline 2026-11-28T14:00:00.500Z has passed");
    // Pauses of at least 50, 100, 200, 200 ms: at most 6 attempts before 500 ms.
    assertThat(late.injectedFailures.get()).isBetween(2, 6);
    assertThat(sleeper.now).isAfterOrEqualTo(T0.plusMillis(500));
  }
}
