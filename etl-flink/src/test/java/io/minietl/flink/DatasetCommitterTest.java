package io.minietl.flink;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.minietl.core.manifest.DatasetState;
import io.minietl.core.manifest.Manifest;
import io.minietl.core.manifest.ManifestLog;
import io.minietl.core.manifest.ManifestParser;
import io.minietl.core.manifest.ManifestPaths;
import io.minietl.core.manifest.ShardCheckpoint;
import io.minietl.core.manifest.ShardEntry;
import io.minietl.core.manifest.StreamIdentity;
import io.minietl.core.stats.FeatureStats;
import io.minietl.core.storage.ForwardingObjectStore;
import io.minietl.core.storage.InMemoryObjectStore;
import io.minietl.core.storage.ObjectStore;
import java.nio.charset.StandardCharsets;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.time.ZoneOffset;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import org.apache.flink.api.connector.sink2.Committer;
import org.apache.flink.runtime.execution.SuppressRestartsException;
import org.junit.jupiter.api.Test;

/**
 * What the committer writes in each version: the stream identity and one commit id per committable,
 * kept over the retries after a lost race (as the runner's). And the commit deadline for
 * committables restored from Flink state (an old checkpoint or savepoint): past it, the committer
 * copies their files to new names before a manifest lists them, so gc cannot have deleted (or
 * delete) what the manifest lists; a file already gone stops the job with a clear line. On an
 * in-memory store with a fixed clock.
 */
class DatasetCommitterTest {
  private static final Instant NOW = Instant.parse("2026-12-02T12:00:00Z");
  private static final String OLD_KEY = "data/dt=2026-12-02/part-0000000000001-old-000001.arrow";
  private static final byte[] BYTES = "arrow bytes".getBytes(StandardCharsets.UTF_8);

  private static final StreamIdentity STREAM =
      StreamIdentity.of(
          "arn:aws:kinesis:us-east-1:000000000000:stream/articles",
          Instant.parse("2026-11-30T08:15:00Z"));

  private final InMemoryObjectStore store = new InMemoryObjectStore();
  private final FlinkJobOptions options =
      FlinkJobOptions.builder()
          .writerId("flink-test")
          .commitDeadline(Duration.ofMinutes(5))
          .build();

  @Test
  void everyVersionNamesTheStreamAndCarriesACommitIdOfItsOwn() {
    store.put(OLD_KEY, BYTES);
    commit(committable(NOW.minus(Duration.ofMinutes(1))));
    commit(
        new DatasetCommittable(List.of(), List.of(), Map.of("s1", ShardCheckpoint.at("200")), NOW));

    ManifestLog log = new ManifestLog(store);
    Manifest v1 = log.read(1).orElseThrow();
    Manifest v2 = log.read(2).orElseThrow();
    assertThat(v1.stream())
        .isEqualTo(
            StreamIdentity.of(
                "arn:aws:kinesis:us-east-1:000000000000:stream/articles",
                Instant.parse("2026-11-30T08:15:00Z")));
    assertThat(v2.stream()).isEqualTo(v1.stream());
    assertThat(log.load().stream()).isEqualTo(v1.stream());
    assertThat(List.of(v1.writerId(), v2.writerId())).containsOnly("flink-test");
    assertThat(UUID.fromString(v1.commitId())).isNotEqualTo(UUID.fromString(v2.commitId()));
  }

  @Test
  void aCommitRebuiltAfterALostRaceKeepsItsCommitId() {
    store.put(OLD_KEY, BYTES);
    RacingStore racing = new RacingStore(store);

    new DatasetCommitter(
            options,
            racing,
            () -> STREAM,
            () -> {},
            Clock.fixed(NOW, ZoneOffset.UTC),
            new org.apache.flink.metrics.groups.UnregisteredMetricsGroup())
        .commit(List.of(new FakeRequest(committable(NOW))));

    // Our v1 lost to the runner's; the same commit went in as v2, under the same id.
    assertThat(racing.attempts).extracting(Manifest::version).containsExactly(1L, 2L);
    Manifest lost = racing.attempts.get(0);
    Manifest won = new ManifestLog(store).read(2).orElseThrow();
    assertThat(won.writerId()).isEqualTo("flink-test");
    assertThat(won.commitId()).isEqualTo(lost.commitId());
    assertThat(new ManifestLog(store).read(1).orElseThrow().writerId()).isEqualTo("runner-x");
    assertThat(won.stream()).isEqualTo(STREAM);
    assertThat(won.addedShards()).extracting(ShardEntry::path).containsExactly(OLD_KEY);
  }

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
            () -> STREAM,
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

  /**
   * A store where another writer ("runner-x", on a shard the committable does not cover) creates
   * manifest v1 just before the committer's first create of it; records each manifest create the
   * committer sends.
   */
  private static final class RacingStore extends ForwardingObjectStore {
    final List<Manifest> attempts = new ArrayList<>();

    RacingStore(ObjectStore delegate) {
      super(delegate);
    }

    @Override
    public PutResult putIfAbsent(String key, byte[] bytes) {
      if (key.startsWith(ManifestPaths.MANIFEST_DIR)
          && ManifestPaths.parseManifestVersion(key).isPresent()) {
        attempts.add(ManifestParser.fromJson(bytes));
        if (key.equals(ManifestPaths.manifestKey(1))) {
          Manifest theirs =
              DatasetState.empty().nextVersion().writerId("runner-x").stream(STREAM)
                  .committedAt(NOW)
                  .updateCheckpoint("s2", ShardCheckpoint.at("7"))
                  .build();
          assertThat(new ManifestLog(delegate).commit(theirs))
              .isEqualTo(ManifestLog.Outcome.COMMITTED);
        }
      }
      return delegate.putIfAbsent(key, bytes);
    }

    @Override
    public void delete(String key) {
      delegate.delete(key);
    }
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
