package io.minietl.flink;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.minietl.core.manifest.DatasetState;
import io.minietl.core.manifest.ManifestLog;
import io.minietl.core.manifest.ShardCheckpoint;
import io.minietl.core.manifest.ShardEntry;
import io.minietl.core.stats.FeatureStats;
import io.minietl.core.storage.InMemoryObjectStore;
import java.nio.charset.StandardCharsets;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.time.ZoneOffset;
import java.util.List;
import java.util.Map;
import org.apache.flink.api.connector.sink2.Committer;
import org.apache.flink.runtime.execution.SuppressRestartsException;
import org.junit.jupiter.api.Test;

/**
 * The commit deadline for committables restored from Flink state (an old checkpoint or savepoint):
 * past it, the committer copies their files to new names before a manifest lists them, so gc cannot
 * have deleted (or delete) what the manifest lists; a file already gone stops the job with a clear
 * line. On an in-memory store with a fixed clock.
 */
class DatasetCommitterTest {
  private static final Instant NOW = Instant.parse("2026-12-02T12:00:00Z");
  private static final String OLD_KEY = "data/dt=2026-12-02/part-0000000000001-old-000001.arrow";
  private static final byte[] BYTES = "arrow bytes".getBytes(StandardCharsets.UTF_8);

  private final InMemoryObjectStore store = new InMemoryObjectStore();
  private final FlinkJobOptions options =
      FlinkJobOptions.builder()
          .writerId("flink-test")
          .commitDeadline(Duration.ofMinutes(5))
          .build();

  @Test
  void aCommittableWithinTheDeadlineIsCommittedWithItsOwnFiles() {
    store.put(OLD_KEY, BYTES);

    commit(committable(NOW.minus(Duration.ofMinutes(4))));

    DatasetState s = new ManifestLog(store).load();
    assertThat(s.version()).isEqualTo(1);
    assertThat(s.shards()).extracting(ShardEntry::path).containsExactly(OLD_KEY);
  }

  @Test
  void oneUploadedLongerAgoIsCopiedToNewNamesFirstAndItsReplayIsANoOp() {
    store.put(OLD_KEY, BYTES);
    DatasetCommittable restored = committable(NOW.minus(Duration.ofMinutes(5)));

    commit(restored);

    DatasetState s = new ManifestLog(store).load();
    assertThat(s.version()).isEqualTo(1);
    String copy = s.shards().get(0).path();
    assertThat(copy).isNotEqualTo(OLD_KEY).startsWith("data/dt=2026-12-02/part-");
    assertThat(store.bytes(copy)).isEqualTo(BYTES);
    assertThat(s.checkpoint()).containsEntry("s1", ShardCheckpoint.at("100"));

    // A restore replays the committable with its old names: recognised by its positions.
    FakeRequest replay = commit(restored);
    assertThat(replay.alreadyCommitted).isTrue();
    assertThat(new ManifestLog(store).load().version()).isEqualTo(1);
  }

  @Test
  void oneWhoseFilesAreGoneStopsTheJobWithoutCommitting() {
    DatasetCommittable restored = committable(NOW.minus(Duration.ofHours(2)));

    assertThatThrownBy(() -> commit(restored))
        .isInstanceOf(SuppressRestartsException.class)
        .cause()
        .isInstanceOf(StaleCommittableException.class)
        .hasMessageStartingWith("Cannot commit a checkpoint whose files were uploaded at ")
        .hasMessageContaining(OLD_KEY + " is gone")
        .hasMessageContaining("start the job without state");
    assertThat(new ManifestLog(store).load().version()).isZero();
  }

  private FakeRequest commit(DatasetCommittable c) {
    DatasetCommitter committer =
        new DatasetCommitter(
            options,
            store,
            () -> {},
            Clock.fixed(NOW, ZoneOffset.UTC),
            new org.apache.flink.metrics.groups.UnregisteredMetricsGroup());
    FakeRequest request = new FakeRequest(c);
    committer.commit(List.of(request));
    return request;
  }

  private static DatasetCommittable committable(Instant uploadedAt) {
    ShardEntry shard =
        ShardEntry.builder()
            .path(OLD_KEY)
            .rows(3)
            .bytes(BYTES.length)
            .checksum("crc32c:0a0b0c0d")
            .compression("zstd")
            .stats(Map.of("word_count", FeatureStats.ofValues(3, 5, 7)))
            .minIngestionTime(uploadedAt)
            .maxIngestionTime(uploadedAt)
            .batchRows(List.of(3))
            .build();
    return new DatasetCommittable(
        List.of(shard), List.of(), Map.of("s1", ShardCheckpoint.at("100")), uploadedAt);
  }

  /** Flink's commit request, as the committer operator hands it. */
  private static final class FakeRequest implements Committer.CommitRequest<DatasetCommittable> {
    final DatasetCommittable committable;
    boolean alreadyCommitted;

    FakeRequest(DatasetCommittable committable) {
      this.committable = committable;
    }

    @Override
    public DatasetCommittable getCommittable() {
      return committable;
    }

    @Override
    public int getNumberOfRetries() {
      return 0;
    }

    @Override
    public void signalFailedWithKnownReason(Throwable t) {
      throw new AssertionError(t);
    }

    @Override
    public void signalFailedWithUnknownReason(Throwable t) {
      throw new AssertionError(t);
    }

    @Override
    public void retryLater() {
      throw new AssertionError("retryLater");
    }

    @Override
    public void updateAndRetryLater(DatasetCommittable committable) {
      throw new AssertionError("updateAndRetryLater");
    }

    @Override
    public void signalAlreadyCommitted() {
      alreadyCommitted = true;
    }
  }
}
