package io.minietl.ingest;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.minietl.core.manifest.Checksums;
import io.minietl.core.manifest.DatasetState;
import io.minietl.core.manifest.ManifestLog;
import io.minietl.core.manifest.ShardEntry;
import io.minietl.core.storage.InMemoryObjectStore;
import io.minietl.core.storage.ObjectInfo;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.time.Instant;
import org.junit.jupiter.api.Test;

/** gc: what it keeps, what it deletes, and what it refuses. */
class DatasetMaintenanceTest {
  private static final Instant NOW = Instant.parse("2026-12-01T12:00:00Z");
  private final InMemoryObjectStore store = new InMemoryObjectStore();

  private void file(String key, Duration age) {
    store.put(key, key.getBytes(StandardCharsets.UTF_8));
    store.lastModified(key, NOW.minus(age));
  }

  private void commitListing(String key) {
    byte[] bytes = store.bytes(key);
    ShardEntry shard =
        ShardEntry.builder()
            .path(key)
            .rows(0)
            .bytes(bytes.length)
            .checksum(Checksums.crc32c(bytes))
            .compression("zstd")
            .build();
    new ManifestLog(store)
        .commit(
            DatasetState.empty()
                .nextVersion()
                .writerId("w")
                .committedAt(NOW)
                .addShard(shard)
                .build());
  }

  @Test
  void keepsListedFilesAndYoungUnlistedOnesAndDeletesOldUnlistedOnes() {
    file("data/dt=2026-12-01/part-listed.arrow", Duration.ofDays(3));
    commitListing("data/dt=2026-12-01/part-listed.arrow");
    file("data/dt=2026-12-01/part-young.arrow", Duration.ofMinutes(59)); // a commit may list it
    file("errors/dt=2026-12-01/part-young.jsonl.gz", Duration.ofMinutes(10));
    file("data/dt=2026-12-01/part-old.arrow", Duration.ofMinutes(61));
    file("errors/dt=2026-12-01/part-old.jsonl.gz", Duration.ofDays(1));

    assertThat(DatasetMaintenance.collectGarbage(store, Duration.ofHours(1), NOW, true))
        .extracting(ObjectInfo::key)
        .containsExactly(
            "data/dt=2026-12-01/part-old.arrow", "errors/dt=2026-12-01/part-old.jsonl.gz");
    assertThat(store.keys(k -> !k.startsWith("_manifest/"))).hasSize(5); // a dry run
    DatasetMaintenance.collectGarbage(store, Duration.ofHours(1), NOW, false);

    assertThat(store.keys(k -> !k.startsWith("_manifest/")))
        .containsExactlyInAnyOrder(
            "data/dt=2026-12-01/part-listed.arrow",
            "data/dt=2026-12-01/part-young.arrow",
            "errors/dt=2026-12-01/part-young.jsonl.gz");
  }

  @Test
  void refusesAGraceBelowTheFloorWhichIsFourCommitDeadlines() {
    file("data/dt=2026-12-01/part-listed.arrow", Duration.ofDays(3));
    commitListing("data/dt=2026-12-01/part-listed.arrow");
    file("data/dt=2026-12-01/part-old.arrow", Duration.ofMinutes(30));

    assertThatThrownBy(() -> DatasetMaintenance.collectGarbage(store, Duration.ZERO, NOW, false))
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessage(
            "Invalid grace period 0s: it must be at least 1h, so that no upload a runner may still"
                + " commit is deleted");
    assertThatThrownBy(
            () -> DatasetMaintenance.collectGarbage(store, Duration.ofMinutes(59), NOW, false))
        .hasMessageStartingWith("Invalid grace period 59m:");
    assertThat(store.keys(k -> k.startsWith("data/"))).hasSize(2);
    assertThat(DatasetMaintenance.MINIMUM_GRACE)
        .isEqualTo(IngestOptions.MAX_COMMIT_DEADLINE.multipliedBy(4));
    // Tests (only) lower the floor.
    assertThat(DatasetMaintenance.collectGarbage(store, Duration.ZERO, Duration.ZERO, NOW, false))
        .hasSize(1);
  }

  @Test
  void refusesAPrefixWithoutAManifestAndDeletesNothing() {
    file("data/dt=2026-12-01/part-a.arrow", Duration.ofDays(30));
    file("errors/dt=2026-12-01/part-a.jsonl.gz", Duration.ofDays(30));

    assertThatThrownBy(
            () -> DatasetMaintenance.collectGarbage(store, Duration.ofDays(1), NOW, false))
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessage(
            "Cannot collect garbage in memory://dataset: it has no manifest (_manifest/ is"
                + " empty). Check the dataset location: gc only deletes inside a dataset");
    assertThat(store.keys(k -> true)).hasSize(2);
  }
}
