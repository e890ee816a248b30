package io.minietl.core.storage;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.tuple;

import io.minietl.core.manifest.DatasetState;
import io.minietl.core.manifest.Manifest;
import io.minietl.core.manifest.ManifestLog;
import io.minietl.core.manifest.ShardCheckpoint;
import io.minietl.core.manifest.ShardEntry;
import io.minietl.core.stats.FeatureStats;
import io.minietl.core.storage.ObjectStore.PutResult;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Instant;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * What every {@link ObjectStore} promises, and the commit protocol on top of it: one set of tests
 * that each implementation's test class runs by extending this one ({@code S3ObjectStoreIT} against
 * s3proxy, {@code LocalObjectStoreTest} on a temporary directory, {@code InMemoryObjectStoreTest}).
 * A store's own quirks (S3 paging, file names) are tested beside it, not here.
 */
public abstract class ObjectStoreContract {
  /** A new, empty store for one test; every call returns a store over a different root. */
  protected abstract ObjectStore newStore();

  /**
   * A second store over the same root as {@code store}, as another process would open it (for S3 a
   * new store on the same bucket and prefix; on disk a new instance on the same directory).
   */
  protected abstract ObjectStore sameRoot(ObjectStore store);

  @TempDir Path contractTemp;

  @Test
  void putGetListAndDeleteWorkOnKeysRelativeToTheRoot() throws Exception {
    ObjectStore store = newStore();
    store.put("data/dt=2026-11-28/part-1.arrow", bytes("one"));
    Path file = contractTemp.resolve("f");
    byte[] large = new byte[3 * 1024 * 1024 + 17];
    for (int i = 0; i < large.length; i++) {
      large[i] = (byte) (i * 31 + 7);
    }
    Files.write(file, large);
    store.put("data/dt=2026-11-29/part-2.arrow", file);

    assertThat(store.get("data/dt=2026-11-28/part-1.arrow")).hasValue(bytes("one"));
    assertThat(store.get("data/dt=2026-11-29/part-2.arrow")).hasValue(large);
    assertThat(store.get("data/dt=2026-11-28/part-3.arrow")).isEmpty();
    assertThat(store.get("nothing/here")).isEmpty();
    assertThat(store.list("data/", null))
        .extracting(ObjectInfo::key, ObjectInfo::size)
        .containsExactly(
            tuple("data/dt=2026-11-28/part-1.arrow", 3L),
            tuple("data/dt=2026-11-29/part-2.arrow", (long) large.length));
    assertThat(store.list("data/", null)).allSatisfy(o -> assertThat(o.lastModified()).isNotNull());

    store.delete("data/dt=2026-11-28/part-1.arrow");
    store.delete("data/dt=2026-11-28/part-1.arrow"); // deleting what is not there is no error
    store.delete("never/was");
    assertThat(store.get("data/dt=2026-11-28/part-1.arrow")).isEmpty();
    assertThat(store.list("", null))
        .extracting(ObjectInfo::key)
        .containsExactly("data/dt=2026-11-29/part-2.arrow");
  }

  @Test
  void putReplacesWhatIsThere() {
    ObjectStore store = newStore();
    store.put("_manifest/_last-snapshot", bytes("10"));
    store.put("_manifest/_last-snapshot", bytes("20"));
    assertThat(store.get("_manifest/_last-snapshot")).hasValue(bytes("20"));
    assertThat(store.list("_manifest/", null)).hasSize(1);
  }

  @Test
  void listFiltersByAnyKeyPrefixInKeyOrderAndStartsAfterTheGivenKey() {
    ObjectStore store = newStore();
    List<String> manifests = new ArrayList<>();
    for (int i = 0; i < 25; i++) {
      String key = String.format("_manifest/v%05d.json", i);
      manifests.add(key);
    }
    // Written out of order: the listing sorts.
    for (int i = manifests.size() - 1; i >= 0; i--) {
      store.put(manifests.get(i), bytes("m" + i));
    }
    store.put("_manifest/_last-snapshot", bytes("0"));
    store.put("data/dt=2026-11-28/part-a.arrow", bytes("a"));
    store.put("data/dt=2026-11-28/part-b.arrow", bytes("b"));
    store.put("data/dt=2026-12-01/part-c.arrow", bytes("c"));
    store.put("errors/dt=2026-11-28/part-a.jsonl.gz", bytes("e"));

    assertThat(store.list("_manifest/v", null))
        .extracting(ObjectInfo::key)
        .containsExactlyElementsOf(manifests);
    assertThat(store.list("_manifest/", null))
        .extracting(ObjectInfo::key)
        .startsWith("_manifest/_last-snapshot", "_manifest/v00000.json")
        .hasSize(26);
    assertThat(store.list("_manifest/", "_manifest/v00019.json"))
        .extracting(ObjectInfo::key)
        .containsExactlyElementsOf(manifests.subList(20, 25));
    assertThat(store.list("_manifest/v0001", null)).hasSize(10);
    assertThat(store.list("data/dt=2026-11", null))
        .extracting(ObjectInfo::key)
        .containsExactly("data/dt=2026-11-28/part-a.arrow", "data/dt=2026-11-28/part-b.arrow");
    assertThat(store.list("data/dt=2026-11-28/part-b", null))
        .extracting(ObjectInfo::key)
        .containsExactly("data/dt=2026-11-28/part-b.arrow");
    assertThat(store.list("data", null)).hasSize(3);
    assertThat(store.list("dat/", null)).isEmpty();
    assertThat(store.list("", null)).hasSize(30);
    assertThat(store.list("", "data/dt=2026-12-01/part-c.arrow"))
        .extracting(ObjectInfo::key)
        .containsExactly("errors/dt=2026-11-28/part-a.jsonl.gz");
  }

  @Test
  void getRangeReadsThePartThatExists() {
    ObjectStore store = newStore();
    store.put("k", bytes("0123456789"));

    assertThat(store.getRange("k", 2, 3)).hasValue(bytes("234"));
    assertThat(store.getRange("k", 7, 100)).hasValue(bytes("789"));
    assertThat(store.getRange("k", 0, 10)).hasValue(bytes("0123456789"));
    assertThat(store.getRange("k", 10, 5)).hasValue(new byte[0]);
    assertThat(store.getRange("k", 3, 0)).hasValue(new byte[0]);
    assertThat(store.getRange("missing", 0, 5)).isEmpty();
  }

  @Test
  void putIfAbsentCreatesOnceThenReportsAlreadyExistsAndKeepsTheContent() {
    ObjectStore store = newStore();

    assertThat(store.putIfAbsent("_manifest/v1.json", bytes("first"))).isEqualTo(PutResult.CREATED);
    assertThat(store.putIfAbsent("_manifest/v1.json", bytes("second")))
        .isEqualTo(PutResult.ALREADY_EXISTS);
    assertThat(store.putIfAbsent("_manifest/v1.json", bytes("first")))
        .isEqualTo(PutResult.ALREADY_EXISTS);
    assertThat(sameRoot(store).putIfAbsent("_manifest/v1.json", bytes("third")))
        .isEqualTo(PutResult.ALREADY_EXISTS);
    assertThat(store.get("_manifest/v1.json")).hasValue(bytes("first"));
    assertThat(store.list("_manifest/", null))
        .extracting(ObjectInfo::key, ObjectInfo::size)
        .containsExactly(tuple("_manifest/v1.json", 5L));
  }

  @Test
  void ofEightConcurrentPutIfAbsentOnOneKeyExactlyOneCreates() throws Exception {
    ObjectStore first = newStore();
    ExecutorService pool = Executors.newFixedThreadPool(8);
    try {
      for (int round = 0; round < 10; round++) {
        String key = "_manifest/v" + round + ".json";
        CountDownLatch start = new CountDownLatch(1);
        List<Future<PutResult>> results = new ArrayList<>();
        for (int t = 0; t < 8; t++) {
          byte[] content = bytes("writer-" + t);
          // Half the writers through their own store instance, as separate processes would be.
          ObjectStore store = t % 2 == 0 ? first : sameRoot(first);
          results.add(
              pool.submit(
                  () -> {
                    start.await();
                    return store.putIfAbsent(key, content);
                  }));
        }
        start.countDown();
        List<PutResult> outcomes = new ArrayList<>();
        int winner = -1;
        for (int t = 0; t < 8; t++) {
          PutResult r = results.get(t).get(60, TimeUnit.SECONDS);
          outcomes.add(r);
          if (r == PutResult.CREATED) {
            winner = t;
          }
        }
        assertThat(outcomes)
            .as("round %d", round)
            .containsOnlyOnce(PutResult.CREATED)
            .doesNotContain(PutResult.UNKNOWN);
        assertThat(new String(first.get(key).orElseThrow(), StandardCharsets.UTF_8))
            .isEqualTo("writer-" + winner);
      }
      assertThat(first.list("_manifest/", null)).hasSize(10);
    } finally {
      pool.shutdownNow();
    }
  }

  /**
   * The commit protocol itself: four writers race to commit five shards each through {@link
   * ManifestLog}, each retrying on conflict from the state it refreshed. Every version is won by
   * exactly one writer, no shard is lost or doubled, and the loaded state equals the replay.
   */
  @Test
  void racingWritersCommitEveryShardExactlyOnceInContiguousVersions() throws Exception {
    ObjectStore root = newStore();
    int writers = 4;
    int shardsEach = 5;
    ExecutorService pool = Executors.newFixedThreadPool(writers);
    CountDownLatch start = new CountDownLatch(1);
    try {
      List<Future<Integer>> conflicts = new ArrayList<>();
      for (int w = 0; w < writers; w++) {
        String writer = "writer-" + w;
        ObjectStore store = w == 0 ? root : sameRoot(root);
        conflicts.add(
            pool.submit(
                () -> {
                  start.await();
                  ManifestLog log = new ManifestLog(store);
                  DatasetState state = log.load();
                  int lost = 0;
                  for (int s = 0; s < shardsEach; s++) {
                    while (true) {
                      Manifest next =
                          state
                              .nextVersion()
                              .writerId(writer)
                              .committedAt(Instant.parse("2026-11-28T14:00:00Z"))
                              .snapshotInterval(4)
                              .addShard(shard(writer + "-" + s, s + 1))
                              .updateCheckpoint(
                                  "shardId-" + writer, ShardCheckpoint.at(Integer.toString(s)))
                              .build();
                      if (log.commit(next) == ManifestLog.Outcome.COMMITTED) {
                        state = state.apply(next);
                        break;
                      }
                      lost++;
                      state = log.refresh(state);
                    }
                  }
                  return lost;
                }));
      }
      start.countDown();
      for (Future<Integer> f : conflicts) {
        f.get(120, TimeUnit.SECONDS);
      }
    } finally {
      pool.shutdownNow();
    }

    DatasetState loaded = new ManifestLog(sameRoot(root)).load();
    assertThat(loaded.version()).isEqualTo(writers * shardsEach);
    Set<String> paths = new HashSet<>();
    loaded.shards().forEach(s -> assertThat(paths.add(s.path())).isTrue());
    assertThat(paths).hasSize(writers * shardsEach);
    assertThat(loaded.totalRows()).isEqualTo(writers * shardsEach);
    // word_count values 1..5 per writer: sum 15 each.
    assertThat(loaded.stats("word_count").sum()).isEqualTo(writers * 15L);
    for (int w = 0; w < writers; w++) {
      assertThat(loaded.checkpoint().get("shardId-writer-" + w))
          .isEqualTo(ShardCheckpoint.at(Integer.toString(shardsEach - 1)));
    }
    ManifestLog log = new ManifestLog(root);
    List<Manifest> all = new ArrayList<>();
    for (long v = 1; v <= loaded.version(); v++) {
      all.add(log.read(v).orElseThrow());
    }
    DatasetState replayed = DatasetState.replay(all);
    assertThat(loaded.shards()).isEqualTo(replayed.shards());
    assertThat(loaded.stats()).isEqualTo(replayed.stats());
  }

  private static ShardEntry shard(String name, long wordCount) {
    return ShardEntry.builder()
        .path("data/dt=2026-11-28/part-" + name + ".arrow")
        .rows(1)
        .bytes(1000)
        .checksum("crc32c:00000000")
        .compression("zstd")
        .stats(Map.of("word_count", FeatureStats.ofValues(wordCount)))
        .minIngestionTime(Instant.parse("2026-11-28T14:00:00Z"))
        .maxIngestionTime(Instant.parse("2026-11-28T14:00:00Z"))
        .build();
  }

  protected static byte[] bytes(String s) {
    return s.getBytes(StandardCharsets.UTF_8);
  }
}
